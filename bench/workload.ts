/**
 * The API at the size of the real job, under a realistic open-loop workload:
 *
 *   node lib/bench/workload.js [--db NAME]… [--rate 100] [--seconds 60] [--warmup 10] [--seed 1] [--zipf 1.1]
 *                              [--no-record] [--cpu-prof DIR] [--server-env K=V]…
 *
 * Databases: each --db (a database on the benchmark's PostgreSQL server), else the 2×10^6 and 2×10^7 payout
 * databases of bench/scale-load.ts (made first when missing: tens of minutes). Against each, the real
 * GraphQL server (node lib/src/serve.js, default settings, its caches empty at the start) and the CSV export
 * server (node lib/src/export/server.js) run as child processes; this process sends the mix of
 * bench/workload-mix.ts open-loop at --rate requests/s for --seconds, every request on its schedule whatever
 * the earlier ones do, its latency counted from its scheduled time. A CSV request is timed to its first
 * 1,000 rows (the first page a client shows), then dropped.
 *
 * Each request is marked first-seen (its exact body / URL was never sent before in this run: neither cache
 * can hold it — a true miss, except that parts of it, e.g. the same audit sums at another page offset, may
 * be in the analytics result cache) or repeat; the GraphQL server's `x-cache` header (hit / miss of the
 * response cache) is counted too. Reported per request kind and overall: p50 / p95 / p99 / max for
 * first-seen requests alone, repeats alone and all; server CPU (user + system) per request. Results go to
 * bench/RESULTS.md under `## API at scale`.
 */
import * as fs from 'fs'
import * as http from 'http'
import * as os from 'os'
import * as path from 'path'
import {spawn} from 'child_process'
import {Client} from 'pg'
import {freePort, GraphqlServer} from '../test/helpers/graphql-server'
import {LIB, ROOT, withClient} from '../test/helpers/indexed'
import {benchServerUrl} from './db'
import {childEnv} from '../src/config'
import {scaleDatabase, sizeLabel} from './scale-load'
import {DEFAULT_MIX, openLoop, Population, RequestKind, Workload, WorkloadRequest} from './workload-mix'

interface Args {
    dbs: string[]
    rate: number
    seconds: number
    warmup: number
    seed: number
    zipf: number
    record: boolean
    cpuProf: string | null
    serverEnv: Record<string, string>
    mix: Record<RequestKind, number> | undefined
}

function parseArgs(argv: string[]): Args {
    const a: Args = {dbs: [], rate: 100, seconds: 60, warmup: 10, seed: 1, zipf: 1.1, record: true, cpuProf: null, serverEnv: {}, mix: undefined}
    for (let i = 0; i < argv.length; i++) {
        const k = argv[i]
        if (k === '--db') a.dbs.push(argv[++i])
        else if (k === '--rate') a.rate = Number(argv[++i])
        else if (k === '--seconds') a.seconds = Number(argv[++i])
        else if (k === '--warmup') a.warmup = Number(argv[++i])
        else if (k === '--seed') a.seed = Number(argv[++i])
        else if (k === '--zipf') a.zipf = Number(argv[++i])
        else if (k === '--no-record') a.record = false
        else if (k === '--cpu-prof') a.cpuProf = path.resolve(argv[++i])
        else if (k === '--mix') {
            // e.g. auditAccount=1,csvPayouts=1: only these kinds, in these proportions
            const mix = Object.fromEntries(Object.keys(DEFAULT_MIX).map(x => [x, 0])) as Record<RequestKind, number>
            for (const part of argv[++i].split(',')) {
                const [kind, w] = part.split('=')
                if (!(kind in DEFAULT_MIX)) throw new Error(`--mix: unknown request kind ${kind} (known: ${Object.keys(DEFAULT_MIX).join(', ')})`)
                mix[kind as RequestKind] = Number(w ?? 1)
            }
            a.mix = mix
        } else if (k === '--server-env') {
            const [key, ...v] = argv[++i].split('=')
            a.serverEnv[key] = v.join('=')
        } else throw new Error(`unknown option ${k}`)
    }
    if (!(a.rate > 0) || !(a.seconds > 0)) throw new Error('--rate and --seconds must be positive')
    return a
}

