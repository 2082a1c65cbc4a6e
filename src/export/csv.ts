/**
 * CSV export of the ledger and rollups, streamed from PostgreSQL with pg-cursor: constant memory, no row
 * cap, one header row. Money columns come twice: `<name>_pha` (exact, 12 decimals) and `<name>_plancks`;
 * timestamps are ISO 8601 UTC; every row carries block numbers.
 *
 * The same requests serve the HTTP export (src/export/server.ts) and the CLI (src/export/cli.ts).
 */
import type {ClientBase} from 'pg'
import Cursor from 'pg-cursor'
import {InputError} from '../queries/address'
import {PayoutCursor, payoutPageSql, payoutSubjectSql} from '../queries/audit'
import {parseOptionalRange, parseSubject, Subject} from '../queries/params'
import {formatPha} from '../queries/pha'

export type ExportKind = 'payouts' | 'pool-rewards' | 'rollups' | 'v1-staker-rewards'
export const EXPORT_KINDS: ExportKind[] = ['payouts', 'pool-rewards', 'rollups', 'v1-staker-rewards']

export interface ExportRequest {
    kind: ExportKind
    subject: Subject
    from: Date | null
    to: Date | null
    /** rollups: Day (default) or Hour */
    period: 'Day' | 'Hour'
    /** payouts: also settlements dropped as late */
    includeDropped: boolean
}

const PARAMS: Record<ExportKind, string[]> = {
    payouts: ['account', 'worker', 'pool', 'from', 'to', 'includeDropped'],
    'pool-rewards': ['account', 'worker', 'pool', 'from', 'to'],
    rollups: ['account', 'worker', 'pool', 'from', 'to', 'period'],
    'v1-staker-rewards': ['account', 'pool', 'from', 'to'],
}

export function parseKind(input: string): ExportKind {
    const k = input
        .trim()
        .toLowerCase()
        .replace(/\.csv$/, '')
    if ((EXPORT_KINDS as string[]).includes(k)) return k as ExportKind
    throw new InputError('export', `unknown export ${JSON.stringify(input)} (use one of ${EXPORT_KINDS.join(', ')})`)
}

/** validate the parameters of an export (URL query or CLI options), naming the bad one */
export function parseExportRequest(kind: ExportKind, params: Record<string, string | undefined>): ExportRequest {
    for (const k of Object.keys(params)) {
        if (!PARAMS[kind].includes(k)) throw new InputError(k, `unknown parameter for the ${kind} export (known: ${PARAMS[kind].join(', ')})`)
    }
    const subject = parseSubject({account: params.account, worker: params.worker, pool: params.pool})
    const {from, to} = parseOptionalRange(params.from, params.to)
    let period: 'Day' | 'Hour' = 'Day'
    if (params.period != null) {
        const p = params.period.trim().toLowerCase()
        if (p === 'day') period = 'Day'
        else if (p === 'hour') period = 'Hour'
        else throw new InputError('period', `unknown period ${JSON.stringify(params.period)} (use day or hour)`)
    }
    let includeDropped = false
    if (params.includeDropped != null) {
        const v = params.includeDropped.trim().toLowerCase()
        if (v === 'true' || v === '1' || v === '') includeDropped = true
        else if (v === 'false' || v === '0') includeDropped = false
        else throw new InputError('includeDropped', `expected true or false, got ${JSON.stringify(params.includeDropped)}`)
    }
    return {kind, subject, from, to, period, includeDropped}
}

// ------------------------------------------------------------------ columns

interface Column {
    header: string
    value: (row: any) => string | null
}

const text = (header: string, key = header): Column => ({header, value: r => (r[key] == null ? null : String(r[key]))})
const iso = (header: string, key = header): Column => ({header, value: r => (r[key] == null ? null : new Date(r[key]).toISOString())})
const bool = (header: string, key = header): Column => ({header, value: r => (r[key] == null ? null : r[key] ? 'true' : 'false')})
/** a planck amount as two columns */
const money = (name: string, key = name): Column[] => [
    {header: `${name}_pha`, value: r => formatPha(r[key])},
    {header: `${name}_plancks`, value: r => (r[key] == null ? null : String(r[key]))},
]

