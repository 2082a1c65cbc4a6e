/**
 * API latency under concurrent load: `node lib/bench/api.js [--seconds 20] [--clients 50] [--no-record]`
 *
 * On a database holding the devnet `khala-day` scenario (indexed by the real processor; cached on the
 * PostgreSQL server as `api_bench_khala_day`, re-indexed when the code changed: ~10 min), the real GraphQL
 * server (node lib/src/serve.js) is queried over HTTP by N concurrent keep-alive clients, each sending its
 * next request when the previous answer arrived. Per query: p50 / p95 / p99 / max latency, requests per
 * second, errors, and the share of answers the response cache served (`x-cache: hit`). Results go to
 * stdout and to bench/RESULTS.md under `## API` (that section only).
 *
 * Server configurations: the default (response cache and analytics result cache on), the default with
 * GQL_WORKERS=2, the response cache off (GQL_RESPONSE_CACHE_MB=0: every request goes through Apollo, the
 * analytics results still cached), and both caches off (every request runs its SQL).
 *
 * The load generator runs on the same machine as the server and the database. To take as little CPU from
 * them as it can, it checks each answer by its status, its first bytes (Apollo writes `errors` first) and
 * its length, which must equal the length of the answer checked in full before the run (the data is fixed).
 *
 * Environment: BENCH_DB_URL (an already indexed database; skips indexing), else the PostgreSQL server to cache
 * the indexed database on: DB_URL, or the embedded PostgreSQL of a running `npm start` (bench/db.ts),
 * GQL_DB_CONNECTION_POOL_SIZE etc. pass through to the server.
 */
import * as fs from 'fs'
import * as http from 'http'
import * as os from 'os'
import * as path from 'path'
import {Client} from 'pg'
import {indexedDatabase, ROOT} from '../test/helpers/indexed'
import {GraphqlServer} from '../test/helpers/graphql-server'
import {benchServerUrl} from './db'
import {loadBenchSettings} from '../src/config/bench'

interface Args {
    seconds: number
    warmup: number
    clients: number
    record: boolean
    only: string | null
}

function parseArgs(argv: string[]): Args {
    const a: Args = {seconds: 20, warmup: 3, clients: 50, record: true, only: null}
    for (let i = 0; i < argv.length; i++) {
        const k = argv[i]
        if (k === '--seconds') a.seconds = Number(argv[++i])
        else if (k === '--warmup') a.warmup = Number(argv[++i])
        else if (k === '--clients') a.clients = Number(argv[++i])
        else if (k === '--no-record') a.record = false
        else if (k === '--only') a.only = argv[++i]
        else throw new Error(`unknown option ${k}`)
    }
    return a
}

interface Scenario {
    name: string
    query: string
    /** move the chain head this often while measuring (a new NetworkState.hash, as a processor commit would) */
    headEveryMs?: number
}

/**
 * While `f` runs, rewrite NetworkState.hash every `everyMs` (the answers measured do not show it, so their
 * bytes stay the same, but every cache keyed by the head starts over); the hash is restored afterwards.
 */
async function withMovingHead<T>(dbUrl: string, everyMs: number | undefined, f: () => Promise<T>): Promise<{result: T; moves: number}> {
    if (!everyMs) return {result: await f(), moves: 0}
    const c = new Client({connectionString: dbUrl})
    await c.connect()
    const original = (await c.query(`SELECT hash FROM network_state WHERE id = 'network'`)).rows[0].hash
    let moves = 0
    let busy = false
    const timer = setInterval(() => {
        if (busy) return
        busy = true
        c.query(`UPDATE network_state SET hash = $1 WHERE id = 'network'`, [`${original}-bench-${++moves}`]).finally(() => (busy = false))
    }, everyMs)
    try {
        return {result: await f(), moves}
    } finally {
        clearInterval(timer)
        while (busy) await new Promise(r => setTimeout(r, 10))
        await c.query(`UPDATE network_state SET hash = $1 WHERE id = 'network'`, [original])
        await c.end()
    }
}

interface Result {
    name: string
    clients: number
    requests: number
    errors: number
    /** answers with x-cache: hit / miss */
    hits: number
    misses: number
    seconds: number
    rps: number
    p50: number
    p95: number
    p99: number
    max: number
    firstError?: string
}

