/**
 * Gateway vs RPC: index a devnet scenario (default `khala-day`) with the real processor (`node lib/src/main.js`)
 * once over RPC alone and once with its history from the devnet's SQD gateway (GATEWAY_URL, devnet/gateway),
 * each on a fresh database. Reports events/s of both, the ratio gateway / RPC, and whether both runs wrote the
 * same tables (bench/checksums.ts).
 *
 *   node lib/bench/gateway.js [scenario] [--seed N] [--runs N]
 *
 * A real gateway serves a prepared dataset; the devnet's prepares its replies on first use (decoding its own
 * SCALE). So before the timed runs the gateway is warmed with the query the processor sends (every block, the
 * mining events, the SDK's header fields), untimed; the report says how many blocks a timed run still had to
 * prepare (0 when the warm-up matched). The chain is cached under bench/out/ as for the ledger bench. Database
 * server: DB_URL, or the embedded PostgreSQL of a running `npm start` (bench/db.ts); databases
 * bench_gateway_rpc / bench_gateway are dropped and recreated.
 */
import * as fs from 'fs'
import * as path from 'path'
import {startDevnet, startScenarioDevnet} from '../devnet'
import type {Devnet} from '../devnet'
import {MINING_EVENT_NAMES} from '../src/decode'
import {tableChecksums} from './checksums'
import {migrate, recreate, runChild} from './ledger'

const ROOT = path.resolve(__dirname, '../..')
const OUT = path.join(ROOT, 'bench/out')

export interface GatewayRun {
    name: 'rpc' | 'gateway'
    seconds: number
    eventsPerSec: number
    blocksPerSec: number
    peakRssMb: number
    processorCpu: number
    postgresCpu: number
    /** blocks the gateway prepared during the run (not from its warmed cache) */
    gatewayBuilt?: number
}

export interface GatewayBenchResult {
    scenario: string
    seed: number
    blocks: number
    events: number
    warmSeconds: number
    runs: GatewayRun[]
    /** best gateway events/s over best RPC events/s */
    ratio: number | null
    sameTables: boolean
}

/** the query the processor's gateway source sends (src/processor.ts: FIELDS, the mining events, includeAllBlocks) */
function processorQuery(fromBlock: number): unknown {
    return {
        type: 'substrate',
        fromBlock,
        includeAllBlocks: true,
        fields: {
            block: {timestamp: true, specName: true, specVersion: true, implName: true, implVersion: true},
            event: {name: true, args: true},
        },
        events: [{name: [...MINING_EVENT_NAMES]}],
    }
}

/** one untimed pass over the gateway with the processor's query; returns the mining events it holds */
function warm(dn: Devnet): number {
    let events = 0
    let from = 0
    const gateway = dn.gateway!
    while (from <= gateway.height) {
        const blocks = JSON.parse(gateway.reply(processorQuery(from))) as {header: {number: number}; events?: unknown[]}[]
        for (const b of blocks) events += b.events?.length ?? 0
        from = blocks[blocks.length - 1].header.number + 1
    }
    return events
}

