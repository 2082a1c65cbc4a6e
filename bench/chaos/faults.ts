/**
 * RPC faults: the devnet answers a share of calls with internal errors (-32603), drops connections and adds
 * latency (devnet/rpc/faults.ts); the processor must reach the head with at most one restart and end equal to
 * a clean index.
 */
import {startScenarioDevnet} from '../../devnet'
import type {FaultOptions} from '../../devnet'
import {startProcessor} from '../../test/e2e/processor-child'
import {ChaosContext, describeEqual, freshMigrated, indexScenario, indexState, lastWords, reference, Row, stateDiff} from './common'

interface Mix {
    name: string
    transport: 'http' | 'ws'
    faults: FaultOptions
}

const MIXES: Mix[] = [
    {name: 'internal errors 1 %', transport: 'http', faults: {errorRate: 0.01, errorKind: 'internal'}},
    {
        name: 'internal errors 1 % + dropped HTTP connections 1 % + latency 50–200 ms on 20 %',
        transport: 'http',
        faults: {errorRate: 0.01, errorKind: 'internal', httpDropRate: 0.01, latencyMs: 200, latencyRate: 0.2},
    },
    {name: 'dropped WebSocket connections 0.5 % + latency 25–100 ms on 30 %', transport: 'ws', faults: {wsDropRate: 0.005, latencyMs: 100, latencyRate: 0.3}},
]

export async function rpcFaults(ctx: ChaosContext): Promise<Row[]> {
    const scenario = indexScenario(ctx)
    const ref = await reference(ctx, scenario)
    const rows: Row[] = []
    const mixes = ctx.quick ? MIXES.slice(0, 1) : MIXES
    for (const [i, mix] of mixes.entries()) {
        const dn = await startScenarioDevnet({scenario, seed: 1, port: 0, faults: {...mix.faults, seed: ctx.seed + i}})
        try {
            const db = await freshMigrated(ctx, `chaos_faults_${i}`)
            const rpc = mix.transport === 'ws' ? dn.wsUrl : dn.url
            const timeoutMs = ctx.quick ? 120_000 : 1_800_000
            let restarts = 0
            let ok = false
            let why = ''
            for (let attempt = 0; attempt < 2 && !ok; attempt++) {
                const run = startProcessor(db, rpc, dn.height)
                const timer = setTimeout(() => run.proc.kill('SIGKILL'), timeoutMs)
                const code = await run.exited
                clearTimeout(timer)
                if (code === 0) ok = true
                else {
                    why = `exit ${code}: ${lastWords(run.output())}`
                    if (attempt === 0) restarts++
                }
            }
            const c = dn.server.faults.counters
            const injected = `${c.errors} errors, ${c.httpDropped + c.wsDropped} drops, ${c.delayed} delayed`
            const diff = ok ? stateDiff(await indexState(db), ref.state) : ['did not reach the head']
            rows.push({
                scenario: `RPC faults: ${mix.name}`,
                done: `index \`${scenario}\` over ${mix.transport.toUpperCase()} with ${mix.name} (devnet fault injection, seeded)`,
                expected: 'reaches the head with at most one restart; tables and indexes equal to a clean index',
                observed: `injected ${injected}; ${restarts} restart${restarts === 1 ? '' : 's'}${why ? ` (${why})` : ''}; ${diff.length ? diff.slice(0, 4).join('; ') : describeEqual(ref.state)}`,
                pass: ok && diff.length === 0,
            })
        } finally {
            await dn.close()
        }
    }
    return rows
}
