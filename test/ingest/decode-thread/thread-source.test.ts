/**
 * The main thread's side of the decode thread (src/ingest/decode-thread/thread-source.ts) against scripted
 * threads: batches arrive in order and are acknowledged, a thread error is raised after the batches before
 * it with its name and message, a crashing thread fails the stream and pending storage reads, and storage
 * reads get their answers.
 */
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {loadConfig} from '../../../src/config'
import {DecodeThread} from '../../../src/ingest/decode-thread/thread-source'

function script(body: string): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dt-')), 'thread.js')
    fs.writeFileSync(file, `const {parentPort} = require('worker_threads')\n${body}`)
    return file
}

const header = (height: number) => ({
    id: String(height),
    height,
    hash: '0x' + height.toString(16).padStart(64, '0'),
    parentHash: '0x',
    specName: 'khala',
    specVersion: 1251,
    implName: 'khala',
    implVersion: 0,
    hasPoolsStorage: true,
})

async function collect(w: DecodeThread) {
    const heights: number[] = []
    let error: any
    try {
        for await (const b of w.finalizedBlocks([{range: {from: 0}}], false)) heights.push(...b.blocks.map(x => x.header.height))
    } catch (e) {
        error = e
    }
    return {heights, error}
}

test('batches in order, acknowledged; then the thread error with its name and message', async () => {
    const w = new DecodeThread({
        window: 2,
        heapMb: 64,
        script: script(`
        let acks = 0
        parentPort.on('message', m => {
            if (m.type === 'ack') acks++
            if (m.type !== 'stream') return
            const h = ${JSON.stringify(header(0))}
            for (let i = 1; i <= 3; i++) parentPort.postMessage({type: 'batch', stream: m.stream, isHead: false, blocks: [{header: {...h, height: i}, events: []}]})
            setTimeout(() => parentPort.postMessage({type: 'error', stream: m.stream, error: {name: 'UnknownEventVersionError', message: 'PhalaComputation.SessionSettled at #4: acks ' + acks}}), 200)
        })`),
    })
    const {heights, error} = await collect(w)
    expect(heights).toEqual([1, 2, 3])
    expect(error?.name).toBe('UnknownEventVersionError')
    // the three batches were acknowledged before the error was sent
    expect(error?.message).toBe('PhalaComputation.SessionSettled at #4: acks 3')
    await w.close()
})

test('a thread that dies fails the stream and the storage reads waiting for it', async () => {
    const w = new DecodeThread({
        window: 2,
        heapMb: 64,
        script: script(`
        parentPort.on('message', m => {
            if (m.type === 'storage') setTimeout(() => process.exit(7), 100)
            if (m.type === 'stream') parentPort.postMessage({type: 'batch', stream: m.stream, isHead: false, blocks: [{header: ${JSON.stringify(header(1))}, events: []}]})
        })`),
    })
    const read = w.tokenomicParameters(header(1), true)
    const {heights, error} = await collect(w)
    expect(heights).toEqual([1])
    expect(String(error?.message)).toMatch(/decode thread exited with code 7/)
    await expect(read).rejects.toThrow(/decode thread exited with code 7/)
})

test('storage reads are answered by request id, errors included', async () => {
    const w = new DecodeThread({
        window: 2,
        heapMb: 64,
        script: script(`
        parentPort.on('message', m => {
            if (m.type !== 'storage') return
            if (m.op === 'pools') parentPort.postMessage({type: 'storage', id: m.id, ok: false, error: {name: 'Error', message: 'no pools at #' + m.header.height}})
            else parentPort.postMessage({type: 'storage', id: m.id, ok: true, value: {budgetPerBlock: 10n ** 18n, height: m.header.height}})
        })`),
    })
    const [a, b] = await Promise.all([w.tokenomicParameters(header(5), false), w.tokenomicParameters(header(6), true)])
    expect(a).toEqual({budgetPerBlock: 10n ** 18n, height: 5})
    expect(b).toEqual({budgetPerBlock: 10n ** 18n, height: 6})
    await expect(w.pools(header(7))).rejects.toThrow('no pools at #7')
    await w.close()
})

test('the thread starts with the validated configuration and settings as workerData, unchanged by the structured clone', async () => {
    const config = loadConfig({
        CHAIN: 'khala',
        RPC_ENDPOINT: 'wss://node.example:9944',
        GATEWAY_URL: 'https://gw.example',
        TO_BLOCK: '100',
        DB_URL: 'postgres://u:p@db:5432/squid',
    })
    // plain data: structuredClone keeps every field (undefined ones included) and drops nothing; `plain`
    // rebuilds the objects in this realm (the clone's prototypes are another realm's)
    const plain = (o: any): any => (o != null && typeof o === 'object' ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plain(v)])) : o)
    expect(plain(structuredClone(config))).toStrictEqual(plain(config))
    const data = {config, source: {usePublicGateway: true}}
    const w = new DecodeThread({
        data,
        window: 2,
        heapMb: 64,
        script: script(`
        const {workerData} = require('worker_threads')
        parentPort.on('message', m => {
            if (m.type === 'storage') parentPort.postMessage({type: 'storage', id: m.id, ok: true, value: workerData})
        })`),
    })
    expect(plain(await w.pools(header(1)))).toStrictEqual(plain(data))
    await w.close()
})
