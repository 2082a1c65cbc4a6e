/**
 * `npm run bench [-- devnet ledger api]`: the benchmarks, one after another, each in its own process.
 *
 *   devnet  events generated/s and blocks served/s for khala-day            (bench/devnet.ts)
 *   ledger  khala-day indexed over RPC by the processor vs the baseline       (bench/ledger.ts)
 *   gateway khala-day indexed with history from the devnet's SQD gateway vs over RPC (bench/gateway.ts)
 *   api     GraphQL latency under 50 concurrent clients on khala-day         (bench/api.ts)
 *   month   khala-month (30 days, ~25M events) indexed over RPC: RSS and events/s per day, the deferred
 *           index rebuild, the ETA's honesty (bench/month.ts; long: only when named, `-- month --days 2` for
 *           a short variant, `--gateway [URL]` for the history through an SQD gateway)
 *
 * Not run unless named (they build databases of tens of GB):
 *
 *   scale-load      khala-day repeated to 2×10^7 payouts (133 days; ~45 GB)   (bench/scale-load.ts)
 *   scale-load-2e6  the same at 2×10^6 payouts (14 days; ~5 GB)
 *   workload        open-loop mixed workload at 2e6 and 2e7 payouts          (bench/workload.ts)
 *
 * Figures are printed and recorded in bench/RESULTS.md. Needs a PostgreSQL server: DB_URL, or the embedded
 * one of a running `npm start` (bench/db.ts); with neither it refuses before running anything.
 */
import {spawnSync} from 'child_process'
import * as path from 'path'
import {benchServerUrl} from './db'

const ALL: Record<string, string[]> = {
    devnet: ['devnet.js', '--scenario', 'khala-day'],
    ledger: ['ledger.js', 'khala-day'],
    gateway: ['gateway.js', 'khala-day'],
    api: ['api.js'],
    month: ['month.js'],
    'scale-load': ['scale-load.js', '--payouts', '2e7'],
    'scale-load-2e6': ['scale-load.js', '--payouts', '2e6'],
    workload: ['workload.js'],
}
/** what runs without names: all but the month (hours) and the scale benchmarks (tens of GB) */
const DEFAULT = ['devnet', 'ledger', 'api']

const argv = process.argv.slice(2)
// `-- month --days 2`: options after a benchmark's name go to that benchmark
const wanted: string[] = []
const extra: Record<string, string[]> = {}
for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) {
        wanted.push(a)
        extra[a] = []
        continue
    }
    const cur = wanted[wanted.length - 1]
    if (!cur) {
        console.error(`option ${a} comes before any benchmark name (e.g. \`npm run bench -- month --days 2\`)`)
        process.exit(2)
    }
    extra[cur].push(a)
    const v = argv[i + 1]
    if (v !== undefined && !v.startsWith('--') && !ALL[v]) {
        extra[cur].push(v)
        i++
    }
}
const names = wanted.length ? wanted : DEFAULT
for (const n of names) {
    if (!ALL[n]) {
        console.error(`unknown benchmark ${JSON.stringify(n)}; expected some of: ${Object.keys(ALL).join(', ')}`)
        process.exit(2)
    }
}
benchServerUrl()
for (const n of names) {
    const [file, ...args] = [...ALL[n], ...(extra[n] ?? [])]
    console.log(`\n=== bench: ${n} ===`)
    const r = spawnSync(process.execPath, [path.join(__dirname, file), ...args], {stdio: 'inherit'})
    if (r.status !== 0) {
        console.error(`bench ${n} failed with exit code ${r.status}`)
        process.exit(r.status ?? 1)
    }
}
