/**
 * All configuration, read from the environment and validated once, with messages that name the setting.
 * The only module that reads process.env (a test keeps it so); the rest of the code is handed the values.
 */
import * as path from 'path'

/** the project's root folder (this file is compiled to lib/src/config/) */
export const PROJECT_ROOT = path.resolve(__dirname, '../../..')

/** finalized blocks / items merged into one handler batch at most, unless MAX_BATCH_BLOCKS / MAX_BATCH_ITEMS say otherwise */
export const DEFAULT_MAX_BATCH_BLOCKS = 1000
export const DEFAULT_MAX_BATCH_ITEMS = 25_000

export type ChainName = 'khala' | 'phala' | 'devnet'

export interface ChainPreset {
    name: ChainName
    /** SS58 address prefix */
    ss58Prefix: number
    /** default block range (inclusive); the real chains ended mining at these blocks */
    defaultFrom: number
    defaultTo: number | undefined
    /** the public SQD network gateway dataset for this chain, if any */
    gateway: string | undefined
    /** default RPC endpoint */
    defaultRpc: string | undefined
    /** termination block of mining on this chain */
    terminationBlock: number | undefined
    /** the runtime spec name its nodes report (undefined: any; the devnet serves Khala- or Phala-shaped runtimes) */
    specName: string | undefined
}

export const CHAIN_PRESETS: Record<ChainName, ChainPreset> = {
    khala: {
        name: 'khala',
        ss58Prefix: 30,
        defaultFrom: 0,
        defaultTo: 7_918_688,
        gateway: 'https://v2.archive.subsquid.io/network/khala',
        defaultRpc: undefined,
        terminationBlock: 7_918_688,
        specName: 'khala',
    },
    phala: {
        name: 'phala',
        ss58Prefix: 30,
        defaultFrom: 0,
        defaultTo: 9_064_613,
        gateway: 'https://v2.archive.subsquid.io/network/phala',
        defaultRpc: undefined,
        terminationBlock: 9_064_613,
        specName: 'phala',
    },
    devnet: {
        name: 'devnet',
        ss58Prefix: 30,
        defaultFrom: 0,
        defaultTo: undefined,
        gateway: undefined,
        defaultRpc: 'ws://127.0.0.1:9944',
        terminationBlock: undefined,
        specName: undefined,
    },
}

export interface DbConfig {
    /** a full connection string, when configured (DB_URL, or built from DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASS) */
    url: string | undefined
    /** which setting gave `url` */
    source: 'DB_URL' | 'DB_HOST' | undefined
    /** true when nothing is configured: the embedded PostgreSQL is used */
    embedded: boolean
    /** the data folder (absolute): DATA_DIR, relative to the project root, default `.data` */
    dataDir: string
}

export interface Config {
    chain: ChainPreset
    rpcEndpoint: string | undefined
    /** requests per second allowed against the RPC endpoint (undefined: no limit) */
    rpcRateLimit: number | undefined
    gatewayUrl: string | undefined
    fromBlock: number
    toBlock: number | undefined
    /** blocks behind the head treated as final when the node gives no finality (undefined: use the node's) */
    finalityConfirmation: number | undefined
    db: DbConfig
    gqlPort: number
    /** finalized blocks merged into one handler batch at most (src/ingest/coalesce.ts) */
    maxBatchBlocks: number
    /** events + calls + extrinsics in one handler batch at most */
    maxBatchItems: number
    /** drop secondary ledger/rollup indexes during a long catch-up and rebuild them at the head */
    deferIndexes: 'auto' | 'off'
    /** fetch and decode finalized blocks in a worker thread (src/ingest/decode-thread/thread.ts) */
    ingestWorker: boolean
    /** commit finalized batches while the next one is applied (src/store/pipelined-database.ts) */
    pipelineCommits: boolean
    /** blocks behind the head for which undo records are kept, so `npm run rewind` can go back that far (0: none) */
    rewindWindow: number
}

/** REWIND_WINDOW's default: far deeper than any fork of a live chain, a few MB of undo records */
export const DEFAULT_REWIND_WINDOW = 500

export class ConfigError extends Error {
    constructor(
        readonly setting: string,
        message: string
    ) {
        super(`${setting}: ${message}`)
        this.name = 'ConfigError'
    }
}

export type Env = Record<string, string | undefined>

/** the trimmed value of a setting, undefined when unset or blank */
export function nonEmpty(env: Env, name: string): string | undefined {
    const v = env[name]
    if (v == null) return undefined
    const t = v.trim()
    return t === '' ? undefined : t
}

function parseBlock(env: Env, name: string): number | undefined {
    const v = nonEmpty(env, name)
    if (v == null) return undefined
    if (!/^\d+$/.test(v)) throw new ConfigError(name, `must be a non-negative whole block number, got ${JSON.stringify(v)}`)
    const n = Number(v)
    if (!Number.isSafeInteger(n)) throw new ConfigError(name, `block number too large: ${v}`)
    return n
}

