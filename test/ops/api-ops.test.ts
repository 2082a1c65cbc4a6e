/**
 * The GraphQL server's operations routes (src/server/ops.ts) on the devnet's `tiny` chain indexed by the
 * real processor: /metrics parses strictly with the expected families and counts, operation labels are
 * bounded, /ready follows the database and the lag against the node's finalized head, and with two
 * workers any worker's /metrics answers the sum of both.
 */
import * as path from 'path'
import {GraphqlServer, httpRequest} from '../helpers/graphql-server'
import {IndexedDb, indexedDatabase, LIB, withClient} from '../helpers/indexed'
import {parsePrometheusText, sample, samples} from '../helpers/prom-text'

jest.setTimeout(600_000)

async function pollUntil(url: string, ok: (status: number, body: any) => boolean, tries = 1200): Promise<{status: number; body: any}> {
    let last: {status: number; body: any} | undefined
    for (let i = 0; i < tries; i++) {
        const r = await httpRequest(url)
        last = {status: r.status, body: JSON.parse(r.body)}
        if (ok(last.status, last.body)) return last
        await new Promise(r => setTimeout(r, 100))
    }
    throw new Error(`${url} never answered as expected; last: ${JSON.stringify(last)}`)
}

async function admin(sql: string, params?: unknown[]): Promise<void> {
    const u = new URL(process.env.TEST_PG_SERVER ?? process.env.DB_URL!)
    u.pathname = '/postgres'
    await withClient(u.toString(), c => c.query(sql, params))
}

async function post(server: GraphqlServer, body: object): Promise<number> {
    const r = await httpRequest(server.url, {method: 'POST', body: JSON.stringify(body), headers: {'content-type': 'application/json'}})
    return r.status
}

describe('API /metrics, /health, /ready', () => {
    let db: IndexedDb
    let dbName: string
    let devnet: any
    let height: number
    const servers: GraphqlServer[] = []

    beforeAll(async () => {
        db = await indexedDatabase('tiny')
        dbName = new URL(db.url).pathname.slice(1)
        height = (await withClient(db.url, c => c.query(`SELECT height FROM network_state WHERE id = 'network'`))).rows[0].height
        const sim = require(path.join(LIB, 'devnet/sim'))
        const dn = require(path.join(LIB, 'devnet'))
        const sc = sim.buildScenario('tiny', {seed: 1})
        // manual release: every scenario block now, more only when the test appends them
        devnet = await dn.startDevnet({
            source: dn.sourceFromDevBlocks(sc.genesis, sc.blocks, {info: {scenario: 'tiny', seed: 1}}),
            port: 0,
            blockTimeMs: -1,
            initialBlocks: 1_000_000,
        })
    })

    afterAll(async () => {
        await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`).catch(() => undefined)
        for (const s of servers) await s.stop()
        await devnet?.close()
    })

    test('metrics, bounded operation labels, readiness by database and lag', async () => {
        expect(devnet.height).toBe(height)
        const server = await GraphqlServer.start(db.url, {RPC_ENDPOINT: devnet.wsUrl, READY_CHECK_MS: '200', READY_MAX_LAG: '50', GQL_METRICS_OPERATIONS: '2'})
        servers.push(server)
        const base = `http://127.0.0.1:${server.port}`

        const health = await httpRequest(`${base}/health`)
        expect(health.status).toBe(200)
        expect(JSON.parse(health.body).alive).toBe(true)
        const ready = await pollUntil(`${base}/ready`, s => s === 200)
        expect(ready.body).toMatchObject({ready: true, db: 'ok', height, target: height, lag: 0, maxLag: 50})

        const status = {query: 'query Status { squidStatus { height } }', operationName: 'Status'}
        expect(await post(server, status)).toBe(200)
        expect(await post(server, status)).toBe(200) // answered by the response cache
        expect(await post(server, {query: 'query Workers { workers(limit: 2) { id } }', operationName: 'Workers'})).toBe(200)
        expect(await post(server, {query: 'query Third { squidStatus { hash } }', operationName: 'Third'})).toBe(200)
        expect(await post(server, {query: '{ basePools(limit: 1) { id } }'})).toBe(200)

        const m = parsePrometheusText((await httpRequest(`${base}/metrics`)).body)
        expect(m.get('phala_squid_api_request_duration_seconds')!.type).toBe('histogram')
        expect(sample(m, 'phala_squid_api_request_duration_seconds_count', {operation: 'Status'})).toBe(2)
        expect(sample(m, 'phala_squid_api_request_duration_seconds_count', {operation: 'Workers'})).toBe(1)
        // GQL_METRICS_OPERATIONS=2: a third name, and anonymous operations, share `_other`
        const labels = samples(m, 'phala_squid_api_request_duration_seconds_count').map(s => s.labels.operation)
        expect(labels.sort()).toEqual(['Status', 'Workers', '_other'])
        expect(sample(m, 'phala_squid_api_request_duration_seconds_count', {operation: '_other'})).toBeGreaterThanOrEqual(2)
        expect(sample(m, 'phala_squid_api_response_cache_requests_total', {result: 'hit'})).toBeGreaterThanOrEqual(1)
        expect(sample(m, 'phala_squid_api_response_cache_requests_total', {result: 'miss'})).toBeGreaterThanOrEqual(4)
        expect(sample(m, 'phala_squid_api_sql_duration_seconds_count')).toBeGreaterThanOrEqual(3)
        expect(sample(m, 'phala_squid_api_sql_duration_seconds_sum')).toBeGreaterThan(0)
        expect(sample(m, 'phala_squid_api_response_cache_bytes')).toBeGreaterThan(0)
        expect(m.has('process_cpu_seconds_total')).toBe(true)

        // the database stops accepting connections and the open ones are killed
        await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`)
        await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName])
        const lost = await pollUntil(`${base}/ready`, s => s === 503)
        expect(lost.body).toMatchObject({ready: false, db: 'unreachable'})
        expect(lost.body.reason).toMatch(/^database unreachable: /)
        await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`)
        await pollUntil(`${base}/ready`, s => s === 200)

        // the chain moves 60 blocks past the index
        devnet.appendEmpty(60)
        const lagging = await pollUntil(`${base}/ready`, s => s === 503)
        expect(lagging.body).toMatchObject({ready: false, db: 'ok', height, target: height + 60, lag: 60, reason: 'lag 60 blocks > 50'})
    })

    test('GQL_WORKERS=2: every /metrics answer is the sum over both workers', async () => {
        const server = await GraphqlServer.start(db.url, {GQL_WORKERS: '2'})
        servers.push(server)
        const base = `http://127.0.0.1:${server.port}`
        const q = {query: 'query Pair { squidStatus { height } }', operationName: 'Pair'}
        for (let i = 0; i < 8; i++) expect(await post(server, q)).toBe(200)
        // scraped several times: whichever worker answers, the counts are the server's
        for (let i = 0; i < 4; i++) {
            const m = parsePrometheusText((await httpRequest(`${base}/metrics`)).body)
            expect(sample(m, 'phala_squid_api_request_duration_seconds_count', {operation: 'Pair'})).toBe(8)
        }
        // no node configured: the lag is not checked, and the body says so
        const ready = await pollUntil(`${base}/ready`, s => s === 200)
        expect(ready.body).toMatchObject({ready: true, lag: null, note: 'lag not checked: RPC_ENDPOINT not set'})
    })
})
