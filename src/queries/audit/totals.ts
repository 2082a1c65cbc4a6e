/** Sums of the audit: closed rollups plus the ledger at the edges (src/queries/audit/subject.ts for the subject). */
import {DAY_MS, HOUR_MS, pgBucket} from '../params'
import {big} from '../pha'
import {one, Query, toDate} from '../sql'
import {AuditArgs, droppedSql, openBuckets, rangeParams, subjectSql} from './subject'
import type {Commission} from './commission'

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

export function segmentParams(s: Segments): string[] {
    return [s.h0, s.hEnd, s.d0, s.d1].map(t => new Date(t).toISOString())
}

/**
 * Rows (rolled: from a rollup, at: timestamp or bucket start, n, amount, treasury, to_owner, to_stakers,
 * dismissed) of the subject's payouts in [from, to): one scan of the ledger over both edges, one of the
 * rollups over the closed days and hours (an OR of disjoint ranges each: planned once, each table read
 * once). Parameters: $1 subject, $2 from, $3 to, $4 h0, $5 hEnd, $6 d0, $7 d1.
 */
function payoutSourceSql(a: AuditArgs): string {
    // a dropped settle is no payout (unless includeDropped), but its pool was paid for it all the same:
    // on_reward sees every SettleInfo (stake_pool_v2.rs / stakepool.rs), as the pool rollups count it
    const counted = droppedSql(a)
    const ledger = `SELECT false AS rolled, p.timestamp AS at, CASE WHEN ${counted} THEN 1 ELSE 0 END AS n,
                CASE WHEN ${counted} THEN p.amount ELSE 0 END AS amount, CASE WHEN ${counted} THEN p.treasury ELSE 0 END AS treasury,
                p.to_owner, p.to_stakers, p.dismissed
         FROM payout p
         WHERE ${subjectSql(a)} AND ${a.subject.kind === 'worker' ? 'p.timestamp >= $2 AND p.timestamp < $3' : EDGES_SQL('p.timestamp')}`
    if (a.subject.kind === 'worker') return ledger
    return `${ledger}
            UNION ALL
            SELECT true, r.bucket_start, r.settle_count, r.payout, r.treasury, r.to_owner, r.to_stakers, r.dismissed
            FROM pool_rollup r
            WHERE ${subjectSql(a, 'r')} AND ${ROLLED_SQL('r')}`
}

/** the ledger part of the range: [from, h0) ∪ [hEnd, to) */
export const EDGES_SQL = (col: string) => `((${col} >= $2 AND ${col} < $4) OR (${col} >= $5 AND ${col} < $3))`

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

/**
 * Rewarded / dropped counts, first and last payout. Pools and accounts: the rewarded count and the first and
 * last payout from the closed rollups plus the ledger at the edges (the segments of the amounts); dropped
 * settlements from the ledger, through the partial index of dropped payouts. Workers and includeDropped: the
 * ledger alone.
 */
export async function ledgerStats(q: Query, a: AuditArgs): Promise<LedgerStats> {
    const seg = await segments(q, a)
    if (seg.rollups) return rolledLedgerStats(q, a, seg)
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
    return ledgerStatsOf(r)
}

function ledgerStatsOf(r: any): LedgerStats {
    return {
        rewardedCount: r.rewarded,
        droppedCount: r.dropped_n,
        droppedAmount: big(r.dropped_amount),
        firstAt: toDate(r.first_at),
        lastAt: toDate(r.last_at),
    }
}

/** the rollup rows of the closed segments: daily [d0, d1), hourly [h0, d0) ∪ [d1, hEnd) */
export const ROLLED_SQL = (alias: string) => `((${alias}.period = 'Day' AND ${alias}.bucket_start >= $6 AND ${alias}.bucket_start < $7)
                OR (${alias}.period = 'Hour' AND ((${alias}.bucket_start >= $4 AND ${alias}.bucket_start < $6) OR (${alias}.bucket_start >= $7 AND ${alias}.bucket_start < $5))))`

async function rolledLedgerStats(q: Query, a: AuditArgs, seg: Segments): Promise<LedgerStats> {
    const r = await one(
        q,
        `WITH s AS (
             SELECT (count(*) FILTER (WHERE p.amount > 0))::int AS rewarded, min(p.timestamp) AS first_at, max(p.timestamp) AS last_at
             FROM payout p WHERE ${subjectSql(a)} AND ${EDGES_SQL('p.timestamp')} AND NOT p.dropped
             UNION ALL
             SELECT sum(r.rewarded_count)::int, min(r.first_payout_at), max(r.last_payout_at)
             FROM pool_rollup r WHERE ${subjectSql(a, 'r')} AND ${ROLLED_SQL('r')}
         ), d AS (
             SELECT count(*)::int AS n, coalesce(sum(p.amount), 0)::text AS amount
             FROM payout p WHERE ${subjectSql(a)} AND p.timestamp >= $2 AND p.timestamp < $3 AND p.dropped
         )
         SELECT coalesce(sum(s.rewarded), 0)::int AS rewarded, min(s.first_at) AS first_at, max(s.last_at) AS last_at,
                (SELECT n FROM d) AS dropped_n, (SELECT amount FROM d) AS dropped_amount
         FROM s`,
        [...rangeParams(a), ...segmentParams(seg)]
    )
    return ledgerStatsOf(r)
}
