/**
 * The cost budget of a query, the response-size budget and the persisted-query cache, against the real
 * GraphQL server over the devnet-indexed `small` database (src/server/cost.ts, src/server/admission.ts):
 * aliases and filters are counted before anything runs and refused with a 4xx naming the cost and the
 * limit; every documented query of docs/api.md and the README stays within the default budget.
 */
import * as crypto from 'crypto'
import * as fs from 'fs'
import * as path from 'path'
import {indexedDatabase, ROOT} from '../helpers/indexed'
import {GraphqlServer, httpRequest} from '../helpers/graphql-server'

let gql: GraphqlServer
let dbUrl: string

beforeAll(async () => {
    const db = await indexedDatabase('small', {log: m => console.log(`[query cost test] ${m}`)})
    dbUrl = db.url
    gql = await GraphqlServer.start(db.url)
}, 1_200_000)

afterAll(async () => {
    await gql?.stop()
})

async function post(url: string, payload: unknown) {
    const r = await httpRequest(url, {method: 'POST', body: JSON.stringify(payload), headers: {'content-type': 'application/json'}})
    let body: any
    try {
        body = JSON.parse(r.body)
    } catch {
        body = undefined
    }
    return {...r, json: body}
}

function expectTooCostly(r: {status: number; json: any; body: string}, message: RegExp) {
    expect(r.status).toBe(400)
    expect(r.json.data).toBeUndefined()
    expect(r.json.errors).toHaveLength(1)
    expect(r.json.errors[0].extensions).toEqual({code: 'QUERY_TOO_COSTLY'})
    expect(r.json.errors[0].message).toMatch(message)
    expect(r.body).not.toMatch(/stacktrace|\n\s+at |node_modules/)
}

describe('the cost of a query', () => {
    test('counts every alias and multiplies by the rows of the list', async () => {
        // 10 rows × 2 values + the list itself
        const r = await post(gql.url, {query: '{ payouts(limit: 10, orderBy: id_ASC) { a: id b: id } }'})
        expect(r.status).toBe(200)
        expect(r.headers['x-query-cost']).toBe('21')
        expect(r.headers['x-query-lane']).toBe('cheap')
        expect(r.json.data.payouts).toHaveLength(10)
        expect(r.json.data.payouts[0].a).toBe(r.json.data.payouts[0].b)
    })

    test('5,000 aliases of `id` in a 1,000-row page: refused with 400 before anything runs', async () => {
        const fields = Array.from({length: 5000}, (_, i) => `a${i}: id`).join(' ')
        const r = await post(gql.url, {query: `{ payouts(limit: 1000) { ${fields} } }`})
        expectTooCostly(r, /^query too costly: its estimated cost is 5,000,001, more than the limit of 250,000 \(GQL_MAX_QUERY_COST\), most of it in `payouts`/)
    })

    test('5,000 aliased root lists: refused with the cost, not answered', async () => {
        const fields = Array.from({length: 5000}, (_, i) => `a${i}: payouts(limit: 1000) { id }`).join(' ')
        const r = await post(gql.url, {query: `{ ${fields} }`})
        expectTooCostly(
            r,
            /^query too costly: its estimated cost is 5,005,000, more than the limit of 250,000 \(GQL_MAX_QUERY_COST\), spread over 5,000 root fields/
        )
    })

    test('fragments count at each use, and nesting them does not make the count explode', async () => {
        const r = await post(gql.url, {query: 'fragment F on Payout { id amount } fragment G on Payout { ...F ...F x: id } { payouts(limit: 99999) { ...G } }'})
        expectTooCostly(r, /estimated cost is 499,996,/)
        // 30 levels of fragments each using the one below twice: 2^30 uses, counted without expanding them
        const defs = Array.from({length: 30}, (_, i) => `fragment F${i} on Payout { ${i === 29 ? 'id' : `...F${i + 1} a${i}: id ...F${i + 1}`} }`).join('\n')
        const deep = await post(gql.url, {query: `${defs}\n{ payouts(limit: 1) { ...F0 } }`})
        expectTooCostly(deep, /^query too costly: its estimated cost is [\d,]{13},/)
    })

    test('4,000 OR-ed conditions: refused with 400 naming the filter size, literal or in a variable', async () => {
        const or = Array.from({length: 4000}, (_, i) => `{amount_eq: "${i}"}`).join(',')
        const literal = await post(gql.url, {query: `{ payouts(limit: 10, where: {OR: [${or}]}) { id } }`})
        expectTooCostly(literal, /^query too costly: its filters have 4,002 nodes, more than the limit of 1,000 \(GQL_MAX_FILTER_NODES\)/)
        const variable = await post(gql.url, {
            query: 'query($w: PayoutWhereInput) { payoutsConnection(orderBy: id_ASC, first: 5, where: $w) { totalCount } }',
            variables: {w: {OR: Array.from({length: 4000}, (_, i) => ({amount_eq: String(i)}))}},
        })
        expectTooCostly(variable, /its filters have 4,002 nodes, more than the limit of 1,000 \(GQL_MAX_FILTER_NODES\)/)
        // a filter of a few conditions is fine
        const ok = await post(gql.url, {query: '{ payouts(limit: 3, orderBy: id_ASC, where: {OR: [{amount_gt: "0"}, {dropped_eq: true}]}) { id } }'})
        expect(ok.status).toBe(200)
        expect(ok.json.data.payouts).toHaveLength(3)
    })

    test("a list OpenReader refuses itself keeps OpenReader's message (which `limit` fits)", async () => {
        const r = await post(gql.url, {query: '{ rows: payouts { id amount } }'})
        expect(r.json.errors[0].message).toMatch(/^response might exceed the size limit \(GQL_MAX_RESPONSE_NODES\): add `limit:`/)
        expect(r.json.data).toBeNull()
    })

    test('introspection (as GraphiQL asks for it) is within the budget', async () => {
        const {getIntrospectionQuery} = require('graphql')
        const r = await post(gql.url, {query: getIntrospectionQuery()})
        expect(r.status).toBe(200)
        expect(r.json.data.__schema.queryType.name).toBe('Query')
    })
})

