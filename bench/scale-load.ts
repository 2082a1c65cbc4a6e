/**
 * A database at the size of the real job, made in SQL from an indexed devnet day:
 *
 *   node lib/bench/scale-load.js [--payouts 2e7] [--db NAME] [--force]     (npm run bench -- scale-load)
 *
 * The template is the API bench's database (devnet `khala-day` indexed by the real processor: 7,200 blocks,
 * one UTC day from 2023-06-01 00:00, 151k payouts; BENCH_DB_URL, or indexed and cached as for bench/api.ts).
 * It is cloned (CREATE DATABASE … TEMPLATE) and its one day is repeated N times, each copy shifted by k days
 * and k × 7,200 blocks, so the copies form one continuous history of N days: N = ⌈payouts / template
 * payouts⌉ (2e7 → 133 days, 2e6 → 14 days). Workers, sessions, pools and accounts are the template's (every
 * copy pays the same 20k workers), so a miner's or an owner's history grows with N, as on the real chain.
 *
 * What holds afterwards, and how (docs/scaling.md says the same for readers):
 *
 * - ledger ids stay unique and ordered: an id is `<10-digit height>-<hash>-<index>`, and its height part
 *   moves with the block height (every reference to another ledger row — reward / treasury / transfer
 *   event ids, payout ids — is moved the same way); timestamps move by whole days, so every row keeps its
 *   UTC hour and day bucket and the (block, event) order of the chain;
 * - rollups are consistent with the ledger: the template's open hour and day (no rows yet, as at any chain
 *   head) are first closed by the processor's own close code (src/rollup closeBucket over the ledger rows of
 *   the bucket, "at close" values from the final state), then every hour / day row is copied with its bucket
 *   (ids `<bucket>-<period>-<entity>` re-rendered); the last copy's hour and day are left open again, with
 *   NetworkState's open-bucket fields pointing at them, as the processor leaves them at a head;
 * - cumulative values: NetworkRollup.emittedCumulative / emissionRemaining grow by one template day of
 *   emission per copy; every lifetime running total on the entities (worker / session / pool / account /
 *   vault / delegation totals and counters, NetworkState's emission, rewards and self-check counters) is N
 *   times the template's, which is Σ of the ledger rows since the template's are (the template's
 *   reconciliation passes); budget updates repeat daily with increasing nonces; heads move to the last copy;
 * - reconciliation: payoutAudit's checks are run at the end for sampled workers, pools and accounts, and the
 *   load fails if one differs.
 *
 * Not continuous across copies: current state (worker states, pool values and shares) is the template's
 * final state, and each copy's worker state changes start again from the template's first block (workers
 * registering and starting in its first 100 blocks), so a worker's timeline shows a re-start every midnight.
 *
 * Secondary indexes and primary keys of the ledger and rollup tables are dropped during the copy and rebuilt
 * after it; then VACUUM ANALYZE (visibility map and statistics, as autovacuum would leave them). The result
 * is marked (table `scale_fixture`) and reused by a later run with the same template and N unless --force.
 */
import * as path from 'path'
import {Client} from 'pg'
import {DataSource} from 'typeorm'
import {SnakeNamingStrategy} from '@subsquid/typeorm-config/lib/namingStrategy'
import {indexedDatabase, ROOT, withClient} from '../test/helpers/indexed'
import {benchServerUrl} from './db'
import {loadBenchSettings} from '../src/config/bench'
import {closeBucket, RollupRows} from '../src/rollup'
import {loadState} from '../src/store/state-store'
import {columnLiteral, tableSpec} from '../src/store/tables'
import {AccountRollup, NetworkRollup, PoolRollup, RollupPeriod, WorkerRollup} from '../src/model'
import {pgQuery} from '../src/queries/sql'
import {reconcile, subjectInfo} from '../src/queries/audit'
import {applyMigrations} from '../src/db/migrate'

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

