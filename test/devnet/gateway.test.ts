/**
 * The devnet's SQD gateway (devnet/gateway) over HTTP: height, worker, queries with event filters and field
 * selection, the last-block rule, the reply size limit, finalized blocks only, and bad requests (400). The SDK's
 * own gateway client (@subsquid/util-internal-archive-client, as `setGateway` builds it) reads it too.
 */
import {execFile} from 'child_process'
import * as path from 'path'
import {promisify} from 'util'
import {startScenarioDevnet} from '../../devnet'
import type {Devnet} from '../../devnet'
import {buildScenario} from '../../devnet/sim'

jest.setTimeout(120_000)

const FIELDS = {
    block: {timestamp: true, specName: true, specVersion: true, implName: true, implVersion: true},
    event: {name: true, args: true},
    call: {name: true, args: true},
    extrinsic: {},
}

const SETTLED = 'PhalaComputation.SessionSettled'

async function text(url: string, init?: RequestInit): Promise<{status: number; body: string}> {
    const r = await fetch(url, init)
    return {status: r.status, body: await r.text()}
}

async function query(dn: Devnet, q: unknown): Promise<{status: number; body: string; json: any}> {
    const worker = (await text(`${dn.gatewayUrl}/0/worker`)).body
    const r = await text(worker, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(q)})
    return {...r, json: r.status === 200 ? JSON.parse(r.body) : undefined}
}

