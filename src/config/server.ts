/**
 * Settings of the read side — the GraphQL server (src/server) and the CSV export (src/export) — read from
 * the environment here and nowhere else, validated once at start; a bad value is a ConfigError naming the
 * setting. The servers pass the values down to what they build; the analytics resolvers, which
 * graphql-server loads itself, find the same values through serverSettings().
 *
 *   GQL_PORT (or GRAPHQL_SERVER_PORT)  port of the GraphQL server, default 4350
 *   GQL_WORKERS                        server processes sharing the port, 1 … 64, default 1
 *   GQL_MAX_ROOT_FIELDS, GQL_MAX_RESPONSE_NODES, GQL_MAX_REQUEST_KB, GQL_SQL_TIMEOUT_MS   limits
 *   GQL_MAX_QUERY_COST, GQL_MAX_FILTER_NODES, GQL_MAX_RESPONSE_MB      cost and size of one query (src/server/cost.ts)
 *   GQL_CHEAP_QUERY_COST, GQL_ANALYTICS_CONCURRENCY, GQL_ANALYTICS_QUEUE, GQL_EXPENSIVE_CONCURRENCY,
 *   GQL_EXPENSIVE_QUEUE  admission (src/server/admission.ts)
 *   GQL_DB_CONNECTION_POOL_SIZE        connections of the request pool (graphql-server reads it too), default 20
 *   GQL_RESPONSE_CACHE_MB              HTTP response cache, megabytes, default 64 (0 = off)
 *   GQL_CACHE_HEAD_MS                  how often the caches re-read the chain head, default 1000
 *   GQL_RESULT_CACHE_ENTRIES           analytics result cache, units, default 500 (0 = off)
 *   GQL_DEBUG=1                        keep NODE_ENV and errors as they are
 *   GQL_INTROSPECTION=0                introspection off
 *   CHAIN, EMISSION_PEERS              the chain this server indexes and the databases of the others
 *   EXPORT_PORT                        port of the CSV export server, default 4351
 *   DB_URL, DB_HOST …                  the database (src/config/index.ts, src/db/connection.ts)
 */
import * as os from 'os'
import {ConfigError, DEFAULT_EXPORT_PORT, Env, exportPortSetting, loadDbConfig, nonEmpty} from './index'

export const DEFAULT_GQL_PORT = 4350
export {DEFAULT_EXPORT_PORT}

export interface ServerLimits {
    maxRootFields: number
    /** max response size, counted in result nodes */
    maxResponseNodes: number
    /** request size, kilobytes */
    maxRequestKb: number
    /** SQL statement timeout, ms */
    sqlStatementTimeoutMs: number
}

/** the cost budget of one query and the admission of queries (src/server/cost.ts, src/server/admission.ts) */
export interface AdmissionSettings {
    /** largest cost of one query (result nodes, every alias counted, + weighted filters, counts, analytics) */
    maxQueryCost: number
    /** largest number of nodes in the filters (`where`, list arguments) of one query */
    maxFilterNodes: number
    /** largest answer, bytes (JSON), measured before it is serialized */
    maxResponseBytes: number
    /** queries costing at most this (and no analytics) take the cheap lane */
    cheapQueryCost: number
    /** analytics queries (the project's own resolvers, reconciliation aside) running at once */
    analyticsConcurrency: number
    /** analytics queries waiting for a turn; more → HTTP 503 */
    analyticsQueue: number
    /** expensive queries running at once */
    expensiveConcurrency: number
    /** expensive queries waiting for a turn; more → HTTP 503 */
    expensiveQueue: number
    /** cheap queries running at once (the request pool's size) */
    cheapConcurrency: number
    /** cheap queries waiting; more → HTTP 503 */
    cheapQueue: number
    /** the request pool's connections (GQL_DB_CONNECTION_POOL_SIZE) */
    dbPoolSize: number
    /** Retry-After of a 503, seconds */
    retryAfterSec: number
}