function quantile(sorted: number[], q: number): number {
    if (sorted.length === 0) return NaN
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

async function load(url: string, sc: Scenario, clients: number, warmupS: number, seconds: number, expectedBytes: number): Promise<Result> {
    const agent = new http.Agent({keepAlive: true, maxSockets: clients})
    const body = JSON.stringify({query: sc.query})
    const u = new URL(url)
    const once = () =>
        new Promise<{ok: boolean; hit: boolean; miss: boolean; text: string}>((resolve, reject) => {
            const req = http.request(
                {
                    host: u.hostname,
                    port: u.port,
                    path: u.pathname,
                    method: 'POST',
                    agent,
                    headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)},
                },
                res => {
                    const chunks: Buffer[] = []
                    let length = 0
                    res.on('data', (c: Buffer) => {
                        chunks.push(c)
                        length += c.length
                    })
                    res.on('end', () => {
                        const head = chunks.length ? chunks[0].subarray(0, 16).toString('latin1') : ''
                        const ok = res.statusCode === 200 && head.startsWith('{"data"') && length === expectedBytes
                        resolve({
                            ok,
                            hit: res.headers['x-cache'] === 'hit',
                            miss: res.headers['x-cache'] === 'miss',
                            text: ok ? '' : Buffer.concat(chunks).toString(),
                        })
                    })
                    res.on('error', reject)
                }
            )
            req.on('error', reject)
            req.end(body)
        })
    const latencies: number[] = []
    let errors = 0
    let hits = 0
    let misses = 0
    let firstError: string | undefined
    const warmEnd = Date.now() + warmupS * 1000
    const end = warmEnd + seconds * 1000
    let measuredFrom = 0
    const worker = async () => {
        while (Date.now() < end) {
            const t0 = process.hrtime.bigint()
            let r: {ok: boolean; hit: boolean; miss: boolean; text: string}
            try {
                r = await once()
            } catch (e: any) {
                r = {ok: false, hit: false, miss: false, text: String(e?.message ?? e)}
            }
            const ms = Number(process.hrtime.bigint() - t0) / 1e6
            if (Date.now() < warmEnd) continue
            if (!measuredFrom) measuredFrom = Date.now()
            latencies.push(ms)
            if (r.hit) hits++
            if (r.miss) misses++
            if (!r.ok) {
                errors++
                firstError ??= r.text.slice(0, 300)
            }
        }
    }
    await Promise.all(Array.from({length: clients}, worker))
    const elapsed = (Date.now() - (measuredFrom || warmEnd)) / 1000
    agent.destroy()
    latencies.sort((a, b) => a - b)
    return {
        name: sc.name,
        clients,
        requests: latencies.length,
        errors,
        hits,
        misses,
        seconds: elapsed,
        rps: latencies.length / elapsed,
        p50: quantile(latencies, 0.5),
        p95: quantile(latencies, 0.95),
        p99: quantile(latencies, 0.99),
        max: latencies[latencies.length - 1] ?? NaN,
        firstError,
    }
}

async function pick(url: string) {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        const head = (await c.query(`SELECT height, timestamp FROM network_state WHERE id = 'network'`)).rows[0]
        const busy = (
            await c.query(
                `SELECT owner_id, count(*)::int AS pools, sum(settle_count)::int AS settles FROM base_pool GROUP BY owner_id ORDER BY sum(settle_count) DESC LIMIT 1`
            )
        ).rows[0]
        const sizes = (
            await c.query(
                `SELECT (SELECT count(*) FROM payout)::int AS payouts, (SELECT count(*) FROM worker)::int AS workers, (SELECT count(*) FROM base_pool)::int AS pools`
            )
        ).rows[0]
        const worker = (await c.query(`SELECT id FROM worker ORDER BY settle_count DESC, id LIMIT 1`)).rows[0].id
        return {head, busy, sizes, worker}
    } finally {
        await c.end()
    }
}

type ServerKind = 'default' | 'workers2' | 'noResponseCache' | 'uncached'

/** the environment of each server configuration */
const SERVERS: Record<ServerKind, Record<string, string>> = {
    default: {},
    workers2: {GQL_WORKERS: '2'},
    noResponseCache: {GQL_RESPONSE_CACHE_MB: '0'},
    uncached: {GQL_RESPONSE_CACHE_MB: '0', GQL_RESULT_CACHE_ENTRIES: '0'},
}

function cpuModel(): string {
    try {
        const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))
        if (m) return m[1].trim()
    } catch {
        // not Linux
    }
    return os.cpus()[0]?.model?.trim() ?? 'cpu'
}

