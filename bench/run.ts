/**
 * `npm run bench [-- devnet ledger api]`: the benchmarks, one after another, each in its own process.
 *
 *   devnet  events generated/s and blocks served/s for khala-day            (bench/devnet.ts)
 *   ledger  khala-day indexed over RPC by the processor vs the baseline       (bench/ledger.ts)
 *   gateway khala-day indexed with history from the devnet's SQD gateway vs over RPC (bench/gateway.ts)
 *   api     GraphQL latency under 50 concurrent clients on khala-day         (bench/api.ts)
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
}

const wanted = process.argv.slice(2)
const names = wanted.length ? wanted : Object.keys(ALL)
for (const n of names) {
    if (!ALL[n]) {
        console.error(`unknown benchmark ${JSON.stringify(n)}; expected some of: ${Object.keys(ALL).join(', ')}`)
        process.exit(2)
    }
}
benchServerUrl()
for (const n of names) {
    const [file, ...args] = ALL[n]
    console.log(`\n=== bench: ${n} ===`)
    const r = spawnSync(process.execPath, [path.join(__dirname, file), ...args], {stdio: 'inherit'})
    if (r.status !== 0) {
        console.error(`bench ${n} failed with exit code ${r.status}`)
        process.exit(r.status ?? 1)
    }
}
