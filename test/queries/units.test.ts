/**
 * The API's pure parts, without a database: argument parsing, PHA formatting, bucket counting, the
 * emission projections, CSV encoding.
 */
import {spawnSync} from 'child_process'
import {parseCliArgs} from '../../src/export/cli'
import {csvLine, parseExportRequest} from '../../src/export/csv'
import {constantProjection, decayProjection, nextDecayHeight, percent} from '../../src/queries/emission'
import {bucketCount, checkBuckets, parseRange, parseSubject, parseTime, truncUtc} from '../../src/queries/params'
import {fixedToFloat, formatPha} from '../../src/queries/pha'
import {requestErrorHandler} from '../../src/server/request-errors'
import {ApiError, attachSizeLimitHint, cleanGraphqlError, sizeLimitMessage, toApiError, InputError} from '../../src/server/errors'

describe('formatPha', () => {
    test.each([
        [0n, '0.000000000000'],
        [1n, '0.000000000001'],
        [1_000_000_000_000n, '1.000000000000'],
        [1_500_000_000_000n, '1.500000000000'],
        ['700000000000000000000', '700000000.000000000000'],
        [-123n, '-0.000000000123'],
        ['000042', '0.000000000042'],
    ])('%s → %s', (x, s) => expect(formatPha(x as any)).toBe(s))

    test('rejects what is not an integer', () => {
        expect(() => formatPha('1.5')).toThrow(/not an integer/)
        expect(formatPha(null)).toBeNull()
    })

    test('U64F64 bits to float', () => {
        expect(fixedToFloat(1n << 64n)).toBe(1)
        expect(fixedToFloat(3n << 63n)).toBe(1.5)
    })
})

describe('times and ranges', () => {
    test('dates, date-times with a zone or without one (UTC), rejects the rest', () => {
        expect(parseTime('from', '2023-01-01').toISOString()).toBe('2023-01-01T00:00:00.000Z')
        expect(parseTime('from', '2023-01-01T12:30:00+02:00').toISOString()).toBe('2023-01-01T10:30:00.000Z')
        expect(parseTime('from', '2023-01-01T12:30Z').toISOString()).toBe('2023-01-01T12:30:00.000Z')
        // without a zone: UTC, whatever the server's time zone
        expect(parseTime('from', '2022-12-01T06:30:00').toISOString()).toBe('2022-12-01T06:30:00.000Z')
        expect(parseTime('from', '2022-12-01T06:30').toISOString()).toBe('2022-12-01T06:30:00.000Z')
        // …also on a server whose local time is not UTC
        const script = `const {parseTime} = require(${JSON.stringify(require.resolve('../../src/queries/params'))})
            console.log(new Date(2022, 11, 1).toISOString(), parseTime('from', '2022-12-01T06:30:00').toISOString(), parseTime('from', '2022-12-01T06:30').toISOString())`
        const ny = spawnSync(process.execPath, ['-e', script], {env: {...process.env, TZ: 'America/New_York'}, encoding: 'utf8'})
        expect(ny.stdout.trim().split(' ')).toEqual(['2022-12-01T05:00:00.000Z', '2022-12-01T06:30:00.000Z', '2022-12-01T06:30:00.000Z'])
        expect(parseTime('from', '2022-12-01 06:30:00.250').toISOString()).toBe('2022-12-01T06:30:00.250Z')
        expect(() => parseTime('to', '2023-02-29')).toThrow(/^to: no such date/)
        expect(() => parseTime('to', '2023-02-29T10:00')).toThrow(/^to: no such date/)
        expect(() => parseTime('to', '2023-02-29T10:00+01:00')).toThrow(/^to: no such date/)
        expect(parseTime('to', '2023-02-28T23:00-02:00').toISOString()).toBe('2023-03-01T01:00:00.000Z')
        for (const bad of ['1 Jan 2023', '2022-12-01T06', '2022-12-01T25:00', '2022-12-01T06:30:00 UTC', '2022-12-01T06:30:00+2', 'soon']) {
            expect(() => parseTime('at', bad)).toThrow(/^at: not an ISO 8601 date or date-time: /)
        }
        expect(() => parseTime('to', '1 Jan 2023')).toThrow(InputError)
        expect(() => parseRange('2023-01-02', '2023-01-01')).toThrow(/^from: from \(2023-01-02T00:00:00.000Z\) must be before to \(2023-01-01T00:00:00.000Z\)$/)
    })

    test('bucket counts, UTC-aligned', () => {
        const r = (a: string, b: string) => parseRange(a, b)
        expect(bucketCount(r('2023-01-01', '2023-01-02'), 'HOUR')).toBe(24)
        expect(bucketCount(r('2023-01-01T10:30:00Z', '2023-01-01T12:00:00Z'), 'HOUR')).toBe(2)
        expect(bucketCount(r('2023-01-01', '2023-03-01'), 'DAY')).toBe(59)
        expect(bucketCount(r('2023-01-15', '2023-03-01'), 'MONTH')).toBe(2)
        expect(bucketCount(r('2023-01-15', '2023-03-02'), 'MONTH')).toBe(3)
        expect(truncUtc(Date.parse('2023-05-17T13:14:15Z'), 'MONTH')).toBe(Date.parse('2023-05-01T00:00:00Z'))
        expect(checkBuckets(r('2020-01-01', '2021-01-01'), 'HOUR')).toBe(8784)
        expect(() => checkBuckets(r('2020-01-01', '2022-01-01'), 'HOUR')).toThrow(/holds 17544 hour buckets; at most 10000/)
    })

    test('subjects', () => {
        const hex = '0x' + 'ab'.repeat(32)
        expect(parseSubject({account: hex})).toEqual({kind: 'account', id: hex})
        expect(parseSubject({pool: '007'})).toEqual({kind: 'pool', id: '7'})
        expect(() => parseSubject({pool: '18446744073709551616'})).toThrow(/^pool: /)
        expect(() => parseSubject({})).toThrow(/give one of account, worker or pool/)
        expect(() => parseSubject({account: hex, pool: '1'})).toThrow(/only one/)
    })
})