/** ledger tables: (id, block_height, timestamp) rows, with the columns that hold other ledger rows' ids */
const LEDGER: Record<string, string[]> = {
    payout: ['reward_event_id', 'treasury_event_id', 'reward_transfer_event_id'],
    pool_reward: ['payout_id'],
    dismissed_reward: ['payout_id'],
    worker_state_change: [],
    stake_movement: [],
    self_check_failure: ['event_id'],
    budget_change: [],
    tokenomic_parameters: [],
}
const ROLLUPS = ['worker_rollup', 'pool_rollup', 'account_rollup', 'network_rollup']

/** lifetime running totals: N × the template's (each is Σ of its ledger rows, which are copied N times) */
const TOTALS: Record<string, string[]> = {
    worker: [
        'total_payout',
        'total_treasury',
        'settle_count',
        'rewarded_settle_count',
        'start_count',
        'stop_count',
        'reclaim_count',
        'unresponsive_count',
        'ready_ms',
        'idle_ms',
        'unresponsive_ms',
        'cooling_down_ms',
    ],
    session: ['total_payout', 'total_treasury', 'settle_count', 'start_count'],
    base_pool: [
        'total_owner_rewards',
        'total_staker_rewards',
        'total_payout',
        'settle_count',
        'rewarded_settle_count',
        'total_dismissed',
        'dismissed_no_share',
        'dismissed_dust',
        'dust_in_reward',
        'total_contributed',
        'contribution_count',
        'total_withdrawn',
        'withdrawal_count',
        'owner_rewards_withdrawn',
        'staker_rewards_withdrawn',
    ],
    account: ['total_contributed', 'total_withdrawn', 'owner_rewards', 'owner_rewards_withdrawn', 'staker_rewards_withdrawn', 'vault_owner_shares_claimed'],
    vault: ['total_owner_shares_gained', 'total_owner_shares_claimed'],
    delegation: ['total_contributed', 'total_withdrawn', 'cost_basis', 'v1_rewards_withdrawn'],
    network_state: [
        'emitted_payout',
        'emitted_treasury',
        'emitted_total',
        'dropped_payout',
        'dismissed_rewards',
        'dismissed_not_in_pool',
        'dust_in_reward',
        'to_owner',
        'to_stakers',
        'rewarded_settle_count',
        'dropped_settle_count',
        'failed_settle_count',
        'subsidy_pool_in',
        'subsidy_pool_out',
        'settle_count',
        'self_check_settles',
        'self_check_mismatches',
        'self_check_unpaired',
        'self_check_anomalies',
        'rewards_credited',
        'rewards_credited_v1',
        'rewards_paid_out',
        'rewards_claimed',
    ],
}

/** "latest event" timestamps of the current state: moved to the last copy */
const LATEST: Record<string, string[]> = {
    worker: ['state_since', 'last_settled_at'],
    session: ['last_settled_at', 'started_at', 'stopped_at', 'cooling_down_start_at', 'state_changed_at', 'bound_at'],
    delegation: ['updated_at', 'withdrawal_queued_at'],
}

interface Args {
    payouts: number
    db: string | null
    force: boolean
    samples: number
}

function parseArgs(argv: string[]): Args {
    const a: Args = {payouts: 2e7, db: null, force: false, samples: 5}
    for (let i = 0; i < argv.length; i++) {
        const k = argv[i]
        if (k === '--payouts') a.payouts = Number(argv[++i])
        else if (k === '--db') a.db = argv[++i]
        else if (k === '--force') a.force = true
        else if (k === '--samples') a.samples = Number(argv[++i])
        else throw new Error(`unknown option ${k} (expected --payouts N, --db NAME, --force, --samples N)`)
    }
    if (!(a.payouts >= 1)) throw new Error(`--payouts: a positive number, got ${a.payouts}`)
    if (a.db != null && !/^[a-z0-9_]+$/.test(a.db)) throw new Error(`--db: lowercase letters, digits and _ only, got ${JSON.stringify(a.db)}`)
    return a
}

/** "2e7" for 20,000,000 */
export function sizeLabel(n: number): string {
    const e = Math.floor(Math.log10(n))
    const m = n / 10 ** e
    return `${Number.isInteger(m) ? m : m.toFixed(1).replace('.', '_')}e${e}`
}