const PAYOUT_COLUMNS: Column[] = [
    text('payout_id', 'id'),
    text('block_height'),
    text('event_index'),
    iso('timestamp'),
    text('worker', 'worker_id'),
    text('session', 'session_id'),
    text('pool', 'pool_id'),
    // side by side: the settled payout, what the pool was credited and paid for it, the treasury share
    ...money('amount'),
    ...money('credited'),
    ...money('paid_to_pool'),
    ...money('treasury'),
    ...money('to_owner'),
    ...money('to_stakers'),
    ...money('dismissed'),
    bool('dropped'),
    text('v_bits'),
    text('reward_event_id'),
    text('treasury_event_id'),
    text('reward_transfer_event_id'),
]

const REWARD_COLUMNS: Column[] = [
    text('reward_id', 'id'),
    text('block_height'),
    text('event_index'),
    iso('timestamp'),
    text('pool', 'pool_id'),
    text('pool_owner', 'pool_owner_id'),
    text('worker', 'worker_id'),
    text('session', 'session_id'),
    text('payout_id'),
    ...money('to_owner'),
    ...money('to_stakers'),
    ...money('owner_dust', 'owner_dismissed'),
    ...money('stakers_dust', 'stakers_dismissed'),
]

const ROLLUP_HEAD: Column[] = [iso('bucket_start'), text('first_block'), text('last_block')]

const WORKER_ROLLUP_COLUMNS: Column[] = [
    ...ROLLUP_HEAD,
    text('worker', 'worker_id'),
    text('session', 'session_id'),
    text('pool', 'pool_id'),
    ...money('payout'),
    ...money('treasury'),
    text('settle_count'),
    text('ready_ms'),
    text('idle_ms'),
    text('unresponsive_ms'),
    text('cooling_down_ms'),
    text('state_at_close'),
    ...money('stake_at_close'),
    text('v_at_close_bits', 'v_at_close'),
    text('share_at_close'),
    text('p_instant_at_close'),
    text('apr'),
]

const POOL_ROLLUP_COLUMNS: Column[] = [
    ...ROLLUP_HEAD,
    text('pool', 'pool_id'),
    ...money('payout'),
    ...money('credited'),
    ...money('paid_to_pool'),
    ...money('treasury'),
    ...money('to_owner'),
    ...money('to_stakers'),
    ...money('dismissed'),
    ...money('contributed'),
    ...money('withdrawn'),
    text('settle_count'),
    text('commission_at_close'),
    ...money('total_value_at_close'),
    text('total_shares_at_close'),
    text('share_price_at_close'),
    ...money('owner_rewards_at_close'),
    text('worker_count_at_close'),
    text('idle_worker_count_at_close'),
    text('delegator_count_at_close'),
    text('apr'),
]

const ACCOUNT_ROLLUP_COLUMNS: Column[] = [
    ...ROLLUP_HEAD,
    text('account', 'account_id'),
    ...money('owner_rewards'),
    ...money('owner_rewards_withdrawn'),
    ...money('contributed'),
    ...money('withdrawn'),
    text('owned_pool_count'),
    ...money('owned_pool_value_at_close'),
    text('delegation_count_at_close'),
    ...money('delegated_value_at_close'),
    ...money('cost_basis_at_close'),
    text('apr'),
]

/** payoutAudit's v1StakerRewards as rows: a day end (deltas and totals), a claim, the carry-over into v2 */
const V1_STAKER_COLUMNS: Column[] = [
    text('row_kind'),
    text('pool', 'pool_id'),
    text('account', 'account_id'),
    text('date'),
    text('block_height'),
    text('event_id'),
    ...money('accrued'),
    ...money('claimed'),
    ...money('accrued_total'),
    ...money('claimed_total'),
    ...money('pending'),
    ...money('claim_amount'),
    text('shares_at_upgrade'),
    ...money('v2_value_at_upgrade'),
]

/** $1 the account or pid, $2 / $3 the range (UTC dates of its ends) */
function v1StakerRewardsSql(key: 'account_id' | 'pool_id'): string {
    return `SELECT * FROM (
              SELECT 'day' AS row_kind, d.pool_id, d.account_id, d.date, d.block_height, NULL AS event_id,
                     (d.accrued - coalesce(lag(d.accrued) OVER w, 0))::text AS accrued,
                     (d.claimed - coalesce(lag(d.claimed) OVER w, 0))::text AS claimed,
                     d.accrued::text AS accrued_total, d.claimed::text AS claimed_total, d.pending::text AS pending,
                     NULL AS claim_amount, NULL AS shares_at_upgrade, NULL AS v2_value_at_upgrade, 0 AS ord
                FROM v1_staker_day d WHERE d.${key} = $1
              WINDOW w AS (PARTITION BY d.pool_id, d.account_id ORDER BY d.date)
              UNION ALL
              SELECT 'claim', m.pool_id, m.account_id, to_char(m.timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD'), m.block_height, m.id,
                     NULL, NULL, NULL, NULL, NULL, m.amount::text, NULL, NULL, 1
                FROM stake_movement m WHERE m.${key} = $1 AND m.kind = 'StakerRewardsWithdrawn'
              UNION ALL
              SELECT 'upgrade', s.pool_id, s.account_id, to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), s.migrated_at_height, NULL,
                     NULL, NULL, s.accrued::text, s.claimed::text, s.pending_at_upgrade::text, NULL,
                     s.shares_at_upgrade::text, s.v2_value_at_upgrade::text, 2
                FROM v1_staker s WHERE s.${key} = $1 AND s.migrated_at_height IS NOT NULL
            ) x
            WHERE x.date >= to_char($2::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD') AND x.date < to_char($3::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD')
            ORDER BY x.pool_id, x.account_id, x.block_height, x.ord`
}

