/**
 * The hooks into @subsquid/substrate-processor 8.x's data sources (written against 8.5.1): the RPC source and,
 * with `setGateway`, the SQD gateway ("archive") source. None of this is public API; every access checks the
 * shape it expects and fails loudly, at start, if an upgrade changed it, rather than silently indexing without it.
 *
 * - `SubstrateBatchProcessor#getRpcDataSource()` (private): the data source the runner reads blocks from.
 *   `wrapRpcDataSource` replaces what it returns (adaptive batching, src/ingest/coalesce.ts; the lean
 *   mapping, src/ingest/lean-mapping.ts); `rpcDataSource` reads blocks from it directly (the decode
 *   thread, src/ingest/decode-thread/thread.ts, which has no runner).
 * - the data source's `getFinalizedBlocks(requests, stopOnHead)`: its finalized stream, served by our own
 *   (`replaceFinalizedBlocks`).
 * - the data source's `mapBlock(block)` (private): how it turns a raw block of @subsquid/substrate-data
 *   (`RawBlock`) into the SDK's Block/Event objects; `replaceBlockMapping` installs a leaner one.
 * - `SubstrateBatchProcessor#getArchiveDataSource()` (private, used only after `setGateway`): the same three
 *   hooks on the gateway source (`SubstrateArchive` of lib/ds-archive), whose `mapBlock` receives the
 *   gateway's JSON block (`ArchiveBlock`) with the runtimes set on its header.
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

/** a block of the gateway source as `mapBlock` receives it: the worker's JSON, the runtimes set on the header */
export interface ArchiveBlock {
    header: {
        number: number
        hash: string
        parentHash: string
        specName: string
        specVersion: number
        implName: string
        implVersion: number
        timestamp?: number
        runtime?: unknown
        runtimeOfPrevBlock?: unknown
        [k: string]: unknown
    }
    /** events with JSON args, as the worker sent them */
    events?: RawEvent[]
}

/** which of the processor's data sources */
export type SourceKind = 'rpc' | 'archive'

const GETTERS: Record<SourceKind, 'getRpcDataSource' | 'getArchiveDataSource'> = {rpc: 'getRpcDataSource', archive: 'getArchiveDataSource'}

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
    wrapDataSource('rpc', processor, purpose, wrap)
}

/** replace what the processor's `getRpcDataSource()` / `getArchiveDataSource()` returns by `wrap(original)` */
export function wrapDataSource<S extends object>(kind: SourceKind, processor: SubstrateBatchProcessor<any>, purpose: string, wrap: (source: S) => S): void {
    const getter = GETTERS[kind]
    const p = processor as unknown as Record<string, (() => S) | undefined>
    const original = p[getter]
    if (typeof original !== 'function') {
        throw new Error(`@subsquid/substrate-processor has no ${getter}(): ${purpose} needs 8.x (written against 8.5.1)`)
    }
    let wrapped: S | undefined
    p[getter] = function (this: unknown) {
        return (wrapped ??= wrap(original.call(this)))
    }
}

/** the processor's RPC data source (with every wrapper installed), to read finalized blocks without a runner */
export function rpcDataSource(processor: SubstrateBatchProcessor<any>, purpose: string): {getFinalizedBlocks: FinalizedBlocks<SourceBlock>} {
    return dataSource('rpc', processor, purpose)
}

