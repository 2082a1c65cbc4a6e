/**
 * A result cache for the analytics resolvers. Every answer is a function of its arguments and of the
 * indexed chain state, and that state changes only when the processor commits a batch, which moves the
 * head (NetworkState height + hash). So results are cached under (query, arguments, head):
 *
 * - the head is re-read at most every GQL_CACHE_HEAD_MS (default 1000 ms), outside any request
 *   transaction; a cache hit costs no database round trip at all;
 * - a miss computes inside the request's transaction and stores the result under the head read in that
 *   same transaction; identical requests arriving meanwhile wait for that one computation;
 * - at most GQL_RESULT_CACHE_ENTRIES (default 500) results are kept, least recently used first out;
 *   0 turns the cache off.
 *
 * Staleness: an answer may describe the state up to GQL_CACHE_HEAD_MS older than the newest committed
 * batch. docs/api.md says so.
 */
import {Query} from './sql'

function envInt(name: string, dflt: number): number {
    const v = process.env[name]
    if (v == null || v.trim() === '') return dflt
    const n = Number(v)
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: must be a whole number ≥ 0, got ${JSON.stringify(v)}`)
    return n
}

export class ResultCache {
    private readonly map = new Map<string, Promise<unknown>>()
    private head: {value: string; at: number} | undefined
    private headLoading: Promise<string> | undefined
    hits = 0
    misses = 0

    constructor(
        readonly maxEntries = envInt('GQL_RESULT_CACHE_ENTRIES', 500),
        readonly headTtlMs = envInt('GQL_CACHE_HEAD_MS', 1000)
    ) {}

    get enabled(): boolean {
        return this.maxEntries > 0
    }

    static async readHead(q: Query): Promise<string> {
        const rows = await q(`SELECT height, hash FROM network_state WHERE id = 'network'`)
        return rows.length ? `${rows[0].height}:${rows[0].hash}` : 'empty'
    }

    /** the head as last seen, re-read through `q` when older than headTtlMs */
    async currentHead(q: () => Promise<Query>): Promise<string> {
        const now = Date.now()
        if (this.head && now - this.head.at < this.headTtlMs) return this.head.value
        this.headLoading ??= (async () => {
            try {
                const value = await ResultCache.readHead(await q())
                this.head = {value, at: Date.now()}
                return value
            } finally {
                this.headLoading = undefined
            }
        })()
        return this.headLoading
    }

    private touch(key: string, p: Promise<unknown>): void {
        this.map.delete(key)
        this.map.set(key, p)
        while (this.map.size > this.maxEntries) {
            const oldest = this.map.keys().next().value as string
            this.map.delete(oldest)
        }
    }

    /**
     * The cached result of `key` at the current head, else `compute(q)` over the request's transaction
     * (`tx`), stored under the head that transaction sees.
     */
    async get<T>(key: string, headQuery: () => Promise<Query>, tx: () => Promise<Query>, compute: (q: Query) => Promise<T>): Promise<T> {
        if (!this.enabled) return compute(await tx())
        const head = await this.currentHead(headQuery)
        const hit = this.map.get(`${head}|${key}`)
        if (hit) {
            this.hits++
            this.touch(`${head}|${key}`, hit)
            return hit as Promise<T>
        }
        this.misses++
        const q = await tx()
        const txHead = await ResultCache.readHead(q)
        const full = `${txHead}|${key}`
        const existing = this.map.get(full)
        if (existing) return existing as Promise<T>
        const p = compute(q)
        this.touch(full, p)
        p.catch(() => {
            if (this.map.get(full) === p) this.map.delete(full)
        })
        if (txHead !== head) this.head = {value: txHead, at: Date.now()}
        return p
    }

    clear(): void {
        this.map.clear()
        this.head = undefined
    }
}

/** the process-wide cache of the GraphQL server */
export const resultCache = new ResultCache()

/** a stable key for arguments (Dates as ISO strings, bigints as decimals) */
export function cacheKey(name: string, args: unknown): string {
    return name + ':' + JSON.stringify(args, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
}
