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
import {MINING_EVENT_NAMES} from './decode'
import {coalesceFinalizedBatches} from './ingest/coalesce'

export const FIELDS = {
    block: {timestamp: true},
    event: {name: true, args: true},
} as const

export function createProcessor(config: Config = loadConfig()) {
    const p = new SubstrateBatchProcessor()
    const gateway = config.gatewayUrl ?? (process.env.USE_PUBLIC_GATEWAY === '1' ? config.chain.gateway : undefined)
    if (gateway) p.setGateway(gateway)
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
    // finalized RPC splits of 10 blocks are read ahead and merged while the handler works
    coalesceFinalizedBatches(p, {maxBlocks: config.maxBatchBlocks, maxItems: config.maxBatchItems})
    return p.setFields(FIELDS)
}

export type Processor = ReturnType<typeof createProcessor>
export type Fields = SubstrateBatchProcessorFields<Processor>
export type Block = BlockHeader<Fields>
export type Event = _Event<Fields>
export type Call = _Call<Fields>
export type Extrinsic = _Extrinsic<Fields>
export type ProcessorContext<Store> = DataHandlerContext<Store, Fields>