function parsePort(env: Env, name: string, dflt: number): number {
    const v = nonEmpty(env, name)
    if (v == null) return dflt
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
        throw new ConfigError(name, `must be a TCP port between 1 and 65535, got ${JSON.stringify(v)}`)
    }
    return Number(v)
}

function parseUrl(env: Env, name: string, protocols: string[]): string | undefined {
    const v = nonEmpty(env, name)
    if (v == null) return undefined
    let url: URL
    try {
        url = new URL(v)
    } catch {
        throw new ConfigError(name, `not a valid URL: ${JSON.stringify(v)} (expected e.g. ${protocols[0]}//host:port)`)
    }
    if (!protocols.includes(url.protocol)) {
        throw new ConfigError(name, `unsupported protocol ${url.protocol} in ${JSON.stringify(v)}; use one of ${protocols.join(', ')}`)
    }
    if (!url.hostname) throw new ConfigError(name, `URL has no host: ${JSON.stringify(v)}`)
    return v
}

function parseCount(env: Env, name: string, dflt: number): number {
    const v = nonEmpty(env, name)
    if (v == null) return dflt
    if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
        throw new ConfigError(name, `must be a whole number of at least 1, got ${JSON.stringify(v)}`)
    }
    return Number(v)
}

function parseDeferIndexes(env: Env): 'auto' | 'off' {
    const v = (nonEmpty(env, 'DEFER_INDEXES') ?? 'auto').toLowerCase()
    if (v !== 'auto' && v !== 'off') throw new ConfigError('DEFER_INDEXES', `expected auto or off, got ${JSON.stringify(env.DEFER_INDEXES)}`)
    return v
}

function parseOnOff(env: Env, name: string, dflt: boolean): boolean {
    const v = nonEmpty(env, name)
    if (v == null) return dflt
    const t = v.toLowerCase()
    if (['on', '1', 'true', 'yes'].includes(t)) return true
    if (['off', '0', 'false', 'no'].includes(t)) return false
    throw new ConfigError(name, `expected on or off, got ${JSON.stringify(v)}`)
}

function parsePositive(env: Env, name: string): number | undefined {
    const v = nonEmpty(env, name)
    if (v == null) return undefined
    const n = Number(v)
    if (!Number.isFinite(n) || n <= 0) throw new ConfigError(name, `must be a positive number, got ${JSON.stringify(v)}`)
    return n
}

/** the database settings alone (commands that need nothing else: migrations, export) */
export function loadDbConfig(env: Env = process.env): DbConfig {
    const dbUrl = parseUrl(env, 'DB_URL', ['postgres:', 'postgresql:'])
    const dbHost = nonEmpty(env, 'DB_HOST')
    let url = dbUrl
    if (url == null && dbHost != null) {
        const port = parsePort(env, 'DB_PORT', 5432)
        const user = encodeURIComponent(nonEmpty(env, 'DB_USER') ?? 'postgres')
        const pass = nonEmpty(env, 'DB_PASS')
        const name = encodeURIComponent(nonEmpty(env, 'DB_NAME') ?? 'squid')
        url = `postgres://${user}${pass ? ':' + encodeURIComponent(pass) : ''}@${dbHost}:${port}/${name}`
    } else if (dbUrl == null) {
        // validate the port even when unused, so a typo never passes silently
        parsePort(env, 'DB_PORT', 5432)
    }

    const dir = nonEmpty(env, 'DATA_DIR')
    return {
        url,
        source: dbUrl != null ? 'DB_URL' : url != null ? 'DB_HOST' : undefined,
        embedded: url == null,
        dataDir: path.resolve(PROJECT_ROOT, dir ?? '.data'),
    }
}

/**
 * API_DB_PASSWORD: when set, the migrations program (`npm run migration:apply`) also applies db/api-role.sql and
 * gives the read-only role `squid_api` this password (docker-compose.yml's api and export log in with it).
 */
export function loadApiRolePassword(env: Env = process.env): string | undefined {
    const v = env.API_DB_PASSWORD
    if (v == null || v === '') return undefined
    if (v.trim() !== v) throw new ConfigError('API_DB_PASSWORD', 'must not start or end with spaces')
    if (v.includes('\0')) throw new ConfigError('API_DB_PASSWORD', 'must not contain a NUL byte')
    if (v.length > 200) throw new ConfigError('API_DB_PASSWORD', `too long (${v.length} characters, at most 200)`)
    return v
}

