/**
 * The hooks into @subsquid/substrate-processor 8.x's RPC data source (written against 8.5.1). None of this
 * is public API; every access checks the shape it expects and fails loudly, at start, if an upgrade
 * changed it, rather than silently indexing without it.
 *
 * - `SubstrateBatchProcessor#getRpcDataSource()` (private): the data source the runner reads blocks from.
 *   `wrapRpcDataSource` replaces what it returns (adaptive batching, src/ingest/coalesce.ts; the lean
 *   mapping, src/ingest/lean-mapping.ts); `rpcDataSource` reads blocks from it directly (the decode
 *   thread, src/ingest/decode-thread/thread.ts, which has no runner).
 * - the data source's `getFinalizedBlocks(requests, stopOnHead)`: its finalized stream, served by our own
 *   (`replaceFinalizedBlocks`).
 * - the data source's `mapBlock(block)` (private): how it turns a raw block of @subsquid/substrate-data
 *   (`RawBlock`) into the SDK's Block/Event objects; `replaceBlockMapping` installs a leaner one.
 */
import type {SubstrateBatchProcessor} from '@subsquid/substrate-processor'
import type {Runtime} from '@subsquid/substrate-runtime'

/** a raw block header of @subsquid/substrate-data (what `mapBlock` receives) */
export interface RawHeader {
    height: number
    hash: string
    parentHash: string
    specName: string
    specVersion: number
    implName: string
    implVersion: number
    timestamp?: number
    [k: string]: unknown
}

export interface RawEvent {
    index: number
    name: string
    args: unknown
    phase?: string
    extrinsicIndex?: number
    callAddress?: number[]
}

/** the data source's raw block (@subsquid/substrate-data `Block`) */
export interface RawBlock {
    header: RawHeader
    runtime: unknown
    runtimeOfPrevBlock: unknown
    events?: RawEvent[]
}

/** a finalized batch of the data source: mapped blocks, and whether it reaches the chain head */
export interface SourceBatch<B> {
    blocks: B[]
    isHead: boolean
}

/** the data source's finalized stream */
export type FinalizedBlocks<B> = (requests: unknown, stopOnHead?: boolean) => AsyncIterable<SourceBatch<B>>

/** a block as the data source maps it: a header with the SDK's runtime (`_runtime`, as the SDK's BlockHeader) */
export interface SourceBlock {
    header: RawHeader & {id: string; _runtime: Runtime}
    events: any[]
}

export function wrapRpcDataSource<S extends object>(processor: SubstrateBatchProcessor<any>, purpose: string, wrap: (source: S) => S): void {
    const p = processor as unknown as {getRpcDataSource?: () => S}
    const original = p.getRpcDataSource
    if (typeof original !== 'function') {
        throw new Error(`@subsquid/substrate-processor has no getRpcDataSource(): ${purpose} needs 8.x (written against 8.5.1)`)
    }
    let wrapped: S | undefined
    p.getRpcDataSource = function (this: unknown) {
        return (wrapped ??= wrap(original.call(this)))
    }
}

/** the processor's RPC data source (with every wrapper installed), to read finalized blocks without a runner */
export function rpcDataSource(processor: SubstrateBatchProcessor<any>, purpose: string): {getFinalizedBlocks: FinalizedBlocks<SourceBlock>} {
    const p = processor as unknown as {getRpcDataSource?: () => {getFinalizedBlocks?: FinalizedBlocks<SourceBlock>}}
    if (typeof p.getRpcDataSource !== 'function') {
        throw new Error(`@subsquid/substrate-processor has no getRpcDataSource(): ${purpose} needs 8.x (written against 8.5.1)`)
    }
    const source = p.getRpcDataSource()
    if (typeof source.getFinalizedBlocks !== 'function') {
        throw new Error('the RPC data source has no getFinalizedBlocks(): unsupported @subsquid/substrate-processor')
    }
    return source as {getFinalizedBlocks: FinalizedBlocks<SourceBlock>}
}

/**
 * Serve the data source's finalized stream with `replace(original)`: the runner and the SDK's hot-block
 * logic are unchanged, only where finalized batches come from.
 */
export function replaceFinalizedBlocks(
    processor: SubstrateBatchProcessor<any>,
    purpose: string,
    replace: (original: FinalizedBlocks<unknown>) => FinalizedBlocks<unknown>
): void {
    wrapRpcDataSource<{getFinalizedBlocks?: FinalizedBlocks<unknown>}>(processor, purpose, ds => {
        if (typeof ds.getFinalizedBlocks !== 'function') {
            throw new Error('the RPC data source has no getFinalizedBlocks(): unsupported @subsquid/substrate-processor')
        }
        const original: FinalizedBlocks<unknown> = (requests, stopOnHead) => ds.getFinalizedBlocks!(requests, stopOnHead)
        const view = Object.create(ds) as {getFinalizedBlocks: FinalizedBlocks<unknown>}
        view.getFinalizedBlocks = replace(original)
        return view
    })
}

/** map the data source's raw blocks with `map` instead of the SDK's `mapBlock` (filtering, hot blocks and forks unchanged) */
export function replaceBlockMapping(processor: SubstrateBatchProcessor<any>, purpose: string, map: (block: RawBlock) => unknown): void {
    wrapRpcDataSource<{mapBlock?: unknown}>(processor, purpose, ds => {
        if (typeof ds.mapBlock !== 'function') {
            throw new Error('the RPC data source has no mapBlock(): unsupported @subsquid/substrate-processor')
        }
        ds.mapBlock = map
        return ds
    })
}

/**
 * `explain(error)` replaces a failure of the data source's hot-block processing (`processHotBlocks`, where the
 * SDK fails with a bare assertion when the chain forked below what it held final), before the runner sees it.
 */
export function explainHotBlockFailures(processor: SubstrateBatchProcessor<any>, purpose: string, explain: (e: unknown) => Promise<unknown>): void {
    wrapRpcDataSource<{processHotBlocks?: (...args: unknown[]) => Promise<unknown>}>(processor, purpose, ds => {
        const original = ds.processHotBlocks
        if (typeof original !== 'function') {
            throw new Error('the RPC data source has no processHotBlocks(): unsupported @subsquid/substrate-processor')
        }
        ds.processHotBlocks = async function (this: unknown, ...args: unknown[]) {
            try {
                return await original.apply(this, args)
            } catch (e) {
                throw await explain(e)
            }
        }
        return ds
    })
}