describe('emission projections (exact integers)', () => {
    test('constant budget: ⌈remaining / budget⌉ blocks', () => {
        const p = constantProjection('CONSTANT_BUDGET', 1000n, 0n, 7n, 100, new Date('2023-01-01T00:00:00Z'), 12_000)
        expect(p.blocksUntilExhausted).toBe(143n)
        expect(p.exhaustionHeight).toBe(243n)
        expect(p.exhaustionDate!.toISOString()).toBe(new Date(Date.parse('2023-01-01T00:00:00Z') + 143 * 12_000).toISOString())
    })

    test('decay: budget until the next decay, then ×3/4 per period', () => {
        // 10 per block for 5 blocks (50), then 7 per block (⌊10·3/4⌋) for 10 blocks (70), then 5 (⌊10·9/16⌋)…
        const p = decayProjection(100n, 0n, 10n, 0, 5n, 10n, null, 12_000)
        expect(p.exhausts).toBe(true)
        expect(p.decays).toBe(1)
        expect(p.blocksUntilExhausted).toBe(5n + 8n) // 50 + 7·8 = 106 ≥ 100
        const q = decayProjection(150n, 0n, 10n, 0, 5n, 10n, null, 12_000)
        expect(q.blocksUntilExhausted).toBe(5n + 10n + 6n) // 50 + 70 + 5·6 = 150
        expect(q.decays).toBe(2)
    })

    test('decay that never exhausts: the total stays under budget·(first segment + 3·period)', () => {
        const budget = 100n * 10n ** 12n
        const p = decayProjection(700_000_000n * 10n ** 12n, 0n, budget, 0, 1_296_000n, 1_296_000n, new Date(), 12_000)
        expect(p.exhausts).toBe(false)
        expect(p.exhaustionDate).toBeNull()
        expect(p.projectedTotal).toBeLessThanOrEqual(budget * 1_296_000n * 4n)
        expect(p.projectedTotal).toBeGreaterThan(budget * 1_296_000n * 4n - 10n ** 15n)
    })

    test('next decay height from the anchor', () => {
        expect(nextDecayHeight(2_763_069, 1_296_000, 2_763_069)).toBe(2_763_069n + 1_296_000n)
        expect(nextDecayHeight(2_763_069, 1_296_000, 5_000_000)).toBe(2_763_069n + 2n * 1_296_000n)
        expect(nextDecayHeight(100, 50, 10)).toBe(100n)
        expect(percent(1n, 3n)).toBe(33.3333333)
    })
})