/** the processor's data source of that kind (the archive one needs `setGateway`), to read finalized blocks without a runner */
export function dataSource(kind: SourceKind, processor: SubstrateBatchProcessor<any>, purpose: string): {getFinalizedBlocks: FinalizedBlocks<SourceBlock>} {
    const getter = GETTERS[kind]
    const p = processor as unknown as Record<string, (() => {getFinalizedBlocks?: FinalizedBlocks<SourceBlock>}) | undefined>
    if (typeof p[getter] !== 'function') {
        throw new Error(`@subsquid/substrate-processor has no ${getter}(): ${purpose} needs 8.x (written against 8.5.1)`)
    }
    if (kind === 'archive' && (processor as unknown as {archive?: unknown}).archive == null) {
        throw new Error(`${purpose}: the processor has no gateway (setGateway) to read history from`)
    }
    const source = p[getter]!.call(processor)
    if (typeof source.getFinalizedBlocks !== 'function') {
        throw new Error(`the ${kind} data source has no getFinalizedBlocks(): unsupported @subsquid/substrate-processor`)
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
    replace: (original: FinalizedBlocks<unknown>) => FinalizedBlocks<unknown>,
    kind: SourceKind = 'rpc'
): void {
    wrapDataSource<{getFinalizedBlocks?: FinalizedBlocks<unknown>}>(kind, processor, purpose, ds => {
        if (typeof ds.getFinalizedBlocks !== 'function') {
            throw new Error(`the ${kind} data source has no getFinalizedBlocks(): unsupported @subsquid/substrate-processor`)
        }
        const original: FinalizedBlocks<unknown> = (requests, stopOnHead) => ds.getFinalizedBlocks!(requests, stopOnHead)
        const view = Object.create(ds) as {getFinalizedBlocks: FinalizedBlocks<unknown>}
        view.getFinalizedBlocks = replace(original)
        return view
    })
}

/** map the data source's raw blocks with `map` instead of the SDK's `mapBlock` (filtering, hot blocks and forks unchanged) */
export function replaceBlockMapping(processor: SubstrateBatchProcessor<any>, purpose: string, map: (block: RawBlock) => unknown): void {
    replaceMapping('rpc', processor, purpose, map)
}

/** map the gateway source's blocks with `map` instead of the SDK's `mapBlock` */
export function replaceArchiveBlockMapping(processor: SubstrateBatchProcessor<any>, purpose: string, map: (block: ArchiveBlock) => unknown): void {
    replaceMapping('archive', processor, purpose, map)
}

function replaceMapping(kind: SourceKind, processor: SubstrateBatchProcessor<any>, purpose: string, map: (block: any) => unknown): void {
    wrapDataSource<{mapBlock?: unknown}>(kind, processor, purpose, ds => {
        if (typeof ds.mapBlock !== 'function') {
            throw new Error(`the ${kind} data source has no mapBlock(): unsupported @subsquid/substrate-processor`)
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

/** the database's committed position, in the shape the hot-block processing starts from */
export interface HotState {
    height: number
    hash: string
    top: {height: number; hash: string}[]
}

/**
 * Keep the hot-block processing going until the last requested block is indexed. The SDK's hot processing
 * (`processHotBlocks`) ends once the node's *finalized* height reaches the range's end, and it takes that
 * height as passed as soon as it hears of it: when the node's head jumps (many blocks at once) its first
 * new-head notification can name a block below the new finalized height, the SDK then fetches nothing for
 * it and returns with the blocks above its position never indexed. After it returns, the database's position
 * (`state`) is checked against the range's end; below it, the processing starts again from there (the
 * node's current head comes with the new subscription). `note` is told each time; after `attempts` restarts
 * without progress it fails (the processor stops, it never exits 0 short of the end).
 */
export function resumeHotBlocks(processor: SubstrateBatchProcessor<any>, state: () => Promise<HotState>, note: (line: string) => void, attempts = 3): void {
    wrapRpcDataSource<{processHotBlocks?: (...args: unknown[]) => Promise<unknown>}>(processor, 'TO_BLOCK completion', ds => {
        const original = ds.processHotBlocks
        if (typeof original !== 'function') {
            throw new Error('the RPC data source has no processHotBlocks(): unsupported @subsquid/substrate-processor')
        }
        ds.processHotBlocks = async function (this: unknown, requests: unknown, start: unknown, cb: unknown) {
            const end = rangeEnd(requests)
            let from = start
            let stalled = 0
            let reached = topOf(start as HotState)
            while (true) {
                await original.call(this, requests, from, cb)
                if (end == null) return
                const now = await state()
                const top = topOf(now)
                if (top >= end) return
                stalled = top > reached ? 0 : stalled + 1
                if (stalled > attempts) {
                    throw new HotBlocksShort(
                        `the node's finalized head is past TO_BLOCK #${end} but blocks #${top + 1}…#${end} could not be fetched (${attempts + 1} tries): start the processor again, it resumes at #${top + 1}`
                    )
                }
                note(`the node's finalized head passed #${end} while #${top + 1}…#${end} were not indexed yet: following the head again from #${top}`)
                reached = top
                from = now
            }
        }
        return ds
    })
}

/** the hot-block processing kept ending short of the last block (the processor stops with this line) */
export class HotBlocksShort extends Error {
    constructor(message: string) {
        super(message)
        this.name = 'HotBlocksShort'
    }
}

function topOf(s: HotState): number {
    return s.top.length > 0 ? s.top[s.top.length - 1].height : s.height
}

/** the last block of the SDK's request list (undefined: open-ended) */
function rangeEnd(requests: unknown): number | undefined {
    const list = requests as {range: {from: number; to?: number}}[]
    if (!Array.isArray(list) || list.length === 0) return undefined
    const to = list[list.length - 1].range?.to
    return typeof to === 'number' && Number.isFinite(to) ? to : undefined
}
