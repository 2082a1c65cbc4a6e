/**
 * The devnet's JSON-RPC server over HTTP and WebSocket: methods, Substrate-like errors, batches, subscriptions,
 * release modes, forks seen by subscribers, finality, fault injection.
 */
import WebSocket from 'ws'
import {startDevnet, Devnet} from '../../devnet/rpc'
import {KEYS} from '../../devnet/chain/chain'
import {getRuntime} from '../../devnet/runtime'
import {toHex} from '../../devnet/runtime/codec'
import {altTail, fixture, FIXTURE_HEIGHT, FIXTURE_UPGRADE_HEIGHT} from './fixtures'

async function http(url: string, body: unknown): Promise<any> {
    let res = await fetch(url, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)})
    let text = await res.text()
    let json: any
    try {
        json = text ? JSON.parse(text) : undefined
    } catch {
        json = text
    }
    return {status: res.status, body: json}
}

let nextId = 1

async function call(url: string, method: string, params?: unknown): Promise<any> {
    let r = await http(url, {jsonrpc: '2.0', id: nextId++, method, ...(params === undefined ? {} : {params})})
    return r.body
}

async function result(url: string, method: string, params?: unknown): Promise<any> {
    let r = await call(url, method, params)
    if (r.error) throw new Error(`${method}: ${JSON.stringify(r.error)}`)
    return r.result
}

class WsClient {
    private ws: WebSocket
    private pending = new Map<number, (m: any) => void>()
    readonly notifications: any[] = []
    private waiters: (() => void)[] = []
    closed = false
    ready: Promise<void>

    constructor(url: string) {
        this.ws = new WebSocket(url)
        this.ready = new Promise((resolve, reject) => {
            this.ws.once('open', () => resolve())
            this.ws.once('error', reject)
        })
        this.ws.on('message', data => {
            let m = JSON.parse(data.toString())
            if (m.id != null && this.pending.has(m.id)) {
                this.pending.get(m.id)!(m)
                this.pending.delete(m.id)
            } else {
                this.notifications.push(m)
                for (let w of this.waiters.splice(0)) w()
            }
        })
        this.ws.on('close', () => {
            this.closed = true
            for (let w of this.waiters.splice(0)) w()
        })
    }

    async call(method: string, params: unknown[] = []): Promise<any> {
        await this.ready
        let id = nextId++
        return new Promise(resolve => {
            this.pending.set(id, resolve)
            this.ws.send(JSON.stringify({jsonrpc: '2.0', id, method, params}))
        })
    }

    async waitFor(pred: (n: any[]) => boolean, timeoutMs = 5000): Promise<void> {
        let deadline = Date.now() + timeoutMs
        while (!pred(this.notifications)) {
            if (this.closed) throw new Error('connection closed')
            if (Date.now() > deadline) throw new Error(`timeout; notifications: ${JSON.stringify(this.notifications).slice(0, 500)}`)
            await new Promise<void>(r => {
                this.waiters.push(r)
                setTimeout(r, 50)
            })
        }
    }

    of(sub: string): any[] {
        return this.notifications.filter(n => n.params?.subscription === sub).map(n => n.params.result)
    }

    close() {
        this.ws.close()
    }
}

