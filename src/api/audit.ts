/**
 * payoutAudit: every payout of an account / worker / pool in a time range, sums per bucket, totals, and a
 * reconciliation of the ledger rows against the running totals the indexer keeps on the entities.
 * Everything is computed in SQL (aggregates, generate_series buckets, window functions).
 *
 * What "payouts of X" means (docs/api.md):
 * - worker: the Payout rows (SessionSettled / MinerSettled) of the worker, across all its sessions;
 * - pool: the Payout rows of workers while they computed for the pool;
 * - account: the Payout rows of the pools it owns (the owner runs their workers), plus, beside them, the
 *   commission it received as owner (PoolReward.toOwner) and, as a delegator, its share-price gains from
 *   the daily account rollups.
 * Payouts the chain dropped as late (SessionSettlementDropped) moved no money: excluded unless
 * `includeDropped`. The range is [from, to) on block timestamps.
 */
import {InputError} from './address'
import {DAY_MS, Granularity, HOUR_MS, pgBucket, Subject, TimeRange} from './params'
import {big} from './pha'
import {one, Query, toDate} from './sql'

export interface AuditArgs {
    subject: Subject
    range: TimeRange
    granularity: Granularity
    includeDropped: boolean
    /** account: the pids it owns (from subjectInfo); the range queries then filter `pool_id = ANY(pids)` */
    pools?: string[]
    /** the open hour / day buckets of NetworkState (ms), when subjectInfo read them: saves a round trip */
    openBuckets?: OpenBuckets
}

export interface OpenBuckets {
    hour: number | null
    day: number | null
}

/** SQL predicate on payout alias `p` selecting the subject's payouts; $1 is the subject id */
export function payoutSubjectSql(kind: Subject['kind'], alias = 'p'): string {
    switch (kind) {
        case 'worker':
            return `${alias}.worker_id = $1`
        case 'pool':
            return `${alias}.pool_id = $1`
        case 'account':
            return `${alias}.pool_id IN (SELECT id FROM base_pool WHERE owner_id = $1)`
    }
}

/**
 * The subject predicate of the range queries: for an account with its pools known, `pool_id = ANY($1)`
 * (planned in a fraction of the time of the sub-select, and it lets each pool's index range be read
 * directly); $1 is then the pid array, else the subject id.
 */
function subjectSql(a: AuditArgs, alias = 'p'): string {
    return a.subject.kind === 'account' && a.pools ? `${alias}.pool_id = ANY($1::text[])` : payoutSubjectSql(a.subject.kind, alias)
}

function subjectValue(a: AuditArgs): unknown {
    return a.subject.kind === 'account' && a.pools ? a.pools : a.subject.id
}

export interface SubjectInfo {
    kind: Subject['kind']
    id: string
    /** account: pids of the pools it owns; pool: its own pid; worker: the pool it is in now (if any) */
    pools: string[]
    known: boolean
    /** pool / account: NetworkState's open hour and day buckets, read in the same statement */
    openBuckets?: OpenBuckets
}

const OPEN_BUCKETS_SQL = `(SELECT hour_bucket_start FROM network_state WHERE id = 'network') AS hour_bucket_start,
                          (SELECT day_bucket_start FROM network_state WHERE id = 'network') AS day_bucket_start`

function openBuckets(r: any): OpenBuckets {
    return {hour: toDate(r.hour_bucket_start)?.getTime() ?? null, day: toDate(r.day_bucket_start)?.getTime() ?? null}
}

/** the subject must be known to the indexer (one query) */
export async function subjectInfo(q: Query, s: Subject): Promise<SubjectInfo> {
    switch (s.kind) {
        case 'worker': {
            const r = await one(q, `SELECT id, pool_id FROM worker WHERE id = $1`, [s.id])
            if (!r) throw new InputError('worker', `no worker ${s.id} is known to the indexer`)
            return {kind: s.kind, id: s.id, pools: r.pool_id ? [r.pool_id] : [], known: true}
        }
        case 'pool': {
            const r = await one(q, `SELECT EXISTS (SELECT 1 FROM base_pool WHERE id = $1) AS known, ${OPEN_BUCKETS_SQL}`, [s.id])
            if (!r.known) throw new InputError('pool', `no pool with pid ${s.id} is known to the indexer`)
            return {kind: s.kind, id: s.id, pools: [s.id], known: true, openBuckets: openBuckets(r)}
        }
        case 'account': {
            const r = await one(
                q,
                `SELECT EXISTS (SELECT 1 FROM account WHERE id = $1) AS known,
                        coalesce((SELECT array_agg(id ORDER BY pid) FROM base_pool WHERE owner_id = $1), '{}') AS pools,
                        ${OPEN_BUCKETS_SQL}`,
                [s.id]
            )
            if (!r.known && r.pools.length === 0) throw new InputError('account', `account ${s.id} has no pools, delegations or rewards known to the indexer`)
            return {kind: s.kind, id: s.id, pools: r.pools, known: true, openBuckets: openBuckets(r)}
        }
    }
}

/** $1 subject (see subjectValue), $2 from, $3 to */
function rangeParams(a: AuditArgs): unknown[] {
    return [subjectValue(a), a.range.from.toISOString(), a.range.to.toISOString()]
}

const droppedSql = (a: AuditArgs, alias = 'p') => (a.includeDropped ? 'TRUE' : `NOT ${alias}.dropped`)

// ------------------------------------------------------------------ sums: closed rollups + ledger at the edges

