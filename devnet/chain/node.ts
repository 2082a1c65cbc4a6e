/**
 * The devnet "node": a Chain fed from a ChainSource, with block release (all at once, step by step), finality lagging
 * the head by N blocks, and forks that replace the last k unfinalized blocks by another branch.
 */
import {EventEmitter} from 'events'
import type {DevBlock} from '../model'
import {appendNext, ChainSource, newChain} from './build'
import type {BlockRec, Chain} from './chain'
import {BlockContent, encodeBlockContent} from './content'

export type ForkMode = 'salt' | 'empty'

export interface ForkOptions {
    /** number of canonical blocks to replace (1 ..= head − finalized) */
    depth: number
    /**
     * salt (default): the same contents again with a fork salt in the digest (same events, new hashes);
     * empty: blocks with only the timestamp inherent (the replaced blocks' events are gone)
     */
    mode?: ForkMode
    /** replacement blocks (any length >= 1; overrides mode) */
    blocks?: DevBlock[]
    /** for mode 'empty': length of the new branch (default depth) */
    length?: number
}

export interface ScheduledFork extends ForkOptions {
    /** fork once the canonical head reaches this height (in step-wise release: at the next step) */
    at: number
}

export interface ForkResult {
    base: {height: number; hash: string}
    replaced: string[]
    added: string[]
    head: {height: number; hash: string}
}

export interface NodeOptions {
    /** continue a chain built beforehand (its blocks count as released) instead of starting at genesis */
    chain?: Chain
    finalityLag?: number
    forks?: ScheduledFork[]
    log?: (msg: string) => void
    /**
     * most source blocks the node takes into its chain (default DEFAULT_MAX_BLOCKS): the chain keeps every block
     * in memory (~3 KB for an empty one), so a source past this is cut there, as if it ended
     */
    maxBlocks?: number
}

/** default of NodeOptions.maxBlocks: ~3 GB of chain for empty blocks */
export const DEFAULT_MAX_BLOCKS = 1_000_000

/**
 * Events: 'block' (rec: BlockRec) for every block that becomes the new best head (also each block of a fork
 * branch, in order); 'finalized' (rec) when finality advances; 'fork' (ForkResult).
 */
export class DevnetNode extends EventEmitter {
    readonly chain: Chain
    readonly finalityLag: number
    private scheduled = new Map<number, ScheduledFork>()
    private deferred: ScheduledFork | undefined
    private salt = 0
    private log: (msg: string) => void
    readonly maxBlocks: number
    private cutLogged = false

    constructor(
        readonly source: ChainSource,
        opts: NodeOptions = {}
    ) {
        super()
        this.chain = opts.chain ?? newChain(source)
        this.finalityLag = opts.finalityLag ?? 0
        if (!(this.finalityLag >= 0)) throw new Error('finalityLag must be >= 0')
        if (opts.chain) this.chain.setFinalized(this.chain.headHeight - this.finalityLag)
        this.log = opts.log ?? (() => {})
        this.maxBlocks = opts.maxBlocks ?? DEFAULT_MAX_BLOCKS
        if (!(Number.isSafeInteger(this.maxBlocks) && this.maxBlocks >= 1)) throw new Error(`maxBlocks must be a positive integer, got ${this.maxBlocks}`)
        for (let f of opts.forks || []) {
            if (f.depth > this.finalityLag) {
                throw new Error(`fork at ${f.at} of depth ${f.depth} needs a finality lag of at least ${f.depth} (have ${this.finalityLag})`)
            }
            if (f.at < f.depth) throw new Error(`fork at ${f.at} cannot replace ${f.depth} blocks`)
            this.scheduled.set(f.at, f)
        }
    }

    get height(): number {
        return this.chain.headHeight
    }

    get exhausted(): boolean {
        return this.atLimit() || this.source.peek() === undefined
    }

    /** true when the chain holds maxBlocks blocks (the rest of the source is not taken) */
    private atLimit(): boolean {
        if (this.chain.headHeight < this.maxBlocks) return false
        if (!this.cutLogged && this.source.peek() !== undefined) {
            this.cutLogged = true
            this.log(`stopped taking source blocks at ${this.maxBlocks} (maxBlocks): the chain keeps every block in memory`)
        }
        return true
    }

    private appendFromSource(): BlockRec | undefined {
        if (this.atLimit()) return undefined
        return appendNext(this.chain, this.source)
    }

    get pendingFork(): boolean {
        return this.deferred !== undefined
    }

    private afterAppend(rec: BlockRec, immediateForks: boolean): void {
        this.emit('block', rec)
        this.updateFinality()
        let f = this.scheduled.get(rec.height)
        if (f && this.chain.isCanonical(rec)) {
            this.scheduled.delete(rec.height)
            if (immediateForks) this.fork(f)
            else this.deferred = f
        }
    }

    private updateFinality(): void {
        if (this.chain.setFinalized(this.chain.headHeight - this.finalityLag)) this.emit('finalized', this.chain.finalized)
    }

