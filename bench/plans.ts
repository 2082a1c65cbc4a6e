/**
 * Query plans of the API's SQL at a given database size:
 *
 *   node lib/bench/plans.js --db NAME --label 2e7 [--out docs/plans]
 *
 * Runs the analytics functions of src/queries (and the CSV export's payout query) for representative
 * subjects — the busiest pool owner, the busiest pool, the worker with the most settles, a 30-day range up to
 * the chain head — through a Query that runs each statement once (warming the cache, as a serving database
 * is warm), then again under EXPLAIN (ANALYZE, BUFFERS). Writes one file per case to <out>/<label>/ and a
 * summary (execution time and buffers per statement) to <out>/<label>/summary.md.
 */
import * as fs from 'fs'
import * as path from 'path'
import {Client} from 'pg'
import {ROOT, withClient} from '../test/helpers/indexed'
import {benchServerUrl} from './db'
import {Query} from '../src/queries/sql'
import {auditAggregate, AuditArgs, auditPage, commissionDetail, delegatorGains, ledgerStats, payoutPageSql, reconcile, subjectInfo} from '../src/queries/audit'
import {payoutsPerDay, rollupSeries, settlePoints, stateIntervals, workerSessions} from '../src/queries/timeline'
import {poolLeaderboard} from '../src/queries/leaderboard'
import {liveNetworkStats, networkStatsAt} from '../src/queries/network'
import {budgetHistory, DEFAULT_HALVING_PERIOD_BLOCKS, emissionSeries, emissionState, projections} from '../src/queries/emission'
import {Granularity} from '../src/queries/params'
import {CURSOR_BATCH} from '../src/export/csv'

interface Plan {
    case: string
    n: number
    sql: string
    params: unknown[]
    text: string
    execMs: number
    planMs: number
    hit: number
    read: number
}

const DAY = 86_400_000

function recorder(c: Client, name: string, out: Plan[]): Query {
    let n = 0
    // one statement at a time, in call order (the functions' Promise.all would interleave on one client)
    let chain: Promise<unknown> = Promise.resolve()
    return (sql, params = []) => {
        if (/^(SET|RESET) /.test(sql)) {
            // settings, not plannable: run in turn, unnumbered
            const set = chain.then(async () => (await c.query(sql)).rows)
            chain = set.catch(() => {})
            return set
        }
        const k = ++n
        const run = chain.then(async () => {
            const rows = (await c.query(sql, params as any[])).rows
            const plan = (await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params as any[])).rows.map(r => r['QUERY PLAN'] as string)
            const text = plan.join('\n')
            const exec = /Execution Time: ([\d.]+) ms/.exec(text)
            const planning = /Planning Time: ([\d.]+) ms/.exec(text)
            // the top node's buffers are the statement's (the first Buffers line)
            const buf = /Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?/.exec(text)
            out.push({
                case: name,
                n: k,
                sql,
                params,
                text,
                execMs: exec ? Number(exec[1]) : NaN,
                planMs: planning ? Number(planning[1]) : NaN,
                hit: Number(buf?.[1] ?? 0),
                read: Number(buf?.[2] ?? 0),
            })
            return rows
        })
        chain = run.catch(() => {})
        return run
    }
}

function dedent(sql: string): string {
    const lines = sql.split('\n')
    const indent = Math.min(
        ...lines
            .slice(1)
            .filter(l => l.trim())
            .map(l => /^ */.exec(l)![0].length)
    )
    return lines.map((l, i) => (i === 0 ? l : l.slice(Number.isFinite(indent) ? indent : 0))).join('\n')
}