/**
 * How [from, to) splits for summing. Pools and accounts: whole closed UTC days from the daily PoolRollup
 * rows, whole closed hours from the hourly ones, the rest (the partial hours at the edges and everything
 * since the open hour) from the Payout / PoolReward rows. A rollup row holds exactly the ledger rows of its
 * bucket (reconciliation checks it), so the sums are the ledger's, for a few hundred rows per month instead
 * of every payout. Workers (few payouts) and includeDropped use the ledger alone.
 */
export interface Segments {
    /** ledger: [from, h0) ∪ [hEnd, to) */
    h0: number
    hEnd: number
    /** daily rollups: [d0, d1); hourly rollups: [h0, d0) ∪ [d1, hEnd) */
    d0: number
    d1: number
    rollups: boolean
}

const segmentMemo = new WeakMap<AuditArgs, Promise<Segments>>()

/** the segments of one request's arguments (computed once per request) */
export function segments(q: Query, a: AuditArgs): Promise<Segments> {
    let p = segmentMemo.get(a)
    if (!p) segmentMemo.set(a, (p = computeSegments(q, a)))
    return p
}

async function computeSegments(q: Query, a: AuditArgs): Promise<Segments> {
    const from = a.range.from.getTime()
    const to = a.range.to.getTime()
    const ledgerOnly: Segments = {h0: to, hEnd: to, d0: to, d1: to, rollups: false}
    if (a.subject.kind === 'worker' || a.includeDropped) return ledgerOnly
    const open = a.openBuckets ?? openBuckets((await one(q, `SELECT hour_bucket_start, day_bucket_start FROM network_state WHERE id = 'network'`)) ?? {})
    const openHour = open.hour
    if (openHour == null) return ledgerOnly
    const openDay = open.day ?? openHour
    const h0 = Math.ceil(from / HOUR_MS) * HOUR_MS
    const hEnd = Math.min(Math.floor(to / HOUR_MS) * HOUR_MS, openHour)
    if (!(h0 < hEnd)) return ledgerOnly
    let d0 = h0
    let d1 = h0
    if (a.granularity !== 'HOUR') {
        const c0 = Math.ceil(h0 / DAY_MS) * DAY_MS
        const c1 = Math.min(Math.floor(hEnd / DAY_MS) * DAY_MS, openDay)
        if (c0 < c1) {
            d0 = c0
            d1 = c1
        }
    }
    return {h0, hEnd, d0, d1, rollups: true}
}

function segmentParams(s: Segments): string[] {
    return [s.h0, s.hEnd, s.d0, s.d1].map(t => new Date(t).toISOString())
}

/**
 * Rows (rolled: from a rollup, at: timestamp or bucket start, n, amount, treasury, to_owner, to_stakers,
 * dismissed) of the subject's payouts in [from, to): one scan of the ledger over both edges, one of the
 * rollups over the closed days and hours (an OR of disjoint ranges each: planned once, each table read
 * once). Parameters: $1 subject, $2 from, $3 to, $4 h0, $5 hEnd, $6 d0, $7 d1.
 */
function payoutSourceSql(a: AuditArgs): string {
    const ledger = `SELECT false AS rolled, p.timestamp AS at, 1 AS n, p.amount, p.treasury, p.to_owner, p.to_stakers, p.dismissed
         FROM payout p
         WHERE ${subjectSql(a)} AND ${droppedSql(a)} AND ${a.subject.kind === 'worker' ? 'p.timestamp >= $2 AND p.timestamp < $3' : EDGES_SQL('p.timestamp')}`
    if (a.subject.kind === 'worker') return ledger
    return `${ledger}
            UNION ALL
            SELECT true, r.bucket_start, r.settle_count, r.payout, r.treasury, r.to_owner, r.to_stakers, r.dismissed
            FROM pool_rollup r
            WHERE ${subjectSql(a, 'r')}
              AND ((r.period = 'Day' AND r.bucket_start >= $6 AND r.bucket_start < $7)
                OR (r.period = 'Hour' AND ((r.bucket_start >= $4 AND r.bucket_start < $6) OR (r.bucket_start >= $7 AND r.bucket_start < $5))))`
}

/** the ledger part of the range: [from, h0) ∪ [hEnd, to) */
const EDGES_SQL = (col: string) => `((${col} >= $2 AND ${col} < $4) OR (${col} >= $5 AND ${col} < $3))`

export interface AuditTotals {
    count: number
    amount: bigint
    treasury: bigint
    toOwner: bigint
    toStakers: bigint
    dismissed: bigint
}

export interface AuditBucket {
    start: Date
    end: Date
    count: number
    amount: bigint
    treasury: bigint
    toOwner: bigint
    toStakers: bigint
    dismissed: bigint
    /** Σ amount from the range start to the end of this bucket */
    cumulative: bigint
}

export interface AuditAggregate {
    buckets: AuditBucket[]
    totals: AuditTotals
    /** account: the commission of the range, computed in the same statement */
    commission?: Commission
}