// ------------------------------------------------------------------ SQL

const FAR_PAST = '1970-01-01T00:00:00Z'
const FAR_FUTURE = '9999-12-31T00:00:00Z'

export interface ExportQuery {
    sql: string
    params: unknown[]
    columns: Column[]
    /** payouts: read in keyset pages (payoutPageSql) instead of one cursor over `sql` */
    payoutPages?: {kind: Subject['kind']; includeDropped: boolean}
}

export function exportQuery(req: ExportRequest): ExportQuery {
    const params = [req.subject.id, (req.from ?? new Date(FAR_PAST)).toISOString(), (req.to ?? new Date(FAR_FUTURE)).toISOString()]
    switch (req.kind) {
        case 'payouts':
            // in pages, each an index range: one sorted cursor over all of a busy account's payouts sorted
            // them all (one heap page each) before its first row came out
            return {
                sql: payoutPageSql(req.subject.kind, req.includeDropped, false, CURSOR_BATCH),
                params,
                columns: PAYOUT_COLUMNS,
                payoutPages: {kind: req.subject.kind, includeDropped: req.includeDropped},
            }
        case 'pool-rewards': {
            const cols = `r.id, r.block_height, r.event_index, r.timestamp, r.pool_id, r.pool_owner_id, r.worker_id, r.session_id, r.payout_id,
                          r.to_owner::text AS to_owner, r.to_stakers::text AS to_stakers,
                          r.owner_dismissed::text AS owner_dismissed, r.stakers_dismissed::text AS stakers_dismissed`
            const sql =
                req.subject.kind === 'worker'
                    ? `SELECT ${cols} FROM payout p JOIN pool_reward r ON r.id = p.reward_event_id
                       WHERE ${payoutSubjectSql('worker')} AND p.timestamp >= $2 AND p.timestamp < $3
                       ORDER BY r.timestamp, r.block_height, r.event_index`
                    : `SELECT ${cols} FROM pool_reward r
                       WHERE ${payoutSubjectSql(req.subject.kind, 'r')} AND r.timestamp >= $2 AND r.timestamp < $3
                       ORDER BY r.timestamp, r.block_height, r.event_index`
            return {sql, params, columns: REWARD_COLUMNS}
        }
        case 'rollups': {
            const [table, key, columns] =
                req.subject.kind === 'worker'
                    ? ['worker_rollup', 'worker_id', WORKER_ROLLUP_COLUMNS]
                    : req.subject.kind === 'pool'
                      ? ['pool_rollup', 'pool_id', POOL_ROLLUP_COLUMNS]
                      : ['account_rollup', 'account_id', ACCOUNT_ROLLUP_COLUMNS]
            const sql = `SELECT x.*, n.first_height AS first_block, (n.first_height + n.blocks - 1) AS last_block
                         FROM ${table} x
                         LEFT JOIN network_rollup n ON n.period = x.period AND n.bucket_start = x.bucket_start
                         WHERE x.${key} = $1 AND x.period = '${req.period}' AND x.bucket_start >= $2 AND x.bucket_start < $3
                         ORDER BY x.bucket_start`
            return {sql, params, columns}
        }
        case 'v1-staker-rewards': {
            if (req.subject.kind === 'worker') throw new InputError('worker', 'the v1-staker-rewards export is of an account or a pool')
            return {sql: v1StakerRewardsSql(req.subject.kind === 'pool' ? 'pool_id' : 'account_id'), params, columns: V1_STAKER_COLUMNS}
        }
    }
}

// ------------------------------------------------------------------ CSV

function csvField(v: string | null): string {
    if (v == null) return ''
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v
}

