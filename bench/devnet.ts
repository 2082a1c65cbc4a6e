/**
 * Devnet throughput: (1) encoding DevBlocks into block content (events + storage), (2) building the chain
 * (headers, hashes, per-block storage), (3) serving blocks over JSON-RPC the way Subsquid's processor fetches them
 * (batches of chain_getBlockHash, chain_getBlock and state_getStorageAt(System.Events)), over HTTP and WebSocket.
 *
 *   node lib/bench/devnet.js --scenario khala-day [--seed 1] [--from-file X] [--blocks N] [--concurrency 5]
 *   node lib/bench/devnet.js --scenario synthetic:7200:70
 *
 * Prints a JSON summary (and writes it to bench/out/devnet-<name>.json).
 */
import * as fs from 'fs'
import * as path from 'path'
import WebSocket from 'ws'
import {cryptoWaitReady} from '@polkadot/util-crypto'
import {BlockContent, encodeBlockContent} from '../devnet/chain/content'
import {appendNext, ChainSource, newChain, sourceFromFile} from '../devnet/chain/build'
import {encodeWrites} from '../devnet/chain/content'
import {loadScenario} from '../devnet/chain/scenario'
import {KEYS} from '../devnet/chain/chain'
import {runtimeSet} from '../devnet/runtime'
import {DevnetNode} from '../devnet/chain/node'
import {RpcServer} from '../devnet/rpc/server'
import type {DevBlock} from '../devnet/model'

interface Args {
    scenario: string
    seed: number
    fromFile?: string
    blocks?: number
    concurrency: number
    batch: number
    transports: ('http' | 'ws')[]
}

function parse(argv: string[]): Args {
    let a: Args = {scenario: 'khala-day', seed: 1, concurrency: 5, batch: 10, transports: ['http', 'ws']}
    for (let i = 0; i < argv.length; i++) {
        let v = argv[i + 1]
        switch (argv[i]) {
            case '--scenario':
                a.scenario = v
                i++
                break
            case '--seed':
                a.seed = Number(v)
                i++
                break
            case '--from-file':
                a.fromFile = v
                i++
                break
            case '--blocks':
                a.blocks = Number(v)
                i++
                break
            case '--concurrency':
                a.concurrency = Number(v)
                i++
                break
            case '--batch':
                a.batch = Number(v)
                i++
                break
            case '--transport':
                a.transports = v === 'both' ? ['http', 'ws'] : [v as 'http' | 'ws']
                i++
                break
            case '--help':
                console.log(
                    'node lib/bench/devnet.js [--scenario NAME] [--seed N] [--from-file X] [--blocks N] [--concurrency N] [--batch N] [--transport http|ws|both]'
                )
                return process.exit(0)
            default:
                throw new Error(`unknown argument ${argv[i]}`)
        }
    }
    return a
}

function mb(n: number): number {
    return Math.round((n / 1e6) * 10) / 10
}

/** encodes a scenario, timing the encoder apart from the simulator that produces the DevBlocks */
function encodeScenario(args: Args): {contents: BlockContent[]; genesis: any; genesisEra: string; simMs: number; encodeMs: number; events: number} {
    let sc = loadScenario(args.scenario, {seed: args.seed})
    let rts = runtimeSet({})
    let contents: BlockContent[] = []
    let it = (sc.blocks as Iterable<DevBlock>)[Symbol.iterator]()
    let simNs = 0n
    let encNs = 0n
    let events = 0
    for (;;) {
        let t0 = process.hrtime.bigint()
        let r = it.next()
        let t1 = process.hrtime.bigint()
        simNs += t1 - t0
        if (r.done) break
        let c = encodeBlockContent(r.value, rts)
        encNs += process.hrtime.bigint() - t1
        events += c.eventCount
        contents.push(c)
    }
    let genesisEra = contents[0]?.era ?? 'v2'
    let genesis = encodeWrites(sc.genesis, rts(genesisEra), rts)
    return {contents, genesis, genesisEra, simMs: Number(simNs / 1_000_000n), encodeMs: Number(encNs / 1_000_000n), events}
}

function arraySource(genesis: any, genesisEra: string, contents: BlockContent[]): ChainSource {
    let i = 0
    return {
        runtimeOptions: {},
        runtimes: runtimeSet({}),
        genesisEra,
        genesis,
        size: contents.length,
        peek: () => (i < contents.length ? {content: contents[i], salt: 0} : undefined),
        next: () => (i < contents.length ? {content: contents[i++], salt: 0} : undefined),
    }
}

type Caller = (batch: {method: string; params: unknown[]}[]) => Promise<any[]>

function httpCaller(url: string): Caller {
    let id = 0
    return async batch => {
        let body = batch.map(c => ({jsonrpc: '2.0', id: id++, ...c}))
        let res = await fetch(url, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)})
        let out = (await res.json()) as any[]
        return out.sort((a, b) => a.id - b.id).map(r => r.result)
    }
}

