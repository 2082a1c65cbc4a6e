/**
 * Adaptive batching of finalized blocks.
 *
 * Over RPC the SDK fetches finalized blocks in splits of 10 (fixed in @subsquid/substrate-data-raw) and
 * hands each split to the data handler as its own batch: one transaction, and one rewrite of every
 * entity the split touched, per 10 blocks. The handler of a mining ledger touches the same few thousand
 * entities (busy pools, their owners, the network row) in every split, so most of its database work is
 * rewriting them.
 *
 * `coalesceBatches` sits between the data source and the runner. A pump reads the source ahead into a
 * bounded queue while the handler works; each time the runner asks for the next batch it receives
 * everything queued so far (up to `maxBlocks` blocks / `maxItems` items) merged into one. Batches are
 * therefore exactly as large as the handler is slow: when it keeps up, they stay at one split; when the
 * database is the bottleneck they grow and the per-batch work is shared by more blocks. Blocks are never
 * reordered, dropped or split; a source error is raised only after every block read before it has been
 * delivered, so nothing fetched is lost. Hot (unfinalized) blocks are not touched: they keep going
 * through the SDK one block per call, with fork handling.
 */
import type {SubstrateBatchProcessor} from '@subsquid/substrate-processor'
import {replaceFinalizedBlocks, SourceKind} from '../sdk/rpc-source'
import {DEFAULT_MAX_BATCH_BLOCKS, DEFAULT_MAX_BATCH_ITEMS} from '../config'

export interface BlockBatch<B> {
    blocks: B[]
    isHead: boolean
}

export interface CoalesceOptions {
    /** most blocks in one merged batch, and in the read-ahead queue */
    maxBlocks: number
    /** most items (events + calls + extrinsics) in one merged batch, and in the queue */
    maxItems: number
    /**
     * awaited before a source error is raised (after every block read before it was delivered): the processor
     * waits there for the last batch's commit (src/store/pipelined-database.ts settle), so the error loses nothing
     */
    beforeError?: () => Promise<void>
    /** the error raised instead of a break in the chain of finalized blocks (`ChainBreak`; the processor names the deep fork) */
    explainBreak?: (e: ChainBreak) => Promise<unknown>
}

export const DEFAULT_COALESCE: CoalesceOptions = {maxBlocks: DEFAULT_MAX_BATCH_BLOCKS, maxItems: DEFAULT_MAX_BATCH_ITEMS}

/** what a block weighs in the queue: its events, calls and extrinsics (at least 1) */
export function blockItems(block: unknown): number {
    const b = block as {events?: unknown[]; calls?: unknown[]; extrinsics?: unknown[]}
    return Math.max(1, (b.events?.length ?? 0) + (b.calls?.length ?? 0) + (b.extrinsics?.length ?? 0))
}

/** ms the handler side waited for the source (an empty read-ahead queue) */
export let sourceWaitMs = 0

interface Queued<T> {
    batch: T
    items: number
}

/**
 * Read `source` ahead and yield its batches merged as described above. The queue holds at most
 * `maxBlocks` blocks and `maxItems` items beyond the batch being handled (one split may overshoot: a
 * split is never cut).
 */