export function csvLine(values: (string | null)[]): string {
    return values.map(csvField).join(',') + '\r\n'
}

/** file name of an export, e.g. payouts-account-0xabc…-2023-01-01-2023-02-01.csv */
export function exportFileName(req: ExportRequest): string {
    const d = (t: Date | null, dflt: string) =>
        t
            ? t
                  .toISOString()
                  .replace(/T00:00:00\.000Z$/, '')
                  .replace(/[:.]/g, '')
            : dflt
    const period = req.kind === 'rollups' ? `-${req.period.toLowerCase()}` : ''
    return `${req.kind}${period}-${req.subject.kind}-${req.subject.id}-${d(req.from, 'start')}-${d(req.to, 'end')}.csv`
}

/** the subject must be known (else a 404-like error) */
export async function checkSubject(client: ClientBase, s: Subject): Promise<boolean> {
    const sql =
        s.kind === 'worker'
            ? `SELECT 1 FROM worker WHERE id = $1`
            : s.kind === 'pool'
              ? `SELECT 1 FROM base_pool WHERE id = $1`
              : `SELECT 1 FROM account WHERE id = $1 UNION ALL SELECT 1 FROM base_pool WHERE owner_id = $1 LIMIT 1`
    const r = await client.query(sql, [s.id])
    return r.rows.length > 0
}

export const CURSOR_BATCH = 2_000

export interface StreamResult {
    rows: number
}

/** the payouts export, CURSOR_BATCH rows per statement, each page starting after the last row of the one before */
async function streamPayoutPages(
    client: ClientBase,
    pages: {kind: Subject['kind']; includeDropped: boolean},
    params: unknown[],
    columns: Column[],
    write: (chunk: string) => void | Promise<void>,
    aborted: () => boolean
): Promise<number> {
    const base = params.slice()
    // a page must be an ordered index range: the planner's per-pool estimate (the average pool) is far below a
    // busy pool's rows, and with bitmap scans allowed it reads and sorts all of them for each page (1.4 s for a
    // busy owner's second page at 2e7 payouts, against 0.1 s); only these statements run in the transaction
    await client.query('SET LOCAL enable_bitmapscan = off')
    if (pages.kind === 'account') {
        const r = await client.query(`SELECT coalesce(array_agg(id ORDER BY pid), '{}') AS ids FROM base_pool WHERE owner_id = $1`, [base[0]])
        base[0] = r.rows[0].ids
    }
    await write(csvLine(columns.map(c => c.header)))
    let rows = 0
    let after: PayoutCursor | null = null
    while (!aborted()) {
        const sql = payoutPageSql(pages.kind, pages.includeDropped, after != null, CURSOR_BATCH)
        const batch: any[] = (await client.query(sql, after ? [...base, after.timestamp.toISOString(), after.blockHeight, after.eventIndex] : base)).rows
        if (batch.length === 0) break
        let chunk = ''
        for (const r of batch) chunk += csvLine(columns.map(c => c.value(r)))
        rows += batch.length
        await write(chunk)
        if (batch.length < CURSOR_BATCH) break
        const last: any = batch[batch.length - 1]
        after = {timestamp: new Date(last.timestamp), blockHeight: last.block_height, eventIndex: last.event_index}
    }
    return rows
}

/**
 * Stream the export through `write` (which may return a promise to apply backpressure), in a read-only
 * REPEATABLE READ transaction so the file is one consistent snapshot. `aborted()` stops it early.
 */
export async function streamCsv(
    client: ClientBase,
    req: ExportRequest,
    write: (chunk: string) => void | Promise<void>,
    aborted: () => boolean = () => false
): Promise<StreamResult> {
    const {sql, params, columns, payoutPages} = exportQuery(req)
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    let rows = 0
    try {
        if (payoutPages) {
            rows = await streamPayoutPages(client, payoutPages, params, columns, write, aborted)
            await client.query('COMMIT')
            return {rows}
        }
        const cursor = client.query(new Cursor(sql, params))
        try {
            await write(csvLine(columns.map(c => c.header)))
            for (;;) {
                if (aborted()) break
                const batch = await cursor.read(CURSOR_BATCH)
                if (batch.length === 0) break
                let chunk = ''
                for (const r of batch) chunk += csvLine(columns.map(c => c.value(r)))
                rows += batch.length
                await write(chunk)
            }
        } finally {
            await cursor.close()
        }
        await client.query('COMMIT')
    } catch (e) {
        await client.query('ROLLBACK').catch(() => {})
        throw e
    }
    return {rows}
}
