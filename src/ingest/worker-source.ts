/**
 * The main thread's side of the decode worker (src/ingest/decode-worker.ts): finalized blocks arrive
 * already fetched and decoded (plain headers, `MiningEvent`s), so the main thread only applies and writes.
 *
 * - `finalizedBlocks(requests, stopOnHead)` is the SDK data source's `getFinalizedBlocks` served by the
 *   worker; each batch taken is acknowledged, so the worker runs at most `window` batches ahead.
 * - `storage` reads chain storage at a block the worker delivered (the runtimes live in the worker).
 * - A worker error (an unknown event version, an RPC failure the SDK gave up on, a crash of the thread)
 *   is raised by the stream after every block decoded before it, as the in-thread source would.
 *
 * Hot (unfinalized) blocks do not come through here: the SDK's own source on the main thread handles
 * them with its fork logic, so the handler accepts both kinds of block (`decodeIfNeeded`,
 * `hybridStorage`).
 */
import path from 'path'
import {Worker} from 'worker_threads'
import {decodeMiningEvent, MiningEvent, NormalizedPool, readPools, readTokenomicParameters, TokenomicParams, tryReadTokenomicParameters} from '../decode'
import type {BlockBatch} from './coalesce'
import {DecodedBlock, FromWorker, IngestWorkerError, PlainHeader, SerializedError, StorageOp, ToWorker} from './protocol'

/** unacknowledged batches (SDK splits of ~10 blocks) the worker may run ahead */
export const DEFAULT_WINDOW = 8
export const DEFAULT_WORKER_HEAP_MB = 256

interface Pending {
    resolve(v: any): void
    reject(e: Error): void
}

export class DecodeWorker {
    private worker: Worker | undefined
    private streams = 0
    private requestIds = 0
    private readonly pending = new Map<number, Pending>()
    private inbox: ((m: FromWorker | {type: 'crash'; error: SerializedError}) => void) | undefined

    constructor(
        private readonly window = DEFAULT_WINDOW,
        /** old-generation heap of the worker, MB: it holds little (runtimes, blocks in flight) but makes much garbage */
        private readonly heapMb = DEFAULT_WORKER_HEAP_MB,
        private readonly script = path.join(__dirname, 'decode-worker.js')
    ) {}

    private ensure(): Worker {
        if (this.worker) return this.worker
        const w = new Worker(this.script, {resourceLimits: {maxOldGenerationSizeMb: this.heapMb}})
        // the processor exits when its work is done, whatever the worker is waiting for
        w.unref()
        w.on('message', (m: FromWorker) => {
            if (m.type === 'storage') {
                const p = this.pending.get(m.id)
                if (!p) return
                this.pending.delete(m.id)
                if (m.ok) p.resolve(m.value)
                else p.reject(new IngestWorkerError(m.error))
            } else {
                this.inbox?.(m)
            }
        })
        const crash = (error: SerializedError) => {
            this.worker = undefined
            for (const p of this.pending.values()) p.reject(new IngestWorkerError(error))
            this.pending.clear()
            this.inbox?.({type: 'crash', error})
        }
        w.on('error', e => crash({name: e.name, message: `decode worker failed: ${e.message}`, stack: e.stack}))
        w.on('exit', code => {
            if (this.worker === w) crash({name: 'Error', message: `decode worker exited with code ${code}`})
        })
        return (this.worker = w)
    }

    private send(msg: ToWorker): void {
        this.ensure().postMessage(msg)
    }

    async *finalizedBlocks(requests: unknown, stopOnHead?: boolean): AsyncGenerator<BlockBatch<DecodedBlock>> {
        const stream = ++this.streams
        const queue: (FromWorker | {type: 'crash'; error: SerializedError})[] = []
        let wake: (() => void) | undefined
        this.inbox = m => {
            if ('stream' in m && m.stream !== stream) return
            queue.push(m)
            wake?.()
        }
        this.send({type: 'stream', stream, requests, stopOnHead, window: this.window})
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
                    throw new IngestWorkerError(m.error)
                }
            }
        } finally {
            if (!ended && this.worker) this.worker.postMessage({type: 'stop', stream} satisfies ToWorker)
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
        const w = this.worker
        this.worker = undefined
        if (w) await w.terminate()
    }
}

let shared: DecodeWorker | undefined

/** the process's decode worker (created on first use) */
export function decodeWorker(): DecodeWorker {
    return (shared ??= new DecodeWorker())
}

/** the decode worker if this process uses one */
export function activeDecodeWorker(): DecodeWorker | undefined {
    return shared
}

/** a block from the worker: a plain header without the SDK's runtime */
export function isPlainHeader(h: object): h is PlainHeader {
    return !('_runtime' in h)
}

/** decoded already (by the worker), or an SDK event to decode now */
export function decodeIfNeeded(e: any): MiningEvent {
    return 'kind' in e ? (e as MiningEvent) : decodeMiningEvent(e)
}

/** storage reads for both kinds of block: SDK blocks read through their runtime, worker blocks in the worker */
export interface BlockStorage {
    tokenomicParameters(block: any, required: boolean): Promise<TokenomicParams | undefined>
    hasPoolsStorage(block: any): boolean
    pools(block: any): Promise<NormalizedPool[]>
}

export function hybridStorage(worker: () => DecodeWorker | undefined): BlockStorage {
    const need = (h: PlainHeader) => {
        const w = worker()
        if (w == null) throw new Error(`block #${h.height} came from the decode worker, but there is none in this process`)
        return w
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