const log = (m: string) => console.error(`[workload] ${m}`)

async function readPopulation(url: string): Promise<Population & {payouts: number}> {
    return withClient(url, async c => {
        const ids = async (sql: string) => (await c.query(sql)).rows.map(r => r.id as string)
        const head = (await c.query(`SELECT timestamp FROM network_state WHERE id = 'network'`)).rows[0].timestamp as Date
        const first = (await c.query(`SELECT min(bucket_start) AS t FROM network_rollup WHERE period = 'Day' AND bucket_start > '2000-01-01'`)).rows[0]
            .t as Date
        const payouts = Number((await c.query(`SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'payout'`)).rows[0].n)
        return {
            accounts: await ids(`SELECT id FROM account ORDER BY id`),
            workers: await ids(`SELECT id FROM worker ORDER BY id`),
            pools: await ids(`SELECT id FROM base_pool ORDER BY id`),
            firstMs: (first ?? head).getTime(),
            headMs: head.getTime(),
            payouts,
        }
    })
}

/** busy CPU seconds of the whole machine (all cores) so far: /proc/stat */
function machineBusySeconds(): number {
    try {
        const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
        // user nice system idle iowait irq softirq steal
        return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / 100
    } catch {
        return 0
    }
}

/** the children of a process (every thread's), from /proc */
function childPids(pid: number): number[] {
    const out: number[] = []
    try {
        for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
            const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim()
            if (text) out.push(...text.split(/\s+/).map(Number))
        }
    } catch {
        // gone
    }
    return out
}

/**
 * user + system CPU seconds of a process and its descendants alive now (serve.js runs the GraphQL server as
 * its child, with the heap cap: the parent alone does next to nothing)
 */
function cpuSeconds(pid: number | undefined): number {
    if (pid == null) return 0
    let total = 0
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        total = (Number(f[11]) + Number(f[12])) / 100
    } catch {
        return 0
    }
    for (const child of childPids(pid)) total += cpuSeconds(child)
    return total
}

class ExportServer {
    private constructor(
        readonly port: number,
        private readonly child: ReturnType<typeof spawn>
    ) {}

    get pid() {
        return this.child.pid
    }

    static async start(dbUrl: string, env: Record<string, string>, nodeArgs: string[]): Promise<ExportServer> {
        const port = await freePort()
        const child = spawn(process.execPath, [...nodeArgs, path.join(LIB, 'src/export/server.js')], {
            cwd: ROOT,
            env: childEnv({DB_URL: dbUrl, EXPORT_PORT: String(port), ...env}),
            stdio: ['ignore', 'ignore', 'pipe'],
        })
        const s = new ExportServer(port, child)
        const until = Date.now() + 60_000
        for (;;) {
            if (child.exitCode != null) throw new Error(`export server exited with ${child.exitCode}`)
            const ok = await new Promise<boolean>(resolve => {
                http.get(`http://127.0.0.1:${port}/health`, res => {
                    res.resume()
                    resolve(res.statusCode === 200)
                }).on('error', () => resolve(false))
            })
            if (ok) return s
            if (Date.now() > until) throw new Error('export server did not answer within 60 s')
            await new Promise(r => setTimeout(r, 200))
        }
    }

    async stop(): Promise<void> {
        if (this.child.exitCode != null) return
        const exited = new Promise(r => this.child.once('exit', r))
        this.child.kill('SIGTERM')
        await exited
    }
}

interface Sample {
    kind: RequestKind
    ms: number
    firstSeen: boolean
    cacheHit: boolean
    ok: boolean
    error?: string
}

const CSV_ROWS = 1000