export async function runGatewayBench(opts: {scenario?: string; seed?: number; runs?: number} = {}): Promise<GatewayBenchResult> {
    const scenario = opts.scenario ?? 'khala-day'
    const seed = opts.seed ?? 1
    fs.mkdirSync(OUT, {recursive: true})
    const chainFile = path.join(OUT, `${scenario}-seed${seed}.chain`)
    const t0 = Date.now()
    // the whole chain is cached in the gateway (khala-day's mining events take ~150 MB of reply text)
    const gw = {gatewayPort: 0, gatewayCacheBytes: 1 << 30}
    const dn = fs.existsSync(chainFile)
        ? await startDevnet({fromFile: chainFile, port: 0, ...gw})
        : await startScenarioDevnet({scenario, seed, port: 0, saveFile: chainFile, ...gw})
    console.error(`devnet ${scenario} (seed ${seed}): ${dn.height} blocks, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    const height = dn.height
    const w0 = Date.now()
    const events = warm(dn)
    const warmSeconds = (Date.now() - w0) / 1000
    console.error(
        `gateway warmed in ${warmSeconds.toFixed(1)} s: ${events} mining events, ${Math.round(dn.gateway!.stats.cachedBytes / 2 ** 20)} MB of replies`
    )
    const common = {CHAIN: 'devnet', RPC_ENDPOINT: dn.url, TO_BLOCK: String(height), PROCESSOR_PROMETHEUS_PORT: '0'}
    const runs: GatewayRun[] = []
    const sums: Record<string, string> = {}
    try {
        for (let i = 0; i < (opts.runs ?? 1); i++) {
            for (const name of ['rpc', 'gateway'] as const) {
                const db = name === 'rpc' ? 'bench_gateway_rpc' : 'bench_gateway'
                const url = await recreate(db)
                await migrate(url)
                const built = dn.gateway!.stats.built
                const env = name === 'gateway' ? {...common, DB_URL: url, GATEWAY_URL: dn.gatewayUrl!} : {...common, DB_URL: url}
                const r = await runChild(path.join(ROOT, 'lib/src/main.js'), env)
                const run: GatewayRun = {name, ...r, eventsPerSec: events / r.seconds, blocksPerSec: height / r.seconds}
                if (name === 'gateway') run.gatewayBuilt = dn.gateway!.stats.built - built
                runs.push(run)
                sums[name] = JSON.stringify(await tableChecksums(url))
                console.error(
                    `${name}: ${r.seconds.toFixed(1)} s, ${Math.round(run.eventsPerSec)} events/s, peak RSS ${r.peakRssMb} MB, CPU ${r.processorCpu.toFixed(1)} s + PostgreSQL ${r.postgresCpu.toFixed(1)} s`
                )
            }
        }
    } finally {
        await dn.close()
    }
    const best = (n: string) => Math.max(...runs.filter(r => r.name === n).map(r => r.eventsPerSec))
    const result: GatewayBenchResult = {
        scenario,
        seed,
        blocks: height,
        events,
        warmSeconds,
        runs,
        ratio: runs.length ? best('gateway') / best('rpc') : null,
        sameTables: sums.rpc === sums.gateway,
    }
    fs.writeFileSync(path.join(OUT, `gateway-${scenario}.json`), JSON.stringify(result, null, 2) + '\n')
    return result
}

export function formatGatewayResult(r: GatewayBenchResult): string {
    const lines = [
        `scenario ${r.scenario} (seed ${r.seed}): ${r.blocks} blocks, ${r.events} mining events; gateway warmed in ${r.warmSeconds.toFixed(1)} s (untimed)`,
        '',
        '| source | seconds | events/s | blocks/s | peak RSS (MB) | processor CPU (s) | PostgreSQL CPU (s) | blocks the gateway prepared during the run |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        ...r.runs.map(
            x =>
                `| ${x.name} | ${x.seconds.toFixed(1)} | ${Math.round(x.eventsPerSec)} | ${Math.round(x.blocksPerSec)} | ${x.peakRssMb} | ${x.processorCpu.toFixed(1)} | ${x.postgresCpu.toFixed(1)} | ${x.gatewayBuilt ?? ''} |`
        ),
        '',
        `gateway / RPC events/s: ${r.ratio == null ? 'n/a' : r.ratio.toFixed(2)} (target ≥ 1.5)`,
        `same tables from both sources: ${r.sameTables ? 'yes' : 'NO'}`,
    ]
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
    const runs = flag('--runs')
    runGatewayBench({scenario: args[0], seed: seed ? Number(seed) : undefined, runs: runs ? Number(runs) : undefined})
        .then(r => {
            console.log(formatGatewayResult(r))
            process.exit(r.sameTables ? 0 : 1)
        })
        .catch(e => {
            console.error(e)
            process.exit(1)
        })
}
