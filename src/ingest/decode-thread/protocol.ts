/**
 * Messages between the processor's main thread (thread-source.ts) and the decode thread (thread.ts), and
 * the data the thread starts with. Everything crosses as structured clones: plain objects, bigints, strings.
 */
import type {Config} from '../../config'
import type {SourceSettings} from '../../config/ledger'
import type {MiningEvent, NormalizedPool, TokenomicParams} from '../../decode'
import type {SourceKind} from '../../sdk/rpc-source'

/** the thread's `workerData`: the main thread's validated configuration and source settings (plain data, cloned) */
export interface DecodeThreadData {
    config: Config
    source: SourceSettings
}

/** a block header as the handler needs it, without the SDK's runtime objects */
export interface PlainHeader {
    id: string
    height: number
    hash: string
    parentHash: string
    timestamp?: number
    specName: string
    specVersion: number
    implName: string
    implVersion: number
    /** the block's runtime has PhalaBasePool.Pools (the v1→v2 pool migration has happened) */
    hasPoolsStorage: boolean
}

/** a finalized block, its mining events decoded in the decode thread */
export interface DecodedBlock {
    header: PlainHeader
    events: MiningEvent[]
}

export interface SerializedError {
    name: string
    message: string
    stack?: string
}

export type StorageOp = {op: 'tokenomicParameters'; required: boolean} | {op: 'pools'}

export type ToThread =
    | {type: 'stream'; stream: number; source: SourceKind; requests: unknown; stopOnHead?: boolean; window: number}
    | {type: 'ack'; stream: number}
    | {type: 'stop'; stream: number}
    | ({type: 'storage'; id: number; header: PlainHeader} & StorageOp)

export type FromThread =
    | {type: 'batch'; stream: number; blocks: DecodedBlock[]; isHead: boolean}
    | {type: 'end'; stream: number}
    | {type: 'error'; stream: number; error: SerializedError}
    | {type: 'storage'; id: number; ok: true; value: TokenomicParams | NormalizedPool[] | undefined}
    | {type: 'storage'; id: number; ok: false; error: SerializedError}

export function serializeError(e: unknown): SerializedError {
    if (e instanceof Error) return {name: e.name, message: e.message, stack: e.stack}
    return {name: 'Error', message: String(e)}
}

/** the decode thread's error, raised on the main thread with its name, message and the thread's stack */
export class DecodeThreadError extends Error {
    constructor(src: SerializedError) {
        super(src.message)
        this.name = src.name
        if (src.stack) this.stack = `${src.stack}\n    (raised in the decode thread)`
    }
}