/** the queries of a markdown file: each top-level `{ … }` of its ```graphql blocks (signature blocks have none) */
function documentedQueries(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8')
    const out: string[] = []
    for (const m of text.matchAll(/```graphql\n([\s\S]*?)```/g)) {
        const body = m[1].replace(/^\s*#.*$/gm, '').trim()
        if (!body.startsWith('{')) continue
        let depth = 0
        let start = 0
        for (let i = 0; i < body.length; i++) {
            const ch = body[i]
            if (ch === '"') i = body.indexOf('"', i + 1)
            else if (ch === '{') {
                if (depth === 0) start = i
                depth++
            } else if (ch === '}' && --depth === 0) out.push(body.slice(start, i + 1))
        }
    }
    return out
}

describe('the documented queries', () => {
    test('every query of docs/api.md and of the README is answered under the default budget', async () => {
        const queries = [...documentedQueries('docs/api.md'), ...documentedQueries('README.md')]
        expect(queries.length).toBeGreaterThanOrEqual(15)
        for (const query of queries) {
            const r = await post(gql.url, {query})
            if (r.status !== 200 || r.json?.errors) throw new Error(`documented query failed (${r.status}): ${r.body.slice(0, 500)}\n${query}`)
            expect(Number(r.headers['x-query-cost'])).toBeLessThanOrEqual(250_000)
        }
    })
})

describe('the response-size budget (GQL_MAX_RESPONSE_MB)', () => {
    let small: GraphqlServer
    beforeAll(async () => {
        small = await GraphqlServer.start(dbUrl, {GQL_MAX_RESPONSE_MB: '0.05', GQL_RESPONSE_CACHE_MB: '0'})
    }, 120_000)
    afterAll(async () => {
        await small?.stop()
    })

    test('an answer over it is refused with 400 instead of being sent', async () => {
        // within the cost budget (2,001), but 1,000 payout ids are about 30 kB, ×2 > 50 kB
        const r = await post(small.url, {query: '{ payouts(limit: 1000, orderBy: id_ASC) { id a: id } }'})
        expect(r.status).toBe(400)
        expect(r.json.data).toBeUndefined()
        expect(r.json.errors).toEqual([
            {
                message: 'response too large: the answer is over 0.05 MB (GQL_MAX_RESPONSE_MB); ask for fewer rows, fields or aliases, or page through them',
                extensions: {code: 'RESPONSE_TOO_LARGE'},
            },
        ])
        // a smaller one is answered
        const ok = await post(small.url, {query: '{ payouts(limit: 100, orderBy: id_ASC) { id } }'})
        expect(ok.status).toBe(200)
        expect(ok.json.data.payouts).toHaveLength(100)
    })
})

describe('persisted queries', () => {
    test('registrations stay bounded: the first of 80 MB of them is evicted, the last is kept', async () => {
        const sha = (q: string) => crypto.createHash('sha256').update(q).digest('hex')
        // 400 distinct queries of 200 kB each (a comment makes them distinct and large): Apollo's bounded
        // cache keeps 30 MB of them
        const queries = Array.from({length: 400}, (_, i) => `# ${String(i).padStart(6, '0')} ${'x'.repeat(200_000)}\n{ squidStatus { height } }`)
        for (let i = 0; i < queries.length; i += 8) {
            await Promise.all(
                queries.slice(i, i + 8).map(async q => {
                    const r = await post(gql.url, {query: q, extensions: {persistedQuery: {version: 1, sha256Hash: sha(q)}}})
                    expect(r.status).toBe(200)
                    expect(r.json.data.squidStatus.height).toBeGreaterThan(0)
                })
            )
        }
        const byHash = (q: string) => post(gql.url, {extensions: {persistedQuery: {version: 1, sha256Hash: sha(q)}}})
        const last = await byHash(queries[queries.length - 1])
        expect(last.json.data?.squidStatus.height).toBeGreaterThan(0)
        const first = await byHash(queries[0])
        expect(first.json.errors?.[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND')
    }, 300_000)
})