export interface ServerSettings {
    port: number
    /** the port came from neither GQL_PORT nor GRAPHQL_SERVER_PORT (graphql-server is told it) */
    portDefaulted: boolean
    workers: number
    limits: ServerLimits
    admission: AdmissionSettings
    /** HTTP response cache, bytes (0: off) */
    responseCacheBytes: number
    /** how long a chain head read by the caches stays current, ms */
    cacheHeadMs: number
    /** analytics result cache, weight units (0: off) */
    resultCacheEntries: number
    /** GQL_DEBUG=1: stacks and errors as the SDK gives them */
    debug: boolean
    introspection: boolean
    /** the chain this server indexes, lowercase */
    chain: string
    emissionPeers: PeerConfig[]
    /** database connections of each server process (GQL_DB_CONNECTION_POOL_SIZE, read by graphql-server) */
    dbPoolSize: number
}

/**
 * Default database connections per server process. graphql-server's own default is 5; each request holds
 * its connection (its read-only transaction) until its last resolver is done, including while the process
 * works on other requests, so 5 capped a 2-core machine's mixed workload at ~20 requests/s (docs/scaling.md).
 */
export const DEFAULT_GQL_DB_POOL_SIZE = 20

/**
 * GQL_HEAP_MB (default 320; 0 = Node's own limit): the V8 heap limit of each GraphQL server process
 * (--max-old-space-size). Node sizes its heap from the machine's memory (gigabytes here) and collects
 * lazily below that, so a burst of large answers left the server at ~800 MB RSS long after; with the
 * limit it collects sooner. Every answer is bounded (cost, response size, admission), so it fits.
 */
export function apiHeapMb(env: Env = process.env): number {
    const v = nonEmpty(env, 'GQL_HEAP_MB')
    if (v == null) return 320
    if (!/^\d+$/.test(v) || (Number(v) !== 0 && Number(v) < 64))
        throw new ConfigError('GQL_HEAP_MB', `expected 0 (Node's own limit) or a whole number of MB ≥ 64, got ${JSON.stringify(v)}`)
    return Number(v)
}

/** every setting of the GraphQL server; throws the ConfigError of the first bad one */
export function loadServerSettings(env: Env = process.env): ServerSettings {
    const workers = workerCount(env)
    const responseCacheBytes = responseCacheBytesFromEnv(env)
    const cacheHeadMs = headTtlFromEnv(env)
    const limits = serverLimits(env)
    const admission = admissionSettings(env)
    const {port, defaulted} = serverPort(env)
    const emissionPeers = parseEmissionPeers(env)
    return {
        port,
        portDefaulted: defaulted,
        workers,
        limits,
        admission,
        responseCacheBytes,
        cacheHeadMs,
        resultCacheEntries: wholeNumber(env, 'GQL_RESULT_CACHE_ENTRIES', 500),
        debug: env.GQL_DEBUG === '1',
        introspection: env.GQL_INTROSPECTION !== '0',
        chain: localChain(env),
        emissionPeers,
        dbPoolSize: positive(env, 'GQL_DB_CONNECTION_POOL_SIZE', DEFAULT_GQL_DB_POOL_SIZE),
    }
}

let installed: ServerSettings | undefined

/** the settings the server validated at start (installServerSettings), else read now from the environment */
export function serverSettings(): ServerSettings {
    installed ??= loadServerSettings()
    return installed
}

export function installServerSettings(s: ServerSettings): void {
    installed = s
}

/**
 * What the SDK reads from the environment itself: NODE_ENV=production unless GQL_DEBUG=1 (Apollo's debug
 * mode and Express's error pages print stacks otherwise), GQL_PORT when no port was given (graphql-
 * server's own default is another port), and the connection pool size (its own default is 5)
 */
export function exportServerEnvironment(s: ServerSettings, env: Env = process.env): void {
    if (!s.debug) env.NODE_ENV = 'production'
    if (s.portDefaulted) env.GQL_PORT = String(s.port)
    env.GQL_DB_CONNECTION_POOL_SIZE = String(s.dbPoolSize)
}