describe('CSV', () => {
    test('quoting', () => {
        expect(csvLine(['a', null, 'b,c', 'say "hi"'])).toBe('a,,"b,c","say ""hi"""\r\n')
    })

    test('export requests and CLI arguments', () => {
        const r = parseExportRequest('rollups', {pool: '3', period: 'HOUR', from: '2023-01-01'})
        expect(r).toMatchObject({kind: 'rollups', subject: {kind: 'pool', id: '3'}, period: 'Hour', to: null})
        expect(() => parseExportRequest('payouts', {pool: '3', period: 'day'})).toThrow(/^period: unknown parameter/)
        // from / to without a zone are UTC
        expect(parseExportRequest('payouts', {pool: '3', from: '2022-12-01T06:30:00', to: '2022-12-02T06:30'})).toMatchObject({
            from: new Date('2022-12-01T06:30:00Z'),
            to: new Date('2022-12-02T06:30:00Z'),
        })
        expect(() => parseExportRequest('payouts', {pool: '3', to: '2022-12-02T6:30'})).toThrow(/^to: not an ISO 8601 date or date-time/)
        expect(parseCliArgs(['payouts', '--account', 'X', '--from=2023-01-01', '--out', 'f.csv', '--include-dropped'])).toEqual({
            kind: 'payouts',
            params: {account: 'X', from: '2023-01-01', includeDropped: 'true'},
            out: 'f.csv',
        })
        expect(() => parseCliArgs(['payouts', '--pool'])).toThrow(/--pool needs a value/)
    })
})

