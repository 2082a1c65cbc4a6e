/**
 * The chaos suite's quick subset (bench/chaos, docs/chaos.md) on `tiny`: a few SIGKILLs of the processor, a
 * depth-5 fork, a handful of hostile GraphQL requests of every kind, export clients that stall or leave, and
 * writes as the API role. Each asserts its outcome against a clean index or the server's answers.
 * `npm run chaos` runs the full suite and records it in bench/RELIABILITY.md.
 */
import type {ChaosContext, Row} from '../../bench/chaos/common'
import {apiRole} from '../../bench/chaos/api-role'
import {exportAbuse} from '../../bench/chaos/export-abuse'
import {forks} from '../../bench/chaos/forks'
import {hostileGraphql, judge} from '../../bench/chaos/hostile'
import {randomKills} from '../../bench/chaos/kills'
import {testServerUrl} from '../helpers/db'
import {testDbPrefix} from '../helpers/indexed'

jest.setTimeout(600_000)

const ctx: ChaosContext = {server: testServerUrl(), quick: true, prefix: testDbPrefix(), seed: 1, log: () => {}, refs: new Map()}

/** the row's observation in the failure message, so a failing run says what happened */
const outcome = (r: Row) => ({scenario: r.scenario, observed: r.observed, pass: r.pass})
const passed = (r: Row) => ({scenario: r.scenario, observed: r.observed, pass: true})

describe('chaos, quick subset (tiny)', () => {
    test('SIGKILLs while indexing: the final index equals a clean one, tables and indexes', async () => {
        const [row] = await randomKills(ctx)
        expect(outcome(row)).toEqual(passed(row))
        expect(row.observed).toMatch(/^[1-9]\d* kills/)
    })

    test('a depth-5 fork while the processor follows the head: equal to indexing the final chain alone', async () => {
        const rows = await forks(ctx)
        expect(rows.map(r => r.scenario)).toEqual(['forks: depth 5'])
        expect(outcome(rows[0])).toEqual(passed(rows[0]))
        expect(rows[0].observed).toMatch(/navigated the fork/)
    })

    test('hostile GraphQL requests: no 5xx, nothing leaks, the server stays small and answers', async () => {
        const rows = await hostileGraphql(ctx, {probes: 0})
        const by = Object.fromEntries(rows.map(r => [r.scenario, r]))
        expect(outcome(by['GraphQL: hostile requests, 5xx'])).toEqual(passed(by['GraphQL: hostile requests, 5xx']))
        expect(by['GraphQL: hostile requests, 5xx'].done).toMatch(/^36 hostile requests/)
        expect(by['GraphQL: hostile requests, error messages'].observed).toMatch(/, 0 leaking/)
        expect(outcome(by['GraphQL: server memory'])).toEqual(passed(by['GraphQL: server memory']))
    })

    test('export: stalled readers and leavers hold no connection after the timeout; SIGTERM stops it', async () => {
        const rows = await exportAbuse(ctx)
        expect(rows.map(outcome)).toEqual(rows.map(passed))
    })

    test('the API role cannot write through SQL', async () => {
        const [row] = await apiRole(ctx)
        expect(outcome(row)).toEqual(passed(row))
        expect(row.observed).toMatch(/^14\/14 refused; SELECT works/)
    })

    test('the judge of answers: 5xx, shed 503s, leaks and unclear errors are told apart', () => {
        const r = (status: number, body: string, headers: Record<string, string> = {}) => ({status, body, headers})
        expect(judge(r(400, '{"errors":[{"message":"limit must be >= 0"}]}'))).toEqual({
            fiveXX: false,
            shed: false,
            unclear: false,
            leak: false,
            dropped: false,
        })
        expect(judge(r(503, '{"errors":[{"message":"busy"}]}', {'retry-after': '1'}))).toMatchObject({fiveXX: false, shed: true, unclear: false})
        expect(judge(r(500, '{"errors":[{"message":"x"}]}'))).toMatchObject({fiveXX: true, unclear: true})
        expect(judge(r(400, ''))).toMatchObject({unclear: true})
        expect(judge(r(400, '{"errors":[{"message":"Error\\n    at Foo (/work/src/x.ts:1:2)"}]}'))).toMatchObject({leak: true})
        expect(judge(r(400, '{"errors":[{"message":"syntax error at or near \\"x\\""}]}'))).toMatchObject({leak: true})
        expect(judge(new Error('socket hang up'))).toMatchObject({dropped: true, unclear: true})
        expect(judge(r(200, '{"data":{"a":1}}'))).toMatchObject({unclear: false, leak: false})
    })
})