export async function* coalesceBatches<T extends BlockBatch<unknown>>(
    source: AsyncIterable<T>,
    opts: CoalesceOptions,
    weigh: (block: T['blocks'][number]) => number = blockItems
): AsyncGenerator<T> {
    const it = source[Symbol.asyncIterator]()
    const queue: Queued<T>[] = []
    let queuedBlocks = 0
    let queuedItems = 0
    let finished = false
    let failure: {error: unknown} | undefined
    let stopped = false
    let wakeConsumer: (() => void) | undefined
    let wakePump: (() => void) | undefined

    const full = () => queuedBlocks >= opts.maxBlocks || queuedItems >= opts.maxItems

    const pump = (async () => {
        try {
            while (!stopped) {
                while (full() && !stopped) await new Promise<void>(r => (wakePump = r))
                if (stopped) break
                const r = await it.next()
                if (r.done) break
                let items = 0
                for (const b of r.value.blocks) items += weigh(b)
                queue.push({batch: r.value, items})
                queuedBlocks += r.value.blocks.length
                queuedItems += items
                wakeConsumer?.()
            }
        } catch (error) {
            failure = {error}
        } finally {
            finished = true
            wakeConsumer?.()
        }
    })()

    try {
        while (true) {
            if (queue.length === 0) {
                if (finished) {
                    if (failure) {
                        await opts.beforeError?.()
                        throw failure.error instanceof ChainBreak && opts.explainBreak ? await opts.explainBreak(failure.error) : failure.error
                    }
                    return
                }
                const t0 = performance.now()
                await new Promise<void>(r => (wakeConsumer = r))
                wakeConsumer = undefined
                sourceWaitMs += performance.now() - t0
                continue
            }
            // take whole splits from the front while they fit (the first one always)
            const taken: Queued<T>[] = [queue.shift()!]
            let blocks = taken[0].batch.blocks.length
            let items = taken[0].items
            while (queue.length > 0) {
                const next = queue[0]
                if (blocks + next.batch.blocks.length > opts.maxBlocks || items + next.items > opts.maxItems) break
                taken.push(queue.shift()!)
                blocks += next.batch.blocks.length
                items += next.items
            }
            queuedBlocks -= blocks
            queuedItems -= items
            wakePump?.()
            wakePump = undefined
            const last = taken[taken.length - 1].batch
            yield taken.length === 1 ? last : ({...last, blocks: taken.flatMap(q => q.batch.blocks)} as T)
        }
    } finally {
        stopped = true
        wakePump?.()
        if (!finished) {
            // the consumer stopped early (the handler failed): end the source once the pump's pending read
            // is back, without waiting for it here (at the chain head that read may wait for a new block)
            void pump.then(() => it.return?.()).catch(() => {})
        }
    }
}

/**
 * A finalized block whose parent is not the block before it in the stream: the node's chain changed below
 * what the processor took as final (a fork deeper than FINALITY_CONFIRMATION while it catches up). The SDK
 * fetches finalized blocks by height and does not compare them, so without this the index would go on
 * along the new branch on top of the old one's blocks.
 */
export class ChainBreak extends Error {
    constructor(
        readonly block: {height: number; hash: string; parentHash: string},
        readonly before: {height: number; hash: string}
    ) {
        super(
            `block #${block.height} (${block.hash}) does not follow the block #${before.height} (${before.hash}) the processor took as final: ` +
                `the node's chain changed below its finalized head (a fork deeper than its finality); start the processor again to see where the chains agree`
        )
        this.name = 'ChainBreak'
    }
}

interface Linked {
    header?: {height?: number; hash?: string; parentHash?: string}
}

/** `source`, checked: every block's parent is the block before it (across batches too), else a ChainBreak */
export async function* chainedBatches<T extends BlockBatch<unknown>>(source: AsyncIterable<T>): AsyncGenerator<T> {
    let prev: {height: number; hash: string} | undefined
    for await (const batch of source) {
        for (const b of batch.blocks) {
            const h = (b as Linked).header
            if (h?.height == null || h.hash == null || h.parentHash == null) {
                prev = undefined
                continue
            }
            if (prev && prev.height + 1 === h.height && prev.hash !== h.parentHash) {
                throw new ChainBreak({height: h.height, hash: h.hash, parentHash: h.parentHash}, prev)
            }
            prev = {height: h.height, hash: h.hash}
        }
        yield batch
    }
}

/**
 * Make `processor` hand its finalized RPC batches to the handler through `coalesceBatches`. The SDK has no
 * setting for this, so it replaces the finalized stream of the processor's RPC data source (SDK internals,
 * src/sdk/rpc-source.ts; a missing method fails loudly there rather than silently not batching).
 */
export function coalesceFinalizedBatches(
    processor: SubstrateBatchProcessor<any>,
    opts: CoalesceOptions,
    /** serves the finalized blocks instead of the SDK's source (the decode thread) */
    finalized?: (requests: unknown, stopOnHead?: boolean) => AsyncIterable<BlockBatch<unknown>>,
    /** the RPC source (default) or, with a gateway, the gateway source */
    kind: SourceKind = 'rpc'
): void {
    replaceFinalizedBlocks(
        processor,
        'adaptive batching',
        original => (requests, stopOnHead) =>
            coalesceBatches(chainedBatches(finalized ? finalized(requests, stopOnHead) : original(requests, stopOnHead)), opts),
        kind
    )
}
