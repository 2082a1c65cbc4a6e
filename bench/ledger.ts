/**
 * Ledger throughput: index a devnet scenario (default `khala-day`, ~500k mining events) over RPC with the
 * real processor (`node lib/src/main.js`), and with the baseline processor (bench/baseline: same source,
 * same decoder, one TypeORM row per event), each as a child process on a fresh database. Reports events/s,
 * blocks/s, peak RSS and the ledger's events/s as a ratio of the baseline's.
 *
 *   node lib/bench/ledger.js [scenario] [--seed N] [--only ledger|baseline] [--runs N]
 *
 * The devnet chain is cached under bench/out/ (built once per scenario and seed). Database server: DB_URL,
 * or the embedded PostgreSQL of a running `npm start` (bench/db.ts); databases bench_ledger / bench_baseline are dropped and recreated.
 */
import {spawn} from 'child_process'
import * as fs from 'fs'
import * as path from 'path'
import {Client} from 'pg'
import {startDevnet, startScenarioDevnet} from '../devnet'
import {BASELINE_DDL} from './baseline/model'
import {benchServerUrl} from './db'
import {loadBenchSettings} from '../src/config/bench'
import {childEnv} from '../src/config'
import {applyMigrations} from '../src/db/migrate'

const ROOT = path.resolve(__dirname, '../..')
const OUT = path.join(ROOT, 'bench/out')

export interface RunResult {
    name: 'ledger' | 'baseline'
    seconds: number
    /** CPU seconds of the processor process (user + system) */
    processorCpu: number
    /** CPU seconds of all PostgreSQL server processes on this machine during the run */
    postgresCpu: number
    events: number
    blocks: number
    eventsPerSec: number
    blocksPerSec: number
    peakRssMb: number
    rows: number
}

export interface LedgerBenchResult {
    scenario: string
    seed: number
    blocks: number
    events: number
    cpus: number
    runs: RunResult[]
    ratio: number | null
}

function serverUrl(): string {
    return benchServerUrl()
}

export function dbUrl(name: string): string {
    const u = new URL(serverUrl())
    u.pathname = '/' + name
    return u.toString()
}

export async function recreate(name: string): Promise<string> {
    const u = new URL(serverUrl())
    u.pathname = '/postgres'
    const c = new Client({connectionString: u.toString()})
    await c.connect()
    try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await c.query(`CREATE DATABASE ${name}`)
        // start each run from a clean WAL position: the previous run's dirty pages are not flushed during this one
        await c.query('CHECKPOINT').catch(() => {})
    } finally {
        await c.end()
    }
    await new Promise(r => setTimeout(r, 2000))
    return dbUrl(name)
}

export async function query<T = any>(url: string, sql: string): Promise<T[]> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        return (await c.query(sql)).rows
    } finally {
        await c.end()
    }
}

export async function migrate(url: string): Promise<void> {
    const r = await applyMigrations(url)
    if (r.applied.length === 0 && r.alreadyApplied === 0) throw new Error(`no migrations found for ${url}`)
}

/** a project dir whose lib/model is the baseline's entity (what TypeormDatabase loads) */
function baselineProjectDir(): string {
    const dir = path.join(OUT, 'baseline-project')
    fs.mkdirSync(path.join(dir, 'lib/model'), {recursive: true})
    fs.mkdirSync(path.join(dir, 'db/migrations'), {recursive: true})
    fs.writeFileSync(path.join(dir, 'lib/model/index.js'), `module.exports = require(${JSON.stringify(path.join(ROOT, 'lib/bench/baseline/model.js'))})\n`)
    return dir
}

const TICKS = 100 // USER_HZ on Linux

/** user + system CPU seconds of one process (0 when it is gone) */
export function processCpu(pid: number): number {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        return (Number(f[11]) + Number(f[12])) / TICKS
    } catch {
        return 0
    }
}

/**
 * CPU seconds PostgreSQL spends during a run: every server process is sampled while the run goes on
 * (a connection's backend exits with the processor, so a final reading alone would miss it).
 */
export class PostgresCpu {
    private readonly first = new Map<number, number>()
    private readonly last = new Map<number, number>()