/** every bucket of the range (dense: zero buckets included, UTC-aligned) and the totals over them */
export async function auditAggregate(q: Query, a: AuditArgs): Promise<AuditAggregate> {
    const {field, interval} = pgBucket(a.granularity)
    const seg = await segments(q, a)
    // an account's commission comes in the same statement (one round trip less); $8 is the account. Over
    // the closed buckets it is the pool rollups' to_owner (the rows summed here), at the edges the
    // PoolReward rows.
    const withCommission = a.subject.kind === 'account'
    const commissionCte = `c AS (
             SELECT (SELECT coalesce(sum(to_owner), 0) FROM src WHERE rolled)
                  + (SELECT coalesce(sum(r.to_owner), 0) FROM pool_reward r WHERE ${subjectSql(a, 'r')} AND ${EDGES_SQL('r.timestamp')}) AS amount,
                    (SELECT coalesce(sum(m.amount), 0)::text FROM stake_movement m
                      WHERE m.account_id = $8 AND m.kind = 'OwnerRewardsWithdrawn' AND m.timestamp >= $2 AND m.timestamp < $3) AS withdrawn
         ),`
    const rows = await q(
        `WITH src AS (${payoutSourceSql(a)}),
         ${withCommission ? commissionCte : ''}
         b AS (
             SELECT generate_series(date_trunc('${field}', $2::timestamptz AT TIME ZONE 'UTC'),
                                    $3::timestamptz AT TIME ZONE 'UTC' - interval '1 microsecond',
                                    interval '${interval}') AS start
         ), s AS (
             SELECT date_trunc('${field}', at AT TIME ZONE 'UTC') AS start, sum(n)::int AS n, sum(amount) AS amount, sum(treasury) AS treasury,
                    sum(to_owner) AS to_owner, sum(to_stakers) AS to_stakers, sum(dismissed) AS dismissed
             FROM src
             GROUP BY 1
         )
         SELECT b.start AT TIME ZONE 'UTC' AS start, (b.start + interval '${interval}') AT TIME ZONE 'UTC' AS "end",
                coalesce(s.n, 0) AS n, coalesce(s.amount, 0)::text AS amount, coalesce(s.treasury, 0)::text AS treasury,
                coalesce(s.to_owner, 0)::text AS to_owner, coalesce(s.to_stakers, 0)::text AS to_stakers,
                coalesce(s.dismissed, 0)::text AS dismissed,
                (sum(coalesce(s.amount, 0)) OVER (ORDER BY b.start))::text AS cumulative
                ${withCommission ? ', c.amount::text AS c_amount, c.withdrawn AS c_withdrawn' : ''}
         FROM b LEFT JOIN s ON s.start = b.start ${withCommission ? 'CROSS JOIN c' : ''}
         ORDER BY b.start`,
        // workers sum the ledger alone over [from, to): $4 … $7 do not occur
        withCommission
            ? [...rangeParams(a), ...segmentParams(seg), a.subject.id]
            : a.subject.kind === 'worker'
              ? rangeParams(a)
              : [...rangeParams(a), ...segmentParams(seg)]
    )
    const totals: AuditTotals = {count: 0, amount: 0n, treasury: 0n, toOwner: 0n, toStakers: 0n, dismissed: 0n}
    const buckets = rows.map((r: any) => {
        const bucket: AuditBucket = {
            start: toDate(r.start)!,
            end: toDate(r.end)!,
            count: r.n,
            amount: big(r.amount),
            treasury: big(r.treasury),
            toOwner: big(r.to_owner),
            toStakers: big(r.to_stakers),
            dismissed: big(r.dismissed),
            cumulative: big(r.cumulative),
        }
        totals.count += bucket.count
        totals.amount += bucket.amount
        totals.treasury += bucket.treasury
        totals.toOwner += bucket.toOwner
        totals.toStakers += bucket.toStakers
        totals.dismissed += bucket.dismissed
        return bucket
    })
    const commission = withCommission && rows.length > 0 ? {amount: big(rows[0].c_amount), withdrawn: big(rows[0].c_withdrawn)} : undefined
    return {buckets, totals, commission}
}

export interface LedgerStats {
    rewardedCount: number
    droppedCount: number
    droppedAmount: bigint
    firstAt: Date | null
    lastAt: Date | null
}

/** what only the ledger rows know: rewarded / dropped counts, first and last payout */
export async function ledgerStats(q: Query, a: AuditArgs): Promise<LedgerStats> {
    const inc = droppedSql(a)
    const r = await one(
        q,
        `SELECT count(*) FILTER (WHERE ${inc} AND p.amount > 0 AND NOT p.dropped)::int AS rewarded,
                count(*) FILTER (WHERE p.dropped)::int AS dropped_n,
                coalesce(sum(p.amount) FILTER (WHERE p.dropped), 0)::text AS dropped_amount,
                min(p.timestamp) FILTER (WHERE ${inc}) AS first_at,
                max(p.timestamp) FILTER (WHERE ${inc}) AS last_at
         FROM payout p
         WHERE ${subjectSql(a)} AND p.timestamp >= $2 AND p.timestamp < $3`,
        rangeParams(a)
    )
    return {
        rewardedCount: r.rewarded,
        droppedCount: r.dropped_n,
        droppedAmount: big(r.dropped_amount),
        firstAt: toDate(r.first_at),
        lastAt: toDate(r.last_at),
    }
}

// ------------------------------------------------------------------ the payout rows

export interface AuditPayoutRow {
    id: string
    blockHeight: number
    timestamp: Date
    eventIndex: number
    sessionId: string
    workerId: string | null
    poolId: string | null
    vBits: bigint
    amount: bigint
    treasury: bigint
    toOwner: bigint
    toStakers: bigint
    dismissed: bigint
    dropped: boolean
    rewardEventId: string | null
    treasuryEventId: string | null
}

const PAYOUT_COLUMNS = `p.id, p.block_height, p.timestamp, p.event_index, p.session_id, p.worker_id, p.pool_id,
                   p.v_bits::text AS v_bits, p.amount::text AS amount, p.treasury::text AS treasury,
                   p.to_owner::text AS to_owner, p.to_stakers::text AS to_stakers, p.dismissed::text AS dismissed,
                   p.dropped, p.reward_event_id, p.treasury_event_id`