/** EXPORT_PORT of the CSV export server */
export function exportPort(env: Env = process.env): number {
    return exportPortSetting(env)
}

/** EXPORT_WRITE_TIMEOUT_MS: how long the export waits for a client that reads nothing (default 30 s) */
export function exportWriteTimeoutMs(env: Env = process.env): number | undefined {
    const v = env.EXPORT_WRITE_TIMEOUT_MS
    if (v == null || v.trim() === '') return undefined
    if (!/^\d+$/.test(v.trim()) || Number(v) < 100 || Number(v) > 3_600_000) {
        throw new ConfigError('EXPORT_WRITE_TIMEOUT_MS', `expected milliseconds within 100 … 3600000, got ${JSON.stringify(v)}`)
    }
    return Number(v)
}

// ------------------------------------------------------------------ the GraphQL server's settings, one by one

function workerCount(env: Env): number {
    const v = env.GQL_WORKERS
    if (v == null || v.trim() === '') return 1
    if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || Number(v) > 64) {
        throw new ConfigError('GQL_WORKERS', `expected 1 … 64, got ${JSON.stringify(v)}`)
    }
    return Number(v)
}

/** GQL_PORT (graphql-server also reads GRAPHQL_SERVER_PORT); 4350 when neither is set, as documented */
function serverPort(env: Env): {port: number; defaulted: boolean} {
    const name = env.GQL_PORT ? 'GQL_PORT' : env.GRAPHQL_SERVER_PORT ? 'GRAPHQL_SERVER_PORT' : undefined
    if (name == null) return {port: DEFAULT_GQL_PORT, defaulted: true}
    const v = env[name]!.trim()
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
        throw new ConfigError(name, `expected a port number, got ${JSON.stringify(env[name])}`)
    }
    return {port: Number(v), defaulted: false}
}

function positive(env: Env, name: string, dflt: number): number {
    const v = env[name]
    if (v == null || v.trim() === '') return dflt
    if (!/^\d+$/.test(v.trim()) || Number(v) <= 0) {
        throw new ConfigError(name, `must be a positive whole number, got ${JSON.stringify(v)}`)
    }
    return Number(v)
}

function wholeNumber(env: Env, name: string, dflt: number): number {
    const v = env[name]
    if (v == null || v.trim() === '') return dflt
    const n = Number(v)
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(name, `must be a whole number ≥ 0, got ${JSON.stringify(v)}`)
    return n
}

/** the limits of the GraphQL server, on by default */
export function serverLimits(env: Env = process.env): ServerLimits {
    return {
        maxRootFields: positive(env, 'GQL_MAX_ROOT_FIELDS', 10),
        maxResponseNodes: positive(env, 'GQL_MAX_RESPONSE_NODES', 200_000),
        maxRequestKb: positive(env, 'GQL_MAX_REQUEST_KB', 256),
        sqlStatementTimeoutMs: positive(env, 'GQL_SQL_TIMEOUT_MS', 15_000),
    }
}

/** cheap queries waiting for a connection, per connection of the pool */
export const CHEAP_QUEUE_PER_CONNECTION = 50

/**
 * The cost budget and the three lanes (src/server/admission.ts).
 *
 * - Expensive (open-ended entity lists and connections, filters and sorts of any shape, the audit's
 *   reconciliation): at most GQL_EXPENSIVE_CONCURRENCY (default: one per CPU core but one, at most the pool's
 *   connections less 2, at least 1), so that one core is left to the server's event loop and the other lanes'
 *   SQL: on 2 cores, two expensive queries at once took both, and a small query's p50 under 20 hostile clients
 *   went from 55 to 70 ms (p99 135 → 150 ms).
 * - Analytics (the project's resolvers: payoutAudit, workerTimeline, poolLeaderboard, emission, networkStats…,
 *   whose SQL reads indexed ranges and rollups, docs/plans): GQL_ANALYTICS_CONCURRENCY (default two per core,
 *   at most the pool less 2), GQL_ANALYTICS_QUEUE waiting (default 64). They are what dashboards and miners
 *   ask for all day; in the expensive lane, one at a time, 100 requests/s of them were refused by the hundred.
 * - Cheap: as many as the pool has connections.
 */