describe('devnet RPC over HTTP', () => {
    let dn: Devnet
    let fx = fixture()

    beforeAll(async () => {
        dn = await startDevnet({genesis: fx.genesis, blocks: fx.blocks, port: 0, finalityLag: 2, tailBlocks: 0})
    })
    afterAll(() => dn?.close())

    it('serves heads, hashes, headers and blocks', async () => {
        let head = await result(dn.url, 'chain_getHead')
        expect(head).toBe(dn.chain.head.hashHex)
        expect(await result(dn.url, 'chain_getBlockHash')).toBe(head)
        expect(await result(dn.url, 'chain_getBlockHash', [])).toBe(head)
        expect(await result(dn.url, 'chain_getBlockHash', [null])).toBe(head)
        expect(await result(dn.url, 'chain_getBlockHash', [3])).toBe(dn.chain.byNumber(3)!.hashHex)
        expect(await result(dn.url, 'chain_getBlockHash', ['0x3'])).toBe(dn.chain.byNumber(3)!.hashHex)
        expect(await result(dn.url, 'chain_getBlockHash', ['0x03'])).toBe(dn.chain.byNumber(3)!.hashHex)
        expect(await result(dn.url, 'chain_getBlockHash', [[0, '0x1', 999]])).toEqual([dn.chain.genesis.hashHex, dn.chain.byNumber(1)!.hashHex, null])
        expect(await result(dn.url, 'chain_getBlockHash', [FIXTURE_HEIGHT + 1])).toBeNull()
        let fin = await result(dn.url, 'chain_getFinalizedHead')
        expect(fin).toBe(dn.chain.byNumber(FIXTURE_HEIGHT - 2)!.hashHex)
        expect(await result(dn.url, 'chain_getFinalisedHead')).toBe(fin)
        let header = await result(dn.url, 'chain_getHeader', [head])
        expect(header.number).toBe('0x' + FIXTURE_HEIGHT.toString(16))
        expect(header.parentHash).toBe(dn.chain.byNumber(FIXTURE_HEIGHT - 1)!.hashHex)
        expect(await result(dn.url, 'chain_getHeader')).toEqual(header)
        let block = await result(dn.url, 'chain_getBlock', [dn.chain.byNumber(5)!.hashHex])
        expect(block.block.header.number).toBe('0x5')
        expect(block.block.extrinsics).toEqual([toHex(dn.chain.byNumber(5)!.extrinsics[0])])
        expect(block.justifications).toBeNull()
        let genesis = await result(dn.url, 'chain_getBlock', [dn.chain.genesis.hashHex])
        expect(genesis.block.extrinsics).toEqual([])
    })

    it('answers unknown blocks like Substrate: null from chain_*, a "not found" error from state_*', async () => {
        let unknown = '0x' + 'ab'.repeat(32)
        expect(await result(dn.url, 'chain_getHeader', [unknown])).toBeNull()
        expect(await result(dn.url, 'chain_getBlock', [unknown])).toBeNull()
        for (let [m, p] of [
            ['state_getRuntimeVersion', [unknown]],
            ['state_getMetadata', [unknown]],
            ['state_getStorageAt', [KEYS.systemEvents, unknown]],
            ['state_getStorage', [KEYS.systemEvents, unknown]],
            ['state_queryStorageAt', [[KEYS.systemEvents], unknown]],
            ['state_getKeysPaged', ['0x', 10, null, unknown]],
        ] as [string, unknown[]][]) {
            let r = await call(dn.url, m, p)
            expect([m, r.error?.message]).toEqual([m, expect.stringContaining(' not found')])
        }
    })

    it('returns -32601 for unknown methods and -32602 for bad params', async () => {
        expect((await call(dn.url, 'chain_getNothing', [])).error.code).toBe(-32601)
        expect((await call(dn.url, 'eth_blockNumber')).error).toEqual({code: -32601, message: 'Method not found'})
        expect((await call(dn.url, 'chain_subscribeNewHeads', [])).error.code).toBe(-32601) // not over HTTP
        for (let [m, p] of [
            ['chain_getBlockHash', ['abc']],
            ['chain_getBlockHash', [-1]],
            ['chain_getBlockHash', [1.5]],
            ['chain_getHeader', ['0x1234']],
            ['chain_getHeader', [42]],
            ['chain_getBlock', ['not a hash']],
            ['state_getStorage', [42]],
            ['state_getStorage', ['0xabc']],
            ['state_getRuntimeVersion', ['0x12', 1]],
            ['state_getKeysPaged', ['0x', 'ten']],
            ['state_queryStorageAt', ['0x00']],
            ['chain_getFinalizedHead', [1]],
            ['chain_getHeader', {hash: '0x00'}],
        ] as [string, unknown][]) {
            let r = await call(dn.url, m, p)
            expect([m, p, r.error?.code]).toEqual([m, p, -32602])
        }
        let parse = await fetch(dn.url, {method: 'POST', body: '{not json'})
        expect(((await parse.json()) as any).error.code).toBe(-32700)
        expect((await http(dn.url, {jsonrpc: '2.0', id: 1})).body.error.code).toBe(-32600)
        expect((await http(dn.url, [])).body.error.code).toBe(-32600)
    })

    it('handles batches (with per-call errors and notifications)', async () => {
        let r = await http(dn.url, [
            {jsonrpc: '2.0', id: 'a', method: 'chain_getBlockHash', params: ['0x1']},
            {jsonrpc: '2.0', id: 'b', method: 'nope'},
            {jsonrpc: '2.0', method: 'chain_getHead'},
            {jsonrpc: '2.0', id: 'c', method: 'state_getStorageAt', params: [KEYS.systemEvents, dn.chain.byNumber(2)!.hashHex]},
        ])
        expect(r.body).toHaveLength(3)
        expect(r.body[0]).toEqual({jsonrpc: '2.0', id: 'a', result: dn.chain.byNumber(1)!.hashHex})
        expect(r.body[1].error.code).toBe(-32601)
        expect(r.body[2].result).toBe(toHex(dn.chain.byNumber(2)!.events))
    })

    it('serves runtime versions and metadata per block, across the upgrade', async () => {
        let hashAt = (h: number) => dn.chain.byNumber(h)!.hashHex
        let v = async (h: number) => (await result(dn.url, 'state_getRuntimeVersion', [hashAt(h)])).specVersion
        expect(await v(0)).toBe(1170)
        expect(await v(FIXTURE_UPGRADE_HEIGHT - 2)).toBe(1170)
        expect(await v(FIXTURE_UPGRADE_HEIGHT - 1)).toBe(1251)
        expect(await v(FIXTURE_HEIGHT)).toBe(1251)
        expect((await result(dn.url, 'chain_getRuntimeVersion')).specVersion).toBe(1251)
        let rv = await result(dn.url, 'state_getRuntimeVersion', [])
        expect(rv).toMatchObject({specName: 'khala', implName: 'khala', transactionVersion: 6, stateVersion: 0})
        expect(await result(dn.url, 'state_getMetadata', [hashAt(0)])).toBe(getRuntime('v1').metadataHex)
        expect(await result(dn.url, 'state_getMetadata', [hashAt(FIXTURE_UPGRADE_HEIGHT - 1)])).toBe(getRuntime('v2').metadataHex)
        expect((await result(dn.url, 'state_getMetadata')).slice(0, 12)).toBe('0x' + Buffer.from('meta').toString('hex') + '0e') // "meta" + version 14
        expect(await result(dn.url, 'state_call', ['Metadata_metadata_versions', '0x'])).toBe('0x040e000000')
        expect(await result(dn.url, 'state_call', ['Metadata_metadata_at_version', '0x0f000000'])).toBe('0x00')
        expect((await call(dn.url, 'state_call', ['Nope_nope', '0x'])).error.message).toMatch(/not found/)
    })

    it('serves storage: single keys, queries, key pages', async () => {
        let rt = getRuntime('v2')
        let prefix = toHex(rt.storagePrefix('PhalaBasePool', 'Pools'))
        let keys = await result(dn.url, 'state_getKeys', [prefix])
        expect(keys).toHaveLength(3)
        let page1 = await result(dn.url, 'state_getKeysPaged', [prefix, 2])
        let page2 = await result(dn.url, 'state_getKeysPaged', [prefix, 2, page1[1]])
        expect([...page1, ...page2]).toEqual(keys)
        let early = dn.chain.byNumber(FIXTURE_UPGRADE_HEIGHT)!.hashHex
        let earlyKeys = await result(dn.url, 'state_getKeysPagedAt', [prefix, 10, null, early])
        expect(earlyKeys).toHaveLength(1)
        let q = await result(dn.url, 'state_queryStorageAt', [[earlyKeys[0], '0x1234'], early])
        expect(q).toEqual([
            {
                block: early,
                changes: [
                    [earlyKeys[0], toHex(dn.chain.getStorage(earlyKeys[0], dn.chain.byNumber(FIXTURE_UPGRADE_HEIGHT)!)!)],
                    ['0x1234', null],
                ],
            },
        ])
        expect(await result(dn.url, 'state_getStorage', ['0x1234'])).toBeNull()
        let tp = toHex(rt.storageKey('PhalaComputation', 'TokenomicParameters'))
        let v = await result(dn.url, 'state_getStorage', [tp])
        expect(await result(dn.url, 'state_getStorageSize', [tp])).toBe((v.length - 2) / 2)
        expect(await result(dn.url, 'state_getStorageHash', [tp])).toMatch(/^0x[0-9a-f]{64}$/)
    })

    it('answers the system_* and rpc_methods calls', async () => {
        expect(await result(dn.url, 'system_properties')).toEqual({ss58Format: 30, tokenDecimals: 12, tokenSymbol: 'PHA'})
        expect(typeof (await result(dn.url, 'system_chain'))).toBe('string')
        expect(await result(dn.url, 'system_name')).toBe('phala-mining-devnet')
        expect(await result(dn.url, 'system_version')).toMatch(/^\d+\.\d+\.\d+/)
        expect(await result(dn.url, 'system_health')).toEqual({peers: 0, isSyncing: false, shouldHavePeers: false})
        let methods = (await result(dn.url, 'rpc_methods')).methods
        for (let m of [
            'chain_getHead',
            'chain_getFinalizedHead',
            'chain_getHeader',
            'chain_getBlockHash',
            'chain_getBlock',
            'state_getRuntimeVersion',
            'state_getMetadata',
            'state_getStorageAt',
            'state_getStorage',
            'chain_subscribeNewHeads',
            'chain_subscribeFinalizedHeads',
            'chain_unsubscribeNewHeads',
            'state_subscribeRuntimeVersion',
            'state_queryStorageAt',
            'state_getKeysPaged',
            'state_getKeys',
            'chain_getRuntimeVersion',
            'system_chain',
            'system_properties',
            'devnet_fork',
        ]) {
            expect(methods).toContain(m)
        }
        let status: any = await (await fetch(dn.url)).json()
        expect(status.head.height).toBe(FIXTURE_HEIGHT)
    })
})

