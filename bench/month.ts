/**
 * A month's ingest: the processor indexes `khala-month` (30 days, ~25M events, a network growing over the
 * month) over RPC from a devnet serving the chain file from disk, on a fresh database, as a child process.
 *
 *   node lib/bench/month.js [--days N] [--seed N] [--gateway [URL]] [--results] [--generate-only]
 *
 * Reports, per day of chain: the processor's peak RSS while it indexed that day's blocks (RSS sampled every
 * second and attributed to the day of the block being indexed), the seconds spent and the chain events/s;
 * the deferred index rebuild at the end (DEFER_INDEXES); the chain generator's peak RSS; and how honest the
 * progress log's ETA was (predicted vs actual time left at 10 %, 25 %, 50 %, 75 %, 90 %).
 * Targets: peak RSS < 1 GB and flat across the month; the last day's events/s ≥ 0.9× the first's.
 *
 * `--days N` runs `khala-days:N` (the same network over N days) instead; `--gateway` serves the history
 * through the devnet's own SQD gateway (devnet/gateway), or the gateway at URL
 * (GATEWAY_URL), RPC still giving the head. The table goes to bench/out/month-<scenario>.md and, for the
 * 30-day run or with `--results`, to bench/RESULTS.md ("## Month over RPC" or "## Month through an SQD gateway"). The chain file is cached in
 * bench/out/ (generated once, by a child process whose peak RSS is recorded next to it); `--generate-only`
 * makes it and stops, so that the ~25 minutes of generation can run ahead of a quiet machine's timed run.
 */
import {spawn} from 'child_process'
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import * as readline from 'readline'
import {startDevnet} from '../devnet'
import type {Chain} from '../devnet/chain/chain'
import {childEnv} from '../src/config'
import {migrate, processCpu, query, recreate} from './ledger'
import {benchServerUrl} from './db'

const ROOT = path.resolve(__dirname, '../..')
const OUT = path.join(ROOT, 'bench/out')
const RESULTS = path.join(ROOT, 'bench/RESULTS.md')

interface Args {
    days: number
    seed: number
    gateway?: string | true
    results: boolean
    generateOnly: boolean
}

function parse(argv: string[]): Args {
    const a: Args = {days: 30, seed: 1, results: false, generateOnly: false}
    for (let i = 0; i < argv.length; i++) {
        const v = argv[i + 1]
        switch (argv[i]) {
            case '--days':
                a.days = Number(v)
                i++
                if (!Number.isInteger(a.days) || a.days < 1) throw new Error(`--days: expected a positive integer, got ${v}`)
                break
            case '--seed':
                a.seed = Number(v)
                i++
                break
            case '--gateway':
                if (v && !v.startsWith('--')) {
                    a.gateway = v
                    i++
                } else a.gateway = true
                break
            case '--results':
                a.results = true
                break
            case '--generate-only':
                a.generateOnly = true
                break
            default:
                throw new Error(`unknown argument ${argv[i]} (expected --days N, --seed N, --gateway [URL], --results, --generate-only)`)
        }
    }
    return a
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
    try {
        const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
        return m ? Number(m[1]) : 0
    } catch {
        return 0
    }
}

interface GenInfo {
    seconds: number
    peakRssMb: number
    /** RSS (MB) every 10 s while generating */
    rssMb: number[]
    bytes: number
}

/** generates the chain file in a child process (lazily, block by block), recording its peak RSS */
async function generate(scenario: string, seed: number, file: string): Promise<GenInfo> {
    const t0 = Date.now()
    const child = spawn(
        process.execPath,
        [path.join(ROOT, 'lib/devnet/cli.js'), '--scenario', scenario, '--seed', String(seed), '--save-file', file, '--build-only'],
        {
            cwd: ROOT,
            stdio: ['ignore', 'inherit', 'inherit'],
        }
    )
    let peak = 0
    const rss: number[] = []
    let ticks = 0
    const iv = setInterval(() => {
        peak = Math.max(peak, statusKb(child.pid!, 'VmHWM'))
        if (ticks++ % 10 === 0) rss.push(Math.round(statusKb(child.pid!, 'VmRSS') / 1024))
    }, 1000)
    const code = await new Promise<number | null>(r => child.on('exit', c => r(c)))
    clearInterval(iv)
    if (code !== 0) throw new Error(`generating ${scenario} failed (exit code ${code})`)
    return {seconds: (Date.now() - t0) / 1000, peakRssMb: Math.round(peak / 1024), rssMb: rss, bytes: fs.statSync(file).size}
}

interface Day {
    date: string
    first: number
    last: number
    events: number
}