const log = (m: string) => console.error(`[scale] ${new Date().toISOString().slice(11, 19)} ${m}`)

function withDb(url: string, name: string): string {
    const u = new URL(url)
    u.pathname = '/' + name
    return u.toString()
}

/** the height part of a ledger id moved by `dh` blocks (ids are `<10-digit height>-<hash>-<index>`) */
function shiftId(col: string, dh: string): string {
    return `CASE WHEN ${col} ~ '^[0-9]{10}-' THEN lpad((left(${col}, 10)::int + ${dh})::text, 10, '0') || substr(${col}, 11) ELSE ${col} END`
}

/** a rollup id `<YYYY-MM-DD[THH]>-<period>-<entity>` re-rendered for its moved bucket */
function shiftRollupId(days: string): string {
    return `CASE WHEN period = 'Hour'
                 THEN to_char((bucket_start + ${days} * interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24') || substr(id, 14)
                 ELSE to_char((bucket_start + ${days} * interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD') || substr(id, 11) END`
}

async function columns(c: Client, table: string): Promise<string[]> {
    const r = await c.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, [
        table,
    ])
    return r.rows.map(x => x.column_name)
}

interface Template {
    /** blocks per copy (the template's last height; block 0 is the genesis) */
    blocks: number
    /** the template's first UTC day */
    day0: Date
    openHour: Date
    openDay: Date
    payouts: number
    emitted: bigint
    budgetNonce: number
}

async function readTemplate(c: Client): Promise<Template> {
    const n = (
        await c.query(`SELECT height, timestamp, hour_bucket_start, day_bucket_start, emitted_total::text AS emitted, last_budget_nonce FROM network_state`)
    ).rows[0]
    const first = (await c.query(`SELECT min(timestamp) AS t, count(*)::int AS n FROM payout`)).rows[0]
    const r = (await c.query(`SELECT min(bucket_start) AS d FROM network_rollup WHERE period = 'Day' AND bucket_start > '2000-01-01'`)).rows[0]
    const day0 = new Date(Math.floor(new Date(r.d ?? n.day_bucket_start).getTime() / DAY_MS) * DAY_MS)
    const head = new Date(n.timestamp).getTime()
    if (head - day0.getTime() >= DAY_MS || head + 12_000 < day0.getTime() + DAY_MS) {
        throw new Error(`the template must be one whole UTC day (as devnet khala-day): it runs from ${day0.toISOString()} to ${new Date(head).toISOString()}`)
    }
    if (!first.n) throw new Error('the template holds no payouts')
    return {
        blocks: n.height,
        day0,
        openHour: new Date(n.hour_bucket_start),
        openDay: new Date(n.day_bucket_start),
        payouts: first.n,
        emitted: BigInt(n.emitted),
        budgetNonce: Number(n.last_budget_nonce ?? 0),
    }
}

/** the template's open hour and day closed by the processor's close code (their rows inserted) */
async function closeOpenBuckets(url: string, t: Template): Promise<number> {
    const ds = new DataSource({type: 'postgres', url, namingStrategy: new SnakeNamingStrategy(), entities: [require.resolve(path.join(ROOT, 'lib/src/model'))]})
    await ds.initialize()
    try {
        const em = ds.manager
        const state = await loadState(em)
        const n = state.network
        const q = (sql: string, params?: unknown[]) => em.query(sql, params)
        const end = t.blocks + 1
        const rows: RollupRows[] = []
        for (const [period, start, startHeight, firstTs, len] of [
            [RollupPeriod.Hour, n.hourBucketStart!, n.hourBucketHeight!, n.hourBucketFirstTimestamp, HOUR_MS],
            [RollupPeriod.Day, n.dayBucketStart!, n.dayBucketHeight!, n.dayBucketFirstTimestamp, DAY_MS],
        ] as const) {
            rows.push(
                await closeBucket(q, state, {
                    period,
                    start: start.getTime(),
                    end: start.getTime() + len,
                    startHeight,
                    endHeight: end,
                    firstTimestamp: firstTs?.getTime() ?? null,
                    lastTimestamp: n.timestamp?.getTime() ?? null,
                    lastHeight: n.height,
                })
            )
        }
        let count = 0
        for (const [entity, key] of [
            [WorkerRollup, 'workers'],
            [PoolRollup, 'pools'],
            [AccountRollup, 'accounts'],
            [NetworkRollup, 'network'],
        ] as const) {
            const list = rows.flatMap(r => r[key] as any[])
            const spec = tableSpec(em, entity)
            for (let i = 0; i < list.length; i += 5000) {
                const chunk = list.slice(i, i + 5000)
                await em.query(
                    spec.insertSql,
                    spec.columns.map(col => columnLiteral(col, chunk))
                )
            }
            count += list.length
        }
        return count
    } finally {
        await ds.destroy()
    }
}

