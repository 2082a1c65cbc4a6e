/**
 * The HTTP response cache (src/server/response-cache.ts) of the real GraphQL server, on a copy of the
 * database the processor indexed from the devnet `small` scenario (a copy: one test moves its head).
 * A hit must be the very bytes of the miss, a moved head must recompute, errors must never be stored,
 * and the server without the cache must answer the same.
 */
import {Client} from 'pg'
import {indexedDatabase} from '../helpers/indexed'
import {GraphqlServer, httpRequest, HttpResult} from '../helpers/graphql-server'
import {busiestOwner, busiestWorkers, days, DAY_MS} from '../helpers/truth'

const COPY = 'api_small_response_cache'

let truth: any
let copyUrl: string
let cached: GraphqlServer
let uncached: GraphqlServer
let from: string
let to: string

function withDb(url: string, name: string): string {
    const u = new URL(url)
    u.pathname = '/' + name
    return u.toString()
}

async function admin<T>(url: string, f: (c: Client) => Promise<T>): Promise<T> {
    const c = new Client({connectionString: withDb(url, 'postgres')})
    await c.connect()
    try {
        return await f(c)
    } finally {
        await c.end()
    }
}

/** a copy of the indexed database (CREATE DATABASE … TEMPLATE needs the source to be idle: retried) */
async function copyDatabase(url: string): Promise<string> {
    const source = new URL(url).pathname.slice(1)
    await admin(url, async c => {
        await c.query(`DROP DATABASE IF EXISTS ${COPY} WITH (FORCE)`)
        for (let attempt = 0; ; attempt++) {
            try {
                await c.query(`CREATE DATABASE ${COPY} TEMPLATE ${source}`)
                return
            } catch (e: any) {
                if (e?.code !== '55006' || attempt >= 40) throw e
                await new Promise(r => setTimeout(r, 250))
            }
        }
    })
    return withDb(url, COPY)
}

beforeAll(async () => {
    const db = await indexedDatabase('small', {log: m => console.log(`[api test] ${m}`)})
    truth = db.truth
    const ds = days(truth)
    from = ds[0]
    to = new Date(Date.parse(ds[ds.length - 1]) + DAY_MS).toISOString().slice(0, 10)
    copyUrl = await copyDatabase(db.url)
    // GQL_CACHE_HEAD_MS=0: the head is re-read for every request, so a moved head shows at once
    ;[cached, uncached] = await Promise.all([
        GraphqlServer.start(copyUrl, {GQL_CACHE_HEAD_MS: '0'}),
        GraphqlServer.start(copyUrl, {GQL_CACHE_HEAD_MS: '0', GQL_RESPONSE_CACHE_MB: '0'}),
    ])
}, 1_200_000)

afterAll(async () => {
    await Promise.all([cached?.stop(), uncached?.stop()])
    if (copyUrl) await admin(copyUrl, c => c.query(`DROP DATABASE IF EXISTS ${COPY} WITH (FORCE)`)).catch(() => {})
})

function post(server: GraphqlServer, payload: unknown): Promise<HttpResult> {
    return httpRequest(server.url, {method: 'POST', body: JSON.stringify(payload), headers: {'content-type': 'application/json'}})
}

function get(server: GraphqlServer, params: Record<string, string>): Promise<HttpResult> {
    return httpRequest(`${server.url}?${new URLSearchParams(params)}`, {headers: {accept: 'application/json'}})
}

function auditQuery(account: string): string {
    return `{ payoutAudit(account: "${account}", from: "${from}", to: "${to}", granularity: DAY, limit: 20) {
        count total { amount treasury toOwner toStakers amountPha } buckets { start amount count cumulative }
        payouts { id blockHeight timestamp workerId amount toOwner toStakers } commission { amount withdrawn } } }`
}

