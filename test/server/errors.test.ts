/**
 * Limits and bad input over HTTP against the real GraphQL server: every case is a GraphQL error (or an
 * HTTP 4xx for the transport limits) with a message naming the problem, never a 500 or a stack trace.
 */
import * as fs from 'fs'
import * as path from 'path'
import {toSs58} from '../../src/queries/address'
import {indexedDatabase, ROOT} from '../helpers/indexed'
import {GqlResponse, GraphqlServer, httpRequest} from '../helpers/graphql-server'
import {busiestWorkers} from '../helpers/truth'

let gql: GraphqlServer
let truth: any
let dbUrl: string

beforeAll(async () => {
    const db = await indexedDatabase('small', {log: m => console.log(`[api test] ${m}`)})
    truth = db.truth
    dbUrl = db.url
    gql = await GraphqlServer.start(db.url)
}, 1_200_000)

afterAll(async () => {
    await gql?.stop()
})

function expectNoStack(raw: string) {
    expect(raw).not.toMatch(/stacktrace|\n\s+at |node_modules|\.js:\d+/)
}

/** a request refused before GraphQL: the HTTP status and one JSON line {"errors":[{message, extensions: {code}}]} */
function expectRequestError(r: {status: number; headers: Record<string, any>; body: string}, status: number, message: RegExp, code = 'BAD_REQUEST') {
    expect(r.status).toBe(status)
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(r.body.trim().split('\n').length).toBe(1)
    const body = JSON.parse(r.body)
    expect(body.errors.length).toBe(1)
    expect(body.errors[0].message).toMatch(message)
    expect(body.errors[0].extensions).toEqual({code})
    expect(r.body).not.toMatch(/<html|<!DOCTYPE/i)
    expectNoStack(r.body)
}

/** a clean GraphQL error whose message matches `message` */
function expectCleanError(r: GqlResponse, message: RegExp, code?: string) {
    expect(r.status).toBeLessThan(500)
    expect(r.errors?.length).toBeGreaterThan(0)
    expect(r.errors![0].message).toMatch(message)
    if (code) expect(r.errors![0].extensions?.code).toBe(code)
    expectNoStack(r.raw)
}