interface DroppedIndex {
    table: string
    name: string
    /** CREATE INDEX … or ALTER TABLE … ADD CONSTRAINT … */
    create: string
}

async function dropIndexes(c: Client, tables: string[]): Promise<DroppedIndex[]> {
    const r = await c.query(
        `SELECT t.relname AS table, i.relname AS name, pg_get_indexdef(i.oid) AS def, con.conname, pg_get_constraintdef(con.oid) AS condef
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace
         LEFT JOIN pg_constraint con ON con.conindid = i.oid AND con.contype IN ('p', 'u')
         WHERE ns.nspname = 'public' AND t.relname = ANY($1)`,
        [tables]
    )
    const out: DroppedIndex[] = []
    for (const x of r.rows) {
        if (x.conname) {
            out.push({table: x.table, name: x.conname, create: `ALTER TABLE "${x.table}" ADD CONSTRAINT "${x.conname}" ${x.condef}`})
            await c.query(`ALTER TABLE "${x.table}" DROP CONSTRAINT "${x.conname}"`)
        } else {
            out.push({table: x.table, name: x.name, create: x.def})
            await c.query(`DROP INDEX "${x.name}"`)
        }
    }
    return out
}

/** one INSERT … SELECT per copy k = 1 … n−1 from a frozen snapshot of the template's rows */
async function replicate(c: Client, t: Template, copies: number): Promise<void> {
    const day0 = t.day0.toISOString()
    for (const table of [...Object.keys(LEDGER), ...ROLLUPS]) {
        const cols = await columns(c, table)
        const isRollup = ROLLUPS.includes(table)
        const src = `scale_src_${table}`
        const where = isRollup ? `bucket_start >= '${day0}'` : table === 'budget_change' ? `block_height > 0 AND kind <> 'Initial'` : `block_height > 0`
        await c.query(`DROP TABLE IF EXISTS ${src}`)
        await c.query(`CREATE UNLOGGED TABLE ${src} AS SELECT * FROM "${table}" WHERE ${where} ORDER BY ${isRollup ? 'bucket_start, id' : 'id'}`)
        const n = (await c.query(`SELECT count(*)::int AS n FROM ${src}`)).rows[0].n
        if (n === 0) {
            await c.query(`DROP TABLE ${src}`)
            continue
        }
        const refs = LEDGER[table] ?? []
        const exprs = cols.map(col => {
            if (col === 'id') return isRollup ? shiftRollupId('$1::int') : shiftId('id', '$2::int')
            if (col === 'block_height' || col === 'first_height') return `${col} + $2::int`
            if (col === 'timestamp' || col === 'bucket_start') return `${col} + $1::int * interval '1 day'`
            if (refs.includes(col)) return shiftId(col, '$2::int')
            if (table === 'network_rollup' && col === 'emitted_cumulative') return `${col} + $1::int * ${t.emitted}::numeric`
            if (table === 'network_rollup' && col === 'emission_remaining') return `${col} - $1::int * ${t.emitted}::numeric`
            if (table === 'budget_change' && col === 'nonce') return `${col} + $1::int * ${t.budgetNonce}`
            return `"${col}"`
        })
        const sql = `INSERT INTO "${table}" (${cols.map(x => `"${x}"`).join(', ')}) SELECT ${exprs.join(', ')} FROM ${src}`
        const t0 = Date.now()
        for (let k = 1; k < copies; k++) {
            await c.query(sql, sql.includes('$2') ? [k, k * t.blocks] : [k])
        }
        await c.query(`DROP TABLE ${src}`)
        log(`${table}: ${n.toLocaleString('en')} rows × ${copies} (${((Date.now() - t0) / 1000).toFixed(0)} s)`)
    }
}

