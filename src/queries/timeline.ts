/**
 * workerTimeline: a worker's state intervals (from WorkerStateChange rows, window functions), time per
 * state and uptime, V after each settle, per-bucket V / P / share / stake from the worker rollups, payouts
 * per UTC day (ledger, dense), and the sessions it went through.
 *
 * Uptime = time WorkerIdle / time computing (WorkerIdle + WorkerUnresponsive) within the range. Intervals
 * end at the chain head at the latest (what comes after it is unknown).
 */
import {InputError} from './address'
import {checkBuckets, Granularity, TimeRange} from './params'
import {big, fixedToFloat} from './pha'
import {one, Query, toDate} from './sql'

export const MAX_INTERVALS = 10_000
export const MAX_SETTLE_POINTS = 10_000

export interface StateInterval {
    state: string | null
    start: Date
    end: Date
    durationMs: number
    sessionId: string | null
    poolId: string | null
    /** the event that began the interval (null when it began before the range) */
    event: string | null
    blockHeight: number | null
}

export interface StateTimes {
    readyMs: number
    idleMs: number
    unresponsiveMs: number
    coolingDownMs: number
    unboundMs: number
    computingMs: number
    /** idle / computing, percent; null when the worker did not compute in the range */
    uptimePercent: number | null
}

export interface TimelineIntervals {
    intervals: StateInterval[]
    truncated: boolean
    times: StateTimes
    /** the range actually covered: [from, min(to, chain head)) */
    coveredTo: Date
}

export async function workerExists(q: Query, worker: string): Promise<void> {
    const r = await one(q, `SELECT id FROM worker WHERE id = $1`, [worker])
    if (!r) throw new InputError('worker', `no worker ${worker} is known to the indexer`)
}

export async function stateIntervals(q: Query, worker: string, range: TimeRange): Promise<TimelineIntervals> {
    const rows = await q(
        `WITH head AS (SELECT least($3::timestamptz, coalesce((SELECT timestamp FROM network_state WHERE id = 'network'), $3::timestamptz)) AS t),
         before AS (
             SELECT $2::timestamptz AS ts, -1 AS block_height, -1 AS event_index, c.to_state, c.session_id, c.pool_id, NULL::text AS event, NULL::int AS h
             FROM worker_state_change c
             WHERE c.worker_id = $1 AND c.timestamp < $2
             ORDER BY c.timestamp DESC, c.block_height DESC, c.event_index DESC
             LIMIT 1
         ),
         seq AS (
             SELECT * FROM before
             UNION ALL
             SELECT c.timestamp, c.block_height, c.event_index, c.to_state, c.session_id, c.pool_id, c.event, c.block_height
             FROM worker_state_change c, head
             WHERE c.worker_id = $1 AND c.timestamp >= $2 AND c.timestamp < head.t
         ),
         iv AS (
             SELECT seq.ts AS start,
                    lead(seq.ts, 1, (SELECT t FROM head)) OVER (ORDER BY seq.ts, seq.block_height, seq.event_index) AS "end",
                    seq.to_state AS state,
                    CASE WHEN seq.to_state IS NULL THEN NULL ELSE seq.session_id END AS session_id,
                    CASE WHEN seq.to_state IS NULL THEN NULL ELSE seq.pool_id END AS pool_id,
                    seq.event, seq.h
             FROM seq
         ),
         kept AS (SELECT * FROM iv WHERE "end" > start),
         tot AS (
             SELECT coalesce(sum(extract(epoch FROM "end" - start) * 1000) FILTER (WHERE state = 'Ready'), 0)::float8 AS ready,
                    coalesce(sum(extract(epoch FROM "end" - start) * 1000) FILTER (WHERE state = 'WorkerIdle'), 0)::float8 AS idle,
                    coalesce(sum(extract(epoch FROM "end" - start) * 1000) FILTER (WHERE state = 'WorkerUnresponsive'), 0)::float8 AS unresponsive,
                    coalesce(sum(extract(epoch FROM "end" - start) * 1000) FILTER (WHERE state = 'WorkerCoolingDown'), 0)::float8 AS cooling,
                    coalesce(sum(extract(epoch FROM "end" - start) * 1000) FILTER (WHERE state IS NULL), 0)::float8 AS unbound,
                    count(*)::int AS n
             FROM kept
         )
         SELECT k.start, k."end", k.state, k.session_id, k.pool_id, k.event, k.h,
                (extract(epoch FROM k."end" - k.start) * 1000)::float8 AS ms,
                tot.ready, tot.idle, tot.unresponsive, tot.cooling, tot.unbound, tot.n, (SELECT t FROM head) AS head
         FROM tot LEFT JOIN LATERAL (SELECT * FROM kept ORDER BY start LIMIT ${MAX_INTERVALS}) k ON TRUE
         ORDER BY k.start`,
        [worker, range.from.toISOString(), range.to.toISOString()]
    )
    const first = rows[0]
    const idle = Number(first?.idle ?? 0)
    const unresponsive = Number(first?.unresponsive ?? 0)
    const computing = idle + unresponsive
    return {
        intervals: rows
            .filter((r: any) => r.start != null)
            .map((r: any) => ({
                state: r.state,
                start: toDate(r.start)!,
                end: toDate(r.end)!,
                durationMs: Math.round(Number(r.ms)),
                sessionId: r.session_id,
                poolId: r.pool_id,
                event: r.event,
                blockHeight: r.h,
            })),
        truncated: (first?.n ?? 0) > MAX_INTERVALS,
        times: {
            readyMs: Math.round(Number(first?.ready ?? 0)),
            idleMs: Math.round(idle),
            unresponsiveMs: Math.round(unresponsive),
            coolingDownMs: Math.round(Number(first?.cooling ?? 0)),
            unboundMs: Math.round(Number(first?.unbound ?? 0)),
            computingMs: Math.round(computing),
            uptimePercent: computing > 0 ? (idle / computing) * 100 : null,
        },
        coveredTo: toDate(first?.head) ?? range.to,
    }
}

