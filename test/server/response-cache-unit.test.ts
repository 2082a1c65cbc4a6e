/**
 * The response cache's bookkeeping without a server: keys, the head rule, LRU by bytes, the size limits,
 * identical requests waiting for the first, the settings.
 */
import {headTtlFromEnv, requestKey, ResponseCache, responseCacheBytesFromEnv} from '../../src/server/response-cache'
import {Query} from '../../src/queries/sql'

function fakeHead(): {q: () => Query; set(h: number): void; reads: number} {
    const state = {height: 1, reads: 0}
    const q: Query = async () => {
        state.reads++
        return [{height: state.height, hash: `0x${state.height}`}]
    }
    return {
        q: () => q,
        set: h => (state.height = h),
        get reads() {
            return state.reads
        },
    }
}

const body = (s: string) => Buffer.from(s)
const H: [string, string][] = [['content-type', 'application/json; charset=utf-8']]

describe('requestKey', () => {
    test('the exact request: query, variables, operationName, extensions, method', () => {
        const k = requestKey('POST', {query: '{ a }'})
        expect(k).not.toBeNull()
        expect(requestKey('POST', {query: '{ a }', padding: 'ignored by Apollo'})).toBe(k)
        expect(requestKey('POST', {query: '{ a }', variables: null})).toBe(k)
        expect(requestKey('POST', {query: '{  a }'})).not.toBe(k)
        expect(requestKey('POST', {query: '{ a }', variables: {x: 1}})).not.toBe(k)
        expect(requestKey('POST', {query: '{ a }', variables: {x: 1}})).not.toBe(requestKey('POST', {query: '{ a }', variables: {x: 2}}))
        expect(requestKey('POST', {query: '{ a }', operationName: 'A'})).not.toBe(k)
        expect(requestKey('POST', {query: '{ a }', extensions: {e: 1}})).not.toBe(k)
        expect(requestKey('GET', {query: '{ a }'})).not.toBe(k)
        expect(requestKey('GET', {query: '{ a }', variables: '{"x":1}'})).not.toBe(requestKey('GET', {query: '{ a }', variables: '{"x":2}'}))
    })

    test('not cacheable: no query, batches, introspection, odd parameter types', () => {
        expect(requestKey('POST', {})).toBeNull()
        expect(requestKey('POST', [{query: '{ a }'}])).toBeNull()
        expect(requestKey('POST', {query: ''})).toBeNull()
        expect(requestKey('POST', {query: {kind: 'Document'}})).toBeNull()
        expect(requestKey('POST', {query: '{ __schema { types { name } } }'})).toBeNull()
        expect(requestKey('POST', {query: '{ __type(name: "Payout") { name } }'})).toBeNull()
        expect(requestKey('POST', {query: '{ a }', operationName: 5})).toBeNull()
        expect(requestKey('GET', {query: ['{ a }', '{ b }']})).toBeNull()
        expect(requestKey('GET', {query: '{ a }', variables: {x: '1'}})).toBeNull()
        expect(requestKey('POST', null)).toBeNull()
    })
})

