/**
 * Admission control against the real GraphQL server (src/server/admission.ts): expensive queries run
 * GQL_EXPENSIVE_CONCURRENCY at once with a short queue, the rest get HTTP 503 with Retry-After, and cheap
 * queries take their own lane, answered while the expensive ones are still in flight.
 *
 * The expensive queries are held in flight by state, not by time: the test locks the `payout` table
 * (ACCESS EXCLUSIVE) in a transaction of its own, so the admitted ones wait on that lock inside
 * PostgreSQL until the test releases it.
 */
import {Client} from 'pg'
import {indexedDatabase} from '../helpers/indexed'
import {GraphqlServer, httpRequest, HttpResult} from '../helpers/graphql-server'
import {admissionLane, createAdmission, Lane, LaneFullError} from '../../src/server/admission'
import {admissionSettings} from '../../src/config/server'
import type {QueryCost} from '../../src/server/cost'

const CONCURRENCY = 2
const QUEUE = 3

let gql: GraphqlServer
let dbUrl: string

beforeAll(async () => {
    const db = await indexedDatabase('small', {log: m => console.log(`[admission test] ${m}`)})
    dbUrl = db.url
    gql = await GraphqlServer.start(db.url, {
        GQL_EXPENSIVE_CONCURRENCY: String(CONCURRENCY),
        GQL_EXPENSIVE_QUEUE: String(QUEUE),
        // every request reaches Apollo (no answer replayed, no computation shared)
        GQL_RESPONSE_CACHE_MB: '0',
        GQL_RESULT_CACHE_ENTRIES: '0',
    })
}, 1_200_000)

afterAll(async () => {
    await gql?.stop()
})

function post(query: string): Promise<HttpResult> {
    return httpRequest(gql.url, {method: 'POST', body: JSON.stringify({query}), headers: {'content-type': 'application/json'}})
}

/** an expensive page of payouts (1,000 rows, an OR-ed filter), distinct per `i` */
function expensive(i: number): string {
    const or = Array.from({length: 20}, (_, k) => `{amount_gt: "${i * 100 + k}"}`).join(', ')
    return `{ payouts(limit: 1000, orderBy: amount_DESC, where: {OR: [${or}]}) { id amount } }`
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
        if (await cond()) return
        await new Promise(r => setTimeout(r, 50))
    }
    throw new Error(`timed out waiting for ${what}`)
}

test('20 expensive queries and a probe: each answer is 200 or 503 with Retry-After, the probe first', async () => {
    const lock = new Client({connectionString: dbUrl})
    await lock.connect()
    let locked = false
    try {
        await lock.query('BEGIN')
        await lock.query('LOCK TABLE payout IN ACCESS EXCLUSIVE MODE')
        locked = true
        const settled: (HttpResult | undefined)[] = Array(20).fill(undefined)
        const all = Array.from({length: 20}, (_, i) => post(expensive(i)).then(r => (settled[i] = r)))
        // the lane is full: all but CONCURRENCY + QUEUE are refused at once…
        await waitFor(() => settled.filter(r => r?.status === 503).length === 20 - CONCURRENCY - QUEUE, 'the refusals')
        // …and CONCURRENCY of the admitted ones wait on the lock inside PostgreSQL
        await waitFor(async () => {
            const r = await lock.query(
                `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%payout%'`
            )
            return r.rows[0].n === CONCURRENCY
        }, 'the admitted queries to reach the database')

        // the probes take the cheap lane: answered while every admitted expensive query is still in flight
        const status = await post('{ squidStatus { height } }')
        expect(status.status).toBe(200)
        expect(JSON.parse(status.body).data.squidStatus.height).toBeGreaterThan(0)
        expect(status.headers['x-query-lane']).toBe('cheap')
        const lookup = await post('{ networkStateById(id: "network") { height workerCount } }')
        expect(lookup.status).toBe(200)
        expect(JSON.parse(lookup.body).data.networkStateById.height).toBeGreaterThan(0)
        expect(settled.filter(r => r?.status === 200)).toHaveLength(0)
        expect(settled.filter(r => r == null)).toHaveLength(CONCURRENCY + QUEUE)
        // while the lane is full, a query of that lane is refused before it is validated (under a flood the
        // validation of every refused query took the event loop): a field that does not exist is not even
        // looked at, and the answer says busy; once the lane is free the same query gets its 400
        const unvalidated = `{ payouts(limit: 1000, orderBy: amount_DESC) { id noSuchField } }`
        const shed = await post(unvalidated)
        expect(shed.status).toBe(503)
        expect(shed.headers['retry-after']).toBe('2')
        expect(shed.headers['x-query-lane']).toBe('expensive')
        expect(JSON.parse(shed.body).errors[0].extensions).toEqual({code: 'SERVER_BUSY'})

        await lock.query('ROLLBACK')
        locked = false
        await Promise.all(all)
        for (const r of settled as HttpResult[]) {
            expect([200, 503]).toContain(r.status)
            const body = JSON.parse(r.body)
            if (r.status === 200) {
                expect(body.errors).toBeUndefined()
                expect(body.data.payouts.length).toBeGreaterThan(0)
                expect(r.headers['x-query-lane']).toBe('expensive')
            } else {
                expect(r.headers['retry-after']).toBe('2')
                expect(body.errors).toHaveLength(1)
                expect(body.errors[0].extensions).toEqual({code: 'SERVER_BUSY'})
                expect(body.errors[0].message).toMatch(
                    /^server busy: 2 expensive queries are running and 3 waiting \(GQL_EXPENSIVE_CONCURRENCY, GQL_EXPENSIVE_QUEUE\); retry after 2 s, or ask for less \(this query costs [\d,]+\)$/
                )
            }
        }
        expect(settled.filter(r => r!.status === 200)).toHaveLength(CONCURRENCY + QUEUE)
        // the lane is free again
        const again = await post(expensive(99))
        expect(again.status).toBe(200)
        const invalid = await post(unvalidated)
        expect(invalid.status).toBe(400)
        expect(JSON.parse(invalid.body).errors[0].message).toMatch(/noSuchField/)
    } finally {
        if (locked) await lock.query('ROLLBACK').catch(() => {})
        await lock.end()
    }
}, 120_000)

