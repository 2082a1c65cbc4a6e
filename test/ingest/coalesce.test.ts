import {BlockBatch, blockItems, ChainBreak, chainedBatches, coalesceBatches} from '../../src/ingest/coalesce'

interface B {
    height: number
    events: unknown[]
}

/** splits of `size` blocks (each block with `eventsPerBlock` events) from 1 to `total` */
function splits(total: number, size: number, eventsPerBlock = 1): BlockBatch<B>[] {
    const out: BlockBatch<B>[] = []
    for (let from = 1; from <= total; from += size) {
        const blocks: B[] = []
        for (let h = from; h < from + size && h <= total; h++) blocks.push({height: h, events: new Array(eventsPerBlock).fill(0)})
        out.push({blocks, isHead: from + size > total})
    }
    return out
}

/** an async source yielding `list`, each split after `delayMs`; fails after `failAfter` splits when set */
async function* source(list: BlockBatch<B>[], delayMs = 0, failAfter?: number): AsyncGenerator<BlockBatch<B>> {
    for (let i = 0; i < list.length; i++) {
        if (failAfter != null && i === failAfter) throw new Error('rpc connection dropped')
        await new Promise(r => setTimeout(r, delayMs))
        yield list[i]
    }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

async function consume(src: AsyncIterable<BlockBatch<B>>, handlerMs: number): Promise<BlockBatch<B>[]> {
    const out: BlockBatch<B>[] = []
    for await (const b of src) {
        out.push(b)
        await sleep(handlerMs)
    }
    return out
}

const heights = (batches: BlockBatch<B>[]) => batches.flatMap(b => b.blocks.map(x => x.height))

describe('coalesceBatches (adaptive batching of finalized blocks)', () => {
    it('delivers every block once, in order, merging splits that queued up while the handler worked', async () => {
        const input = splits(200, 10)
        const out = await consume(coalesceBatches(source(input), {maxBlocks: 1000, maxItems: 100_000}), 20)
        expect(heights(out)).toEqual(Array.from({length: 200}, (_, i) => i + 1))
        // a slow handler gets bigger batches than the 10-block splits
        expect(out.length).toBeLessThan(input.length)
        expect(Math.max(...out.map(b => b.blocks.length))).toBeGreaterThan(10)
        // isHead is the last split's
        expect(out[out.length - 1].isHead).toBe(true)
        expect(out.slice(0, -1).every(b => !b.isHead)).toBe(true)
    })

    it('keeps batches within maxBlocks and maxItems, never cutting a split', async () => {
        const byBlocks = await consume(coalesceBatches(source(splits(300, 10)), {maxBlocks: 30, maxItems: 100_000}), 15)
        expect(heights(byBlocks)).toEqual(Array.from({length: 300}, (_, i) => i + 1))
        expect(byBlocks.every(b => b.blocks.length <= 30 && b.blocks.length % 10 === 0)).toBe(true)
        expect(byBlocks.some(b => b.blocks.length === 30)).toBe(true)

        const byItems = await consume(coalesceBatches(source(splits(300, 10, 5)), {maxBlocks: 1000, maxItems: 100}), 15)
        expect(heights(byItems)).toEqual(Array.from({length: 300}, (_, i) => i + 1))
        expect(byItems.every(b => b.blocks.reduce((n, x) => n + blockItems(x), 0) <= 100)).toBe(true)

        // a single split larger than the cap is delivered whole
        const big = await consume(coalesceBatches(source(splits(50, 25)), {maxBlocks: 10, maxItems: 100_000}), 0)
        expect(big.map(b => b.blocks.length)).toEqual([25, 25])
    })

    it('with maxBlocks 1 hands over the source splits unchanged', async () => {
        const input = splits(100, 10)
        const out = await consume(coalesceBatches(source(input), {maxBlocks: 1, maxItems: 1}), 10)
        expect(out).toEqual(input)
    })

    it('does not hold blocks back when the handler keeps up', async () => {
        const input = splits(50, 10)
        const out = await consume(coalesceBatches(source(input, 15), {maxBlocks: 1000, maxItems: 100_000}), 0)
        expect(out.map(b => b.blocks.length)).toEqual([10, 10, 10, 10, 10])
    })

    it('reads ahead only up to the queue bound', async () => {
        let pulled = 0
        async function* counting(): AsyncGenerator<BlockBatch<B>> {
            for (const s of splits(1000, 10)) {
                pulled += s.blocks.length
                yield s
            }
        }
        const it = coalesceBatches(counting(), {maxBlocks: 50, maxItems: 100_000})[Symbol.asyncIterator]()
        const first = await it.next()
        await sleep(50)
        // what was handed over, plus at most one queue (50 blocks) and the split in flight
        expect(pulled).toBeLessThanOrEqual(first.value!.blocks.length + 50 + 10)
        await it.return?.(undefined)
    })

    it('raises a source error only after every block read before it was delivered', async () => {
        const input = splits(100, 10)
        const got: number[] = []
        await expect(
            (async () => {
                for await (const b of coalesceBatches(source(input, 0, 6), {maxBlocks: 1000, maxItems: 100_000})) {
                    got.push(...b.blocks.map(x => x.height))
                    await sleep(10)
                }
            })()
        ).rejects.toThrow('rpc connection dropped')
        expect(got).toEqual(Array.from({length: 60}, (_, i) => i + 1))
    })

    it('waits for beforeError (the last batch commit) before raising a source error', async () => {
        const events: string[] = []
        let release: () => void = () => {}
        const committed = new Promise<void>(r => (release = r))
        const opts = {
            maxBlocks: 1000,
            maxItems: 100_000,
            beforeError: async () => {
                events.push('settle')
                await committed
                events.push('committed')
            },
        }
        const run = (async () => {
            for await (const b of coalesceBatches(source(splits(30, 10), 0, 2), opts)) events.push(`batch ${b.blocks[b.blocks.length - 1].height}`)
        })()
        run.catch(() => {})
        await sleep(50)
        expect(events[events.length - 1]).toBe('settle')
        release()
        await expect(run).rejects.toThrow('rpc connection dropped')
        expect(events.slice(-2)).toEqual(['settle', 'committed'])
        expect(events.filter(e => e.startsWith('batch')).pop()).toBe('batch 20')
    })

    it('propagates a handler failure without waiting for the source', async () => {
        // a source that, after two splits, waits forever (a chain head that never moves)
        async function* stalls(): AsyncGenerator<BlockBatch<B>> {
            yield* splits(20, 10)
            await new Promise(() => {})
        }
        const run = (async () => {
            for await (const _b of coalesceBatches(stalls(), {maxBlocks: 1000, maxItems: 100_000})) {
                throw new Error('handler failed')
            }
        })()
        await expect(run).rejects.toThrow('handler failed')
    })
})

describe('chainedBatches (finalized blocks must each follow the one before)', () => {
    interface H {
        header: {height: number; hash: string; parentHash: string}
    }
    /** blocks from..to; `branch` names the hashes (a fork changes it from `forkAt` on) */
    function linked(from: number, to: number, hash: (h: number) => string): H[] {
        const out: H[] = []
        for (let h = from; h <= to; h++) out.push({header: {height: h, hash: hash(h), parentHash: hash(h - 1)}})
        return out
    }
    const oldChain = (h: number) => `0xold${h}`
    const newChain = (h: number) => (h >= 15 ? `0xnew${h}` : oldChain(h))

    async function* batches(list: H[][]): AsyncGenerator<BlockBatch<H>> {
        for (const blocks of list) yield {blocks, isHead: false}
    }

    it('passes a continuous chain through unchanged', async () => {
        const list = [linked(1, 10, oldChain), linked(11, 20, oldChain)]
        const out: number[] = []
        for await (const b of chainedBatches(batches(list))) out.push(...b.blocks.map(x => x.header.height))
        expect(out).toEqual(Array.from({length: 20}, (_, i) => i + 1))
    })

    it('stops at a block whose parent is not the block before it, also across batches, after delivering the ones before', async () => {
        // 1…16 read on the old branch; then the node forked from #15 on and 17… come from the new branch
        const list = [linked(1, 8, oldChain), linked(9, 16, oldChain), linked(17, 24, newChain)]
        const seen: number[] = []
        let error: unknown
        try {
            for await (const b of coalesceBatches(chainedBatches(batches(list)), {maxBlocks: 1000, maxItems: 100_000})) {
                seen.push(...b.blocks.map(x => x.header.height))
            }
        } catch (e) {
            error = e
        }
        expect(seen).toEqual(Array.from({length: 16}, (_, i) => i + 1))
        expect(error).toBeInstanceOf(ChainBreak)
        expect((error as Error).message).toBe(
            'block #17 (0xnew17) does not follow the block #16 (0xold16) the processor took as final: ' +
                "the node's chain changed below its finalized head (a fork deeper than its finality); start the processor again to see where the chains agree"
        )
    })

    it('raises what explainBreak makes of the break', async () => {
        const list = [linked(1, 16, oldChain), linked(17, 20, newChain)]
        const explained = new Error('deep fork: explained')
        const src = coalesceBatches(chainedBatches(batches(list)), {maxBlocks: 1000, maxItems: 100_000, explainBreak: async () => explained})
        await expect(consumeAll(src)).rejects.toBe(explained)
    })
})

async function consumeAll(src: AsyncIterable<unknown>): Promise<void> {
    for await (const _ of src) {
        // read to the end
    }
}