/** the columns and order the page and the CSV export share ($1 subject, $2 from, $3 to) */
export function payoutRowsSql(kind: Subject['kind'], includeDropped: boolean): string {
    return `SELECT ${PAYOUT_COLUMNS}
            FROM payout p
            WHERE ${payoutSubjectSql(kind)} AND p.timestamp >= $2 AND p.timestamp < $3 AND ${includeDropped ? 'TRUE' : 'NOT p.dropped'}
            ORDER BY p.timestamp, p.block_height, p.event_index`
}

export function mapPayoutRow(r: any): AuditPayoutRow {
    return {
        id: r.id,
        blockHeight: r.block_height,
        timestamp: toDate(r.timestamp)!,
        eventIndex: r.event_index,
        sessionId: r.session_id,
        workerId: r.worker_id,
        poolId: r.pool_id,
        vBits: big(r.v_bits),
        amount: big(r.amount),
        treasury: big(r.treasury),
        toOwner: big(r.to_owner),
        toStakers: big(r.to_stakers),
        dismissed: big(r.dismissed),
        dropped: r.dropped,
        rewardEventId: r.reward_event_id,
        treasuryEventId: r.treasury_event_id,
    }
}

/**
 * One page in chain order. For an account, each owned pool's rows come in index order (pool_id,
 * timestamp) and only the first offset + limit of each are merged, instead of sorting every payout.
 */
export async function auditPage(q: Query, a: AuditArgs, limit: number, offset: number): Promise<AuditPayoutRow[]> {
    if (limit === 0) return []
    const ORDER = 'timestamp, block_height, event_index'
    const inc = a.includeDropped ? 'TRUE' : 'NOT p.dropped'
    const sql =
        a.subject.kind === 'account'
            ? `SELECT x.* FROM (${a.pools ? 'SELECT unnest($1::text[]) AS id' : 'SELECT id FROM base_pool WHERE owner_id = $1'}) o
               CROSS JOIN LATERAL (
                   SELECT ${PAYOUT_COLUMNS} FROM payout p
                   WHERE p.pool_id = o.id AND p.timestamp >= $2 AND p.timestamp < $3 AND ${inc}
                   ORDER BY p.${ORDER.replace(/, /g, ', p.')} LIMIT ${limit + offset}
               ) x
               ORDER BY x.${ORDER.replace(/, /g, ', x.')} LIMIT ${limit} OFFSET ${offset}`
            : `${payoutRowsSql(a.subject.kind, a.includeDropped)} LIMIT ${limit} OFFSET ${offset}`
    const rows = await q(sql, rangeParams(a))
    return rows.map(mapPayoutRow)
}

// ------------------------------------------------------------------ account: commission and delegator gains

export interface Commission {
    /** Σ PoolReward.toOwner of the account's pools in the range */
    amount: bigint
    /** OwnerRewardsWithdrawn by the account in the range */
    withdrawn: bigint
}

/** the account's pools as `owned(id)` ($1 the pid array, or $8 the account) */
function ownedPoolsSql(a: AuditArgs): string {
    return a.pools ? 'SELECT unnest($1::text[]) AS id' : 'SELECT id FROM base_pool WHERE owner_id = $8'
}

/**
 * The select list of the commission (amount, withdrawn) over CTE `owned`: $2 from, $3 to, $4 h0, $5 hEnd,
 * $6 d0, $7 d1, $8 the account.
 */
function commissionSelectSql(): string {
    return `(SELECT coalesce(sum(r.to_owner), 0) FROM pool_reward r
                  WHERE r.pool_id IN (SELECT id FROM owned) AND r.timestamp >= $2 AND r.timestamp < $4)
              + (SELECT coalesce(sum(r.to_owner), 0) FROM pool_reward r
                  WHERE r.pool_id IN (SELECT id FROM owned) AND r.timestamp >= $5 AND r.timestamp < $3)
              + (SELECT coalesce(sum(x.to_owner), 0) FROM pool_rollup x
                  WHERE x.pool_id IN (SELECT id FROM owned) AND x.period = 'Day' AND x.bucket_start >= $6 AND x.bucket_start < $7)
              + (SELECT coalesce(sum(x.to_owner), 0) FROM pool_rollup x
                  WHERE x.pool_id IN (SELECT id FROM owned) AND x.period = 'Hour' AND x.bucket_start >= $4 AND x.bucket_start < $6)
              + (SELECT coalesce(sum(x.to_owner), 0) FROM pool_rollup x
                  WHERE x.pool_id IN (SELECT id FROM owned) AND x.period = 'Hour' AND x.bucket_start >= $7 AND x.bucket_start < $5) AS amount,
                (SELECT coalesce(sum(m.amount), 0)::text FROM stake_movement m
                  WHERE m.account_id = $8 AND m.kind = 'OwnerRewardsWithdrawn' AND m.timestamp >= $2 AND m.timestamp < $3) AS withdrawn`
}

/** commission in the range: closed rollups (PoolRollup.toOwner = Σ PoolReward.toOwner) + PoolReward rows at the edges */
export async function accountCommission(q: Query, a: AuditArgs): Promise<Commission> {
    const seg = await segments(q, a)
    const r = await one(q, `WITH owned AS (${ownedPoolsSql(a)}) SELECT ${commissionSelectSql()}`, [...rangeParams(a), ...segmentParams(seg), a.subject.id])
    return {amount: big(r.amount), withdrawn: big(r.withdrawn)}
}

export interface CommissionDetail {
    /** of the commission, dust the chain could not mint (OwnerDust) */
    dust: bigint
    /** RewardReceived events with a commission */
    rewardCount: number
}