test('each kind of query takes its lane: analytics, the reconciliation and open-ended lists, lookups', async () => {
    const lanes: [string, string][] = [
        ['{ squidStatus { height } }', 'cheap'],
        ['{ payouts(limit: 10) { id } }', 'cheap'],
        ['{ payouts(limit: 1000, orderBy: amount_DESC) { id amount timestamp } }', 'expensive'],
        ['{ emission(granularity: DAY) { emitted remaining } }', 'analytics'],
        ['{ poolLeaderboard(orderBy: APR, window: DAY, limit: 20) { entries { pid apr } } }', 'analytics'],
        ['{ networkStats { height pools } squidStatus { height } }', 'analytics'],
        // with a big list beside it, or the reconciliation's lifetime sums, an analytics query is expensive
        ['{ networkStats { height } payouts(limit: 1000, orderBy: amount_DESC) { id amount timestamp } }', 'expensive'],
        ['{ payoutAudit(pool: "1", from: "2022-12-01", to: "2022-12-02", limit: 1) { count reconciliation { ok } } }', 'expensive'],
        ['{ payoutAudit(pool: "1", from: "2022-12-01", to: "2022-12-02", limit: 1) { count } }', 'analytics'],
    ]
    for (const [query, lane] of lanes) {
        const r = await post(query)
        expect({query, status: r.status, lane: r.headers['x-query-lane']}).toEqual({query, status: 200, lane})
        expect(JSON.parse(r.body).errors).toBeUndefined()
    }
}, 120_000)

describe('admissionLane', () => {
    const a = createAdmission(admissionSettings({}))
    const cost = (c: Partial<QueryCost>): QueryCost => ({
        cost: 0,
        nodes: 0,
        filterNodes: 0,
        deferred: [],
        rootFields: 1,
        analytics: false,
        otherCost: 0,
        heavyAnalytics: false,
        introspection: false,
        ...c,
    })
    test('by cost, kind and the heavy fields', () => {
        expect(admissionLane(a, cost({cost: 2000}))).toBe(a.cheap)
        expect(admissionLane(a, cost({cost: 2001}))).toBe(a.expensive)
        expect(admissionLane(a, cost({cost: 120_000, analytics: true}))).toBe(a.analytics)
        expect(admissionLane(a, cost({cost: 5000, analytics: true, otherCost: 2000}))).toBe(a.analytics)
        expect(admissionLane(a, cost({cost: 5000, analytics: true, otherCost: 2001}))).toBe(a.expensive)
        expect(admissionLane(a, cost({cost: 1500, analytics: true, heavyAnalytics: true}))).toBe(a.expensive)
    })
})

describe('a lane', () => {
    test('grants `concurrency` turns, queues `maxQueue`, refuses the rest, and hands turns on in order', async () => {
        const lane = new Lane('x', 2, 1)
        const a = await lane.acquire()
        const b = await lane.acquire()
        let cGranted = false
        const c = lane.acquire().then(r => {
            cGranted = true
            return r
        })
        await expect(lane.acquire()).rejects.toBeInstanceOf(LaneFullError)
        expect({running: lane.running, waiting: lane.waiting, refused: lane.refused}).toEqual({running: 2, waiting: 1, refused: 1})
        a()
        a() // a second release of the same turn changes nothing
        const releaseC = await c
        expect(cGranted).toBe(true)
        expect({running: lane.running, waiting: lane.waiting}).toEqual({running: 2, waiting: 0})
        b()
        releaseC()
        expect(lane.running).toBe(0)
    })

    test('a waiter withdrawn (its client left) gives up its place', async () => {
        const lane = new Lane('x', 1, 2)
        const first = await lane.acquire()
        let withdraw!: (e: Error) => void
        const gone = lane.acquire(w => (withdraw = w))
        const next = lane.acquire()
        withdraw(new Error('client left'))
        await expect(gone).rejects.toThrow('client left')
        expect(lane.waiting).toBe(1)
        first()
        const r = await next
        expect(lane.running).toBe(1)
        r()
        expect(lane.running).toBe(0)
    })
})
