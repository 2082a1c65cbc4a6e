/**
 * The main thread's side of the decode thread (thread.ts): finalized blocks arrive already fetched and
 * decoded (plain headers, `MiningEvent`s), so the main thread only applies and writes.
 *
 * - `finalizedBlocks(requests, stopOnHead, source)` is the SDK data source's `getFinalizedBlocks` served by
 *   the thread: the RPC source's, or with a gateway (GATEWAY_URL) the gateway source's, whose history the
 *   runner reads first; each batch taken is acknowledged, so the thread runs at most `window` batches ahead.
 * - `storage` reads chain storage at a block the thread delivered (the runtimes live in the thread).
 * - A thread error (an unknown event version, an RPC failure the SDK gave up on, a crash of the thread)
 *   is raised by the stream after every block decoded before it, as the in-thread source would.
 * - The thread starts with the main thread's validated configuration (`data`, passed as `workerData`).
 *
 * Hot (unfinalized) blocks do not come through here: the SDK's own source on the main thread handles
 * them with its fork logic, so the handler accepts both kinds of block (`decodeIfNeeded`,
 * `hybridStorage`).
 */
import path from 'path'
import {Worker} from 'worker_threads'
import {decodeMiningEvent, MiningEvent, NormalizedPool, readPools, readTokenomicParameters, TokenomicParams, tryReadTokenomicParameters} from '../../decode'
import type {SourceKind} from '../../sdk/rpc-source'
import type {BlockBatch} from '../coalesce'
import {DecodedBlock, DecodeThreadData, DecodeThreadError, FromThread, PlainHeader, SerializedError, StorageOp, ToThread} from './protocol'

/** unacknowledged batches (SDK splits of ~10 blocks) the thread may run ahead */
export const DEFAULT_WINDOW = 8
export const DEFAULT_THREAD_HEAP_MB = 256

export interface DecodeThreadOptions {
    /** the thread's `workerData` (thread.ts needs it; a scripted test thread may not) */
    data?: DecodeThreadData
    /** unacknowledged batches the thread may run ahead */
    window?: number
    /** old-generation heap of the thread, MB: it holds little (runtimes, blocks in flight) but makes much garbage */
    heapMb?: number
    /** the thread's script (default: the compiled thread.ts) */
    script?: string
}

interface Pending {
    resolve(v: any): void
    reject(e: Error): void
}

export class DecodeThread {
    private thread: Worker | undefined
    private streams = 0
    private requestIds = 0
    private readonly pending = new Map<number, Pending>()
    private inbox: ((m: FromThread | {type: 'crash'; error: SerializedError}) => void) | undefined
    private readonly window: number
    private readonly heapMb: number
    private readonly script: string
    private readonly data: DecodeThreadData | undefined

    constructor(options: DecodeThreadOptions = {}) {
        this.window = options.window ?? DEFAULT_WINDOW
        this.heapMb = options.heapMb ?? DEFAULT_THREAD_HEAP_MB
        this.script = options.script ?? path.join(__dirname, 'thread.js')
        this.data = options.data
    }

    private ensure(): Worker {
        if (this.thread) return this.thread
        const w = new Worker(this.script, {workerData: this.data, resourceLimits: {maxOldGenerationSizeMb: this.heapMb}})
        // the processor exits when its work is done, whatever the thread is waiting for
        w.unref()
        w.on('message', (m: FromThread) => {
            if (m.type === 'storage') {
                const p = this.pending.get(m.id)
                if (!p) return
                this.pending.delete(m.id)
                if (m.ok) p.resolve(m.value)
                else p.reject(new DecodeThreadError(m.error))
            } else {
                this.inbox?.(m)
            }
        })
        const crash = (error: SerializedError) => {
            this.thread = undefined
            for (const p of this.pending.values()) p.reject(new DecodeThreadError(error))
            this.pending.clear()
            this.inbox?.({type: 'crash', error})
        }
        w.on('error', e => crash({name: e.name, message: `decode thread failed: ${e.message}`, stack: e.stack}))
        w.on('exit', code => {
            if (this.thread === w) crash({name: 'Error', message: `decode thread exited with code ${code}`})
        })
        return (this.thread = w)
    }