describe('errors', () => {
    test('input errors keep their message; internal errors say nothing more', () => {
        const e = toApiError(new InputError('from', 'bad'))
        expect([e.message, e.extensions]).toEqual(['from: bad', {code: 'BAD_USER_INPUT', argument: 'from'}])
        const logged: string[] = []
        const i = toApiError(new Error('relation "x" does not exist'), m => logged.push(m))
        expect(i.message).toBe('internal error while computing the result (logged on the server)')
        expect(logged[0]).toMatch(/relation "x" does not exist/)
        const t = toApiError(Object.assign(new Error('canceling statement due to statement timeout'), {code: '57014'}))
        expect(t.extensions.code).toBe('QUERY_TIMEOUT')
        expect(Object.keys(e)).not.toContain('stack')
    })

    test('GraphQL errors: bad input is answered and not logged; internal errors are logged with their stack', () => {
        const logged: string[] = []
        const log = (m: string) => logged.push(m)
        const bad = cleanGraphqlError({message: 'response might exceed the size limit', path: ['payouts'], extensions: {code: 'BAD_USER_INPUT'}}, log)
        expect(bad.extensions?.code).toBe('BAD_USER_INPUT')
        const invalid = cleanGraphqlError({message: 'Cannot query field "x" on type "Query".', extensions: {code: 'GRAPHQL_VALIDATION_FAILED'}}, log)
        expect(invalid.message).toBe('Cannot query field "x" on type "Query".')
        const ours = cleanGraphqlError(
            {
                message: 'from: bad',
                path: ['payoutAudit'],
                extensions: {code: 'BAD_USER_INPUT', argument: 'from'},
                originalError: new ApiError('from: bad', 'BAD_USER_INPUT', 'from'),
            },
            log
        )
        expect(ours).toMatchObject({message: 'from: bad', extensions: {code: 'BAD_USER_INPUT', argument: 'from'}})
        const sha = cleanGraphqlError({message: 'provided sha does not match query', extensions: {code: 'INTERNAL_SERVER_ERROR'}}, log)
        expect(sha.extensions?.code).toBe('BAD_REQUEST')
        // OpenReader passes a negative limit / offset to PostgreSQL
        const driverError = Object.assign(new Error('LIMIT must not be negative'), {code: '2201W'})
        const limit = cleanGraphqlError(
            {
                message: 'LIMIT must not be negative',
                path: ['payouts'],
                extensions: {code: 'INTERNAL_SERVER_ERROR'},
                originalError: Object.assign(new Error('LIMIT must not be negative'), {driverError, sql: 'SELECT 1 LIMIT -1'}),
            },
            log
        )
        expect(limit).toMatchObject({message: 'limit: must be a whole number ≥ 0', extensions: {code: 'BAD_USER_INPUT', argument: 'limit'}})
        expect(logged).toEqual([])
        // the response-size limit says what to do
        const size = cleanGraphqlError(
            {
                message: 'response might exceed the size limit',
                path: ['rows'],
                extensions: {code: 'BAD_USER_INPUT'},
                originalError: attachSizeLimitHint(new ApiError('response might exceed the size limit', 'BAD_USER_INPUT'), {
                    kind: 'list',
                    field: 'payouts',
                    connection: 'payoutsConnection',
                    max: 99999,
                    given: false,
                }),
            },
            log
        )
        expect(size.message).toBe(
            'response might exceed the size limit (GQL_MAX_RESPONSE_NODES): add `limit:` (at most 99999) to the list field `payouts`, or use `payoutsConnection` with `first:`'
        )
        expect(sizeLimitMessage({kind: 'list', field: 'payouts', connection: 'payoutsConnection', max: 10, given: true})).toMatch(
            /: lower `limit:` \(at most 10\) on the list field `payouts`/
        )
        expect(sizeLimitMessage({kind: 'list', field: 'payouts', max: 0, given: true})).toMatch(/the other fields of this request leave no room for `payouts`/)
        expect(sizeLimitMessage(undefined, ['payoutAudit'])).toMatch(/: ask `payoutAudit` for fewer rows/)
        expect(logged).toEqual([])

        const boom = new Error('relation "x" does not exist')
        const internal = cleanGraphqlError(
            {
                message: boom.message,
                path: ['payouts'],
                extensions: {code: 'INTERNAL_SERVER_ERROR'},
                originalError: Object.assign(boom, {sql: 'SELECT * FROM x'}),
            },
            log
        )
        expect(internal).toEqual({
            message: 'internal error (logged on the server)',
            locations: undefined,
            path: ['payouts'],
            extensions: {code: 'INTERNAL_SERVER_ERROR'},
        })
        expect(logged.length).toBe(1)
        const [first, ...frames] = logged[0].split('\n')
        expect(first).toBe('[api] internal error: relation "x" does not exist (sql: SELECT * FROM x)')
        expect(frames.length).toBeGreaterThan(0)
        expect(frames.every(f => /^\s+at /.test(f))).toBe(true)
        // a resolver's internal error was logged by toApiError already
        logged.length = 0
        cleanGraphqlError(
            {
                message: 'internal error while computing the result (logged on the server)',
                path: ['emission'],
                extensions: {code: 'INTERNAL_SERVER_ERROR'},
                originalError: toApiError(new Error('x'), () => {}),
            },
            log
        )
        expect(logged).toEqual([])
    })
})

