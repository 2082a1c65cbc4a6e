/**
 * `npm run chaos [-- kills forks faults graphql export role] [--quick] [--out FILE] [--seed N]`: attacks the
 * indexer, the API and the export on the loopback, and records what happened in bench/RELIABILITY.md
 * (docs/chaos.md). Needs a PostgreSQL server: DB_URL, or the embedded one of a running `npm start` (bench/db.ts).
 */
import {execSync} from 'child_process'
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {benchServerUrl} from '../db'
import {apiRole} from './api-role'
import {ChaosContext, Row, withClient} from './common'
import {exportAbuse} from './export-abuse'
import {rpcFaults} from './faults'
import {forks} from './forks'
import {hostileGraphql} from './hostile'
import {randomKills, rebuildKills} from './kills'

export const SCENARIOS: Record<string, (ctx: ChaosContext) => Promise<Row[]>> = {
    kills: async ctx => [...(await randomKills(ctx)), ...(await rebuildKills(ctx))],
    forks,
    faults: rpcFaults,
    graphql: hostileGraphql,
    export: exportAbuse,
    role: apiRole,
}

/** runs the named scenarios one after another; a scenario that throws becomes a failed row */
export async function runChaos(ctx: ChaosContext, names: string[]): Promise<Row[]> {
    const rows: Row[] = []
    for (const n of names) {
        const t0 = Date.now()
        ctx.log(`=== ${n} ===`)
        try {
            rows.push(...(await SCENARIOS[n](ctx)))
        } catch (e: any) {
            rows.push({
                scenario: n,
                done: 'the scenario',
                expected: 'runs to the end',
                observed: `failed: ${String(e?.message ?? e)
                    .split('\n')[0]
                    .slice(0, 300)}`,
                pass: false,
            })
        }
        ctx.log(`=== ${n}: ${((Date.now() - t0) / 1000).toFixed(0)} s ===`)
    }
    return rows
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function table(rows: Row[]): string {
    const lines = ['| scenario | what was done | expected | observed | result |', '|---|---|---|---|---|']
    for (const r of rows) lines.push(`| ${cell(r.scenario)} | ${cell(r.done)} | ${cell(r.expected)} | ${cell(r.observed)} | ${r.pass ? 'pass' : '**FAIL**'} |`)
    return lines.join('\n')
}

async function machine(server: string): Promise<string> {
    const cpu = os.cpus()
    const pg = await withClient(server, async c => (await c.query('SHOW server_version')).rows[0].server_version).catch(() => '?')
    let commit = '?'
    try {
        commit = execSync('git rev-parse --short HEAD', {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim()
    } catch {
        // not a git checkout
    }
    return `${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}, PostgreSQL ${pg}, commit ${commit}`
}

function parseArgs(argv: string[]) {
    const names: string[] = []
    let quick = false
    let out: string | undefined
    let seed = 1
    let prefix = ''
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i]
        if (a === '--quick') quick = true
        else if (a === '--out') out = argv[++i]
        else if (a === '--seed') seed = Number(argv[++i])
        else if (a === '--db-prefix') prefix = String(argv[++i] ?? '')
        else if (a === '--help' || a === '-h') {
            console.log(`npm run chaos [-- ${Object.keys(SCENARIOS).join(' ')}] [--quick] [--out FILE] [--seed N] [--db-prefix P]`)
            process.exit(0)
        } else if (a in SCENARIOS) names.push(a)
        else {
            console.error(
                `chaos: unknown scenario or flag ${JSON.stringify(a)} (scenarios: ${Object.keys(SCENARIOS).join(', ')}; flags: --quick, --out FILE, --seed N, --db-prefix P)`
            )
            process.exit(2)
        }
    }
    if (!/^[a-z0-9_]*$/.test(prefix)) {
        console.error('chaos: --db-prefix takes lowercase letters, digits and _')
        process.exit(2)
    }
    if (!Number.isSafeInteger(seed)) {
        console.error('chaos: --seed needs an integer')
        process.exit(2)
    }
    return {names: names.length ? names : Object.keys(SCENARIOS), quick, out, seed, prefix}
}

async function main() {
    const args = parseArgs(process.argv.slice(2))
    const server = benchServerUrl()
    const t0 = Date.now()
    const ctx: ChaosContext = {server, quick: args.quick, prefix: args.prefix, seed: args.seed, log: m => console.error(`[chaos] ${m}`), refs: new Map()}
    const rows = await runChaos(ctx, args.names)
    const minutes = ((Date.now() - t0) / 60_000).toFixed(1)
    const t = table(rows)
    console.log(t)
    const failed = rows.filter(r => !r.pass).length
    console.log(`\n${rows.length - failed} pass, ${failed} fail (${minutes} min)`)
    // the full run records itself; a quick or partial one only where asked
    const root = path.resolve(__dirname, '../../..')
    const out = args.out ?? (args.quick || args.names.length < Object.keys(SCENARIOS).length ? undefined : path.join(root, 'bench/RELIABILITY.md'))
    if (out) {
        const cmd = `npm run chaos${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
        const text = [
            '# Reliability: the chaos suite',
            '',
            'Written by `npm run chaos` (bench/chaos/, docs/chaos.md): attacks on the indexer, the GraphQL API and the CSV export,',
            'on the loopback, and what happened. Timings depend on the machine and its load; on a shared machine they are',
            'indicative only.',
            '',
            `- Command: \`${cmd}\``,
            `- Machine: ${await machine(server)}`,
            `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${minutes} min`,
            `- Result: ${rows.length - failed} pass, ${failed} fail`,
            '',
            t,
            '',
        ].join('\n')
        fs.writeFileSync(out, text)
        console.log(`written to ${out}`)
    }
    process.exit(failed ? 1 : 0)
}

if (require.main === module) {
    main().catch(e => {
        console.error(`chaos: ${e?.stack ?? e}`)
        process.exit(1)
    })
}