function fmt(n: number, d = 1): string {
    return Number.isFinite(n) ? n.toFixed(d) : '—'
}

function recordResults(text: string) {
    const file = path.join(ROOT, 'bench/RESULTS.md')
    let content = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n'
    const start = content.search(/^## API\s*$/m)
    if (start >= 0) {
        const rest = content.slice(start + 1)
        const next = rest.search(/^## /m)
        const end = next >= 0 ? start + 1 + next : content.length
        content = content.slice(0, start) + text + (end < content.length ? '\n' + content.slice(end) : '')
    } else {
        content = content.replace(/\s*$/, '\n\n') + text
    }
    fs.writeFileSync(file, content.replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '\n'))
}

async function main() {
    const args = parseArgs(process.argv.slice(2))
    let dbUrl = loadBenchSettings().benchDbUrl
    if (!dbUrl) {
        const server = benchServerUrl()
        const t0 = Date.now()
        const db = await indexedDatabase('khala-day', {server, dbName: 'api_bench_khala_day', log: m => console.error(`[bench] ${m}`)})
        dbUrl = db.url
        console.error(`[bench] database ${db.fresh ? `indexed in ${((Date.now() - t0) / 1000).toFixed(0)} s` : 'reused (same code)'}: ${dbUrl}`)
    }
    const info = await pick(dbUrl)
    const headTs: Date = info.head.timestamp
    const from = new Date(headTs.getTime() - 30 * 86_400_000).toISOString()
    const to = new Date(headTs.getTime() + 1000).toISOString()
    const account = info.busy.owner_id
    const audit = `{ payoutAudit(account: "${account}", from: "${from}", to: "${to}", granularity: DAY, limit: 100) {
                count total { amount treasury toOwner toStakers } buckets { start amount count }
                payouts { id blockHeight timestamp workerId amount toOwner toStakers } commission { amount withdrawn } } }`
    const recon = `{ payoutAudit(account: "${account}", from: "${from}", to: "${to}", granularity: DAY, limit: 100) {
                count total { amount } buckets { start amount } payouts { id amount }
                reconciliation { differences checks { name difference } invariant { checked mismatched unpaired } } } }`
    const emission = `{ emission(granularity: DAY) { emitted allocationEmittedPercent remaining budgetPerBlock halvings budgetUpdates
                series { start emitted cumulative } budgetHistory { kind blockHeight budgetPerBlock }
                projections { method exhausts blocksUntilExhausted exhaustionDate } } }`
    const leaderboard = `{ poolLeaderboard(orderBy: APR, window: DAY, limit: 20) { entries { pid apr commissionPermill totalValue delegatorCount idleWorkers unresponsiveWorkers rewards } } }`
    const status = `{ squidStatus { height } }`
    const AUDIT = 'payoutAudit: busy account, 30 days (totals, daily buckets, first 100 payouts, commission)'
    type Run = Scenario & {server: ServerKind; clients: number}
    const all: Run[] = [
        {name: AUDIT, query: audit, server: 'default', clients: args.clients},
        {name: 'payoutAudit: the same, 10 clients', query: audit, server: 'default', clients: 10},
        {name: 'payoutAudit: the same + reconciliation', query: recon, server: 'default', clients: args.clients},
        {name: 'emission (daily series, budget history, projections)', query: emission, server: 'default', clients: args.clients},
        {name: 'poolLeaderboard (APR, 24 h rewards, top 20)', query: leaderboard, server: 'default', clients: args.clients},
        {name: '`{ squidStatus { height } }`', query: status, server: 'default', clients: args.clients},
        {name: `${AUDIT}, GQL_WORKERS=2`, query: audit, server: 'workers2', clients: args.clients},
        {
            name: 'payoutAudit: busy account, the chain head moves every 2 s (GQL_CACHE_HEAD_MS=1000: each move is one coalesced miss, then hits)',
            query: audit,
            server: 'default',
            clients: args.clients,
            headEveryMs: 2000,
        },
        {
            name: 'payoutAudit: busy account, response cache off (Apollo runs every request; analytics results cached)',
            query: audit,
            server: 'noResponseCache',
            clients: args.clients,
        },
        {name: 'floor of the Apollo stack: `{ squidStatus { height } }`, response cache off', query: status, server: 'noResponseCache', clients: args.clients},
        {name: 'payoutAudit: busy account, both caches off (every request runs its SQL)', query: audit, server: 'uncached', clients: args.clients},
        {name: 'payoutAudit: busy account, both caches off', query: audit, server: 'uncached', clients: 10},
    ]
    const runs = all.filter(s => !args.only || s.name.toLowerCase().includes(args.only.toLowerCase()))

    const results: Result[] = []
    const loadBefore = os.loadavg()
    const expected = new Map<string, string>()
    for (const kind of Object.keys(SERVERS) as ServerKind[]) {
        const mine = runs.filter(r => r.server === kind)
        if (mine.length === 0) continue
        const server = await GraphqlServer.start(dbUrl, SERVERS[kind])
        try {
            for (const sc of mine) {
                // correctness first: the query must answer without errors, the same bytes from every server
                const probe = await server.query(sc.query)
                if (probe.errors?.length || probe.status !== 200) throw new Error(`${sc.name}: ${probe.raw.slice(0, 500)}`)
                if (expected.has(sc.query) && expected.get(sc.query) !== probe.raw) throw new Error(`${sc.name}: the ${kind} server answers differently`)
                expected.set(sc.query, probe.raw)
                const {result: r, moves} = await withMovingHead(dbUrl!, sc.headEveryMs, () =>
                    load(server.url, sc, sc.clients, args.warmup, args.seconds, Buffer.byteLength(probe.raw))
                )
                if (moves) r.name += ` (${moves} head moves, ${r.misses} misses measured)`
                results.push(r)
                console.log(
                    `${r.name}\n  ${r.clients} clients: ${fmt(r.rps)} req/s, p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, p99 ${fmt(r.p99)} ms, max ${fmt(r.max)} ms, ` +
                        `${fmt((100 * r.hits) / Math.max(1, r.requests), 0)}% response-cache hits, ${r.errors} errors${r.firstError ? ` (${r.firstError})` : ''}`
                )
            }
        } finally {
            await server.stop()
        }
    }
    const loadAfter = os.loadavg()

    const date = new Date().toISOString().slice(0, 16).replace('T', ' ')
    const la = (l: number[]) => l.map(x => x.toFixed(2)).join(' / ')
    const lines = [
        '## API',
        '',
        `\`node lib/bench/api.js\` (bench/api.ts), ${date} UTC. Database: devnet \`khala-day\` indexed by the processor ` +
            `(${info.sizes.payouts.toLocaleString('en')} payouts, ${info.sizes.workers.toLocaleString('en')} workers, ${info.sizes.pools} pools). ` +
            `Machine: ${os.cpus().length} cores (nproc), ${cpuModel()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}; ` +
            `load average (1 / 5 / 15 min) ${la(loadBefore)} before the runs, ${la(loadAfter)} after (the machine is shared with other jobs). ` +
            `Server: \`node lib/src/serve.js\` (one process unless GQL_WORKERS=2, default limits, GQL_DB_CONNECTION_POOL_SIZE=${loadBenchSettings().gqlDbPoolSize ?? 'default'}); ` +
            `the load generator is another node process on the same machine: keep-alive clients, closed loop, ${args.warmup} s warm-up then ${args.seconds} s measured per row. ` +
            `Busy account: owner of ${info.busy.pools} pools (${info.busy.settles.toLocaleString('en')} settlements), range: the 30 days up to the chain head. ` +
            `Default server: the response cache (src/server/response-cache.ts) answers a repeated request at the same chain head with the stored bytes ` +
            `(with the data fixed, every request after the first is a hit; "hits" = answers with \`x-cache: hit\`), and the analytics result cache ` +
            `(src/server/result-cache.ts) holds the resolvers' results. "head moves" row: NetworkState.hash is rewritten every 2 s during the run ` +
            `(restored afterwards), so both caches start over as after a processor commit. "response cache off" rows: every request goes through Apollo; ` +
            `"both caches off" rows: every request runs its SQL (a cache miss).`,
        '',
        '| query | clients | req/s | p50 ms | p95 ms | p99 ms | max ms | hits | errors |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...results.map(
            r =>
                `| ${r.name} | ${r.clients} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${fmt((100 * r.hits) / Math.max(1, r.requests), 0)}% | ${r.errors} |`
        ),
        '',
    ]
    const text = lines.join('\n')
    if (args.record) {
        recordResults(text)
        console.error(`[bench] results written to bench/RESULTS.md (## API)`)
    }
}

main().catch(e => {
    console.error(e)
    process.exit(1)
})