describe('ResponseCache', () => {
    test('answers are kept under the head they were computed at; a new head drops them', async () => {
        const head = fakeHead()
        const c = new ResponseCache({maxBytes: 1 << 20, headTtlMs: 0, headQuery: head.q})
        const h1 = (await c.currentHead())!
        expect(h1).toBe('1:0x1')
        c.put(h1, 'k', body('{"data":1}'), H)
        expect(c.get(h1, 'k')?.body.toString()).toBe('{"data":1}')
        // the head moves: the next read drops everything, and a late answer of the old head is not stored
        head.set(2)
        const h2 = (await c.currentHead())!
        expect(h2).toBe('2:0x2')
        expect(c.get(h2, 'k')).toBeUndefined()
        expect(c.get(h1, 'k')).toBeUndefined()
        expect(c.put(h1, 'k', body('{"data":1}'), H)).toBeUndefined()
        expect(c.size.entries).toBe(0)
    })

    test('the head is re-read at most every headTtlMs', async () => {
        const head = fakeHead()
        const c = new ResponseCache({maxBytes: 1 << 20, headTtlMs: 3_600_000, headQuery: head.q})
        await Promise.all([c.currentHead(), c.currentHead(), c.currentHead()])
        await c.currentHead()
        expect(head.reads).toBe(1)
        head.set(5)
        // still the old head until the TTL runs out (the documented staleness)
        expect(await c.currentHead()).toBe('1:0x1')
    })

    test('no head (no database, or a failing read): nothing is cached', async () => {
        const c = new ResponseCache({maxBytes: 1 << 20, headTtlMs: 0, headQuery: () => null})
        expect(await c.currentHead()).toBeUndefined()
        const failing = new ResponseCache({
            maxBytes: 1 << 20,
            headTtlMs: 0,
            headQuery: () => async () => {
                throw new Error('relation "network_state" does not exist')
            },
        })
        const write = process.stderr.write
        process.stderr.write = (() => true) as any
        try {
            expect(await failing.currentHead()).toBeUndefined()
        } finally {
            process.stderr.write = write
        }
    })

    test('LRU by bytes: the least recently used goes first; oversized answers are not stored', async () => {
        const head = fakeHead()
        const entryWeight = (b: number, key: string) => b + 2 * key.length + 256
        const max = 3 * entryWeight(1000, 'a')
        const c = new ResponseCache({maxBytes: max, headTtlMs: 0, headQuery: head.q, maxEntryBytes: max})
        const h = (await c.currentHead())!
        const kb = Buffer.alloc(1000, 0x20)
        c.put(h, 'a', kb, H)
        c.put(h, 'b', kb, H)
        c.put(h, 'c', kb, H)
        expect(c.size).toEqual({entries: 3, bytes: max})
        expect(c.get(h, 'a')).toBeDefined() // a is now the most recent
        c.put(h, 'd', kb, H)
        expect(c.get(h, 'b')).toBeUndefined()
        expect(c.get(h, 'a')).toBeDefined()
        expect(c.get(h, 'c')).toBeDefined()
        expect(c.get(h, 'd')).toBeDefined()
        expect(c.size.bytes).toBeLessThanOrEqual(max)
        // replacing a key does not count it twice
        c.put(h, 'd', kb, H)
        expect(c.size).toEqual({entries: 3, bytes: max})
        // larger than the largest entry allowed
        expect(c.put(h, 'big', Buffer.alloc(max), H)).toBeUndefined()
        expect(c.size.entries).toBe(3)
        // the default largest entry is an eighth of the cache
        expect(new ResponseCache({maxBytes: 800, headTtlMs: 0, headQuery: head.q}).maxEntryBytes).toBe(100)
    })

    test('requests for a key being computed wait for it', async () => {
        const head = fakeHead()
        const c = new ResponseCache({maxBytes: 1 << 20, headTtlMs: 0, headQuery: head.q})
        const h = (await c.currentHead())!
        const end = c.begin(h, 'k')
        const waiting = c.inFlight(h, 'k')!
        expect(waiting).toBeDefined()
        end({body: body('{"data":2}'), headers: H})
        expect((await waiting)?.body.toString()).toBe('{"data":2}')
        expect(c.inFlight(h, 'k')).toBeUndefined()
        expect(c.get(h, 'k')).toBeDefined()
        // an answer that cannot be stored releases the waiters with nothing
        const end2 = c.begin(h, 'e')
        const w2 = c.inFlight(h, 'e')!
        end2(undefined)
        expect(await w2).toBeUndefined()
        expect(c.get(h, 'e')).toBeUndefined()
        // ending twice is harmless
        expect(end2({body: body('{"data":3}'), headers: H})).toBeUndefined()
    })

    test('off: a size of 0 stores nothing', async () => {
        const head = fakeHead()
        const c = new ResponseCache({maxBytes: 0, headTtlMs: 0, headQuery: head.q})
        expect(c.enabled).toBe(false)
        const h = (await c.currentHead())!
        expect(c.put(h, 'k', body('{}'), H)).toBeUndefined()
    })
})

describe('settings', () => {
    test('GQL_RESPONSE_CACHE_MB', () => {
        expect(responseCacheBytesFromEnv({})).toBe(64 * 1024 * 1024)
        expect(responseCacheBytesFromEnv({GQL_RESPONSE_CACHE_MB: '0'})).toBe(0)
        expect(responseCacheBytesFromEnv({GQL_RESPONSE_CACHE_MB: '0.5'})).toBe(512 * 1024)
        expect(() => responseCacheBytesFromEnv({GQL_RESPONSE_CACHE_MB: '-1'})).toThrow(/^GQL_RESPONSE_CACHE_MB: /)
        expect(() => responseCacheBytesFromEnv({GQL_RESPONSE_CACHE_MB: '64MB'})).toThrow(/^GQL_RESPONSE_CACHE_MB: /)
    })

    test('GQL_CACHE_HEAD_MS', () => {
        expect(headTtlFromEnv({})).toBe(1000)
        expect(headTtlFromEnv({GQL_CACHE_HEAD_MS: '0'})).toBe(0)
        expect(() => headTtlFromEnv({GQL_CACHE_HEAD_MS: '1.5'})).toThrow(/^GQL_CACHE_HEAD_MS: /)
    })
})