async function fixState(c: Client, t: Template, copies: number): Promise<void> {
    const dh = (copies - 1) * t.blocks
    const days = copies - 1
    for (const [table, cols] of Object.entries(TOTALS)) {
        await c.query(`UPDATE "${table}" SET ${cols.map(x => `"${x}" = "${x}" * ${copies}`).join(', ')}`)
    }
    for (const [table, cols] of Object.entries(LATEST)) {
        await c.query(`UPDATE "${table}" SET ${cols.map(x => `"${x}" = "${x}" + ${days} * interval '1 day'`).join(', ')}`)
    }
    await c.query(
        `UPDATE network_state SET height = height + ${dh}, timestamp = timestamp + ${days} * interval '1 day',
                emission_remaining = emission_cap - emitted_total,
                last_budget_nonce = last_budget_nonce * ${copies},
                tokenomic_parameters_id = ${shiftId('tokenomic_parameters_id', String(dh))},
                hour_bucket_start = hour_bucket_start + ${days} * interval '1 day', hour_bucket_height = hour_bucket_height + ${dh},
                hour_bucket_first_timestamp = hour_bucket_first_timestamp + ${days} * interval '1 day',
                day_bucket_start = day_bucket_start + ${days} * interval '1 day', day_bucket_height = day_bucket_height + ${dh},
                day_bucket_first_timestamp = day_bucket_first_timestamp + ${days} * interval '1 day'`
    )
    await c.query(`UPDATE squid_processor.status SET height = height + ${dh}`)
    // the last copy's hour and day are open again: the processor has written no rows for them yet
    const hour = new Date(t.openHour.getTime() + days * DAY_MS).toISOString()
    const day = new Date(t.openDay.getTime() + days * DAY_MS).toISOString()
    for (const table of ROLLUPS) {
        await c.query(`DELETE FROM "${table}" WHERE (period = 'Hour' AND bucket_start = $1) OR (period = 'Day' AND bucket_start = $2)`, [hour, day])
    }
}

/** payoutAudit's reconciliation for sampled subjects: every check must pass */
async function checkReconciliation(url: string, samples: number): Promise<string[]> {
    return withClient(url, async c => {
        const q = pgQuery(c)
        const head = (await c.query(`SELECT timestamp FROM network_state`)).rows[0].timestamp as Date
        const range = {from: new Date(head.getTime() - 7 * DAY_MS), to: new Date(head.getTime() + 1000)}
        const pick = async (sql: string) => (await c.query(sql)).rows.map(r => r.id as string)
        const subjects: {kind: 'worker' | 'pool' | 'account'; id: string}[] = [
            ...(await pick(`SELECT id FROM worker ORDER BY md5(id) LIMIT ${samples}`)).map(id => ({kind: 'worker' as const, id})),
            ...(await pick(`SELECT id FROM base_pool ORDER BY md5(id) LIMIT ${samples}`)).map(id => ({kind: 'pool' as const, id})),
            ...(await pick(`SELECT owner_id AS id FROM base_pool GROUP BY owner_id ORDER BY sum(settle_count) DESC LIMIT ${samples}`)).map(id => ({
                kind: 'account' as const,
                id,
            })),
        ]
        const out: string[] = []
        for (const s of subjects) {
            const info = await subjectInfo(q, s)
            const r = await reconcile(q, {
                subject: s,
                range,
                granularity: 'DAY',
                includeDropped: false,
                pools: s.kind === 'account' ? info.pools : undefined,
                openBuckets: info.openBuckets,
            })
            const failed = r.checks.filter(x => !x.ok).map(x => `${x.name} (${x.difference})`)
            if (!r.ok)
                out.push(
                    `${s.kind} ${s.id}: ${[...failed, `invariant ${r.invariant.mismatched}/${r.invariant.unpaired}/${r.invariant.rowMismatched}`].join(', ')}`
                )
        }
        log(`reconciliation: ${subjects.length} subjects checked, ${out.length} with differences`)
        return out
    })
}