    /** one unit of step-wise progress: a deferred fork, or the next block */
    step(): 'fork' | 'block' | 'done' {
        if (this.deferred) {
            let f = this.deferred
            this.deferred = undefined
            this.fork(f)
            return 'fork'
        }
        let rec = this.appendFromSource()
        if (!rec) return 'done'
        this.afterAppend(rec, false)
        return 'block'
    }

    /** releases up to n source blocks (deferred forks run first and are not counted); returns blocks released */
    release(n = 1): number {
        let k = 0
        while (k < n) {
            let r = this.step()
            if (r === 'done') break
            if (r === 'block') k++
        }
        return k
    }

    /** releases everything (scheduled forks happen right after their height) */
    releaseAll(): number {
        let k = 0
        if (this.deferred) this.step()
        for (;;) {
            let rec = this.appendFromSource()
            if (!rec) break
            k++
            this.afterAppend(rec, true)
        }
        return k
    }

    /**
     * Appends `n` empty blocks (only the Timestamp.set inherent, `gapMs` apart) after the source is exhausted:
     * the chain goes on without mining activity, so finality (head − lag) catches up with the scenario's end and
     * clients that wait for a new head to notice finality (e.g. Subsquid's processor) see one.
     */
    appendEmpty(n = 1, gapMs = 12_000): number {
        if (!this.exhausted) throw new Error('empty blocks can only follow the last source block')
        let k = 0
        for (; k < n; k++) {
            let head = this.chain.head
            let era = this.chain.codeEra(head)
            let rec = this.chain.append(
                {era, timestamp: head.timestamp + gapMs, eventCount: 0, events: new Uint8Array(0), initCount: 0, initBytes: 0, extrinsics: [], writes: []},
                era
            )
            this.afterAppend(rec, false)
        }
        return k
    }

    /** finalizes up to `height` (default: the head), regardless of the lag */
    finalize(height = this.chain.headHeight): boolean {
        if (this.chain.setFinalized(height)) {
            this.emit('finalized', this.chain.finalized)
            return true
        }
        return false
    }

    fork(opts: ForkOptions): ForkResult {
        let chain = this.chain
        let depth = opts.depth
        if (!Number.isInteger(depth) || depth < 1) throw new Error(`fork depth must be a positive integer, got ${depth}`)
        let unfinalized = chain.headHeight - chain.finalizedHeight
        if (depth > unfinalized) {
            throw new Error(`cannot fork ${depth} blocks: only ${unfinalized} unfinalized (head ${chain.headHeight}, finalized ${chain.finalizedHeight})`)
        }
        let baseHeight = chain.headHeight - depth
        let replaced: BlockRec[] = []
        for (let h = baseHeight + 1; h <= chain.headHeight; h++) replaced.push(chain.byNumber(h)!)
        let contents: BlockContent[]
        if (opts.blocks) {
            if (opts.blocks.length === 0) throw new Error('fork blocks must not be empty')
            contents = opts.blocks.map((b, i) => {
                try {
                    return encodeBlockContent(b, chain.runtimes)
                } catch (e: any) {
                    throw new Error(`fork block ${i}: ${e.message}`)
                }
            })
        } else if ((opts.mode ?? 'salt') === 'salt') {
            contents = replaced.map(b => b.content)
        } else if (opts.mode === 'empty') {
            let length = opts.length ?? depth
            if (!Number.isInteger(length) || length < 1) throw new Error(`fork length must be a positive integer`)
            contents = []
            for (let i = 0; i < length; i++) {
                let like = replaced[Math.min(i, replaced.length - 1)]
                let ts = like.timestamp + (i >= replaced.length ? (i - replaced.length + 1) * 1000 : 0)
                contents.push({era: like.era, timestamp: ts, eventCount: 0, events: new Uint8Array(0), initCount: 0, initBytes: 0, extrinsics: [], writes: []})
            }
        } else {
            throw new Error(`unknown fork mode '${opts.mode}'`)
        }
        this.salt += 1
        let salt = this.salt
        chain.rollback(baseHeight)
        let added: BlockRec[] = []
        let nextSource = this.source.peek()
        for (let i = 0; i < contents.length; i++) {
            let next = i + 1 < contents.length ? contents[i + 1].era : nextSource ? nextSource.content.era : contents[i].era
            added.push(chain.append(contents[i], next, salt))
        }
        let base = chain.byNumber(baseHeight)!
        let result: ForkResult = {
            base: {height: baseHeight, hash: base.hashHex},
            replaced: replaced.map(b => b.hashHex),
            added: added.map(b => b.hashHex),
            head: {height: chain.headHeight, hash: chain.head.hashHex},
        }
        this.log(`fork at ${baseHeight}: replaced ${replaced.length} blocks by ${added.length} (head ${chain.headHeight} ${chain.head.hashHex})`)
        this.emit('fork', result)
        for (let rec of added) this.emit('block', rec)
        this.updateFinality()
        return result
    }
}