export async function commissionDetail(q: Query, a: AuditArgs): Promise<CommissionDetail> {
    const r = await one(
        q,
        `SELECT coalesce(sum(r.owner_dismissed), 0)::text AS dust, (count(*) FILTER (WHERE r.to_owner > 0))::int AS n
         FROM pool_reward r
         WHERE ${subjectSql(a, 'r')} AND r.timestamp >= $2 AND r.timestamp < $3`,
        rangeParams(a)
    )
    return {dust: big(r.dust), rewardCount: r.n}
}

export interface DelegatorGains {
    /** whole UTC days [from, to) the gains are measured over (closed daily rollups only) */
    from: Date
    to: Date
    valueAtStart: bigint
    valueAtEnd: bigint
    contributed: bigint
    withdrawn: bigint
    /** v1-era pools: staker rewards claimed (they never entered the delegation's value) */
    stakerRewardsWithdrawn: bigint
    /** valueAtEnd − valueAtStart − contributed + withdrawn + stakerRewardsWithdrawn */
    gain: bigint
    days: number
}

/**
 * An account's gains as a delegator over whole, closed UTC days of the range: the change of the value of
 * its shares (daily AccountRollup.delegatedValueAtClose, shares × pool price at each day's close) net of
 * what it put in and took out. null when the range holds no whole closed day.
 */
export async function delegatorGains(q: Query, a: AuditArgs): Promise<DelegatorGains | null> {
    const net = await one(q, `SELECT day_bucket_start FROM network_state WHERE id = 'network'`)
    const openDay = net?.day_bucket_start ? toDate(net.day_bucket_start)!.getTime() : null
    const from = Math.ceil(a.range.from.getTime() / DAY_MS) * DAY_MS
    let to = Math.floor(a.range.to.getTime() / DAY_MS) * DAY_MS
    if (openDay != null && to > openDay) to = openDay
    if (!(from < to)) return null
    const r = await one(
        q,
        `SELECT (SELECT delegated_value_at_close::text FROM account_rollup
                  WHERE account_id = $1 AND period = 'Day' AND bucket_start = $2::timestamptz - interval '1 day') AS v0,
                (SELECT delegated_value_at_close::text FROM account_rollup
                  WHERE account_id = $1 AND period = 'Day' AND bucket_start = $3::timestamptz - interval '1 day') AS v1,
                (SELECT coalesce(sum(m.amount) FILTER (WHERE m.kind = 'Contribution'), 0)::text FROM stake_movement m
                  WHERE m.account_id = $1 AND m.timestamp >= $2 AND m.timestamp < $3) AS contributed,
                (SELECT coalesce(sum(m.amount) FILTER (WHERE m.kind = 'Withdrawal'), 0)::text FROM stake_movement m
                  WHERE m.account_id = $1 AND m.timestamp >= $2 AND m.timestamp < $3) AS withdrawn,
                (SELECT coalesce(sum(m.amount) FILTER (WHERE m.kind = 'StakerRewardsWithdrawn'), 0)::text FROM stake_movement m
                  WHERE m.account_id = $1 AND m.timestamp >= $2 AND m.timestamp < $3) AS staker_rewards`,
        [a.subject.id, new Date(from).toISOString(), new Date(to).toISOString()]
    )
    const v0 = big(r.v0)
    const v1 = big(r.v1)
    const contributed = big(r.contributed)
    const withdrawn = big(r.withdrawn)
    const stakerRewardsWithdrawn = big(r.staker_rewards)
    return {
        from: new Date(from),
        to: new Date(to),
        valueAtStart: v0,
        valueAtEnd: v1,
        contributed,
        withdrawn,
        stakerRewardsWithdrawn,
        gain: v1 - v0 - contributed + withdrawn + stakerRewardsWithdrawn,
        days: Math.round((to - from) / DAY_MS),
    }
}

// ------------------------------------------------------------------ reconciliation

export interface ReconciliationCheck {
    name: string
    description: string
    /** "lifetime" (running totals on entities vs all ledger rows) or "range" */
    scope: string
    ledger: bigint
    recorded: bigint
    difference: bigint
    ok: boolean
}

export interface SettleRewardInvariant {
    /** rewarded (amount > 0, not dropped) payouts in the range */
    checked: number
    matched: number
    /** pool-side amount (RewardReceived to_owner + to_stakers, or the dismissals) ≠ payout plancks */
    mismatched: number
    /** rewarded payouts with no pool reward event and no dismissal */
    unpaired: number
    /** payout rows whose own to_owner + to_stakers + dismissed ≠ amount */
    rowMismatched: number
    toOwner: bigint
    toStakers: bigint
    dismissed: bigint
    amount: bigint
    /** ids of up to 20 payouts that failed */
    failedPayoutIds: string[]
}

export interface Reconciliation {
    checks: ReconciliationCheck[]
    invariant: SettleRewardInvariant
    /** failed checks + mismatched + unpaired + row-mismatched settles */
    differences: number
    ok: boolean
}

function check(name: string, description: string, scope: 'lifetime' | 'range', ledger: unknown, recorded: unknown): ReconciliationCheck {
    const l = big(ledger)
    const r = big(recorded)
    return {name, description, scope, ledger: l, recorded: r, difference: l - r, ok: l === r}
}