export function loadConfig(env: Env = process.env): Config {
    const chainName = (nonEmpty(env, 'CHAIN') ?? 'devnet').toLowerCase()
    if (!(chainName in CHAIN_PRESETS)) {
        throw new ConfigError('CHAIN', `unknown chain ${JSON.stringify(env.CHAIN)}; expected one of ${Object.keys(CHAIN_PRESETS).join(', ')}`)
    }
    const chain = CHAIN_PRESETS[chainName as ChainName]

    const rpcEndpoint = parseUrl(env, 'RPC_ENDPOINT', ['ws:', 'wss:', 'http:', 'https:']) ?? chain.defaultRpc
    const gatewayUrl = parseUrl(env, 'GATEWAY_URL', ['https:', 'http:'])
    if (rpcEndpoint == null) {
        throw new ConfigError('RPC_ENDPOINT', `required for CHAIN=${chain.name} (metadata and runtime versions always come over RPC)`)
    }

    const fromBlock = parseBlock(env, 'FROM_BLOCK') ?? chain.defaultFrom
    const toBlock = parseBlock(env, 'TO_BLOCK') ?? chain.defaultTo
    if (toBlock != null && fromBlock > toBlock) {
        throw new ConfigError('FROM_BLOCK', `FROM_BLOCK (${fromBlock}) is greater than TO_BLOCK (${toBlock})`)
    }

    return {
        chain,
        rpcEndpoint,
        rpcRateLimit: parsePositive(env, 'RPC_RATE_LIMIT'),
        gatewayUrl,
        fromBlock,
        toBlock,
        finalityConfirmation: parseBlock(env, 'FINALITY_CONFIRMATION'),
        db: loadDbConfig(env),
        gqlPort: parsePort(env, 'GQL_PORT', 4350),
        maxBatchBlocks: parseCount(env, 'MAX_BATCH_BLOCKS', DEFAULT_MAX_BATCH_BLOCKS),
        maxBatchItems: parseCount(env, 'MAX_BATCH_ITEMS', DEFAULT_MAX_BATCH_ITEMS),
        deferIndexes: parseDeferIndexes(env),
        ingestWorker: parseOnOff(env, 'INGEST_WORKER', true),
        pipelineCommits: parseOnOff(env, 'PIPELINE_COMMITS', true),
        rewindWindow: rewindWindowSetting(env),
    }
}

/** REWIND_WINDOW (the processor, and `npm run rewind` for its messages) */
export function rewindWindowSetting(env: Env = process.env): number {
    return parseBlock(env, 'REWIND_WINDOW') ?? DEFAULT_REWIND_WINDOW
}

/** what `npm start` runs besides the processor and the GraphQL server */
export interface StartSettings {
    /** port of the embedded PostgreSQL (EMBEDDED_PG_PORT) */
    embeddedPgPort: number
    /** port of the CSV export server (EXPORT_PORT) */
    exportPort: number
    /**
     * the devnet started when CHAIN=devnet and no RPC_ENDPOINT is set; with DEVNET_GATEWAY_PORT it also serves
     * its finalized blocks as an SQD gateway on that port, and the processor reads history from it
     */
    devnet: {start: boolean; scenario: string; port: number; seed: number; gatewayPort: number | undefined}
}

export const DEFAULT_EXPORT_PORT = 4351

/** EXPORT_PORT: the CSV export server's port */
export function exportPortSetting(env: Env = process.env): number {
    return parsePort(env, 'EXPORT_PORT', DEFAULT_EXPORT_PORT)
}

export function loadStartSettings(config: Config, env: Env = process.env): StartSettings {
    const seed = nonEmpty(env, 'DEVNET_SEED')
    if (seed != null && !/^\d+$/.test(seed)) throw new ConfigError('DEVNET_SEED', `must be a whole number, got ${JSON.stringify(seed)}`)
    return {
        embeddedPgPort: parsePort(env, 'EMBEDDED_PG_PORT', 54329),
        exportPort: exportPortSetting(env),
        devnet: {
            start: config.chain.name === 'devnet' && nonEmpty(env, 'RPC_ENDPOINT') == null,
            scenario: nonEmpty(env, 'DEVNET_SCENARIO') ?? 'small',
            port: parsePort(env, 'DEVNET_PORT', 9944),
            seed: seed == null ? 1 : Number(seed),
            gatewayPort: nonEmpty(env, 'DEVNET_GATEWAY_PORT') == null ? undefined : parsePort(env, 'DEVNET_GATEWAY_PORT', 0),
        },
    }
}

/** the environment of a child process: this one's, with `changes` applied (undefined removes a variable) */
export function childEnv(changes: Record<string, string | undefined>, env: Env = process.env): NodeJS.ProcessEnv {
    const out: NodeJS.ProcessEnv = {...env}
    for (const [k, v] of Object.entries(changes)) {
        if (v === undefined) delete out[k]
        else out[k] = v
    }
    return out
}

