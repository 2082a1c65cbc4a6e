/**
 * The blocks of an event script, kept as segments: one object per written block, and one small record per run
 * of empty blocks (`{"type":"empty","count":N}`), expanded only while iterating. A script asking for ten
 * million empty blocks costs a few bytes to hold; each DevBlock of a run is created when it is pulled.
 */
import type {DevBlock, RuntimeEra} from '../model'

type Segment = {kind: 'block'; block: DevBlock} | {kind: 'run'; count: number; era: RuntimeEra; timestamp: number; step: number}

export class ScriptBlocks implements Iterable<DevBlock> {
    private segments: Segment[] = []
    /** index of the first block of each segment */
    private starts: number[] = []
    private total = 0

    /** number of blocks (runs of empty blocks counted in full) */
    get length(): number {
        return this.total
    }

    push(block: DevBlock): void {
        this.starts.push(this.total)
        this.segments.push({kind: 'block', block})
        this.total += 1
    }

    /** `count` blocks without events, the first at `timestamp`, `step` ms apart */
    pushEmpty(count: number, era: RuntimeEra, timestamp: number, step: number): void {
        this.starts.push(this.total)
        this.segments.push({kind: 'run', count, era, timestamp, step})
        this.total += count
    }

    /** the i-th block (0-based), or undefined */
    at(i: number): DevBlock | undefined {
        if (!Number.isInteger(i) || i < 0 || i >= this.total) return undefined
        let lo = 0
        let hi = this.starts.length - 1
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1
            if (this.starts[mid] <= i) lo = mid
            else hi = mid - 1
        }
        const seg = this.segments[lo]
        if (seg.kind === 'block') return seg.block
        const k = i - this.starts[lo]
        return {timestamp: seg.timestamp + k * seg.step, era: seg.era, events: [], storage: []}
    }

    *[Symbol.iterator](): Iterator<DevBlock> {
        for (const seg of this.segments) {
            if (seg.kind === 'block') {
                yield seg.block
                continue
            }
            for (let k = 0; k < seg.count; k++) yield {timestamp: seg.timestamp + k * seg.step, era: seg.era, events: [], storage: []}
        }
    }

    /** every block as an array (materialises the empty runs: for short scripts and tests) */
    toArray(): DevBlock[] {
        return [...this]
    }
}