/** the settle ↔ pool-reward invariant over the subject's rewarded payouts in the range */
export async function settleRewardInvariant(q: Query, a: AuditArgs): Promise<SettleRewardInvariant> {
    const rows = await q(
        `WITH s AS (
             SELECT p.id, p.amount, p.to_owner, p.to_stakers, p.dismissed,
                    CASE WHEN r.id IS NOT NULL THEN r.to_owner + r.to_stakers
                         ELSE (SELECT sum(d.amount) FROM dismissed_reward d WHERE d.payout_id = p.id) END AS pool_side
             FROM payout p LEFT JOIN pool_reward r ON r.id = p.reward_event_id
             WHERE ${subjectSql(a)} AND p.timestamp >= $2 AND p.timestamp < $3
               AND NOT p.dropped AND p.amount > 0
         ), f AS (
             SELECT *, pool_side IS NULL AS unpaired,
                    (pool_side IS NOT NULL AND pool_side <> amount) AS mismatched,
                    (to_owner + to_stakers + dismissed <> amount) AS row_mismatched
             FROM s
         )
         SELECT count(*)::int AS checked,
                count(*) FILTER (WHERE unpaired)::int AS unpaired,
                count(*) FILTER (WHERE mismatched)::int AS mismatched,
                count(*) FILTER (WHERE row_mismatched)::int AS row_mismatched,
                count(*) FILTER (WHERE NOT unpaired AND NOT mismatched AND NOT row_mismatched)::int AS matched,
                coalesce(sum(amount), 0)::text AS amount, coalesce(sum(to_owner), 0)::text AS to_owner,
                coalesce(sum(to_stakers), 0)::text AS to_stakers, coalesce(sum(dismissed), 0)::text AS dismissed,
                (array_agg(id ORDER BY id) FILTER (WHERE unpaired OR mismatched OR row_mismatched))[1:20] AS failed
         FROM f`,
        rangeParams(a)
    )
    const r = rows[0]
    return {
        checked: r.checked,
        matched: r.matched,
        mismatched: r.mismatched,
        unpaired: r.unpaired,
        rowMismatched: r.row_mismatched,
        amount: big(r.amount),
        toOwner: big(r.to_owner),
        toStakers: big(r.to_stakers),
        dismissed: big(r.dismissed),
        failedPayoutIds: r.failed ?? [],
    }
}

/** whole closed UTC days inside the range: [from, to) in ms, or null */
async function closedDays(q: Query, range: TimeRange): Promise<{from: string; to: string} | null> {
    const net = await one(q, `SELECT day_bucket_start FROM network_state WHERE id = 'network'`)
    const openDay = net?.day_bucket_start ? toDate(net.day_bucket_start)!.getTime() : null
    const from = Math.ceil(range.from.getTime() / DAY_MS) * DAY_MS
    let to = Math.floor(range.to.getTime() / DAY_MS) * DAY_MS
    if (openDay == null) return null
    if (to > openDay) to = openDay
    if (!(from < to)) return null
    return {from: new Date(from).toISOString(), to: new Date(to).toISOString()}
}

async function workerChecks(q: Query, a: AuditArgs): Promise<ReconciliationCheck[]> {
    const id = a.subject.id
    const [w, sess] = await Promise.all([
        one(
            q,
            `WITH l AS (SELECT coalesce(sum(amount), 0) AS amount, coalesce(sum(treasury), 0) AS treasury, count(*) AS n,
                               count(*) FILTER (WHERE amount > 0) AS rewarded
                        FROM payout WHERE worker_id = $1 AND NOT dropped)
             SELECT w.total_payout::text AS e_amount, w.total_treasury::text AS e_treasury, w.settle_count AS e_n,
                    w.rewarded_settle_count AS e_rewarded,
                    l.amount::text AS l_amount, l.treasury::text AS l_treasury, l.n AS l_n, l.rewarded AS l_rewarded
             FROM worker w, l WHERE w.id = $1`,
            [id]
        ),
        one(
            q,
            // by the worker's rows only (the (worker_id, timestamp) index): a session pays one worker
            // (StakePool v2 derives it from (pid, worker)), so its total is the worker's payouts through it
            `WITH s AS (SELECT session_id, sum(amount) AS amount FROM payout WHERE worker_id = $1 AND NOT dropped GROUP BY session_id)
             SELECT (SELECT coalesce(sum(total_payout), 0)::text FROM session WHERE id IN (SELECT session_id FROM s)) AS e_amount,
                    (SELECT coalesce(sum(amount), 0)::text FROM s) AS l_amount,
                    (SELECT count(*)::int FROM s) AS sessions`,
            [id]
        ),
    ])
    const out = [
        check('worker.totalPayout', 'Worker.totalPayout vs Σ Payout.amount of the worker (all sessions, all time)', 'lifetime', w.l_amount, w.e_amount),
        check('worker.totalTreasury', 'Worker.totalTreasury vs Σ Payout.treasury of the worker', 'lifetime', w.l_treasury, w.e_treasury),
        check('worker.settleCount', 'Worker.settleCount vs the number of its Payout rows', 'lifetime', w.l_n, w.e_n),
        check('worker.rewardedSettleCount', 'Worker.rewardedSettleCount vs its Payout rows with amount > 0', 'lifetime', w.l_rewarded, w.e_rewarded),
        check(
            'sessions.totalPayout',
            `Σ Session.totalPayout of the ${sess.sessions} session(s) the worker was paid through vs its Payout rows through them`,
            'lifetime',
            sess.l_amount,
            sess.e_amount
        ),
    ]
    const days = await closedDays(q, a.range)
    if (days) {
        const r = await one(
            q,
            `SELECT (SELECT coalesce(sum(payout), 0)::text FROM worker_rollup
                      WHERE worker_id = $1 AND period = 'Day' AND bucket_start >= $2 AND bucket_start < $3) AS rollup,
                    (SELECT coalesce(sum(amount), 0)::text FROM payout
                      WHERE worker_id = $1 AND timestamp >= $2 AND timestamp < $3 AND NOT dropped) AS ledger`,
            [id, days.from, days.to]
        )
        out.push(
            check(
                'rollup.day.payout',
                `Σ daily WorkerRollup.payout vs Σ Payout.amount over the whole days ${days.from.slice(0, 10)} … ${days.to.slice(0, 10)} (exclusive)`,
                'range',
                r.ledger,
                r.rollup
            )
        )
    }
    return out
}