describe('server limits (on by default)', () => {
    test('more root fields than GQL_MAX_ROOT_FIELDS (10) is refused', async () => {
        const fields = Array.from({length: 11}, (_, i) => `f${i}: squidStatus { height }`).join(' ')
        expectCleanError(await gql.query(`{ ${fields} }`), /only 10 root fields allowed, but got 11/)
        // ten are fine
        const ok = await gql.query(`{ ${Array.from({length: 10}, (_, i) => `f${i}: squidStatus { height }`).join(' ')} }`)
        expect(ok.errors).toBeUndefined()
    })

    test('a response that might exceed GQL_MAX_RESPONSE_NODES is refused', async () => {
        expectCleanError(
            await gql.query(`{ payouts(limit: 100000) { id amount timestamp workerId poolId sessionId vBits treasury } }`),
            /^response might exceed the size limit \(GQL_MAX_RESPONSE_NODES\): lower `limit:` \(at most \d+\) on the list field `payouts`, or use `payoutsConnection` with `first:`$/,
            'BAD_USER_INPUT'
        )
        // a small page is fine
        const ok = await gql.query(`{ payouts(limit: 5, orderBy: blockHeight_ASC) { id amount } }`)
        expect(ok.data.payouts.length).toBe(5)
    })

    test('a list without `limit` is refused with what to do, and the largest limit that fits', async () => {
        const r = await gql.query(`{ rows: payouts { id amount } }`)
        expectCleanError(
            r,
            /^response might exceed the size limit \(GQL_MAX_RESPONSE_NODES\): add `limit:` \(at most \d+\) to the list field `payouts`, or use `payoutsConnection` with `first:`$/,
            'BAD_USER_INPUT'
        )
        const max = Number(/at most (\d+)/.exec(r.errors![0].message)![1])
        // OpenReader counts a row as one node per field (plus one for the list): 200000 nodes, two fields
        expect(max).toBe(Math.floor((200_000 - 1) / 2))
        // exact: that limit is answered, one more is refused
        const ok = await gql.query(`{ payouts(limit: ${max}, orderBy: id_ASC) { id amount } }`)
        expect(ok.errors).toBeUndefined()
        expect(ok.data.payouts.length).toBeGreaterThan(0)
        expectCleanError(await gql.query(`{ payouts(limit: ${max + 1}) { id amount } }`), new RegExp(`lower \`limit:\` \\(at most ${max}\\)`))
        // a connection page too large says so too
        expectCleanError(
            await gql.query(`{ payoutsConnection(orderBy: id_ASC, first: 500000) { edges { node { id amount } } } }`),
            /^response might exceed the size limit \(GQL_MAX_RESPONSE_NODES\): lower `first:` \(at most \d+\) on the connection `payoutsConnection`, and page with `after:`$/,
            'BAD_USER_INPUT'
        )
    })

    test('OpenReader connections, filters and ordering work within the limits', async () => {
        const w = busiestWorkers(truth)[0]
        const r = await gql.data(`{
            payoutsConnection(where: {workerId_eq: "${w}", amount_gt: "0"}, orderBy: [timestamp_DESC, id_ASC], first: 3) {
                totalCount edges { node { id amount timestamp } } pageInfo { hasNextPage endCursor } }
            workers(where: {id_eq: "${w}"}) { id totalPayout settleCount } }`)
        expect(r.payoutsConnection.totalCount).toBe(truth.workers[w].rewardedSettleCount)
        expect(r.payoutsConnection.edges.length).toBe(3)
        expect(r.payoutsConnection.pageInfo.hasNextPage).toBe(true)
        expect(r.workers[0].totalPayout).toBe(truth.workers[w].payout)
        const ts = r.payoutsConnection.edges.map((e: any) => e.node.timestamp)
        expect(ts).toEqual([...ts].sort().reverse())
    })

    test('a request larger than GQL_MAX_REQUEST_KB is refused with 413, as one JSON line', async () => {
        const body = JSON.stringify({query: '{ squidStatus { height } }', padding: 'x'.repeat(300 * 1024)})
        const r = await httpRequest(gql.url, {method: 'POST', body, headers: {'content-type': 'application/json'}})
        expectRequestError(r, 413, /^the request body is larger than the limit of 256 kB \(GQL_MAX_REQUEST_KB\)$/)
    })

    test('malformed JSON is a 400, as one JSON line', async () => {
        for (const body of ['{"query": ', 'query { squidStatus { height } }']) {
            const r = await httpRequest(gql.url, {method: 'POST', body, headers: {'content-type': 'application/json'}})
            expectRequestError(r, 400, /^the request body is not valid JSON \(.+\)$/)
        }
    })

    test('requests that are not GraphQL requests: one JSON line each, never HTML', async () => {
        const query = '{ squidStatus { height } }'
        // a GraphQL document sent as text
        expectRequestError(
            await httpRequest(gql.url, {method: 'POST', body: query, headers: {'content-type': 'text/plain'}}),
            400,
            /^POST body missing, invalid Content-Type/
        )
        // JSON without a query
        expectRequestError(
            await httpRequest(gql.url, {method: 'POST', body: '{"variables": {}}', headers: {'content-type': 'application/json'}}),
            400,
            /must contain a non-empty `query`/
        )
        expectRequestError(await httpRequest(gql.url, {headers: {accept: 'application/json'}}), 400, /^GET query missing/)
        expectRequestError(
            await httpRequest(gql.url, {method: 'PUT', body: JSON.stringify({query}), headers: {'content-type': 'application/json'}}),
            405,
            /supports only GET\/POST/,
            'METHOD_NOT_ALLOWED'
        )
        // a body on a DELETE without a length: Node's HTTP parser cannot read what follows (it would answer an
        // empty 400 on its own)
        const unreadable = await httpRequest(gql.url, {method: 'DELETE', body: '{}', headers: {'content-type': 'application/json'}})
        expectRequestError(unreadable, 400, /^the request is not valid HTTP\/1\.1 \(.+\); a body needs a Content-Length or chunked encoding$/)
        expectRequestError(
            await httpRequest(gql.url, {method: 'POST', body: JSON.stringify({query}), headers: {'content-type': 'application/json; charset=latin-9'}}),
            415,
            /^the request body's charset is not supported/
        )
        expectRequestError(
            await httpRequest(gql.url.replace('/graphql', '/nope')),
            404,
            /^no such path: GET \/nope \(the GraphQL endpoint is \/graphql\)$/,
            'NOT_FOUND'
        )
        // the GraphiQL console (a browser's GET) and ordinary queries are untouched
        const page = await httpRequest(gql.url, {headers: {accept: 'text/html'}})
        expect([page.status, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8'])
        expect(
            JSON.parse((await httpRequest(`${gql.url}?query=${encodeURIComponent(query)}`, {headers: {accept: 'application/json'}})).body).data.squidStatus
                .height
        ).toBeGreaterThan(0)
    })

    test('the analytics resolvers count against the response-size limit too', async () => {
        const small = await GraphqlServer.start(dbUrl, {GQL_MAX_RESPONSE_NODES: '50'})
        try {
            const w = busiestWorkers(truth)[0]
            expectCleanError(
                await small.query(`{ payoutAudit(worker: "${w}", from: "2022-01-01", to: "2023-01-01", limit: 1000) { payouts { id amount } } }`),
                /^response might exceed the size limit \(GQL_MAX_RESPONSE_NODES\): ask `payoutAudit` for fewer rows/
            )
        } finally {
            await small.stop()
        }
    }, 120_000)
})

describe('bad input: a clear GraphQL error naming the argument', () => {
    const RANGE = `from: "2022-12-01", to: "2022-12-05"`
    let worker: string

    beforeAll(() => {
        worker = busiestWorkers(truth)[0]
    })

    const cases: [string, () => string, RegExp][] = [
        ['malformed account', () => `{ payoutAudit(account: "not-an-address", ${RANGE}) { count } }`, /^account: not an SS58 address/],
        ['SS58 with a bad checksum', () => `{ payoutAudit(account: "${toSs58(worker).slice(0, -2)}zz", ${RANGE}) { count } }`, /^account: /],
        ['a 20-byte hex account', () => `{ payoutAudit(account: "0x${'ab'.repeat(20)}", ${RANGE}) { count } }`, /^account: /],
        ['two subjects', () => `{ payoutAudit(account: "${worker}", worker: "${worker}", ${RANGE}) { count } }`, /only one of account, worker or pool/],
        ['no subject', () => `{ payoutAudit(${RANGE}) { count } }`, /give one of account, worker or pool/],
        ['unknown worker', () => `{ payoutAudit(worker: "0x${'11'.repeat(32)}", ${RANGE}) { count } }`, /^worker: no worker 0x1111.* is known/],
        ['unknown pool', () => `{ payoutAudit(pool: "987654", ${RANGE}) { count } }`, /^pool: no pool with pid 987654/],
        ['pool that is not a pid', () => `{ payoutAudit(pool: "abc", ${RANGE}) { count } }`, /^pool: a pool is its numeric pid/],
        [
            'from after to',
            () => `{ payoutAudit(worker: "${worker}", from: "2022-12-05", to: "2022-12-01") { count } }`,
            /^from: from \(2022-12-05T00:00:00.000Z\) must be before to/,
        ],
        ['empty range', () => `{ payoutAudit(worker: "${worker}", from: "2022-12-05", to: "2022-12-05") { count } }`, /must be before to/],
        ['malformed date', () => `{ payoutAudit(worker: "${worker}", from: "yesterday", to: "2022-12-05") { count } }`, /^from: not an ISO 8601 date/],
        ['impossible date', () => `{ payoutAudit(worker: "${worker}", from: "2022-02-30", to: "2022-12-05") { count } }`, /^from: no such date/],
        [
            'a time of hours only',
            () => `{ payoutAudit(worker: "${worker}", from: "2022-12-01T10", to: "2022-12-05") { count } }`,
            /^from: not an ISO 8601 date or date-time: /,
        ],
        [
            'a time zone by name',
            () => `{ payoutAudit(worker: "${worker}", from: "2022-12-01", to: "2022-12-05 10:00 CET") { count } }`,
            /^to: not an ISO 8601 date or date-time: /,
        ],
        [
            'unknown granularity',
            () => `{ payoutAudit(worker: "${worker}", ${RANGE}, granularity: WEEK) { count } }`,
            /Value "WEEK" does not exist in "Granularity" enum/,
        ],
        [
            'too many buckets',
            () => `{ payoutAudit(worker: "${worker}", from: "2020-01-01", to: "2022-01-01", granularity: HOUR) { count } }`,
            /^granularity: .* holds 17544 hour buckets; at most 10000/,
        ],
        ['page too large', () => `{ payoutAudit(worker: "${worker}", ${RANGE}, limit: 5000) { count } }`, /^limit: at most 1000/],
        ['negative offset', () => `{ payoutAudit(worker: "${worker}", ${RANGE}, offset: -1) { count } }`, /^offset: must be a whole number/],
        ['emission of another chain', () => `{ emission(chain: KHALA) { emitted } }`, /^chain: this server indexes devnet, not khala/],
        ['emission: from after to', () => `{ emission(from: "2023-01-01", to: "2022-01-01") { emitted } }`, /^from: .* must be before to/],
        [
            'emission: too many hourly buckets',
            () => `{ emission(granularity: HOUR, from: "2000-01-01", to: "2022-12-05") { emitted } }`,
            /^to: .* hour buckets; at most 10000/,
        ],
        ['emission: bad halving period', () => `{ emission(halvingPeriodBlocks: 0) { emitted } }`, /^halvingPeriodBlocks: /],
        ['OpenReader: negative limit', () => `{ payouts(limit: -1) { id } }`, /^limit: must be a whole number ≥ 0/],
        ['OpenReader: negative offset', () => `{ payouts(limit: 2, offset: -1) { id } }`, /^offset: must be a whole number ≥ 0/],
        [
            'OpenReader: a NUL character in a string',
            () => `{ payouts(limit: 1, where: {id_eq: "a\\u0000b"}) { id } }`,
            /^a string argument contains a NUL character/,
        ],
        ['leaderboard: too many rows', () => `{ poolLeaderboard(limit: 5000) { height } }`, /^limit: at most 1000/],
        ['leaderboard: unknown kind', () => `{ poolLeaderboard(kind: "Farm") { height } }`, /^kind: unknown pool kind "Farm"/],
        ['leaderboard: unknown order', () => `{ poolLeaderboard(orderBy: STAKE) { height } }`, /Value "STAKE" does not exist in "PoolLeaderboardOrder" enum/],
        ['timeline: malformed worker', () => `{ workerTimeline(worker: "0x12", ${RANGE}) { worker } }`, /^worker: not an SS58 address or 32-byte hex key/],
        ['timeline: unknown worker', () => `{ workerTimeline(worker: "0x${'22'.repeat(32)}", ${RANGE}) { worker } }`, /^worker: no worker .* is known/],
        [
            'timeline: from after to',
            () => `{ workerTimeline(worker: "${worker}", from: "2022-12-05", to: "2022-12-01") { worker } }`,
            /^from: .* must be before to/,
        ],
        [
            'timeline: monthly series',
            () => `{ workerTimeline(worker: "${worker}", ${RANGE}, granularity: MONTH) { series { start } } }`,
            /^granularity: the worker series comes from hourly or daily rollups/,
        ],
        [
            'timeline: range too large',
            () => `{ workerTimeline(worker: "${worker}", from: "1990-01-01", to: "2022-12-05") { worker } }`,
            /^to: .* day buckets; at most 10000/,
        ],
        ['networkStats: malformed time', () => `{ networkStats(at: "soon") { height } }`, /^at: not an ISO 8601 date/],
        [
            'networkStats: before the indexed history',
            () => `{ networkStats(at: "2001-01-01") { height } }`,
            /^at: no hourly rollup closes at or before 2001-01-01T00:00:00.000Z/,
        ],
    ]

    test.each(cases)('%s', async (_name, query, message) => {
        const r = await gql.query(query())
        expectCleanError(r, message)
        const code = r.errors![0].extensions?.code
        expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(code)
        expect(r.data?.payoutAudit ?? null).toBeNull()
    })

    test('a date-time without a zone is UTC', async () => {
        const q = (from: string, to: string, at: string) =>
            gql.data(`{ payoutAudit(worker: "${worker}", from: "${from}", to: "${to}") { count total { amount } }
                        networkStats(at: "${at}") { asOf height } }`)
        const utc = await q('2022-12-01T06:30:00Z', '2022-12-03T18:00Z', '2022-12-03T06:30:00Z')
        expect(utc.payoutAudit.count).toBeGreaterThan(0)
        expect(await q('2022-12-01T06:30:00', '2022-12-03T18:00', '2022-12-03T06:30')).toEqual(utc)
        expect(await q('2022-12-01 06:30', '2022-12-03 18:00:00.000', '2022-12-03T06:30:00.000')).toEqual(utc)
    })

    test('an error in one field leaves the others answered', async () => {
        const r = await gql.query(`{ ok: networkStats { height } bad: networkStats(at: "soon") { height } }`)
        expect(r.data?.ok?.height).toBe(truth.chain.blocks)
        expect(r.errors?.[0]?.path).toEqual(['bad'])
        expectNoStack(r.raw)
    })
})

describe('the server log', () => {
    test('no warning at start; bad input, limits and malformed requests are answered, not logged', async () => {
        // every request of the tests above was refused for its input (or a limit)
        const log = gql.log
        expect(log).toMatch(/listening on port/)
        expect(log).not.toMatch(/Persisted queries|unbounded cache/)
        expect(log).not.toMatch(/"level":[345]|graphql query ended with errors|internal error/)
        // malformed requests (bad JSON, oversized bodies…) are not logged either
        expect(log).not.toMatch(/Error:|\n\s+at /)
    })
})

describe("the README's example queries", () => {
    /** the top-level `{ … }` queries of the README's "Example queries" block */
    function readmeQueries(): string[] {
        const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
        const start = text.indexOf('```graphql', text.indexOf('## Example queries'))
        const block = text.slice(start + 10, text.indexOf('```', start + 10))
        const out: string[] = []
        let depth = 0
        let cur = ''
        for (const line of block.split('\n')) {
            if (depth === 0 && line.trim().startsWith('#')) continue
            for (const ch of line) {
                if (ch === '{') depth++
                if (depth > 0) cur += ch
                if (ch === '}' && --depth === 0) {
                    out.push(cur)
                    cur = ''
                }
            }
            if (depth > 0) cur += '\n'
        }
        return out
    }

    test('answer without errors on the small chain, concurrently, and the server logs no warning', async () => {
        const queries = readmeQueries()
        expect(queries.length).toBeGreaterThanOrEqual(7)
        const before = gql.log.length
        // twice each, all at once: the resolvers of one request share its transaction's connection
        const answers = await Promise.all([...queries, ...queries].map(q => gql.query(q)))
        for (const [i, r] of answers.entries()) {
            expect({query: i % queries.length, errors: r.errors ?? null}).toEqual({query: i % queries.length, errors: null})
        }
        expect(gql.log.slice(before)).not.toMatch(/Warning|deprecat/i)
    })
})

describe('SQL statement timeout', () => {
    test('a query over GQL_SQL_TIMEOUT_MS is a clean error, not a 500', async () => {
        const slow = await GraphqlServer.start(dbUrl, {GQL_SQL_TIMEOUT_MS: '1'})
        try {
            const w = busiestWorkers(truth)[0]
            // make sure at least one statement runs long enough: repeat the whole audit a few times
            let r: GqlResponse | undefined
            for (let i = 0; i < 5; i++) {
                r = await slow.query(
                    `{ payoutAudit(worker: "${w}", from: "2022-01-01", to: "2023-01-01", granularity: HOUR) { count buckets { amount } reconciliation { differences } } }`
                )
                if (r.errors?.length) break
            }
            expect(r!.status).toBeLessThan(500)
            // the server started with the limit (its own start-up queries are not limited) and applies it
            expect(r!.errors?.length).toBeGreaterThan(0)
            if (r!.errors?.length) {
                expect(r!.errors[0].message).toMatch(/ran longer than the server allows/)
                expect(r!.errors[0].extensions?.code).toBe('QUERY_TIMEOUT')
                expectNoStack(r!.raw)
            }
            // OpenReader's own SQL errors: no query text, parameters or driver details either
            for (const q of [
                `{ payouts(limit: 1000, orderBy: amount_DESC) { id } }`,
                `{ payouts(limit: 1000, where: {amount_gt: "5"}, orderBy: treasury_DESC) { id } }`,
            ]) {
                const o = await slow.query(q)
                expect(o.status).toBeLessThan(500)
                if (o.errors?.length) {
                    expect(o.errors[0].message).toMatch(/ran longer than the server allows/)
                    expect(o.raw).not.toMatch(/SELECT |FROM "|driverError|"parameters"|"sql"|"query"/)
                    expectNoStack(o.raw)
                }
            }
        } finally {
            await slow.stop()
        }
    }, 120_000)
})