    private send(msg: ToThread): void {
        this.ensure().postMessage(msg)
    }

    async *finalizedBlocks(requests: unknown, stopOnHead?: boolean, source: SourceKind = 'rpc'): AsyncGenerator<BlockBatch<DecodedBlock>> {
        const stream = ++this.streams
        const queue: (FromThread | {type: 'crash'; error: SerializedError})[] = []
        let wake: (() => void) | undefined
        this.inbox = m => {
            if ('stream' in m && m.stream !== stream) return
            queue.push(m)
            wake?.()
        }
        this.send({type: 'stream', stream, source, requests, stopOnHead, window: this.window})
        let ended = false
        try {
            while (true) {
                while (queue.length === 0) await new Promise<void>(r => (wake = r))
                wake = undefined
                const m = queue.shift()!
                if (m.type === 'batch') {
                    this.send({type: 'ack', stream})
                    yield {blocks: m.blocks, isHead: m.isHead}
                } else if (m.type === 'end') {
                    ended = true
                    return
                } else if (m.type === 'error' || m.type === 'crash') {
                    ended = true
                    throw new DecodeThreadError(m.error)
                }
            }
        } finally {
            if (!ended && this.thread) this.thread.postMessage({type: 'stop', stream} satisfies ToThread)
            this.inbox = undefined
        }
    }

    private request<T>(header: PlainHeader, op: StorageOp): Promise<T> {
        const id = ++this.requestIds
        return new Promise<T>((resolve, reject) => {
            this.pending.set(id, {resolve, reject})
            this.send({type: 'storage', id, header, ...op})
        })
    }

    tokenomicParameters(header: PlainHeader, required: boolean): Promise<TokenomicParams | undefined> {
        return this.request(header, {op: 'tokenomicParameters', required})
    }

    pools(header: PlainHeader): Promise<NormalizedPool[]> {
        return this.request(header, {op: 'pools'})
    }

    async close(): Promise<void> {
        const w = this.thread
        this.thread = undefined
        if (w) await w.terminate()
    }
}

let shared: DecodeThread | undefined

/** the process's decode thread (created on first use, started with `data`) */
export function decodeThread(data: DecodeThreadData): DecodeThread {
    return (shared ??= new DecodeThread({data}))
}

/** the decode thread if this process uses one */
export function activeDecodeThread(): DecodeThread | undefined {
    return shared
}

/** a block from the decode thread: a plain header without the SDK's runtime */
export function isPlainHeader(h: object): h is PlainHeader {
    return !('_runtime' in h)
}

/** decoded already (by the decode thread), or an SDK event to decode now */
export function decodeIfNeeded(e: any): MiningEvent {
    return 'kind' in e ? (e as MiningEvent) : decodeMiningEvent(e)
}

/** storage reads for both kinds of block: SDK blocks read through their runtime, decode-thread blocks in the thread */
export interface BlockStorage {
    tokenomicParameters(block: any, required: boolean): Promise<TokenomicParams | undefined>
    hasPoolsStorage(block: any): boolean
    pools(block: any): Promise<NormalizedPool[]>
}

export function hybridStorage(thread: () => DecodeThread | undefined): BlockStorage {
    const need = (h: PlainHeader) => {
        const t = thread()
        if (t == null) throw new Error(`block #${h.height} came from the decode thread, but there is none in this process`)
        return t
    }
    return {
        tokenomicParameters: (block, required) =>
            isPlainHeader(block)
                ? need(block).tokenomicParameters(block, required)
                : required
                  ? readTokenomicParameters(block)
                  : tryReadTokenomicParameters(block),
        hasPoolsStorage: block => (isPlainHeader(block) ? block.hasPoolsStorage : block._runtime.hasStorageItem('PhalaBasePool.Pools')),
        pools: block => (isPlainHeader(block) ? need(block).pools(block) : readPools(block)),
    }
}
