/**
 * The data source: which chain, which blocks, which events. Built from the validated configuration.
 */
import {
    BlockHeader,
    DataHandlerContext,
    SubstrateBatchProcessor,
    SubstrateBatchProcessorFields,
    Event as _Event,
    Call as _Call,
    Extrinsic as _Extrinsic,
} from '@subsquid/substrate-processor'
import {Config, loadConfig} from './config'
import {loadLedgerSettings, SourceSettings} from './config/ledger'
import {MINING_EVENT_NAMES} from './decode'
import {coalesceFinalizedBatches} from './ingest/coalesce'
import {decodeThread} from './ingest/decode-thread/thread-source'
import {leanArchiveMapping, leanRpcMapping} from './ingest/lean-mapping'
import {retryNodeInternalErrors} from './sdk/rpc-retry'
import {explainHotBlockFailures, type HotState, resumeHotBlocks, type SourceKind} from './sdk/rpc-source'

export const FIELDS = {
    block: {timestamp: true},
    event: {name: true, args: true},
} as const

/** the SQD gateway the history comes from: GATEWAY_URL, or with USE_PUBLIC_GATEWAY=1 the chain preset's */
export function gatewayOf(config: Config, source: SourceSettings): string | undefined {
    return config.gatewayUrl ?? (source.usePublicGateway ? config.chain.gateway : undefined)
}

/** the SDK processor as configured, reading blocks on this thread (the decode thread's own source) */
export function buildProcessor(config: Config, source: SourceSettings) {
    // a node's "Internal error" answers are retried like rate limits (src/sdk/rpc-retry.ts)
    retryNodeInternalErrors()
    const p = new SubstrateBatchProcessor()
    const gateway = gatewayOf(config, source)
    if (gateway) {
        p.setGateway(gateway)
        // Over RPC the SDK hands every block to the handler, with or without selected events (includeAllBlocks
        // only reaches a gateway); the handler's state depends on it (the first block's initial rows, the
        // upgrade block's pool migration, rollup buckets closed by block time). A gateway returns only blocks
        // with selected items unless asked for all: ask, so both sources give the same tables.
        p.includeAllBlocks({from: config.fromBlock})
        // the gateway's blocks as the same plain objects as RPC blocks (src/ingest/lean-mapping.ts)
        leanArchiveMapping(p, MINING_EVENT_NAMES)
    }
    p.setRpcEndpoint({
        url: config.rpcEndpoint!,
        rateLimit: config.rpcRateLimit,
        capacity: 10,
        requestTimeout: 30_000,
    })
    if (config.finalityConfirmation != null) p.setFinalityConfirmation(config.finalityConfirmation)
    p.setBlockRange({from: config.fromBlock, to: config.toBlock})
    p.setFields(FIELDS)
    p.addEvent({name: [...MINING_EVENT_NAMES]})
    // plain event objects instead of the SDK's Event class (src/ingest/lean-mapping.ts)
    leanRpcMapping(p, MINING_EVENT_NAMES)
    return p.setFields(FIELDS)
}

/** what the processor does on failures (src/main.ts) */
export interface ProcessorHooks {
    /** awaited before a failure of the finalized-block source is raised (the last batch's commit) */
    beforeSourceError?: () => Promise<void>
    /** the error the runner sees instead of a failure of hot-block processing (a deep fork, explained) */
    explainHotFailure?: (e: unknown) => Promise<unknown>
    /** the database's committed position: hot-block processing that ends short of TO_BLOCK starts again from it */
    hotState?: () => Promise<HotState>
    /** told when it does */
    note?: (line: string) => void
}

/**
 * The processor the indexer runs: finalized blocks are fetched and decoded by the decode thread
 * (INGEST_WORKER, src/ingest/decode-thread/) and read ahead and merged into adaptive batches while the
 * handler works (src/ingest/coalesce.ts); hot blocks go through the SDK on this thread.
 *
 * src/main.ts passes the settings it validated; without them (bench/baseline) they are read here.
 */
export function createProcessor(config: Config = loadConfig(), source: SourceSettings = loadLedgerSettings(), hooks: ProcessorHooks = {}) {
    const p = buildProcessor(config, source)
    if (hooks.hotState) resumeHotBlocks(p, hooks.hotState, hooks.note ?? (() => {}))
    if (hooks.explainHotFailure) explainHotBlockFailures(p, 'deep fork reports', hooks.explainHotFailure)
    const batching = {
        maxBlocks: config.maxBatchBlocks,
        maxItems: config.maxBatchItems,
        beforeError: hooks.beforeSourceError,
        // a break in the finalized blocks is a deep fork: explained as one in hot-block processing
        explainBreak: hooks.explainHotFailure,
    }
    const thread = (kind: SourceKind) =>
        config.ingestWorker
            ? (requests: unknown, stopOnHead?: boolean) =>
                  decodeThread({config, source: {usePublicGateway: source.usePublicGateway}}).finalizedBlocks(requests, stopOnHead, kind)
            : undefined
    coalesceFinalizedBatches(p, batching, thread('rpc'))
    // with a gateway, the runner reads the history from it first (same thread, same batching), then the rest over RPC
    if (gatewayOf(config, source)) coalesceFinalizedBatches(p, batching, thread('archive'), 'archive')
    return p
}

export type Processor = ReturnType<typeof createProcessor>
export type Fields = SubstrateBatchProcessorFields<Processor>
export type Block = BlockHeader<Fields>
export type Event = _Event<Fields>
export type Call = _Call<Fields>
export type Extrinsic = _Extrinsic<Fields>
export type ProcessorContext<Store> = DataHandlerContext<Store, Fields>