export async function scaleDatabase(args: {payouts: number; db?: string | null; force?: boolean; samples?: number}): Promise<{url: string; fresh: boolean}> {
    let template = loadBenchSettings().benchDbUrl
    const server = benchServerUrl()
    if (!template) {
        template = (await indexedDatabase('khala-day', {server, dbName: 'api_bench_khala_day', log: m => log(m)})).url
    }
    const templateName = new URL(template).pathname.slice(1)
    const t = await withClient(template, readTemplate)
    const fingerprint = await withClient(
        template,
        async c => (await c.query(`SELECT fingerprint FROM api_fixture`).catch(() => ({rows: [{fingerprint: 'none'}]}))).rows[0].fingerprint
    )
    const copies = Math.max(1, Math.ceil(args.payouts / t.payouts))
    const name = args.db ?? `${templateName}_x${copies}`
    const url = withDb(template, name)
    if (!args.force) {
        const marker = await withClient(url, async c => (await c.query(`SELECT template, copies FROM scale_fixture WHERE complete`)).rows[0]).catch(
            () => undefined
        )
        if (marker && marker.template === fingerprint && marker.copies === copies) {
            // migrations added since the load (new indexes) are applied to it as to any database
            const m = await applyMigrations(url)
            log(`${name}: reused (${copies} days of ${templateName}${m.applied.length ? `; applied ${m.applied.join(', ')}` : ''})`)
            return {url, fresh: false}
        }
    }
    const t0 = Date.now()
    log(`${name}: ${copies} copies of ${templateName} (${t.payouts.toLocaleString('en')} payouts a day) → ${(copies * t.payouts).toLocaleString('en')} payouts`)
    await withClient(withDb(template, 'postgres'), async c => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        // the template must have no other connection while it is copied
        await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [templateName])
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${templateName}`)
    })
    await applyMigrations(url)
    const closed = await closeOpenBuckets(url, t)
    log(`closed the template's open hour and day: ${closed.toLocaleString('en')} rollup rows`)
    await withClient(url, async c => {
        await c.query(`SET maintenance_work_mem = '512MB'`)
        await c.query(`SET synchronous_commit = off`)
        const dropped = await dropIndexes(c, [...Object.keys(LEDGER), ...ROLLUPS])
        log(`dropped ${dropped.length} indexes and keys of the ledger and rollup tables`)
        await replicate(c, t, copies)
        await fixState(c, t, copies)
        const t1 = Date.now()
        for (const d of dropped) await c.query(d.create)
        log(`rebuilt ${dropped.length} indexes and keys (${((Date.now() - t1) / 1000).toFixed(0)} s)`)
        const t2 = Date.now()
        await c.query('VACUUM ANALYZE')
        log(`VACUUM ANALYZE (${((Date.now() - t2) / 1000).toFixed(0)} s)`)
    })
    const failures = await checkReconciliation(url, args.samples ?? 5)
    if (failures.length > 0) throw new Error(`reconciliation differs after the load:\n${failures.join('\n')}`)
    await withClient(url, async c => {
        await c.query(
            `CREATE TABLE scale_fixture (template text NOT NULL, copies int NOT NULL, complete bool NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`
        )
        await c.query(`INSERT INTO scale_fixture (template, copies, complete) VALUES ($1, $2, true)`, [fingerprint, copies])
    })
    log(`${name} ready in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${url}`)
    return {url, fresh: true}
}

if (require.main === module) {
    const args = parseArgs(process.argv.slice(2))
    scaleDatabase(args)
        .then(r => console.log(r.url))
        .catch(e => {
            console.error(e)
            process.exit(1)
        })
}