export interface SettlePoint {
    timestamp: Date
    blockHeight: number
    sessionId: string
    vBits: bigint
    v: number
    payout: bigint
}

/** V after each settle (the chain's v_bits) in the range; at most MAX_SETTLE_POINTS */
export async function settlePoints(q: Query, worker: string, range: TimeRange): Promise<{points: SettlePoint[]; truncated: boolean}> {
    const rows = await q(
        `SELECT timestamp, block_height, session_id, v_bits::text AS v_bits, amount::text AS amount
         FROM payout WHERE worker_id = $1 AND timestamp >= $2 AND timestamp < $3 AND NOT dropped
         ORDER BY timestamp, block_height, event_index LIMIT ${MAX_SETTLE_POINTS + 1}`,
        [worker, range.from.toISOString(), range.to.toISOString()]
    )
    const truncated = rows.length > MAX_SETTLE_POINTS
    return {
        truncated,
        points: rows.slice(0, MAX_SETTLE_POINTS).map((r: any) => ({
            timestamp: toDate(r.timestamp)!,
            blockHeight: r.block_height,
            sessionId: r.session_id,
            vBits: big(r.v_bits),
            v: fixedToFloat(r.v_bits)!,
            payout: big(r.amount),
        })),
    }
}

export interface TimelineBucket {
    start: Date
    payout: bigint
    treasury: bigint
    settleCount: number
    readyMs: number
    idleMs: number
    unresponsiveMs: number
    coolingDownMs: number
    state: string | null
    sessionId: string | null
    poolId: string | null
    stake: bigint
    vBits: bigint
    v: number
    share: number
    pInstant: number | null
    apr: number | null
}

/** the worker's rollup rows (HOUR: hours with activity; DAY: every day it was bound) */
export async function rollupSeries(q: Query, worker: string, range: TimeRange, g: Granularity): Promise<TimelineBucket[]> {
    if (g === 'MONTH') throw new InputError('granularity', 'the worker series comes from hourly or daily rollups: use HOUR or DAY')
    checkBuckets(range, g)
    const rows = await q(
        `SELECT bucket_start, payout::text AS payout, treasury::text AS treasury, settle_count, ready_ms, idle_ms, unresponsive_ms,
                cooling_down_ms, state_at_close, session_id, pool_id, stake_at_close::text AS stake, v_at_close::text AS v,
                share_at_close::float8 AS share, p_instant_at_close, apr::float8 AS apr
         FROM worker_rollup
         WHERE worker_id = $1 AND period = $4 AND bucket_start >= date_trunc($5, $2::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
           AND bucket_start < $3
         ORDER BY bucket_start`,
        [worker, range.from.toISOString(), range.to.toISOString(), g === 'HOUR' ? 'Hour' : 'Day', g === 'HOUR' ? 'hour' : 'day']
    )
    return rows.map((r: any) => ({
        start: toDate(r.bucket_start)!,
        payout: big(r.payout),
        treasury: big(r.treasury),
        settleCount: r.settle_count,
        readyMs: r.ready_ms,
        idleMs: r.idle_ms,
        unresponsiveMs: r.unresponsive_ms,
        coolingDownMs: r.cooling_down_ms,
        state: r.state_at_close,
        sessionId: r.session_id,
        poolId: r.pool_id,
        stake: big(r.stake),
        vBits: big(r.v),
        v: fixedToFloat(r.v)!,
        share: Number(r.share),
        pInstant: r.p_instant_at_close,
        apr: r.apr == null ? null : Number(r.apr),
    }))
}

export interface DailyPayout {
    day: Date
    amount: bigint
    treasury: bigint
    settleCount: number
}