function chainDays(chain: Chain, top: number): Day[] {
    const days: Day[] = []
    for (let h = 1; h <= top; h++) {
        const f = chain.frozen!
        const date = new Date(f.timestamp(h)).toISOString().slice(0, 10)
        let d = days[days.length - 1]
        if (!d || d.date !== date) days.push((d = {date, first: h, last: h, events: 0}))
        d.last = h
        d.events += f.eventCount(h)
    }
    return days
}

/** a formatDuration string (src/progress.ts) back to seconds */
function parseDuration(s: string): number | undefined {
    let total = 0
    let any = false
    for (const m of s.matchAll(/(\d+)([dhms])/g)) {
        total += Number(m[1]) * {d: 86400, h: 3600, m: 60, s: 1}[m[2] as 'd' | 'h' | 'm' | 's']
        any = true
    }
    return any ? total : undefined
}

interface Sample {
    t: number
    height: number
    rssKb: number
}

interface EtaPoint {
    t: number
    percent: number
    etaSeconds: number
}

/** the time at which the committed height first reached `h` (linear between samples) */
function timeAt(samples: Sample[], h: number): number | undefined {
    for (let i = 0; i < samples.length; i++) {
        if (samples[i].height >= h) {
            if (i === 0) return samples[0].t
            const a = samples[i - 1]
            const b = samples[i]
            return a.t + ((b.t - a.t) * (h - a.height)) / Math.max(1, b.height - a.height)
        }
    }
    return undefined
}

export interface DayResult extends Day {
    seconds: number
    eventsPerSec: number
    peakRssMb: number
}

export interface MonthResult {
    scenario: string
    seed: number
    blocks: number
    events: number
    cpus: number
    /** the CPU model and total memory, e.g. "2 × AMD EPYC …, 24 GB" */
    machine: string
    source: string
    generator: GenInfo | null
    devnetIndexSeconds: number
    seconds: number
    /** mining events the processor counted (its "caught up" line) */
    miningEvents: number
    processorCpu: number
    peakRssMb: number
    days: DayResult[]
    deferredIndexes: {count: number; rebuildSeconds: number | null}
    eta: {percent: number; predictedSeconds: number; actualSeconds: number}[]
}

function monthScenario(args: Args): string {
    return args.days === 30 ? 'khala-month' : `khala-days:${args.days}`
}

/** the scenario's chain file in bench/out, generated when missing; the generator's record, if any */
export async function monthChain(args: Args): Promise<{chainFile: string; generator: GenInfo | null}> {
    const scenario = monthScenario(args)
    fs.mkdirSync(OUT, {recursive: true})
    const base = path.join(OUT, `${scenario.replace(':', '-')}-seed${args.seed}`)
    const chainFile = base + '.chain'
    let generator: GenInfo | null = null
    if (!fs.existsSync(chainFile)) {
        console.error(`generating ${scenario} (seed ${args.seed}) into ${chainFile}`)
        generator = await generate(scenario, args.seed, chainFile)
        fs.writeFileSync(base + '.gen.json', JSON.stringify(generator, null, 2) + '\n')
        console.error(`generated in ${generator.seconds.toFixed(0)} s, peak RSS ${generator.peakRssMb} MB`)
    } else if (fs.existsSync(base + '.gen.json')) {
        generator = JSON.parse(fs.readFileSync(base + '.gen.json', 'utf8'))
    }
    return {chainFile, generator}
}