async function wsCaller(url: string): Promise<{call: Caller; close(): void}> {
    let ws = new WebSocket(url)
    await new Promise((resolve, reject) => {
        ws.once('open', resolve)
        ws.once('error', reject)
    })
    let id = 0
    let pending = new Map<number, (r: any[]) => void>()
    ws.on('message', data => {
        let out = JSON.parse(data.toString()) as any[]
        let first = Math.min(...out.map(r => r.id))
        pending.get(first)?.(out.sort((a, b) => a.id - b.id).map(r => r.result))
        pending.delete(first)
    })
    return {
        call: batch =>
            new Promise(resolve => {
                let base = id
                id += batch.length
                pending.set(base, resolve)
                ws.send(JSON.stringify(batch.map((c, i) => ({jsonrpc: '2.0', id: base + i, ...c}))))
            }),
        close: () => ws.close(),
    }
}

/** fetches blocks 1..top like the processor: hashes, blocks, events, in batches, with `concurrency` workers */
async function fetchAll(call: Caller, top: number, batch: number, concurrency: number): Promise<{ms: number; bytes: number}> {
    let next = 1
    let bytes = 0
    let t0 = Date.now()
    async function worker() {
        for (;;) {
            let from = next
            if (from > top) return
            let to = Math.min(top, from + batch - 1)
            next = to + 1
            let heights = Array.from({length: to - from + 1}, (_, i) => from + i)
            let hashes = await call(heights.map(h => ({method: 'chain_getBlockHash', params: ['0x' + h.toString(16)]})))
            let [blocks, events] = await Promise.all([
                call(hashes.map(h => ({method: 'chain_getBlock', params: [h]}))),
                call(hashes.map(h => ({method: 'state_getStorageAt', params: [KEYS.systemEvents, h]}))),
            ])
            for (let i = 0; i < heights.length; i++) {
                if (!blocks[i] || typeof events[i] !== 'string') throw new Error(`block ${heights[i]} missing`)
                bytes += events[i].length / 2 + JSON.stringify(blocks[i]).length
            }
        }
    }
    await Promise.all(Array.from({length: concurrency}, worker))
    return {ms: Date.now() - t0, bytes}
}

async function main() {
    let args = parse(process.argv.slice(2))
    await cryptoWaitReady()
    let result: any = {scenario: args.fromFile ?? args.scenario, seed: args.seed, node: process.version}
    let source: ChainSource
    if (args.fromFile) {
        let t0 = Date.now()
        source = sourceFromFile(args.fromFile)
        result.readFileMs = Date.now() - t0
    } else {
        let e = encodeScenario(args)
        result.blocks = e.contents.length
        result.events = e.events
        result.simulateMs = e.simMs
        result.encodeMs = e.encodeMs
        result.encodeEventsPerSec = Math.round(e.events / (e.encodeMs / 1000))
        result.encodedMB = mb(e.contents.reduce((a, c) => a + c.events.length + c.writes.reduce((x, w) => x + w[0].length / 2 + (w[1]?.length ?? 0), 0), 0))
        source = arraySource(e.genesis, e.genesisEra, e.contents)
    }
    let t0 = Date.now()
    let chain = newChain(source)
    while (appendNext(chain, source)) {}
    result.buildMs = Date.now() - t0
    result.buildBlocksPerSec = Math.round(chain.headHeight / (result.buildMs / 1000))
    result.blocks = chain.headHeight
    result.events = chain.stats().events
    result.rssMB = mb(process.memoryUsage().rss)

    // serve the chain that was just built
    let empty: ChainSource = {...source, peek: () => undefined, next: () => undefined}
    let node = new DevnetNode(empty, {chain})
    let server = new RpcServer(node, {port: 0})
    let {host, port} = await server.listen()
    let top = Math.min(args.blocks ?? chain.headHeight, chain.headHeight)
    result.rpc = {blocks: top, batch: args.batch, concurrency: args.concurrency}
    for (let t of args.transports) {
        let r: {ms: number; bytes: number}
        if (t === 'http') {
            r = await fetchAll(httpCaller(`http://${host}:${port}`), top, args.batch, args.concurrency)
        } else {
            let c = await wsCaller(`ws://${host}:${port}`)
            r = await fetchAll(c.call, top, args.batch, args.concurrency)
            c.close()
        }
        result.rpc[t] = {
            ms: r.ms,
            blocksPerSec: Math.round(top / (r.ms / 1000)),
            eventsPerSec: Math.round((result.events * (top / chain.headHeight)) / (r.ms / 1000)),
            MBperSec: mb(r.bytes / (r.ms / 1000)),
        }
    }
    result.rssAfterMB = mb(process.memoryUsage().rss)
    await server.close()
    let json = JSON.stringify(result, null, 2)
    console.log(json)
    let outDir = path.resolve(__dirname, '../../bench/out')
    fs.mkdirSync(outDir, {recursive: true})
    fs.writeFileSync(path.join(outDir, `devnet-${path.basename(String(result.scenario)).replace(/[^A-Za-z0-9_.-]/g, '_')}.json`), json + '\n')
}

main().catch(e => {
    console.error(e?.stack ?? e)
    process.exit(1)
})