function send(agent: http.Agent, gqlUrl: URL, csvPort: number, r: WorkloadRequest): Promise<{ok: boolean; hit: boolean; error?: string}> {
    return new Promise(resolve => {
        const isCsv = r.kind === 'csvPayouts'
        const req = http.request(
            isCsv
                ? {host: '127.0.0.1', port: csvPort, path: r.path, method: 'GET', agent}
                : {
                      host: gqlUrl.hostname,
                      port: gqlUrl.port,
                      path: gqlUrl.pathname,
                      method: 'POST',
                      agent,
                      headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body)},
                  },
            res => {
                const hit = res.headers['x-cache'] === 'hit'
                let head = ''
                let lines = 0
                let done = false
                const finish = (ok: boolean, error?: string) => {
                    if (done) return
                    done = true
                    resolve({ok, hit, error})
                }
                res.on('data', (chunk: Buffer) => {
                    if (head.length < 32) head += chunk.subarray(0, 32).toString('latin1')
                    if (isCsv) {
                        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++
                        if (lines > CSV_ROWS && res.statusCode === 200) {
                            finish(true)
                            req.destroy()
                        }
                    }
                })
                res.on('end', () => {
                    const ok = res.statusCode === 200 && (isCsv || head.startsWith('{"data"'))
                    finish(ok, ok ? undefined : `${res.statusCode} ${head}`)
                })
                res.on('error', e => finish(done, String(e)))
            }
        )
        req.on('error', e => resolve({ok: false, hit: false, error: String(e)}))
        if (!isCsv) req.write(r.body)
        req.end()
    })
}

interface Stats {
    n: number
    p50: number
    p95: number
    p99: number
    max: number
}

function stats(ms: number[]): Stats {
    const s = ms.slice().sort((a, b) => a - b)
    const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN)
    return {n: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s[s.length - 1] ?? NaN}
}

interface RunResult {
    db: string
    payouts: number
    pop: Population
    samples: Sample[]
    seconds: number
    serverCpu: number
    exportCpu: number
    /** CPU seconds of the whole machine (PostgreSQL, both servers, this load generator, anything else) */
    machineCpu: number
    loadBefore: number[]
    loadAfter: number[]
}