describe('devnet gateway (tiny, finality lag 10)', () => {
    let dn: Devnet
    const lag = 10

    beforeAll(async () => {
        dn = await startScenarioDevnet({scenario: 'tiny', seed: 1, port: 0, gatewayPort: 0, finalityLag: lag, tailBlocks: 0, gatewayReplyBytes: 8192})
    })
    afterAll(async () => {
        await dn?.close()
    })

    it('reports the finalized height, capped by maxHeight', async () => {
        expect(dn.height).toBe(240)
        expect(await text(`${dn.gatewayUrl}/height`)).toEqual({status: 200, body: String(240 - lag)})
        dn.gateway!.maxHeight = 100
        expect((await text(`${dn.gatewayUrl}/height`)).body).toBe('100')
        dn.gateway!.maxHeight = undefined
    })

    it('names a worker for a block at or below its height, 400 otherwise', async () => {
        const w = await text(`${dn.gatewayUrl}/17/worker`)
        expect(w.status).toBe(200)
        expect(w.body).toBe(`${dn.gatewayUrl}/query`)
        expect(await text(`${dn.gatewayUrl}/${240 - lag + 1}/worker`)).toEqual({
            status: 400,
            body: `block ${240 - lag + 1} is above the gateway's height ${240 - lag}`,
        })
        expect((await text(`${dn.gatewayUrl}/x1/worker`)).status).toBe(400)
    })

    it('serves the selected events with the args the simulator emitted, every one once across replies', async () => {
        const scenario = buildScenario('tiny', {seed: 1})
        const blocks = scenario.blocks as {events: {pallet: string; name: string; args: any; phase?: any}[]}[]
        const top = 240 - lag
        // the simulator's SessionSettled events of the finalized blocks, in the JSON form the SDK gives over RPC
        const expected: unknown[] = []
        blocks.slice(0, top).forEach((b, i) => {
            for (const e of b.events) {
                if (e.pallet !== 'PhalaComputation' || e.name !== 'SessionSettled') continue
                expected.push({
                    height: i + 1,
                    extrinsicIndex: e.phase.index,
                    name: SETTLED,
                    args: {session: e.args.session, vBits: String(e.args.v_bits), payoutBits: String(e.args.payout_bits)},
                })
            }
        })
        expect(expected.length).toBeGreaterThan(5)
        const got: unknown[] = []
        const lasts: number[] = []
        let from = 0
        while (from <= top) {
            const r = await query(dn, {type: 'substrate', fromBlock: from, fields: FIELDS, events: [{name: [SETTLED]}]})
            expect(r.status).toBe(200)
            const bs = r.json as any[]
            for (const b of bs) {
                const rt = b.header.specVersion
                expect(rt === 1170 || rt === 1251).toBe(true)
                expect(b.header).toEqual(
                    expect.objectContaining({specName: 'khala', implName: 'khala', implVersion: 0, number: expect.any(Number), hash: expect.any(String)})
                )
                for (const e of b.events) got.push({height: b.header.number, extrinsicIndex: e.extrinsicIndex, name: e.name, args: e.args})
            }
            const last = bs[bs.length - 1].header.number
            lasts.push(last)
            from = last + 1
        }
        expect(got).toEqual(expected)
        // the reply limit (8 KiB here) split the scan; every reply ended with its last scanned block
        expect(lasts.length).toBeGreaterThan(1)
        expect(lasts[lasts.length - 1]).toBe(top)
    })

    it('ends a reply with its last scanned block even when it has no selected item', async () => {
        const r = await query(dn, {type: 'substrate', fromBlock: 3, toBlock: 9, fields: FIELDS, events: [{name: ['Nothing.Here']}]})
        expect(r.status).toBe(200)
        expect(r.json.length).toBe(1)
        expect(r.json[0].header.number).toBe(9)
        expect(r.json[0].events).toEqual([])
        // header fields as selected, the hash that RPC gives
        const hash = await fetch(dn.url, {
            method: 'POST',
            headers: {'content-type': 'application/json'},
            body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'chain_getBlockHash', params: [9]}),
        }).then(x => x.json() as Promise<{result: string}>)
        expect(r.json[0].header.hash).toBe(hash.result)
        expect(Object.keys(r.json[0].header).sort()).toEqual(
            ['hash', 'implName', 'implVersion', 'number', 'parentHash', 'specName', 'specVersion', 'timestamp'].sort()
        )
    })

    it('includes every block with includeAllBlocks, and never one above the finalized height', async () => {
        const r = await query(dn, {type: 'substrate', fromBlock: 220, toBlock: 240, includeAllBlocks: true, fields: FIELDS, events: [{name: [SETTLED]}]})
        expect(r.status).toBe(200)
        expect(r.json.map((b: any) => b.header.number)).toEqual(Array.from({length: 240 - lag - 220 + 1}, (_, i) => 220 + i))
    })

    it('selects event fields: phase and topics on request, index and extrinsicIndex always', async () => {
        const r = await query(dn, {
            type: 'substrate',
            fromBlock: 5,
            toBlock: 5,
            fields: {block: {}, event: {phase: true, topics: true}},
            events: [{}],
        })
        expect(r.status).toBe(200)
        const evs = r.json[0].events
        expect(evs.length).toBeGreaterThan(1)
        expect(evs[0]).toEqual({index: 0, extrinsicIndex: 0, phase: 'ApplyExtrinsic', topics: []})
        expect(evs.map((e: any) => e.index)).toEqual(evs.map((_: unknown, i: number) => i))
        expect(Object.keys(r.json[0].header).sort()).toEqual(['hash', 'number', 'parentHash'])
    })

    it('answers a bad request with 400 and a message naming the problem', async () => {
        const cases: [unknown, RegExp][] = [
            [{type: 'evm', fromBlock: 0}, /type must be "substrate"/],
            [{type: 'substrate'}, /fromBlock must be a non-negative integer/],
            [{type: 'substrate', fromBlock: 5, toBlock: 4}, /toBlock 4 is below fromBlock 5/],
            [{type: 'substrate', fromBlock: 231}, /fromBlock 231 is above the gateway's height 230/],
            [{type: 'substrate', fromBlock: 0, fields: {event: {colour: true}}}, /fields\.event\.colour: unknown field/],
            [{type: 'substrate', fromBlock: 0, calls: [{name: ['Timestamp.set']}]}, /calls: not served/],
            [{type: 'substrate', fromBlock: 0, events: [{name: [SETTLED], extrinsic: true}]}, /events\[0\]\.extrinsic: related extrinsics are not served/],
            [{type: 'substrate', fromBlock: 0, events: {name: []}}, /events must be a list/],
            [{type: 'substrate', fromBlock: 0, limit: 3}, /limit: unknown query option/],
        ]
        for (const [q, message] of cases) {
            const r = await query(dn, q)
            expect({q, status: r.status}).toEqual({q, status: 400})
            expect(r.body).toMatch(message)
        }
        const worker = `${dn.gatewayUrl}/query`
        const notJson = await text(worker, {method: 'POST', body: '{"type":'})
        expect(notJson).toEqual({status: 400, body: 'the query is not valid JSON'})
        expect((await text(worker)).status).toBe(405)
        expect((await text(`${dn.gatewayUrl}/status`)).status).toBe(404)
    })

    it("is read by the SDK's own gateway client", async () => {
        const q = {type: 'substrate', fromBlock: 100, toBlock: 140, fields: FIELDS, events: [{name: [SETTLED]}]}
        const child = path.join(__dirname, 'gateway-client-child.js')
        const {stdout} = await promisify(execFile)(process.execPath, [child, dn.gatewayUrl!, JSON.stringify(q)])
        const {height, blocks} = JSON.parse(stdout) as {height: number; blocks: any[]}
        expect(height).toBe(240 - lag)
        expect(blocks.some(b => b.events.length > 0)).toBe(true)
        expect(blocks).toEqual((await query(dn, q)).json)
    })
})