    constructor() {
        for (const [pid, cpu] of this.read()) this.first.set(pid, cpu)
    }

    private read(): [number, number][] {
        const out: [number, number][] = []
        for (const d of fs.readdirSync('/proc')) {
            if (!/^\d+$/.test(d)) continue
            try {
                if (!fs.readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres')) continue
                out.push([Number(d), processCpu(Number(d))])
            } catch {
                // gone meanwhile
            }
        }
        return out
    }

    sample(): void {
        for (const [pid, cpu] of this.read()) this.last.set(pid, cpu)
    }

    total(): number {
        let t = 0
        for (const [pid, cpu] of this.last) t += cpu - (this.first.get(pid) ?? 0)
        return t
    }
}

function peakRssKb(pid: number): number {
    try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
        return m ? Number(m[1]) : 0
    } catch {
        return 0
    }
}

export async function runChild(
    script: string,
    env: Record<string, string>
): Promise<{seconds: number; peakRssMb: number; processorCpu: number; postgresCpu: number}> {
    const pg = new PostgresCpu()
    const t0 = process.hrtime.bigint()
    const child = spawn(process.execPath, [script], {cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe']})
    let tail = ''
    const keep = (d: Buffer) => {
        tail = (tail + d.toString()).slice(-20_000)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    let peak = 0
    let cpu = 0
    const iv = setInterval(() => {
        peak = Math.max(peak, peakRssKb(child.pid!))
        cpu = Math.max(cpu, processCpu(child.pid!))
        pg.sample()
    }, 100)
    const code = await new Promise<number | null>(r => child.on('exit', c => r(c)))
    clearInterval(iv)
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9
    if (code !== 0) throw new Error(`${script} exited with ${code}:\n${tail}`)
    return {seconds, peakRssMb: Math.round(peak / 1024), processorCpu: cpu, postgresCpu: pg.total()}
}

export async function runLedgerBench(opts: {scenario?: string; seed?: number; only?: string; runs?: number} = {}): Promise<LedgerBenchResult> {
    const scenario = opts.scenario ?? 'khala-day'
    const seed = opts.seed ?? 1
    fs.mkdirSync(OUT, {recursive: true})
    const chainFile = path.join(OUT, `${scenario}-seed${seed}.chain`)
    const t0 = Date.now()
    const dn = fs.existsSync(chainFile)
        ? await startDevnet({fromFile: chainFile, port: 0})
        : await startScenarioDevnet({scenario, seed, port: 0, saveFile: chainFile})
    console.error(`devnet ${scenario} (seed ${seed}): ${dn.height} blocks, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    const height = dn.height
    const common = {CHAIN: 'devnet', RPC_ENDPOINT: dn.url, TO_BLOCK: String(height), PROCESSOR_PROMETHEUS_PORT: '0'}
    const runs: RunResult[] = []
    let events = 0
    try {
        for (let i = 0; i < (opts.runs ?? 1); i++) {
            if (opts.only !== 'ledger') {
                const url = await recreate('bench_baseline')
                await query(url, BASELINE_DDL)
                const r = await runChild(path.join(ROOT, 'lib/bench/baseline/main.js'), {...common, DB_URL: url, BASELINE_PROJECT_DIR: baselineProjectDir()})
                const rows = Number((await query(url, `SELECT count(*) AS n FROM baseline_event`))[0].n)
                events = rows
                runs.push({name: 'baseline', ...r, events: rows, blocks: height, eventsPerSec: rows / r.seconds, blocksPerSec: height / r.seconds, rows})
                console.error(
                    `baseline: ${r.seconds.toFixed(1)} s, ${Math.round(rows / r.seconds)} events/s, peak RSS ${r.peakRssMb} MB, CPU ${r.processorCpu.toFixed(1)} s + PostgreSQL ${r.postgresCpu.toFixed(1)} s`
                )
            }
            if (opts.only !== 'baseline') {
                const url = await recreate('bench_ledger')
                await migrate(url)
                // experiments: SQL run on the fresh schema before the ledger starts (e.g. dropping an index)
                const extraSql = loadBenchSettings().ledgerSql
                if (extraSql) await query(url, extraSql)
                const r = await runChild(path.join(ROOT, 'lib/src/main.js'), {...common, DB_URL: url})
                const counts = await query(
                    url,
                    `SELECT (SELECT count(*) FROM payout) + (SELECT count(*) FROM pool_reward) + (SELECT count(*) FROM dismissed_reward)
                          + (SELECT count(*) FROM worker_state_change) + (SELECT count(*) FROM stake_movement) + (SELECT count(*) FROM budget_change)
                          + (SELECT count(*) FROM worker_rollup) + (SELECT count(*) FROM pool_rollup) + (SELECT count(*) FROM account_rollup)
                          + (SELECT count(*) FROM network_rollup) AS n`
                )
                if (events === 0) events = previousEventCount(scenario, seed, height)
                runs.push({
                    name: 'ledger',
                    ...r,
                    events,
                    blocks: height,
                    eventsPerSec: events / r.seconds,
                    blocksPerSec: height / r.seconds,
                    rows: Number(counts[0].n),
                })
                console.error(
                    `ledger: ${r.seconds.toFixed(1)} s, ${Math.round(events / r.seconds)} events/s, peak RSS ${r.peakRssMb} MB, CPU ${r.processorCpu.toFixed(1)} s + PostgreSQL ${r.postgresCpu.toFixed(1)} s`
                )
            }
        }
    } finally {
        await dn.close()
    }
    const best = (n: string) => {
        const l = runs.filter(r => r.name === n)
        return l.length ? Math.max(...l.map(r => r.eventsPerSec)) : undefined
    }
    const b = best('baseline')
    const l = best('ledger')
    const result: LedgerBenchResult = {
        scenario,
        seed,
        blocks: height,
        events,
        cpus: require('os').cpus().length,
        runs,
        ratio: b && l ? l / b : null,
    }
    fs.writeFileSync(path.join(OUT, `ledger-${scenario}.json`), JSON.stringify(result, null, 2) + '\n')
    return result
}

/** the number of mining events of the scenario, as counted by an earlier baseline run (rows = events) */
function previousEventCount(scenario: string, seed: number, height: number): number {
    const file = path.join(OUT, `ledger-${scenario}.json`)
    if (fs.existsSync(file)) {
        const prev = JSON.parse(fs.readFileSync(file, 'utf8')) as LedgerBenchResult
        if (prev.seed === seed && prev.blocks === height && prev.events > 0) return prev.events
    }
    throw new Error('the event count comes from a baseline run: run without --only ledger first')
}

export function formatResult(r: LedgerBenchResult): string {
    const lines = [
        `scenario ${r.scenario} (seed ${r.seed}): ${r.blocks} blocks, ${r.events} mining events, ${r.cpus} CPUs`,
        '',
        '| processor | seconds | events/s | blocks/s | peak RSS (MB) | processor CPU (s) | PostgreSQL CPU (s) | rows written |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        ...r.runs.map(
            x =>
                `| ${x.name} | ${x.seconds.toFixed(1)} | ${Math.round(x.eventsPerSec)} | ${Math.round(x.blocksPerSec)} | ${x.peakRssMb} | ${x.processorCpu.toFixed(1)} | ${x.postgresCpu.toFixed(1)} | ${x.rows} |`
        ),
    ]
    if (r.ratio != null) lines.push('', `ledger / baseline events/s: ${r.ratio.toFixed(2)}`)
    return lines.join('\n')
}

if (require.main === module) {
    const args = process.argv.slice(2)
    const flag = (name: string) => {
        const i = args.indexOf(name)
        if (i < 0) return undefined
        const v = args[i + 1]
        args.splice(i, 2)
        return v
    }
    const seed = flag('--seed')
    const only = flag('--only')
    const runs = flag('--runs')
    runLedgerBench({scenario: args[0], seed: seed ? Number(seed) : undefined, only, runs: runs ? Number(runs) : undefined})
        .then(r => {
            console.log(formatResult(r))
            process.exit(0)
        })
        .catch(e => {
            console.error(e)
            process.exit(1)
        })
}