async function main() {
    const argv = process.argv.slice(2)
    let db: string | null = null
    let label: string | null = null
    let outDir = path.join(ROOT, 'docs/plans')
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--db') db = argv[++i]
        else if (argv[i] === '--label') label = argv[++i]
        else if (argv[i] === '--out') outDir = path.resolve(argv[++i])
        else throw new Error(`unknown option ${argv[i]}`)
    }
    if (!db || !label) throw new Error('usage: plans.js --db NAME --label LABEL [--out DIR]')
    const u = new URL(benchServerUrl())
    u.pathname = '/' + db
    const plans: Plan[] = []
    const info = await withClient(u.toString(), async c => {
        const head = (await c.query(`SELECT timestamp FROM network_state WHERE id = 'network'`)).rows[0].timestamp as Date
        const account = (await c.query(`SELECT owner_id AS id FROM base_pool GROUP BY owner_id ORDER BY sum(settle_count) DESC, owner_id LIMIT 1`)).rows[0].id
        const pool = (await c.query(`SELECT id FROM base_pool ORDER BY settle_count DESC, id LIMIT 1`)).rows[0].id
        const worker = (await c.query(`SELECT id FROM worker ORDER BY settle_count DESC, id LIMIT 1`)).rows[0].id
        const payouts = Number((await c.query(`SELECT count(*) AS n FROM payout`)).rows[0].n)
        const range = {from: new Date(Math.floor((head.getTime() - 30 * DAY) / DAY) * DAY), to: new Date(head.getTime() + 1000)}
        const week = {from: new Date(Math.floor((head.getTime() - 7 * DAY) / DAY) * DAY), to: new Date(head.getTime() + 1000)}
        const args = async (q: Query, kind: 'account' | 'worker' | 'pool', id: string): Promise<AuditArgs> => {
            const s = await subjectInfo(q, {kind, id})
            return {
                subject: {kind, id},
                range,
                granularity: 'DAY',
                includeDropped: false,
                pools: kind === 'account' ? s.pools : undefined,
                openBuckets: s.openBuckets,
            }
        }
        const cases: [string, (q: Query) => Promise<unknown>][] = [
            [
                'audit-account',
                async q => {
                    const a = await args(q, 'account', account)
                    await auditAggregate(q, a)
                    await auditPage(q, a, 100, 0)
                    await auditPage(q, a, 100, 1000)
                    await ledgerStats(q, a)
                    await commissionDetail(q, a)
                    await delegatorGains(q, a)
                },
            ],
            ['reconcile-account', async q => reconcile(q, await args(q, 'account', account))],
            [
                'audit-worker',
                async q => {
                    const a = await args(q, 'worker', worker)
                    await auditAggregate(q, a)
                    await auditPage(q, a, 100, 0)
                    await ledgerStats(q, a)
                },
            ],
            ['reconcile-worker', async q => reconcile(q, await args(q, 'worker', worker))],
            [
                'audit-pool',
                async q => {
                    const a = await args(q, 'pool', pool)
                    await auditAggregate(q, a)
                    await auditPage(q, a, 100, 0)
                },
            ],
            ['reconcile-pool', async q => reconcile(q, await args(q, 'pool', pool))],
            [
                'timeline-worker',
                async q => {
                    await stateIntervals(q, worker, week)
                    await settlePoints(q, worker, week)
                    await rollupSeries(q, worker, week, 'HOUR' as Granularity)
                    await payoutsPerDay(q, worker, range)
                    await workerSessions(q, worker, range)
                },
            ],
            [
                'leaderboard',
                async q => {
                    await poolLeaderboard(q, 'APR', 'DAY', 20, null)
                    await poolLeaderboard(q, 'REWARDS', 'MONTH', 50, null)
                    await poolLeaderboard(q, 'REWARDS', 'ALL', 20, null)
                },
            ],
            [
                'network',
                async q => {
                    await liveNetworkStats(q)
                    // mid-history, at the close of an hour
                    const first = (await q(`SELECT min(bucket_start) AS t FROM network_rollup WHERE period = 'Day' AND bucket_start > '2000-01-01'`))[0].t
                    const mid = (new Date(first).getTime() + head.getTime()) / 2
                    await networkStatsAt(q, new Date(Math.floor(mid / 3_600_000) * 3_600_000))
                },
            ],
            [
                'emission',
                async q => {
                    const st = await emissionState(q)
                    await emissionSeries(q, st, 'DAY', null, null)
                    await emissionSeries(q, st, 'MONTH', null, null)
                    await budgetHistory(q)
                    await projections(q, st, DEFAULT_HALVING_PERIOD_BLOCKS)
                },
            ],
            [
                'export-first-page',
                async q => {
                    // the export's first page and a later one (src/export/csv.ts streams keyset pages, bitmap scans off)
                    await q('SET enable_bitmapscan = off')
                    const a = await args(q, 'account', account)
                    const p = [a.pools, range.from.toISOString(), range.to.toISOString()]
                    const first = await q(payoutPageSql('account', false, false, CURSOR_BATCH), p)
                    const last = first[first.length - 1]
                    if (last) await q(payoutPageSql('account', false, true, CURSOR_BATCH), [...p, last.timestamp, last.block_height, last.event_index])
                    await q(payoutPageSql('pool', false, false, CURSOR_BATCH), [pool, p[1], p[2]])
                    await q(payoutPageSql('worker', false, false, CURSOR_BATCH), [worker, p[1], p[2]])
                    await q('RESET enable_bitmapscan')
                },
            ],
        ]
        // as in the API's transactions (src/sdk/graphql-server.ts): no JIT compilation, which alone took 0.6–0.9 s
        await c.query('SET jit = off')
        for (const [name, run] of cases) {
            await run(recorder(c, name, plans))
            console.error(`[plans] ${name}: ${plans.filter(p => p.case === name).length} statements`)
        }
        return {head, account, pool, worker, payouts}
    })
    const dir = path.join(outDir, label)
    fs.mkdirSync(dir, {recursive: true})
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.txt')) fs.rmSync(path.join(dir, f))
    const byCase = new Map<string, Plan[]>()
    for (const p of plans) byCase.set(p.case, [...(byCase.get(p.case) ?? []), p])
    for (const [name, list] of byCase) {
        const text = list
            .map(p => `-- ${p.case} #${p.n}\n-- params: ${JSON.stringify(p.params)}\n${dedent(p.sql).trim()}\n\n${p.text}\n`)
            .join('\n' + '='.repeat(100) + '\n\n')
        fs.writeFileSync(path.join(dir, `${name}.txt`), text)
    }
    const summary = [
        `# Plans at ${label} (${info.payouts.toLocaleString('en')} payouts)`,
        '',
        `\`node lib/bench/plans.js --db ${db} --label ${label}\` (bench/plans.ts), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. ` +
            `Chain head ${info.head.toISOString()}; account ${info.account} (the busiest pool owner), pool ${info.pool}, worker ${info.worker}; ` +
            `audits over the 30 days up to the head, the timeline over 7. Each statement ran once before its EXPLAIN (ANALYZE, BUFFERS) (warm cache), JIT off as in the API. ` +
            `Timings are from a shared 2-core machine: compare buffers across sizes, timings only roughly.`,
        '',
        '| case | # | execution ms | planning ms | shared hit | read |',
        '|---|---:|---:|---:|---:|---:|',
        ...plans.map(p => `| ${p.case} | ${p.n} | ${p.execMs.toFixed(2)} | ${p.planMs.toFixed(2)} | ${p.hit} | ${p.read} |`),
        '',
    ]
    fs.writeFileSync(path.join(dir, 'summary.md'), summary.join('\n'))
    console.error(`[plans] ${plans.length} plans written to ${path.relative(ROOT, dir)}/`)
}

main().catch(e => {
    console.error(e)
    process.exit(1)
})