async function runOne(dbName: string, url: string, args: Args): Promise<RunResult> {
    const pop = await readPopulation(url)
    log(`${dbName}: ${pop.payouts.toLocaleString('en')} payouts, ${pop.accounts.length} accounts, ${pop.workers.length} workers, ${pop.pools.length} pools`)
    const env: Record<string, string> = {...args.serverEnv}
    const nodeArgs: string[] = []
    if (args.cpuProf) {
        fs.mkdirSync(args.cpuProf, {recursive: true})
        nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${args.cpuProf}`)
    }
    const gql = await GraphqlServer.start(url, env, nodeArgs)
    const csv = await ExportServer.start(url, env, nodeArgs)
    const gqlPid = (gql as any).child?.pid as number | undefined
    try {
        const work = new Workload(pop, {seed: args.seed, zipfS: args.zipf, mix: args.mix})
        const seen = new Set<string>()
        const agent = new http.Agent({keepAlive: true, maxSockets: 512})
        const gqlUrl = new URL(gql.url)
        // the warm-up's requests (the same stream, not measured) count as seen: a measured first-seen request is new
        const warm = Math.round(args.rate * args.warmup)
        const count = warm + Math.round(args.rate * args.seconds)
        const samples: Sample[] = []
        let cpu0 = cpuSeconds(gqlPid)
        let ecpu0 = cpuSeconds(csv.pid)
        let m0 = machineBusySeconds()
        let loadBefore = os.loadavg()
        let t0 = performance.now()
        const started = await openLoop(args.rate, count, async (i, at) => {
            if (i === warm) {
                cpu0 = cpuSeconds(gqlPid)
                ecpu0 = cpuSeconds(csv.pid)
                m0 = machineBusySeconds()
                loadBefore = os.loadavg()
                t0 = at
            }
            const r = work.next()
            const key = r.body || r.path
            const firstSeen = !seen.has(key)
            seen.add(key)
            const res = await send(agent, gqlUrl, csv.port, r)
            if (i >= warm) samples.push({kind: r.kind, ms: performance.now() - at, firstSeen, cacheHit: res.hit, ok: res.ok, error: res.error})
        })
        await Promise.all(started)
        const seconds = (performance.now() - t0) / 1000
        const serverCpu = cpuSeconds(gqlPid) - cpu0
        const exportCpu = cpuSeconds(csv.pid) - ecpu0
        const machineCpu = machineBusySeconds() - m0
        agent.destroy()
        return {db: dbName, payouts: pop.payouts, pop, samples, seconds, serverCpu, exportCpu, machineCpu, loadBefore, loadAfter: os.loadavg()}
    } finally {
        await gql.stop()
        await csv.stop()
    }
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—')

function table(r: RunResult): string[] {
    const kinds = [...new Set(r.samples.map(s => s.kind))].sort()
    const row = (label: string, list: Sample[]) => {
        const first = stats(list.filter(s => s.firstSeen).map(s => s.ms))
        const rep = stats(list.filter(s => !s.firstSeen).map(s => s.ms))
        const all = stats(list.map(s => s.ms))
        const errors = list.filter(s => !s.ok).length
        const hits = list.filter(s => s.cacheHit).length
        return `| ${label} | ${list.length} | ${first.n} | ${f1(first.p50)} | ${f1(first.p95)} | ${f1(first.p99)} | ${f1(first.max)} | ${f1(rep.p50)} | ${f1(rep.p99)} | ${f1(all.p50)} | ${f1(all.p95)} | ${f1(all.p99)} | ${hits} | ${errors} |`
    }
    return [
        '| request | sent | first-seen | miss p50 ms | miss p95 | miss p99 | miss max | repeat p50 | repeat p99 | all p50 | all p95 | all p99 | x-cache hits | errors |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...kinds.map(k =>
            row(
                k,
                r.samples.filter(s => s.kind === k)
            )
        ),
        row('**all**', r.samples),
    ]
}

function recordResults(text: string) {
    const file = path.join(ROOT, 'bench/RESULTS.md')
    let content = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n'
    const start = content.search(/^## API at scale\s*$/m)
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

async function tableSizes(url: string): Promise<{payoutBytes: number; ledgerBytes: number; dbBytes: number}> {
    return withClient(url, async (c: Client) => {
        const r = (
            await c.query(`SELECT pg_total_relation_size('payout')::float8 AS p,
                    (SELECT sum(pg_total_relation_size(t))::float8 FROM unnest(array['payout','pool_reward','worker_state_change','stake_movement','dismissed_reward',
                     'worker_rollup','pool_rollup','account_rollup','network_rollup']::regclass[]) t) AS l,
                    pg_database_size(current_database())::float8 AS d`)
        ).rows[0]
        return {payoutBytes: r.p, ledgerBytes: r.l, dbBytes: r.d}
    })
}

async function main() {
    const args = parseArgs(process.argv.slice(2))
    const server = benchServerUrl()
    const dbs: {name: string; url: string}[] = []
    if (args.dbs.length) {
        for (const name of args.dbs) {
            const u = new URL(server)
            u.pathname = '/' + name
            dbs.push({name, url: u.toString()})
        }
    } else {
        for (const payouts of [2e6, 2e7]) {
            const r = await scaleDatabase({payouts})
            dbs.push({name: `${sizeLabel(payouts)} payouts (${new URL(r.url).pathname.slice(1)})`, url: r.url})
        }
    }
    const results: RunResult[] = []
    for (const db of dbs) {
        const r = await runOne(db.name, db.url, args)
        results.push(r)
        const miss = stats(r.samples.filter(s => s.firstSeen).map(s => s.ms))
        log(
            `${db.name}: ${r.samples.length} requests in ${r.seconds.toFixed(1)} s, first-seen ${miss.n}: p50 ${f1(miss.p50)} p99 ${f1(miss.p99)} ms; ` +
                `server CPU ${r.serverCpu.toFixed(1)} s (${((1000 * r.serverCpu) / r.samples.length).toFixed(1)} ms/request), ` +
                `machine CPU ${((1000 * r.machineCpu) / r.samples.length).toFixed(1)} ms/request, errors ${r.samples.filter(s => !s.ok).length}`
        )
        const firstErr = r.samples.find(s => !s.ok)
        if (firstErr) log(`first error (${firstErr.kind}): ${firstErr.error?.slice(0, 300)}`)
        for (const line of table(r)) console.log(line)
    }
    if (!args.record) return
    const date = new Date().toISOString().slice(0, 16).replace('T', ' ')
    const cpu = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model
    const la = (l: number[]) => l.map(x => x.toFixed(2)).join(' / ')
    const lines = [
        '## API at scale',
        '',
        `\`node lib/bench/workload.js ${process.argv.slice(2).join(' ')}\` (bench/workload.ts, mix in bench/workload-mix.ts), ${date} UTC. ` +
            `Machine: ${os.cpus().length} cores, ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}. ` +
            `Open loop at ${args.rate} requests/s, ${args.warmup} s of warm-up (not measured; its requests count as seen) then ${args.seconds} s measured per database (latency from each request's scheduled time), seed ${args.seed}, Zipf s = ${args.zipf} over all accounts, workers and pools; ` +
            `servers: \`node lib/src/serve.js\` (one process, default settings, caches empty at the start) and \`node lib/src/export/server.js\`, both on this machine with PostgreSQL and the load generator. ` +
            `"miss" = a request whose exact body or URL had not been sent before in the run (first-seen); "repeat" = the others; x-cache hits = answers from the response cache.`,
        '',
    ]
    for (const r of results) {
        const sizes = await tableSizes(dbs.find(d => d.name === r.db)!.url)
        lines.push(
            `**${r.db}**: ${r.payouts.toLocaleString('en')} payouts over ${Math.round((r.pop.headMs - r.pop.firstMs) / 86_400_000)} days, ${r.pop.accounts.length.toLocaleString('en')} accounts, ` +
                `${r.pop.workers.length.toLocaleString('en')} workers, ${r.pop.pools.length} pools; database ${(sizes.dbBytes / 2 ** 30).toFixed(1)} GB (payout table with indexes ` +
                `${(sizes.payoutBytes / r.payouts).toFixed(0)} B per payout). ${r.samples.length} requests in ${r.seconds.toFixed(1)} s; server CPU ${r.serverCpu.toFixed(1)} s ` +
                `(${((1000 * r.serverCpu) / r.samples.length).toFixed(1)} ms per request), export server ${r.exportCpu.toFixed(1)} s, the whole machine ${r.machineCpu.toFixed(1)} s (${((1000 * r.machineCpu) / r.samples.length).toFixed(1)} ms per request: PostgreSQL, both servers, the load generator); load average ${la(r.loadBefore)} before, ${la(r.loadAfter)} after.`,
            '',
            ...table(r),
            ''
        )
    }
    if (results.length === 2) {
        const p99 = results.map(r => stats(r.samples.filter(s => s.firstSeen).map(s => s.ms)).p99)
        const p50 = results.map(r => stats(r.samples.filter(s => s.firstSeen).map(s => s.ms)).p50)
        lines.push(
            `Miss p99 ${results[1].db} / ${results[0].db}: **${(p99[1] / p99[0]).toFixed(2)}** (target ≤ 1.5); miss p50 / p99 at the larger: ` +
                `**${f1(p50[1])} / ${f1(p99[1])} ms** (targets < 20 / < 100 ms).`,
            ''
        )
    }
    recordResults(lines.join('\n'))
    log('results written to bench/RESULTS.md (## API at scale)')
}

if (require.main === module) {
    main().catch(e => {
        console.error(e)
        process.exit(1)
    })
}