describe('response cache', () => {
    test('a hit returns exactly the bytes of the miss (POST and GET), and the server without the cache answers the same', async () => {
        const query = auditQuery(busiestOwner(truth))
        const miss = await post(cached, {query})
        expect(miss.status).toBe(200)
        expect(miss.headers['x-cache']).toBe('miss')
        expect(JSON.parse(miss.body).errors).toBeUndefined()
        expect(JSON.parse(miss.body).data.payoutAudit.count).toBeGreaterThan(0)
        for (let i = 0; i < 3; i++) {
            const hit = await post(cached, {query})
            expect(hit.status).toBe(200)
            expect(hit.headers['x-cache']).toBe('hit')
            expect(hit.body).toBe(miss.body)
            expect(hit.headers['content-type']).toBe(miss.headers['content-type'])
            expect(hit.headers['content-type']).toMatch(/^application\/json/)
            expect(Number(hit.headers['content-length'])).toBe(Buffer.byteLength(miss.body))
            expect(hit.headers['etag']).toBe(miss.headers['etag'])
            expect(hit.headers['access-control-allow-origin']).toBe(miss.headers['access-control-allow-origin'])
        }
        const off = await post(uncached, {query})
        expect(off.status).toBe(200)
        expect(off.headers['x-cache']).toBeUndefined()
        expect(off.body).toBe(miss.body)

        // GET: its own entry, the same bytes
        const g1 = await get(cached, {query})
        const g2 = await get(cached, {query})
        expect([g1.headers['x-cache'], g2.headers['x-cache']]).toEqual(['miss', 'hit'])
        expect(g1.body).toBe(miss.body)
        expect(g2.body).toBe(miss.body)
        // a client holding the bytes (If-None-Match) gets a 304, as express would answer
        const g3 = await httpRequest(`${cached.url}?${new URLSearchParams({query})}`, {
            headers: {accept: 'application/json', 'if-none-match': String(miss.headers['etag'])},
        })
        expect(g3.status).toBe(304)
        expect(g3.body).toBe('')
    })

    test('the key is the exact request: variables and operationName select their own answers', async () => {
        const query = `query Audit($w: String!, $from: String!, $to: String!) {
            payoutAudit(worker: $w, from: $from, to: $to, limit: 5) { subject count total { amount } payouts { id amount } } }
            query Status { squidStatus { height } }`
        const [w1, w2] = busiestWorkers(truth)
        const ask = (w: string, operationName = 'Audit') => post(cached, {query, operationName, variables: {w, from, to}})
        const a1 = await ask(w1)
        const a2 = await ask(w2)
        expect(a1.headers['x-cache']).toBe('miss')
        expect(a2.headers['x-cache']).toBe('miss')
        expect(JSON.parse(a1.body).data.payoutAudit.subject).toBe(w1)
        expect(JSON.parse(a2.body).data.payoutAudit.subject).toBe(w2)
        const [h1, h2] = [await ask(w1), await ask(w2)]
        expect([h1.headers['x-cache'], h2.headers['x-cache']]).toEqual(['hit', 'hit'])
        expect(h1.body).toBe(a1.body)
        expect(h2.body).toBe(a2.body)
        // the same text and variables, another operation
        const s = await ask(w1, 'Status')
        expect(s.headers['x-cache']).toBe('miss')
        expect(JSON.parse(s.body).data).toEqual({squidStatus: {height: expect.any(Number)}})
        // the uncached server agrees
        expect((await post(uncached, {query, operationName: 'Audit', variables: {w: w2, from, to}})).body).toBe(a2.body)
    })

    test('answers with errors are never stored', async () => {
        const owner = busiestOwner(truth)
        const cases: [unknown, number][] = [
            // a bad argument: HTTP 200 with errors and partial data
            [{query: `{ payoutAudit(account: "${owner}", from: "${to}", to: "${from}") { count } squidStatus { height } }`}, 200],
            // an unknown account
            [{query: `{ payoutAudit(account: "0x${'00'.repeat(32)}", from: "${from}", to: "${to}") { count } }`}, 200],
            // a validation error: HTTP 400
            [{query: `{ payoutAudit(account: "${owner}", from: "${from}", to: "${to}") { nope } }`}, 400],
            // a wrong variable type
            [{query: `query Q($n: Int!) { payouts(limit: $n) { id } }`, variables: {n: 'ten'}}, 400],
        ]
        for (const [payload, status] of cases) {
            const first = await post(cached, payload)
            const second = await post(cached, payload)
            for (const r of [first, second]) {
                expect(r.status).toBe(status)
                expect(JSON.parse(r.body).errors.length).toBeGreaterThan(0)
                expect(r.headers['x-cache']).toBe('miss')
                expect(r.body).not.toMatch(/\n\s+at |node_modules/)
            }
            expect(second.body).toBe((await post(uncached, payload)).body)
        }
        // introspection passes through, uncached
        const intro = await post(cached, {query: '{ __schema { queryType { name } } }'})
        expect(intro.status).toBe(200)
        expect(intro.headers['x-cache']).toBeUndefined()
        expect(JSON.parse(intro.body).data.__schema.queryType.name).toBe('Query')
        // malformed JSON is still a 400, one JSON line without a stack
        const bad = await httpRequest(cached.url, {method: 'POST', body: '{"query": ', headers: {'content-type': 'application/json'}})
        expect(bad.status).toBe(400)
        expect(JSON.parse(bad.body).errors[0]).toMatchObject({
            message: expect.stringMatching(/^the request body is not valid JSON/),
            extensions: {code: 'BAD_REQUEST'},
        })
        expect(bad.body).not.toMatch(/\n\s+at |node_modules/)
    })

    test('after the head moves the answer is recomputed', async () => {
        const w = busiestWorkers(truth)[0]
        const query = `{ networkStates(limit: 1) { id height hash } workers(where: {id_eq: "${w}"}, limit: 1) { id totalPayout } }`
        const m1 = await post(cached, {query})
        expect(JSON.parse(m1.body).errors).toBeUndefined()
        const h1 = await post(cached, {query})
        expect([m1.headers['x-cache'], h1.headers['x-cache']]).toEqual(['miss', 'hit'])
        const before = JSON.parse(m1.body).data
        expect(h1.body).toBe(m1.body)

        // what a processor batch does: new data and a new head, in one transaction
        const c = new Client({connectionString: copyUrl})
        await c.connect()
        try {
            await c.query('BEGIN')
            await c.query(`UPDATE worker SET total_payout = total_payout + 1 WHERE id = $1`, [w])
            await c.query(`UPDATE network_state SET height = height + 1, hash = 'moved-by-the-test' WHERE id = 'network'`)
            await c.query('COMMIT')
        } finally {
            await c.end()
        }
        const m2 = await post(cached, {query})
        expect(m2.headers['x-cache']).toBe('miss')
        const after = JSON.parse(m2.body).data
        expect(after.networkStates[0].height).toBe(before.networkStates[0].height + 1)
        expect(after.networkStates[0].hash).toBe('moved-by-the-test')
        expect(BigInt(after.workers[0].totalPayout)).toBe(BigInt(before.workers[0].totalPayout) + 1n)
        const h2 = await post(cached, {query})
        expect(h2.headers['x-cache']).toBe('hit')
        expect(h2.body).toBe(m2.body)
        expect(m2.body).toBe((await post(uncached, {query})).body)
    })

    test('identical concurrent requests all get the same bytes', async () => {
        const query = auditQuery(busiestOwner(truth)).replace('limit: 20', 'limit: 7')
        const rs = await Promise.all(Array.from({length: 12}, () => post(cached, {query})))
        for (const r of rs) {
            expect(r.status).toBe(200)
            expect(r.body).toBe(rs[0].body)
            expect(['hit', 'miss']).toContain(r.headers['x-cache'])
        }
        expect(rs.filter(r => r.headers['x-cache'] === 'miss').length).toBeGreaterThanOrEqual(1)
        expect(rs[0].body).toBe((await post(uncached, {query})).body)
    })

    test('GQL_WORKERS=2: each worker caches, answers stay identical', async () => {
        const server = await GraphqlServer.start(copyUrl, {GQL_WORKERS: '2', GQL_CACHE_HEAD_MS: '0'})
        try {
            const query = auditQuery(busiestOwner(truth))
            const expected = (await post(uncached, {query})).body
            const seen = new Set<string>()
            for (let i = 0; i < 6; i++) {
                const rs = await Promise.all(Array.from({length: 4}, () => post(server, {query})))
                for (const r of rs) {
                    expect(r.status).toBe(200)
                    expect(r.body).toBe(expected)
                    seen.add(String(r.headers['x-cache']))
                }
            }
            expect(seen.has('hit')).toBe(true)
        } finally {
            await server.stop()
        }
    })

    test('a bad GQL_RESPONSE_CACHE_MB stops the server with a message naming it', async () => {
        await expect(GraphqlServer.start(copyUrl, {GQL_RESPONSE_CACHE_MB: 'lots'})).rejects.toThrow(/GQL_RESPONSE_CACHE_MB/)
    })
})
