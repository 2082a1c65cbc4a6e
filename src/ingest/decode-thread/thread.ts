/**
 * The decode thread: a worker thread that fetches finalized blocks with the SDK's own data source (over
 * RPC, or from the SQD gateway when GATEWAY_URL is set: each stream names its source), decodes their mining
 * events (src/decode) and posts plain blocks to the main thread.
 *
 * Fetching, SCALE decoding and the SDK's block mapping are about half of the processor's CPU time; done
 * here they run on the second core while the main thread applies the previous blocks and writes them.
 * The thread runs ahead by at most `window` unacknowledged batches (SDK splits of ~10 blocks).
 *
 * It also answers the storage reads the handler needs for the blocks it delivered (tokenomic parameters,
 * the pools at the v1→v2 migration): the runtimes live here.
 *
 * The processor is built from the main thread's validated configuration and source settings (`workerData`,
 * DecodeThreadData): the thread reads no settings of its own.
 *
 * Errors are never swallowed: the blocks decoded before a failing one are posted, then the error.
 */
import {parentPort, workerData} from 'worker_threads'
import type {Runtime} from '@subsquid/substrate-runtime'
import {dataSource, FinalizedBlocks, SourceBlock, SourceKind} from '../../sdk/rpc-source'
import {decodeMiningEvent, MiningEvent, readPools, readTokenomicParameters, trackedEvents, tryReadTokenomicParameters} from '../../decode'
import {buildProcessor} from '../../processor'
import {DecodeThreadData, DecodedBlock, FromThread, PlainHeader, serializeError, ToThread} from './protocol'

/** the SDK data source's header (src/sdk/rpc-source.ts): a plain header's fields, with the runtime */
type SdkHeader = SourceBlock['header']

const port = parentPort
if (port == null) throw new Error('thread.ts runs as a worker thread (src/ingest/decode-thread/thread-source.ts)')
const data = workerData as DecodeThreadData | undefined
if (data?.config == null || data.source == null) throw new Error('the decode thread starts with its configuration in workerData (DecodeThreadData)')

const processor = buildProcessor(data.config, data.source)
const sources = new Map<SourceKind, {getFinalizedBlocks: FinalizedBlocks<SourceBlock>}>()

/** the processor's data source of that kind, made on first use (the gateway's only when one is configured) */
function source(kind: SourceKind): {getFinalizedBlocks: FinalizedBlocks<SourceBlock>} {
    let s = sources.get(kind)
    if (!s) sources.set(kind, (s = dataSource(kind, processor, 'the decode thread')))
    return s
}

/** the runtime of each spec version delivered: storage reads for the blocks of that spec */
const bySpec = new Map<number, Runtime>()

function post(msg: FromThread): void {
    port!.postMessage(msg)
}

class Stream {
    inFlight = 0
    stopped = false
    private wake: (() => void) | undefined
    constructor(
        readonly id: number,
        readonly window: number
    ) {}

    ack(): void {
        this.inFlight--
        this.wake?.()
    }

    stop(): void {
        this.stopped = true
        this.wake?.()
    }

    async room(): Promise<void> {
        while (this.inFlight >= this.window && !this.stopped) await new Promise<void>(r => (this.wake = r))
        this.wake = undefined
    }
}

let current: Stream | undefined

function plain(h: SdkHeader): PlainHeader {
    return {
        id: h.id,
        height: h.height,
        hash: h.hash,
        parentHash: h.parentHash,
        timestamp: h.timestamp,
        specName: h.specName,
        specVersion: h.specVersion,
        implName: h.implName,
        implVersion: h.implVersion,
        hasPoolsStorage: h._runtime.hasStorageItem('PhalaBasePool.Pools'),
    }
}

async function run(s: Stream, kind: SourceKind, requests: unknown, stopOnHead: boolean | undefined): Promise<void> {
    try {
        for await (const batch of source(kind).getFinalizedBlocks(requests, stopOnHead)) {
            if (s.stopped) break
            const blocks: DecodedBlock[] = []
            let failure: unknown
            for (const b of batch.blocks) {
                let events: MiningEvent[]
                try {
                    events = trackedEvents(b.events.map(e => decodeMiningEvent(e)))
                } catch (e) {
                    failure = e
                    break
                }
                bySpec.set(b.header.specVersion, b.header._runtime)
                blocks.push({header: plain(b.header), events})
            }
            if (blocks.length > 0) {
                s.inFlight++
                post({type: 'batch', stream: s.id, blocks, isHead: failure == null && batch.isHead})
            }
            if (failure != null) throw failure
            await s.room()
        }
        if (!s.stopped) post({type: 'end', stream: s.id})
    } catch (e) {
        if (!s.stopped) post({type: 'error', stream: s.id, error: serializeError(e)})
    }
}

async function storage(msg: Extract<ToThread, {type: 'storage'}>): Promise<void> {
    try {
        const h = msg.header
        const runtime = bySpec.get(h.specVersion)
        if (runtime == null) throw new Error(`decode thread: no runtime known for block #${h.height} (spec ${h.specVersion})`)
        const block = {height: h.height, hash: h.hash, _runtime: runtime}
        let value
        if (msg.op === 'tokenomicParameters') {
            value = msg.required ? await readTokenomicParameters(block as any) : await tryReadTokenomicParameters(block as any)
        } else {
            value = await readPools(block as any)
        }
        post({type: 'storage', id: msg.id, ok: true, value})
    } catch (e) {
        post({type: 'storage', id: msg.id, ok: false, error: serializeError(e)})
    }
}

port.on('message', (msg: ToThread) => {
    switch (msg.type) {
        case 'stream':
            current?.stop()
            current = new Stream(msg.stream, msg.window)
            void run(current, msg.source, msg.requests, msg.stopOnHead)
            break
        case 'ack':
            if (current?.id === msg.stream) current.ack()
            break
        case 'stop':
            if (current?.id === msg.stream) current.stop()
            break
        case 'storage':
            void storage(msg)
            break
    }
})