/** payouts per UTC day of the range, from the ledger; every day present */
export async function payoutsPerDay(q: Query, worker: string, range: TimeRange): Promise<DailyPayout[]> {
    checkBuckets(range, 'DAY', 'to')
    const rows = await q(
        `WITH d AS (
             SELECT generate_series(date_trunc('day', $2::timestamptz AT TIME ZONE 'UTC'),
                                    $3::timestamptz AT TIME ZONE 'UTC' - interval '1 microsecond', interval '1 day') AS day
         ), s AS (
             SELECT date_trunc('day', timestamp AT TIME ZONE 'UTC') AS day, sum(amount) AS amount, sum(treasury) AS treasury, count(*)::int AS n
             FROM payout WHERE worker_id = $1 AND timestamp >= $2 AND timestamp < $3 AND NOT dropped GROUP BY 1
         )
         SELECT d.day AT TIME ZONE 'UTC' AS day, coalesce(s.amount, 0)::text AS amount, coalesce(s.treasury, 0)::text AS treasury, coalesce(s.n, 0) AS n
         FROM d LEFT JOIN s ON s.day = d.day ORDER BY d.day`,
        [worker, range.from.toISOString(), range.to.toISOString()]
    )
    return rows.map((r: any) => ({day: toDate(r.day)!, amount: big(r.amount), treasury: big(r.treasury), settleCount: r.n}))
}

export interface TimelineSession {
    sessionId: string
    firstSeen: Date
    lastSeen: Date
    poolId: string | null
    state: string | null
    bound: boolean | null
    stake: bigint
    /** lifetime, from the Session entity */
    totalPayout: bigint
    settleCount: number
    /** in the range, from the ledger */
    payoutInRange: bigint
    settleCountInRange: number
}

/**
 * Every session the worker was bound to (state changes and payouts name it), oldest first. A session's first
 * and last event come from its state changes at the worker and its last payout there, found by one index
 * probe: a session's payouts at a worker fall in its tenures, which begin with a state change (binding), and
 * end at the next state change of another session. Payouts from before the worker's first state change
 * (indexing started later in its life) are read in full. So a long-lived worker costs a few index probes,
 * not a read of every payout it ever had.
 */
export async function workerSessions(q: Query, worker: string, range: TimeRange): Promise<TimelineSession[]> {
    const rows = await q(
        `WITH sc AS (
             SELECT session_id, timestamp, pool_id FROM worker_state_change WHERE worker_id = $1
         ), ses AS (
             SELECT session_id, min(timestamp) AS first_sc, max(timestamp) AS last_sc FROM sc GROUP BY session_id
         ), tenure AS (
             SELECT ses.*, (SELECT min(x.timestamp) FROM sc x WHERE x.timestamp >= ses.last_sc AND x.session_id <> ses.session_id) AS ended
             FROM ses
         ), ev AS (
             SELECT session_id, timestamp, pool_id FROM sc
             UNION ALL
             SELECT session_id, timestamp, pool_id FROM payout
             WHERE worker_id = $1 AND timestamp < coalesce((SELECT min(first_sc) FROM ses), 'infinity'::timestamptz)
             UNION ALL
             SELECT t.session_id, lp.timestamp, lp.pool_id FROM tenure t
             CROSS JOIN LATERAL (
                 SELECT p.timestamp, p.pool_id FROM payout p
                 WHERE p.worker_id = $1 AND p.session_id = t.session_id AND p.timestamp >= t.first_sc
                   AND p.timestamp <= coalesce(t.ended, 'infinity'::timestamptz)
                 ORDER BY p.timestamp DESC LIMIT 1
             ) lp
         ), agg AS (
             SELECT session_id, min(timestamp) AS first_seen, max(timestamp) AS last_seen,
                    (array_agg(pool_id ORDER BY timestamp DESC) FILTER (WHERE pool_id IS NOT NULL))[1] AS pool_id
             FROM ev GROUP BY session_id
         ), inr AS (
             SELECT session_id, sum(amount) AS amount, count(*)::int AS n
             FROM payout WHERE worker_id = $1 AND timestamp >= $2 AND timestamp < $3 AND NOT dropped GROUP BY session_id
         )
         SELECT agg.session_id, agg.first_seen, agg.last_seen, coalesce(s.pool_id, agg.pool_id) AS pool_id, s.state, s.bound,
                coalesce(s.stake, 0)::text AS stake, coalesce(s.total_payout, 0)::text AS total_payout, coalesce(s.settle_count, 0) AS settle_count,
                coalesce(inr.amount, 0)::text AS in_amount, coalesce(inr.n, 0) AS in_n
         FROM agg LEFT JOIN session s ON s.id = agg.session_id LEFT JOIN inr ON inr.session_id = agg.session_id
         ORDER BY agg.first_seen, agg.session_id`,
        [worker, range.from.toISOString(), range.to.toISOString()]
    )
    return rows.map((r: any) => ({
        sessionId: r.session_id,
        firstSeen: toDate(r.first_seen)!,
        lastSeen: toDate(r.last_seen)!,
        poolId: r.pool_id,
        state: r.bound === false ? null : r.state,
        bound: r.bound,
        stake: big(r.stake),
        totalPayout: big(r.total_payout),
        settleCount: r.settle_count,
        payoutInRange: big(r.in_amount),
        settleCountInRange: r.in_n,
    }))
}