export function admissionSettings(env: Env = process.env): AdmissionSettings {
    const dbPoolSize = positive(env, 'GQL_DB_CONNECTION_POOL_SIZE', DEFAULT_GQL_DB_POOL_SIZE)
    const expensiveConcurrency = positive(env, 'GQL_EXPENSIVE_CONCURRENCY', Math.max(1, Math.min(dbPoolSize - 2, os.availableParallelism() - 1)))
    const analyticsConcurrency = positive(env, 'GQL_ANALYTICS_CONCURRENCY', Math.max(1, Math.min(dbPoolSize - 2, 2 * os.availableParallelism())))
    if (analyticsConcurrency > dbPoolSize) {
        throw new ConfigError(
            'GQL_ANALYTICS_CONCURRENCY',
            `${analyticsConcurrency} is more than the ${dbPoolSize} connections of the pool (GQL_DB_CONNECTION_POOL_SIZE); keep it below, so cheap queries find a connection`
        )
    }
    if (expensiveConcurrency > dbPoolSize) {
        throw new ConfigError(
            'GQL_EXPENSIVE_CONCURRENCY',
            `${expensiveConcurrency} is more than the ${dbPoolSize} connections of the pool (GQL_DB_CONNECTION_POOL_SIZE); keep it below, so cheap queries find a connection`
        )
    }
    const mb = env.GQL_MAX_RESPONSE_MB
    let maxResponseBytes = 32 * 1024 * 1024
    if (mb != null && mb.trim() !== '') {
        if (!/^\d+(\.\d+)?$/.test(mb.trim()) || Number(mb) <= 0 || Number(mb) > 4096) {
            throw new ConfigError('GQL_MAX_RESPONSE_MB', `expected a number of megabytes above 0, at most 4096, got ${JSON.stringify(mb)}`)
        }
        maxResponseBytes = Math.floor(Number(mb) * 1024 * 1024)
    }
    return {
        maxQueryCost: positive(env, 'GQL_MAX_QUERY_COST', 250_000),
        maxFilterNodes: positive(env, 'GQL_MAX_FILTER_NODES', 1000),
        maxResponseBytes,
        cheapQueryCost: wholeNumber(env, 'GQL_CHEAP_QUERY_COST', 2000),
        analyticsConcurrency,
        analyticsQueue: wholeNumber(env, 'GQL_ANALYTICS_QUEUE', 64),
        expensiveConcurrency,
        expensiveQueue: wholeNumber(env, 'GQL_EXPENSIVE_QUEUE', 16),
        cheapConcurrency: dbPoolSize,
        cheapQueue: dbPoolSize * CHEAP_QUEUE_PER_CONNECTION,
        dbPoolSize,
        retryAfterSec: 2,
    }
}

/** GQL_RESPONSE_CACHE_MB: a decimal number of megabytes ≥ 0 (default 64) */
export function responseCacheBytesFromEnv(env: Env = process.env): number {
    const v = env.GQL_RESPONSE_CACHE_MB
    if (v == null || v.trim() === '') return 64 * 1024 * 1024
    if (!/^\d+(\.\d+)?$/.test(v.trim()) || Number(v) > 65536) {
        throw new ConfigError('GQL_RESPONSE_CACHE_MB', `expected a number of megabytes from 0 to 65536 (0 = off), got ${JSON.stringify(v)}`)
    }
    return Math.floor(Number(v) * 1024 * 1024)
}