describe('devnet RPC over WebSocket', () => {
    let fx = fixture()

    it('pushes new heads, finalized heads and runtime versions as blocks are released; forks replace heads', async () => {
        let dn = await startDevnet({genesis: fx.genesis, blocks: fx.blocks, port: 0, finalityLag: 3, blockTimeMs: -1, initialBlocks: 4})
        let ws = new WsClient(dn.wsUrl)
        try {
            let heads = (await ws.call('chain_subscribeNewHeads')).result
            let fin = (await ws.call('chain_subscribeFinalizedHeads')).result
            let ver = (await ws.call('state_subscribeRuntimeVersion')).result
            let all = (await ws.call('chain_subscribeAllHeads')).result
            expect(typeof heads).toBe('string')
            await ws.waitFor(() => ws.of(heads).length >= 1 && ws.of(fin).length >= 1 && ws.of(ver).length >= 1)
            expect(ws.of(heads)[0].number).toBe('0x4')
            expect(ws.of(fin)[0].number).toBe('0x1')
            expect(ws.of(ver)[0].specVersion).toBe(1170)
            // not released yet
            expect((await ws.call('chain_getBlockHash', [5])).result).toBeNull()
            // release through the admin method (over the same socket)
            expect((await ws.call('devnet_release', [{count: 4}])).result).toMatchObject({released: 4, head: 8})
            await ws.waitFor(() => ws.of(heads).length >= 5)
            expect(ws.of(heads).map(h => parseInt(h.number, 16))).toEqual([4, 5, 6, 7, 8])
            expect(ws.of(fin).map(h => parseInt(h.number, 16))).toEqual([1, 2, 3, 4, 5])
            expect(ws.of(ver).map(v => v.specVersion)).toEqual([1170, 1251]) // at block 6, the last v1 block
            // a fork of depth 2: new heads for the branch, same heights
            let old8 = dn.chain.head.hashHex
            let f = (await ws.call('devnet_fork', [{depth: 2, blocks: altTail(fx.blocks.slice(0, 8), 2)}])).result
            expect(f.replaced).toEqual([dn.chain.blocks.find(b => b.height === 7 && !dn.chain.isCanonical(b))!.hashHex, old8])
            await ws.waitFor(() => ws.of(heads).length >= 7)
            let after = ws.of(heads).slice(5)
            expect(after.map(h => parseInt(h.number, 16))).toEqual([7, 8])
            expect(after[1].parentHash).toBe(f.added[0])
            expect(ws.of(all).length).toBe(ws.of(heads).length)
            expect((await ws.call('chain_getBlockHash', [8])).result).toBe(f.added[1])
            // the orphan stays queryable by hash
            expect((await ws.call('chain_getHeader', [old8])).result.number).toBe('0x8')
            // finalized blocks cannot be forked
            let bad = await ws.call('devnet_fork', [{depth: 4}])
            expect(bad.error.code).toBe(-32602)
            expect(bad.error.message).toMatch(/unfinalized/)
            // unsubscribe
            expect((await ws.call('chain_unsubscribeNewHeads', [heads])).result).toBe(true)
            expect((await ws.call('chain_unsubscribeNewHeads', [heads])).result).toBe(false)
            dn.release(1)
            await ws.waitFor(() => ws.of(fin).length >= 6)
            expect(ws.of(heads)).toHaveLength(7)
            // explicit finalization
            expect((await ws.call('devnet_finalize', [])).result).toEqual({finalized: 9})
        } finally {
            ws.close()
            await dn.close()
        }
    })

    it('state_subscribeStorage reports changes of watched keys', async () => {
        let dn = await startDevnet({genesis: fx.genesis, blocks: fx.blocks, port: 0, blockTimeMs: -1, initialBlocks: FIXTURE_UPGRADE_HEIGHT})
        let ws = new WsClient(dn.wsUrl)
        try {
            let key = toHex(getRuntime('v2').storageKey('PhalaBasePool', 'Pools', [1n]))
            let sub = (await ws.call('state_subscribeStorage', [[key]])).result
            await ws.waitFor(() => ws.of(sub).length >= 1)
            expect(ws.of(sub)[0].changes).toEqual([[key, null]])
            dn.release(1)
            await ws.waitFor(() => ws.of(sub).length >= 2)
            expect(ws.of(sub)[1].block).toBe(dn.chain.head.hashHex)
            expect(ws.of(sub)[1].changes[0][1]).toBe(toHex(dn.chain.getStorage(key, dn.chain.head)!))
        } finally {
            ws.close()
            await dn.close()
        }
    })

    it('live mode releases a block every N ms, then tail blocks finalize the end', async () => {
        let dn = await startDevnet({genesis: fx.genesis, blocks: fx.blocks, port: 0, finalityLag: 5, blockTimeMs: 15})
        try {
            expect(dn.height).toBe(0)
            await dn.waitForHeight(FIXTURE_HEIGHT, 10_000)
            expect(dn.exhausted).toBe(true)
            expect(dn.chain.finalizedHeight).toBe(FIXTURE_HEIGHT - 5)
            // then lag + 1 empty blocks: the scenario's last block becomes final as the chain goes on
            await dn.waitForHeight(FIXTURE_HEIGHT + 6, 10_000)
            await new Promise(r => setTimeout(r, 100))
            expect(dn.height).toBe(FIXTURE_HEIGHT + 6)
            expect(dn.chain.finalizedHeight).toBe(FIXTURE_HEIGHT + 1)
            expect(dn.chain.head.eventCount).toBe(1)
            expect(dn.chain.head.timestamp).toBe(fx.blocks[FIXTURE_HEIGHT - 1].timestamp + 6 * 12_000)
        } finally {
            await dn.close()
        }
    })

    it('injects faults: rate-limit errors, HTTP 503, dropped WebSocket connections, latency (seeded)', async () => {
        let dn = await startDevnet({genesis: fx.genesis, blocks: fx.blocks, port: 0, faults: {errorRate: 1, seed: 3}})
        try {
            let r = await call(dn.url, 'chain_getHead')
            expect(r.error).toMatchObject({code: -32029})
            expect(r.error.message).toMatch(/rate limit/)
            // admin methods are exempt
            expect((await call(dn.url, 'devnet_status')).result.head.height).toBe(FIXTURE_HEIGHT)
        } finally {
            await dn.close()
        }
        let dn2 = await startDevnet({genesis: fx.genesis, blocks: fx.blocks, port: 0, faults: {errorRate: 1, errorKind: 'http-503'}})
        try {
            expect((await http(dn2.url, {jsonrpc: '2.0', id: 1, method: 'chain_getHead'})).status).toBe(503)
        } finally {
            await dn2.close()
        }
        let dn3 = await startDevnet({genesis: fx.genesis, blocks: fx.blocks, port: 0, faults: {wsDropRate: 1}})
        try {
            let ws = new WsClient(dn3.wsUrl)
            await ws.ready
            ws.call('chain_getHead')
            await ws.waitFor(() => false, 2000).catch(e => expect(e.message).toBe('connection closed'))
            expect(ws.closed).toBe(true)
            expect(dn3.server.faults.counters.wsDropped).toBe(1)
        } finally {
            await dn3.close()
        }
        let dn4 = await startDevnet({genesis: fx.genesis, blocks: fx.blocks, port: 0, faults: {latencyMs: 200, errorRate: 0.5, seed: 9}})
        try {
            let t0 = Date.now()
            let outcomes: boolean[] = []
            for (let i = 0; i < 8; i++) outcomes.push(!(await call(dn4.url, 'chain_getHead')).error)
            expect(Date.now() - t0).toBeGreaterThanOrEqual(8 * 100)
            expect(outcomes.some(x => x)).toBe(true)
            expect(outcomes.some(x => !x)).toBe(true)
            // the same seed gives the same faults
            let again = await startDevnet({genesis: fx.genesis, blocks: fx.blocks, port: 0, faults: {latencyMs: 1, errorRate: 0.5, seed: 9}})
            try {
                let outcomes2: boolean[] = []
                for (let i = 0; i < 8; i++) outcomes2.push(!(await call(again.url, 'chain_getHead')).error)
                expect(outcomes2).toEqual(outcomes)
            } finally {
                await again.close()
            }
        } finally {
            await dn4.close()
        }
    })
})