export async function runMonthBench(args: Args): Promise<MonthResult> {
    const scenario = monthScenario(args)
    const {chainFile, generator} = await monthChain(args)
    let t0 = Date.now()
    // --gateway without a URL: the devnet serves its finalized history as an SQD gateway too (devnet/gateway)
    const dn = await startDevnet({fromFile: chainFile, port: 0, gatewayPort: args.gateway === true ? 0 : undefined})
    const devnetIndexSeconds = (Date.now() - t0) / 1000
    const height = dn.height
    const days = chainDays(dn.chain, height)
    const events = days.reduce((a, d) => a + d.events, 0)
    console.error(`devnet: ${height} blocks, ${events} events, ${days.length} days, chain file indexed in ${devnetIndexSeconds.toFixed(1)} s`)
    const gw = typeof args.gateway === 'string' ? {url: args.gateway} : dn.gatewayUrl ? {url: dn.gatewayUrl} : null
    const samples: Sample[] = []
    const etas: EtaPoint[] = []
    let deferred = 0
    let rebuildSeconds: number | null = null
    /** seconds since the start at which the rebuild ended (its log line) */
    let rebuildEnd: number | null = null
    let miningEvents = 0
    let cpu = 0
    let peakKb = 0
    try {
        const db = await recreate('bench_month')
        await migrate(db)
        const env = {CHAIN: 'devnet', RPC_ENDPOINT: dn.url, TO_BLOCK: String(height), PROCESSOR_PROMETHEUS_PORT: '0', DB_URL: db, GATEWAY_URL: gw?.url}
        t0 = Date.now()
        const child = spawn(process.execPath, [path.join(ROOT, 'lib/src/main.js')], {cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe']})
        let tail = ''
        const onLine = (line: string) => {
            tail = (tail + line + '\n').slice(-20_000)
            const t = (Date.now() - t0) / 1000
            const p = /indexed to #[\d,]+ of [\d,]+ \(([\d.]+)%\).*ETA (.+)$/.exec(line)
            if (p) {
                const eta = parseDuration(p[2])
                if (eta !== undefined) etas.push({t, percent: Number(p[1]), etaSeconds: eta})
            }
            const d = /deferring (\d+) secondary indexes/.exec(line)
            if (d) deferred = Number(d[1])
            const r = /rebuilt (\d+) deferred indexes in ([\d.]+) s/.exec(line)
            if (r) {
                rebuildSeconds = Number(r[2])
                rebuildEnd = t
            }
            const c = /caught up with .*: ([\d,]+) mining events/.exec(line)
            if (c) miningEvents = Number(c[1].replace(/,/g, ''))
            if (/indexed to|caught up|deferr|rebuilt|error|Error/.test(line)) console.error(`[processor ${t.toFixed(0)} s] ${line}`)
        }
        readline.createInterface({input: child.stdout!}).on('line', onLine)
        readline.createInterface({input: child.stderr!}).on('line', onLine)
        let polling = false
        const iv = setInterval(() => {
            if (polling) return
            polling = true
            const rssKb = statusKb(child.pid!, 'VmRSS')
            peakKb = Math.max(peakKb, statusKb(child.pid!, 'VmHWM'))
            cpu = Math.max(cpu, processCpu(child.pid!))
            query<{height: number}>(db, `SELECT height FROM "squid_processor".status WHERE id = 0`)
                .then(rows => {
                    if (rows[0]) samples.push({t: (Date.now() - t0) / 1000, height: Number(rows[0].height), rssKb})
                })
                .catch(() => {})
                .finally(() => {
                    polling = false
                })
        }, 1000)
        const code = await new Promise<number | null>(r => child.on('exit', c => r(c)))
        clearInterval(iv)
        if (code !== 0) throw new Error(`the processor exited with ${code}:\n${tail}`)
        samples.push({t: (Date.now() - t0) / 1000, height, rssKb: 0})
    } finally {
        await dn.close()
    }
    const seconds = samples[samples.length - 1].t
    const dayResults: DayResult[] = days.map(d => {
        const start = timeAt(samples, d.first - 1) ?? 0
        const end = timeAt(samples, d.last) ?? seconds
        // a sample belongs to the day of the next block to index
        const rss = samples.filter(s => s.rssKb > 0 && s.height + 1 >= d.first && s.height + 1 <= d.last).map(s => s.rssKb)
        // the index rebuild at the end is reported on its own, not as indexing time of the day it falls in
        let rebuild = 0
        if (rebuildSeconds != null && rebuildEnd != null) rebuild = Math.max(0, Math.min(end, rebuildEnd) - Math.max(start, rebuildEnd - rebuildSeconds))
        const secs = Math.max(0.001, end - start - rebuild)
        return {...d, seconds: secs, eventsPerSec: d.events / secs, peakRssMb: rss.length ? Math.round(Math.max(...rss) / 1024) : 0}
    })
    const eta: MonthResult['eta'] = []
    for (const pct of [10, 25, 50, 75, 90]) {
        const p = etas.find(e => e.percent >= pct)
        if (p) eta.push({percent: p.percent, predictedSeconds: p.etaSeconds, actualSeconds: Math.max(0, seconds - p.t)})
    }
    const result: MonthResult = {
        scenario,
        seed: args.seed,
        blocks: height,
        events,
        cpus: os.cpus().length,
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, PostgreSQL on 127.0.0.1`,
        source: gw ? `RPC + gateway ${gw.url}` : 'RPC',
        generator,
        devnetIndexSeconds,
        seconds,
        miningEvents,
        processorCpu: cpu,
        peakRssMb: Math.round(peakKb / 1024),
        days: dayResults,
        deferredIndexes: {count: deferred, rebuildSeconds},
        eta,
    }
    fs.writeFileSync(path.join(OUT, `month-${scenario.replace(':', '-')}${gw ? '-gateway' : ''}.json`), JSON.stringify(result, null, 2) + '\n')
    return result
}

export function formatMonth(r: MonthResult): string {
    const f = (n: number) => Math.round(n).toLocaleString('en-US')
    const first = r.days[0]
    const last = r.days[r.days.length - 1]
    const flat = Math.max(...r.days.map(d => d.peakRssMb))
    const lines = [
        `\`node lib/bench/month.js${r.scenario === 'khala-month' ? '' : ` --days ${r.days.length}`}${r.source === 'RPC' ? '' : ' --gateway'}\` (bench/month.ts), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
            `${r.machine}, Node ${process.version}. Scenario \`${r.scenario}\` (seed ${r.seed}): ${f(r.blocks)} blocks, ${f(r.events)} chain events, ` +
            `indexed over ${r.source} from a devnet serving the chain file from disk (indexed in ${r.devnetIndexSeconds.toFixed(0)} s).`,
        '',
        r.generator
            ? `Generator (lazy, block by block into the chain file): ${r.generator.seconds.toFixed(0)} s, peak RSS ${r.generator.peakRssMb} MB, file ${f(r.generator.bytes / 1e6)} MB.`
            : 'Generator: the chain file was already there.',
        `Processor: ${r.seconds.toFixed(0)} s, ${f(r.events / r.seconds)} chain events/s overall (${f(r.miningEvents)} mining events selected, ` +
            `${f(r.miningEvents / r.seconds)}/s), CPU ${r.processorCpu.toFixed(0)} s, peak RSS ${r.peakRssMb} MB ` +
            `(highest per-day peak ${flat} MB). Deferred indexes: ${r.deferredIndexes.count}, rebuilt at the end in ` +
            `${r.deferredIndexes.rebuildSeconds == null ? '(no rebuild logged)' : `${r.deferredIndexes.rebuildSeconds.toFixed(1)} s`}.`,
        `Last day / first day events/s: ${(last.eventsPerSec / first.eventsPerSec).toFixed(2)} (target ≥ 0.9); peak RSS target < 1,024 MB and flat.`,
        '',
        'Per day of chain (seconds without the index rebuild; RSS sampled every second, attributed to the day of the block being indexed):',
        '',
        '| day | blocks | chain events | seconds | events/s | peak RSS (MB) |',
        '|---|---:|---:|---:|---:|---:|',
        ...r.days.map(d => `| ${d.date} | ${f(d.first)}–${f(d.last)} | ${f(d.events)} | ${d.seconds.toFixed(1)} | ${f(d.eventsPerSec)} | ${d.peakRssMb} |`),
        '',
        'ETA of the progress log against the time that was actually left:',
        '',
        '| at | ETA said | actually left | ratio |',
        '|---:|---:|---:|---:|',
        ...r.eta.map(
            e =>
                `| ${e.percent.toFixed(1)} % | ${f(e.predictedSeconds)} s | ${f(e.actualSeconds)} s | ${(e.predictedSeconds / Math.max(1, e.actualSeconds)).toFixed(2)} |`
        ),
    ]
    return lines.join('\n')
}

/** the RESULTS.md section of a run: one for RPC alone, one for history through a gateway */
export function monthSection(r: MonthResult): string {
    return r.source === 'RPC' ? 'Month over RPC' : 'Month through an SQD gateway'
}

/** replaces (or appends) a "## <title>" section of RESULTS.md */
export function spliceSection(doc: string, title: string, body: string): string {
    const head = `## ${title}\n`
    const section = `${head}\n${body.trim()}\n`
    const at = doc.indexOf(head)
    if (at < 0) return doc.trimEnd() + '\n\n' + section
    const next = doc.indexOf('\n## ', at + head.length)
    return doc.slice(0, at) + section + (next < 0 ? '' : doc.slice(next))
}

if (require.main === module) {
    const args = parse(process.argv.slice(2))
    if (args.generateOnly) {
        monthChain(args).then(
            ({chainFile}) => {
                console.error(`chain file ready: ${chainFile}`)
                process.exit(0)
            },
            e => {
                console.error(e?.stack ?? e)
                process.exit(1)
            }
        )
    } else {
        benchServerUrl()
        runMonthBench(args)
            .then(r => {
                const table = formatMonth(r)
                console.log(table)
                fs.writeFileSync(path.join(OUT, `month-${r.scenario.replace(':', '-')}${r.source === 'RPC' ? '' : '-gateway'}.md`), table + '\n')
                if (args.days === 30 || args.results) fs.writeFileSync(RESULTS, spliceSection(fs.readFileSync(RESULTS, 'utf8'), monthSection(r), table))
                process.exit(0)
            })
            .catch(e => {
                console.error(e?.stack ?? e)
                process.exit(1)
            })
    }
}
