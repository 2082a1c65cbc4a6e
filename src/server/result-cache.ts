/**
 * A result cache for the analytics resolvers. Every answer is a function of its arguments and of the
 * indexed chain state, and that state changes only when the processor commits a batch, which moves the
 * head (NetworkState height + hash). So results are cached under (query, arguments, head):
 *
 * - the head is re-read at most every GQL_CACHE_HEAD_MS (default 1000 ms), outside any request
 *   transaction; a cache hit costs no database round trip at all;
 * - a miss computes inside the request's transaction and stores the result under the head read in that
 *   same transaction; identical requests arriving meanwhile wait for that one computation;
 * - at most GQL_RESULT_CACHE_ENTRIES (default 500) units are kept, least recently used first out: a result
 *   weighs 1 plus 1 per 100 rows it holds (a 1,000-row page weighs 11); 0 turns the cache off.
 *
 * Staleness: an answer may describe the state up to GQL_CACHE_HEAD_MS older than the newest committed
 * batch. docs/api.md says so.
 */
import {serverSettings} from '../config/server'
import {readHead} from './head'
import {Query} from '../queries/sql'

export class ResultCache {
    private readonly map = new Map<string, {p: Promise<unknown>; weight: number}>()
    private weight = 0
    private head: {value: string; at: number} | undefined
    private headLoading: Promise<string> | undefined
    hits = 0
    misses = 0

    constructor(
        readonly maxEntries: number,
        /** default: GQL_CACHE_HEAD_MS's default */
        readonly headTtlMs = 1000
    ) {}

    get enabled(): boolean {
        return this.maxEntries > 0
    }

    static readHead(q: Query): Promise<string> {
        return readHead(q)
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

    private remove(key: string): void {
        const e = this.map.get(key)
        if (e) {
            this.weight -= e.weight
            this.map.delete(key)
        }
    }

    private touch(key: string, p: Promise<unknown>, weight: number): void {
        this.remove(key)
        this.map.set(key, {p, weight})
        this.weight += weight
        while (this.weight > this.maxEntries && this.map.size > 0) {
            this.remove(this.map.keys().next().value as string)
        }
    }

    /**
     * The cached result of `key` at the current head, else `compute(q)` over the request's transaction
     * (`tx`), stored under the head that transaction sees.
     */
    async get<T>(
        key: string,
        headQuery: () => Promise<Query>,
        tx: () => Promise<Query>,
        compute: (q: Query) => Promise<T>,
        rows: (result: T) => number = () => 0
    ): Promise<T> {
        if (!this.enabled) return compute(await tx())
        const head = await this.currentHead(headQuery)
        const hit = this.map.get(`${head}|${key}`)
        if (hit) {
            this.hits++
            this.touch(`${head}|${key}`, hit.p, hit.weight)
            return hit.p as Promise<T>
        }
        this.misses++
        const q = await tx()
        const txHead = await ResultCache.readHead(q)
        const full = `${txHead}|${key}`
        const existing = this.map.get(full)
        if (existing) return existing.p as Promise<T>
        const p = compute(q)
        this.touch(full, p, 1)
        p.then(
            r => {
                // weigh it once its size is known
                const e = this.map.get(full)
                if (e?.p === p) this.touch(full, p, 1 + Math.floor(rows(r) / 100))
            },
            () => {
                if (this.map.get(full)?.p === p) this.remove(full)
            }
        )
        if (txHead !== head) this.head = {value: txHead, at: Date.now()}
        return p
    }

    clear(): void {
        this.map.clear()
        this.weight = 0
        this.head = undefined
    }

    get size(): {entries: number; weight: number} {
        return {entries: this.map.size, weight: this.weight}
    }
}

let shared: ResultCache | undefined

/** the process-wide cache of the GraphQL server, sized by its settings (src/config/server.ts) */
export function resultCache(): ResultCache {
    if (shared == null) {
        const s = serverSettings()
        shared = new ResultCache(s.resultCacheEntries, s.cacheHeadMs)
    }
    return shared
}

/** a stable key for arguments (Dates as ISO strings, bigints as decimals) */
export function cacheKey(name: string, args: unknown): string {
    return name + ':' + JSON.stringify(args, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
}