async function poolChecks(q: Query, a: AuditArgs): Promise<ReconciliationCheck[]> {
    const id = a.subject.id
    const r = await one(
        q,
        `WITH pay AS (SELECT coalesce(sum(amount), 0) AS amount, count(*) AS n, coalesce(sum(dismissed), 0) AS dismissed,
                             coalesce(sum(to_owner), 0) AS to_owner, coalesce(sum(to_stakers), 0) AS to_stakers
                      FROM payout WHERE pool_id = $1 AND NOT dropped),
              rew AS (SELECT coalesce(sum(to_owner), 0) AS to_owner, coalesce(sum(to_stakers), 0) AS to_stakers
                      FROM pool_reward WHERE pool_id = $1),
              dis AS (SELECT coalesce(sum(amount), 0) AS amount FROM dismissed_reward WHERE pool_id = $1 AND payout_id IS NULL),
              mv AS (SELECT coalesce(sum(amount) FILTER (WHERE kind = 'Contribution'), 0) AS contributed,
                            coalesce(sum(amount) FILTER (WHERE kind = 'Withdrawal'), 0) AS withdrawn,
                            coalesce(sum(amount) FILTER (WHERE kind = 'OwnerRewardsWithdrawn'), 0) AS owner_withdrawn
                     FROM stake_movement WHERE pool_id = $1)
         SELECT bp.total_payout::text AS e_amount, bp.settle_count AS e_n, bp.total_dismissed::text AS e_dismissed,
                bp.total_owner_rewards::text AS e_owner, bp.total_staker_rewards::text AS e_stakers,
                bp.total_contributed::text AS e_contributed, bp.total_withdrawn::text AS e_withdrawn,
                bp.owner_rewards_withdrawn::text AS e_owner_withdrawn,
                pay.amount::text AS l_amount, pay.n AS l_n, (pay.dismissed + dis.amount)::text AS l_dismissed,
                pay.to_owner::text AS p_owner, pay.to_stakers::text AS p_stakers,
                rew.to_owner::text AS l_owner, rew.to_stakers::text AS l_stakers,
                mv.contributed::text AS l_contributed, mv.withdrawn::text AS l_withdrawn, mv.owner_withdrawn::text AS l_owner_withdrawn
         FROM base_pool bp, pay, rew, dis, mv WHERE bp.id = $1`,
        [id]
    )
    const out = [
        check('pool.totalPayout', 'BasePool.totalPayout vs Σ Payout.amount of the pool (all time)', 'lifetime', r.l_amount, r.e_amount),
        check('pool.settleCount', 'BasePool.settleCount vs the number of its Payout rows', 'lifetime', r.l_n, r.e_n),
        check('pool.totalOwnerRewards', 'BasePool.totalOwnerRewards vs Σ PoolReward.toOwner', 'lifetime', r.l_owner, r.e_owner),
        check('pool.totalStakerRewards', 'BasePool.totalStakerRewards vs Σ PoolReward.toStakers', 'lifetime', r.l_stakers, r.e_stakers),
        check('pool.totalDismissed', 'BasePool.totalDismissed vs Σ Payout.dismissed + unpaired DismissedReward rows', 'lifetime', r.l_dismissed, r.e_dismissed),
        check('payouts.toOwner', 'Σ Payout.toOwner (settle side) vs Σ PoolReward.toOwner (reward side)', 'lifetime', r.p_owner, r.l_owner),
        check('payouts.toStakers', 'Σ Payout.toStakers (settle side) vs Σ PoolReward.toStakers (reward side)', 'lifetime', r.p_stakers, r.l_stakers),
        check('pool.totalContributed', 'BasePool.totalContributed vs Σ Contribution movements', 'lifetime', r.l_contributed, r.e_contributed),
        check('pool.totalWithdrawn', 'BasePool.totalWithdrawn vs Σ Withdrawal movements', 'lifetime', r.l_withdrawn, r.e_withdrawn),
        check(
            'pool.ownerRewardsWithdrawn',
            'BasePool.ownerRewardsWithdrawn vs Σ OwnerRewardsWithdrawn movements',
            'lifetime',
            r.l_owner_withdrawn,
            r.e_owner_withdrawn
        ),
    ]
    const days = await closedDays(q, a.range)
    if (days) {
        const d = await one(
            q,
            `SELECT (SELECT coalesce(sum(payout), 0)::text FROM pool_rollup
                      WHERE pool_id = $1 AND period = 'Day' AND bucket_start >= $2 AND bucket_start < $3) AS r_amount,
                    (SELECT coalesce(sum(to_owner), 0)::text FROM pool_rollup
                      WHERE pool_id = $1 AND period = 'Day' AND bucket_start >= $2 AND bucket_start < $3) AS r_owner,
                    (SELECT coalesce(sum(amount), 0)::text FROM payout
                      WHERE pool_id = $1 AND timestamp >= $2 AND timestamp < $3 AND NOT dropped) AS l_amount,
                    (SELECT coalesce(sum(to_owner), 0)::text FROM pool_reward
                      WHERE pool_id = $1 AND timestamp >= $2 AND timestamp < $3) AS l_owner`,
            [id, days.from, days.to]
        )
        const span = `${days.from.slice(0, 10)} … ${days.to.slice(0, 10)} (exclusive)`
        out.push(check('rollup.day.payout', `Σ daily PoolRollup.payout vs Σ Payout.amount over the whole days ${span}`, 'range', d.l_amount, d.r_amount))
        out.push(check('rollup.day.toOwner', `Σ daily PoolRollup.toOwner vs Σ PoolReward.toOwner over the whole days ${span}`, 'range', d.l_owner, d.r_owner))
    }
    return out
}

