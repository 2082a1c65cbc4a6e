/**
 * The cost and admission settings of the GraphQL server (src/config/server.ts): defaults, derived lanes,
 * and a refusal naming the setting for a bad value.
 */
import * as os from 'os'
import {ConfigError} from '../../src/config'
import {admissionSettings, apiHeapMb} from '../../src/config/server'

describe('admission settings', () => {
    test('defaults: the expensive lane runs one per core but one, the analytics lane two per core, both leaving two connections to cheap queries', () => {
        const cores = os.availableParallelism()
        expect(admissionSettings({})).toEqual({
            maxQueryCost: 250_000,
            maxFilterNodes: 1000,
            maxResponseBytes: 32 * 1024 * 1024,
            cheapQueryCost: 2000,
            analyticsConcurrency: Math.max(1, Math.min(18, 2 * cores)),
            analyticsQueue: 64,
            expensiveConcurrency: Math.max(1, Math.min(18, cores - 1)),
            expensiveQueue: 16,
            cheapConcurrency: 20,
            cheapQueue: 1000,
            dbPoolSize: 20,
            retryAfterSec: 2,
        })
        expect(admissionSettings({GQL_DB_CONNECTION_POOL_SIZE: '2'}).expensiveConcurrency).toBe(1)
        expect(admissionSettings({GQL_DB_CONNECTION_POOL_SIZE: '2'}).analyticsConcurrency).toBe(1)
        expect(admissionSettings({GQL_DB_CONNECTION_POOL_SIZE: '5'}).analyticsConcurrency).toBe(Math.min(3, 2 * cores))
        expect(admissionSettings({GQL_ANALYTICS_CONCURRENCY: '7', GQL_ANALYTICS_QUEUE: '0'})).toMatchObject({analyticsConcurrency: 7, analyticsQueue: 0})
        expect(admissionSettings({GQL_DB_CONNECTION_POOL_SIZE: '5'}).expensiveConcurrency).toBe(Math.max(1, Math.min(3, cores - 1)))
        expect(admissionSettings({GQL_MAX_RESPONSE_MB: '0.5', GQL_EXPENSIVE_QUEUE: '0'})).toMatchObject({maxResponseBytes: 524288, expensiveQueue: 0})
    })

    test.each([
        [{GQL_EXPENSIVE_CONCURRENCY: '21'}, 'GQL_EXPENSIVE_CONCURRENCY', /more than the 20 connections of the pool/],
        [{GQL_ANALYTICS_CONCURRENCY: '21'}, 'GQL_ANALYTICS_CONCURRENCY', /more than the 20 connections of the pool/],
        [{GQL_ANALYTICS_QUEUE: 'x'}, 'GQL_ANALYTICS_QUEUE', /whole number/],
        [{GQL_MAX_QUERY_COST: '0'}, 'GQL_MAX_QUERY_COST', /positive whole number/],
        [{GQL_MAX_FILTER_NODES: 'many'}, 'GQL_MAX_FILTER_NODES', /positive whole number/],
        [{GQL_MAX_RESPONSE_MB: '0'}, 'GQL_MAX_RESPONSE_MB', /above 0/],
        [{GQL_EXPENSIVE_QUEUE: '-1'}, 'GQL_EXPENSIVE_QUEUE', /whole number/],
    ])('%j is refused naming %s', (env, name, message) => {
        let err: unknown
        try {
            admissionSettings(env as Record<string, string>)
        } catch (e) {
            err = e
        }
        expect(err).toBeInstanceOf(ConfigError)
        expect(String((err as Error).message)).toContain(name)
        expect(String((err as Error).message)).toMatch(message)
    })

    test("GQL_HEAP_MB: 320 MB by default, 0 for Node's own limit, nonsense refused with the setting named", () => {
        expect(apiHeapMb({})).toBe(320)
        expect(apiHeapMb({GQL_HEAP_MB: '0'})).toBe(0)
        expect(apiHeapMb({GQL_HEAP_MB: '1024'})).toBe(1024)
        for (const bad of ['12', 'lots', '-5', '1.5']) expect(() => apiHeapMb({GQL_HEAP_MB: bad})).toThrow(/^GQL_HEAP_MB: expected 0/)
    })
})