/** GQL_CACHE_HEAD_MS: whole milliseconds ≥ 0 (default 1000) */
export function headTtlFromEnv(env: Env = process.env): number {
    const v = env.GQL_CACHE_HEAD_MS
    if (v == null || v.trim() === '') return 1000
    if (!/^\d+$/.test(v.trim())) throw new ConfigError('GQL_CACHE_HEAD_MS', `must be a whole number ≥ 0, got ${JSON.stringify(v)}`)
    return Number(v)
}

// ------------------------------------------------------------------ CHAIN and EMISSION_PEERS (src/server/peers.ts)

export const CHAIN_NAMES = ['khala', 'phala', 'devnet'] as const
export type KnownChain = (typeof CHAIN_NAMES)[number]

export const PEERS_SETTING = 'EMISSION_PEERS'

export interface PeerConfig {
    chain: KnownChain
    url: string
}

/** the chain this server indexes (CHAIN, default devnet), lowercase */
export function localChain(env: Env = process.env): string {
    return (env.CHAIN ?? 'devnet').trim().toLowerCase() || 'devnet'
}

/** host:port/database of a postgres URL, for comparisons and logs (never the credentials) */
export function dbIdentity(url: string): string {
    const u = new URL(url)
    const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '')
    const name = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres'
    return `${host === 'localhost' || host === '::1' ? '127.0.0.1' : host}:${u.port || '5432'}/${name}`
}

/**
 * EMISSION_PEERS → the peers, in the order given. Throws a ConfigError naming EMISSION_PEERS for a bad
 * value. Unset or empty: no peers.
 */
export function parseEmissionPeers(env: Env = process.env): PeerConfig[] {
    const raw = env[PEERS_SETTING]
    if (raw == null || raw.trim() === '') return []
    const local = localChain(env)
    // this server's own database, when configured (the embedded one is never a peer's)
    const ownUrl = loadDbConfig(env).url
    const own = ownUrl == null ? undefined : dbIdentity(ownUrl)
    const out: PeerConfig[] = []
    for (const item of raw.split(',')) {
        const entry = item.trim()
        if (entry === '') continue
        const eq = entry.indexOf('=')
        if (eq < 0) {
            throw new ConfigError(PEERS_SETTING, `expected chain=postgres://… entries separated by commas, got ${JSON.stringify(entry)}`)
        }
        const chain = entry.slice(0, eq).trim().toLowerCase()
        const url = entry.slice(eq + 1).trim()
        if (!(CHAIN_NAMES as readonly string[]).includes(chain)) {
            throw new ConfigError(PEERS_SETTING, `unknown chain ${JSON.stringify(entry.slice(0, eq).trim())}; expected one of ${CHAIN_NAMES.join(', ')}`)
        }
        if (chain === local) {
            throw new ConfigError(PEERS_SETTING, `${chain} is the chain this server indexes (CHAIN=${local}); list only other chains`)
        }
        if (out.some(p => p.chain === chain)) throw new ConfigError(PEERS_SETTING, `${chain} is listed twice`)
        let u: URL
        try {
            u = new URL(url)
        } catch {
            throw new ConfigError(PEERS_SETTING, `${chain}: not a valid URL (expected postgres://user@host:port/database; percent-encode a comma)`)
        }
        if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
            throw new ConfigError(PEERS_SETTING, `${chain}: unsupported protocol ${u.protocol}; use postgres://`)
        }
        if (!u.hostname) throw new ConfigError(PEERS_SETTING, `${chain}: the URL has no host`)
        const id = dbIdentity(url)
        if (own != null && id === own) {
            throw new ConfigError(PEERS_SETTING, `${chain}: ${id} is this server's own database (DB_URL); a peer must be another squid's database`)
        }
        const twin = out.find(p => dbIdentity(p.url) === id)
        if (twin) throw new ConfigError(PEERS_SETTING, `${chain}: ${id} is already the database of ${twin.chain}`)
        out.push({chain: chain as KnownChain, url})
    }
    return out
}