async function accountChecks(q: Query, a: AuditArgs): Promise<ReconciliationCheck[]> {
    const id = a.subject.id
    const r = await one(
        q,
        `WITH owned AS (SELECT id, total_payout, total_owner_rewards FROM base_pool WHERE owner_id = $1),
              pay AS (SELECT coalesce(sum(amount), 0) AS amount FROM payout WHERE pool_id IN (SELECT id FROM owned) AND NOT dropped),
              rew AS (SELECT coalesce(sum(to_owner), 0) AS to_owner FROM pool_reward WHERE pool_id IN (SELECT id FROM owned)),
              mv AS (SELECT coalesce(sum(amount) FILTER (WHERE kind = 'Contribution'), 0) AS contributed,
                            coalesce(sum(amount) FILTER (WHERE kind = 'Withdrawal'), 0) AS withdrawn,
                            coalesce(sum(amount) FILTER (WHERE kind = 'OwnerRewardsWithdrawn'), 0) AS owner_withdrawn,
                            coalesce(sum(amount) FILTER (WHERE kind = 'StakerRewardsWithdrawn'), 0) AS staker_withdrawn
                     FROM stake_movement WHERE account_id = $1)
         SELECT (SELECT coalesce(sum(total_payout), 0)::text FROM owned) AS e_amount,
                (SELECT coalesce(sum(total_owner_rewards), 0)::text FROM owned) AS e_pool_owner,
                a.owner_rewards::text AS e_owner, a.owner_rewards_withdrawn::text AS e_owner_withdrawn,
                a.total_contributed::text AS e_contributed, a.total_withdrawn::text AS e_withdrawn,
                a.staker_rewards_withdrawn::text AS e_staker_withdrawn,
                pay.amount::text AS l_amount, rew.to_owner::text AS l_owner,
                mv.contributed::text AS l_contributed, mv.withdrawn::text AS l_withdrawn,
                mv.owner_withdrawn::text AS l_owner_withdrawn, mv.staker_withdrawn::text AS l_staker_withdrawn
         FROM pay, rew, mv LEFT JOIN account a ON a.id = $1`,
        [id]
    )
    const out = [
        check(
            'ownedPools.totalPayout',
            'Σ BasePool.totalPayout of the owned pools vs Σ Payout.amount of those pools (all time)',
            'lifetime',
            r.l_amount,
            r.e_amount
        ),
        check('account.ownerRewards', 'Account.ownerRewards (commission) vs Σ PoolReward.toOwner of the owned pools', 'lifetime', r.l_owner, r.e_owner ?? 0),
        check('ownedPools.totalOwnerRewards', 'Σ BasePool.totalOwnerRewards of the owned pools vs Σ PoolReward.toOwner', 'lifetime', r.l_owner, r.e_pool_owner),
        check(
            'account.ownerRewardsWithdrawn',
            'Account.ownerRewardsWithdrawn vs Σ OwnerRewardsWithdrawn movements',
            'lifetime',
            r.l_owner_withdrawn,
            r.e_owner_withdrawn ?? 0
        ),
        check('account.totalContributed', 'Account.totalContributed vs Σ Contribution movements', 'lifetime', r.l_contributed, r.e_contributed ?? 0),
        check('account.totalWithdrawn', 'Account.totalWithdrawn vs Σ Withdrawal movements', 'lifetime', r.l_withdrawn, r.e_withdrawn ?? 0),
        check(
            'account.stakerRewardsWithdrawn',
            'Account.stakerRewardsWithdrawn vs Σ StakerRewardsWithdrawn movements',
            'lifetime',
            r.l_staker_withdrawn,
            r.e_staker_withdrawn ?? 0
        ),
    ]
    const days = await closedDays(q, a.range)
    if (days) {
        const d = await one(
            q,
            `SELECT (SELECT coalesce(sum(owner_rewards), 0)::text FROM account_rollup
                      WHERE account_id = $1 AND period = 'Day' AND bucket_start >= $2 AND bucket_start < $3) AS rollup,
                    (SELECT coalesce(sum(to_owner - owner_dismissed), 0)::text FROM pool_reward
                      WHERE pool_id IN (SELECT id FROM base_pool WHERE owner_id = $1) AND timestamp >= $2 AND timestamp < $3) AS ledger`,
            [id, days.from, days.to]
        )
        out.push(
            check(
                'rollup.day.ownerRewards',
                `Σ daily AccountRollup.ownerRewards vs Σ PoolReward (toOwner − ownerDismissed) over the whole days ${days.from.slice(0, 10)} … ${days.to.slice(0, 10)} (exclusive)`,
                'range',
                d.ledger,
                d.rollup
            )
        )
    }
    return out
}

export async function reconcile(q: Query, a: AuditArgs): Promise<Reconciliation> {
    const [checks, invariant] = await Promise.all([
        a.subject.kind === 'worker' ? workerChecks(q, a) : a.subject.kind === 'pool' ? poolChecks(q, a) : accountChecks(q, a),
        settleRewardInvariant(q, a),
    ])
    const differences = checks.filter(c => !c.ok).length + invariant.mismatched + invariant.unpaired + invariant.rowMismatched
    return {checks, invariant, differences, ok: differences === 0}
}