describe('requests that cannot be read', () => {
    function fakeRes() {
        const headers: Record<string, string> = {}
        const res = {
            statusCode: 200,
            headersSent: false,
            body: '',
            getHeader: (n: string) => headers[n.toLowerCase()],
            setHeader: (n: string, v: string) => (headers[n.toLowerCase()] = v),
            removeHeader: (n: string) => delete headers[n.toLowerCase()],
            end: (b?: unknown) => (res.body = String(b ?? '')),
            headers,
        }
        return res
    }

    test('4xx: one JSON line, not logged; anything else: logged with its stack, told in one line', () => {
        const logged: string[] = []
        const handle = requestErrorHandler(m => logged.push(m))
        const bad = fakeRes()
        handle(Object.assign(new Error('Unexpected token } in JSON at position 9'), {status: 400, type: 'entity.parse.failed'}), {}, bad, () => {})
        expect([bad.statusCode, bad.headers['content-type'], bad.body]).toEqual([
            400,
            'application/json; charset=utf-8',
            '{"errors":[{"message":"the request body is not valid JSON (Unexpected token } in JSON at position 9)","extensions":{"code":"BAD_REQUEST"}}]}\n',
        ])
        expect(logged).toEqual([])
        const boom = fakeRes()
        handle(new TypeError('x is not a function'), {}, boom, () => {})
        expect(boom.statusCode).toBe(500)
        expect(JSON.parse(boom.body)).toEqual({errors: [{message: 'internal error (logged on the server)', extensions: {code: 'INTERNAL_SERVER_ERROR'}}]})
        expect(logged.length).toBe(1)
        expect(logged[0]).toMatch(/^\[api\] internal error: x is not a function\n\s+at /)
    })
})

describe('result cache', () => {
    const {ResultCache} = require('../../src/server/result-cache') as typeof import('../../src/server/result-cache')

    function fakeDb() {
        const db = {head: 1, headReads: 0, txs: 0}
        const q = async (sql: string) => {
            if (/network_state/.test(sql)) {
                db.headReads++
                return [{height: db.head, hash: `0x${db.head}`}]
            }
            return []
        }
        return {
            db,
            headQuery: async () => q,
            tx: async () => {
                db.txs++
                return q
            },
        }
    }

    test('hits at the same head, recomputes after the head moves, runs concurrent identical requests once', async () => {
        const cache = new ResultCache(100, 0)
        const {db, headQuery, tx} = fakeDb()
        let runs = 0
        const compute = async () => {
            runs++
            await new Promise(r => setTimeout(r, 10))
            return {n: runs}
        }
        const [a, b] = await Promise.all([cache.get('k', headQuery, tx, compute), cache.get('k', headQuery, tx, compute)])
        expect(a).toBe(b)
        expect(runs).toBe(1)
        expect(await cache.get('k', headQuery, tx, compute)).toBe(a)
        db.head = 2
        const c = await cache.get('k', headQuery, tx, compute)
        expect(c).toEqual({n: 2})
        expect(cache.hits).toBeGreaterThanOrEqual(1)
    })

    test('failures are not kept; weights evict the least recently used', async () => {
        const cache = new ResultCache(5, 0)
        const {headQuery, tx} = fakeDb()
        await expect(cache.get('bad', headQuery, tx, async () => Promise.reject(new Error('x')))).rejects.toThrow('x')
        await new Promise(r => setImmediate(r))
        expect(cache.size.entries).toBe(0)
        await cache.get(
            'big',
            headQuery,
            tx,
            async () => Array(350).fill(0),
            r => r.length
        ) // weighs 4
        await new Promise(r => setImmediate(r))
        expect(cache.size.weight).toBe(4)
        await cache.get('s1', headQuery, tx, async () => 1)
        await cache.get('s2', headQuery, tx, async () => 2)
        await new Promise(r => setImmediate(r))
        expect(cache.size).toEqual({entries: 2, weight: 2}) // 'big' went out first
        expect(new ResultCache(0).enabled).toBe(false)
    })
})