/**
 * Settings for libraries that read the environment themselves (the SDK's TypeORM config reads DB_URL, its
 * logger FORCE_PRETTY_LOGGER): written here, so that every access to process.env stays in this module.
 */
export function setLibraryEnv(changes: Record<string, string | undefined>): void {
    for (const [k, v] of Object.entries(changes)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
    }
}

/** whether the SDK's logger writes for people (FORCE_PRETTY_LOGGER, else whether stderr is a terminal) */
export function prettyLogs(env: Env = process.env): boolean {
    const forced = nonEmpty(env, 'FORCE_PRETTY_LOGGER')
    return forced != null ? forced !== '0' : !!process.stderr.isTTY
}

/**
 * Every environment variable the project reads, with the component that reads it. A setting a deployment
 * file (docker-compose.yml) passes must be one of these; a test keeps the list equal to what the code reads.
 */
export const KNOWN_SETTINGS: Readonly<Record<string, string>> = {
    CHAIN: 'processor, api',
    RPC_ENDPOINT: 'processor, api (the chain head /ready measures the lag against)',
    RPC_RATE_LIMIT: 'processor',
    GATEWAY_URL: 'processor',
    USE_PUBLIC_GATEWAY: 'processor',
    FROM_BLOCK: 'processor',
    TO_BLOCK: 'processor, api (/ready)',
    FINALITY_CONFIRMATION: 'processor',
    MAX_BATCH_BLOCKS: 'processor',
    MAX_BATCH_ITEMS: 'processor',
    INGEST_WORKER: 'processor',
    PIPELINE_COMMITS: 'processor',
    REWIND_WINDOW: 'processor, rewind',
    DEFER_INDEXES: 'processor',
    LEDGER_PIPELINE_ROWS: 'processor',
    LEDGER_SYNC_COMMIT: 'processor',
    LEDGER_TIMING: 'processor',
    LEDGER_TIMING_EVERY: 'processor',
    LEDGER_YIELD_MS: 'processor',
    PROCESSOR_PROMETHEUS_PORT: 'processor (/metrics, /health, /ready; also read by the SDK)',
    PROMETHEUS_PORT: 'processor (as PROCESSOR_PROMETHEUS_PORT)',
    READY_MAX_LAG: 'processor, api',
    READY_DB_TIMEOUT_MS: 'processor, api',
    READY_CHECK_MS: 'processor, api',
    GQL_METRICS_OPERATIONS: 'api',
    DB_URL: 'all',
    DB_HOST: 'all',
    DB_PORT: 'all',
    DB_NAME: 'all',
    DB_USER: 'all',
    DB_PASS: 'all',
    API_DB_PASSWORD: 'migrations (creates the read-only API role with it)',
    DATA_DIR: 'start',
    EMBEDDED_PG_PORT: 'start',
    GQL_PORT: 'api',
    GRAPHQL_SERVER_PORT: 'api (the GraphQL server library name for GQL_PORT)',
    GQL_MAX_ROOT_FIELDS: 'api',
    GQL_MAX_RESPONSE_NODES: 'api',
    GQL_MAX_REQUEST_KB: 'api',
    GQL_SQL_TIMEOUT_MS: 'api',
    GQL_RESPONSE_CACHE_MB: 'api',
    GQL_RESULT_CACHE_ENTRIES: 'api',
    GQL_CACHE_HEAD_MS: 'api',
    GQL_DB_CONNECTION_POOL_SIZE: 'api',
    GQL_MAX_QUERY_COST: 'api',
    GQL_MAX_FILTER_NODES: 'api',
    GQL_MAX_RESPONSE_MB: 'api',
    GQL_CHEAP_QUERY_COST: 'api',
    GQL_ANALYTICS_CONCURRENCY: 'api',
    GQL_ANALYTICS_QUEUE: 'api',
    GQL_EXPENSIVE_CONCURRENCY: 'api',
    GQL_EXPENSIVE_QUEUE: 'api',
    GQL_WORKERS: 'api',
    GQL_HEAP_MB: 'api',
    GQL_DEBUG: 'api',
    GQL_INTROSPECTION: 'api',
    EMISSION_PEERS: 'api',
    EXPORT_PORT: 'export',
    EXPORT_WRITE_TIMEOUT_MS: 'export',
    DEVNET_SCENARIO: 'start, devnet',
    DEVNET_PORT: 'start, devnet',
    DEVNET_SEED: 'start, devnet',
    DEVNET_GATEWAY_PORT: 'start, devnet',
    FORCE_PRETTY_LOGGER: 'processor (the SDK logger: 1 pretty, 0 JSON lines)',
    BENCH_DB_URL: 'bench',
    BENCH_LEDGER_SQL: 'bench',
    BASELINE_PROJECT_DIR: 'bench',
}
