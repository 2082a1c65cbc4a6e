/**
 * poolLeaderboard: pools ranked by APR, total value, rewards in a window, or workers, in one SQL statement.
 *
 * APR is the formula of Phala's apps (computation-squid, src/domain/apr.ts), evaluated on the current state:
 *   per_share = budget_per_block (PHA) · (1 − treasury_ratio) · year_ms / avg_block_time_ms / Σ idle shares
 *   stake pool: apr_multiplier = pool idle shares · (1 − commission) / pool total value (PHA)
 *   vault:      apr_multiplier = Σ over its stake-pool delegations (value · pool apr_multiplier) / vault total
 *               value · (1 − vault commission), a delegation's value = shares · share price
 *   apr = apr_multiplier · per_share
 * Rewards in a window: the pool's payouts over the last `window` hours up to the chain head, aligned to the
 * hour (closed hourly PoolRollup rows plus the open hour's Payout / PoolReward rows).
 */
import {aprPerShareSql, PERMILL_SQL, PLANCKS_PER_PHA_SQL, stakePoolMultiplierSql} from '../domain/apr'
import {InputError} from './address'
import {DAY_MS, HOUR_MS} from './params'
import {big} from './pha'
import {Query, toDate} from './sql'

export type LeaderboardOrder = 'APR' | 'TOTAL_VALUE' | 'REWARDS' | 'WORKERS'
export const LEADERBOARD_ORDERS: LeaderboardOrder[] = ['APR', 'TOTAL_VALUE', 'REWARDS', 'WORKERS']

export type LeaderboardWindow = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'ALL'
export const LEADERBOARD_WINDOWS: LeaderboardWindow[] = ['HOUR', 'DAY', 'WEEK', 'MONTH', 'ALL']

export function windowHours(w: LeaderboardWindow): number | null {
    switch (w) {
        case 'HOUR':
            return 1
        case 'DAY':
            return 24
        case 'WEEK':
            return 24 * 7
        case 'MONTH':
            return 24 * 30
        case 'ALL':
            return null
    }
}

export function parseOrder(input: string | null | undefined): LeaderboardOrder {
    if (input == null) return 'APR'
    const s = String(input).trim().toUpperCase()
    if ((LEADERBOARD_ORDERS as string[]).includes(s)) return s as LeaderboardOrder
    throw new InputError('orderBy', `unknown order ${JSON.stringify(input)} (use one of ${LEADERBOARD_ORDERS.join(', ')})`)
}

export function parseWindow(input: string | null | undefined): LeaderboardWindow {
    if (input == null) return 'DAY'
    const s = String(input).trim().toUpperCase()
    if ((LEADERBOARD_WINDOWS as string[]).includes(s)) return s as LeaderboardWindow
    throw new InputError('window', `unknown window ${JSON.stringify(input)} (use one of ${LEADERBOARD_WINDOWS.join(', ')})`)
}

export interface LeaderboardEntry {
    rank: number
    pid: string
    kind: string
    ownerId: string
    commission: number
    apr: number | null
    aprMultiplier: number | null
    storedApr: number | null
    totalValue: bigint
    totalShares: bigint
    sharePrice: string
    freeValue: bigint
    delegatorCount: number
    workerCount: number
    idleWorkers: number
    unresponsiveWorkers: number
    readyWorkers: number
    coolingDownWorkers: number
    idleShare: number
    rewards: bigint
    ownerRewards: bigint
    stakerRewards: bigint
    settleCount: number
}

export interface Leaderboard {
    at: Date | null
    height: number
    windowStart: Date | null
    aprPerShare: number | null
    entries: LeaderboardEntry[]
}

/** the official APR inputs of the network row, as SQL (one row: per_share) */
export const PER_SHARE_SQL = `
    SELECT n.height, n.timestamp, n.hour_bucket_start, n.hour_bucket_height, n.day_bucket_start,
           ${aprPerShareSql('n')} AS per_share
    FROM network_state n WHERE n.id = 'network'`

/** apr_multiplier of every pool (stake pools first, then vaults over their delegations), as a CTE body */
export const MULTIPLIER_CTES = `
    sp AS (
        SELECT bp.id, ${stakePoolMultiplierSql('bp')} AS mult
        FROM base_pool bp WHERE bp.kind <> 'Vault'
    ),
    vm AS (
        SELECT v.id,
               CASE WHEN v.total_value > 0
                    THEN coalesce(sum(CASE WHEN p.total_shares > 0 THEN d.shares * p.total_value / p.total_shares ELSE 0 END / ${PLANCKS_PER_PHA_SQL} * sp.mult), 0)
                         / (v.total_value / ${PLANCKS_PER_PHA_SQL}) * (1 - v.commission / ${PERMILL_SQL})
                    ELSE 0 END AS mult
        FROM base_pool v
        LEFT JOIN delegation d ON d.account_id = v.pool_account_id AND d.pool_kind <> 'Vault'
        LEFT JOIN base_pool p ON p.id = d.pool_id
        LEFT JOIN sp ON sp.id = d.pool_id
        WHERE v.kind = 'Vault'
        GROUP BY v.id, v.total_value, v.commission
    ),
    mult AS (SELECT id, mult FROM sp UNION ALL SELECT id, mult FROM vm)`

export async function poolLeaderboard(q: Query, order: LeaderboardOrder, window: LeaderboardWindow, limit: number, kind: string | null): Promise<Leaderboard> {
    const netRows = await q(PER_SHARE_SQL)
    const net = netRows[0]
    if (!net) throw new InputError('poolLeaderboard', 'nothing is indexed yet')
    const hours = windowHours(window)
    const openHour = toDate(net.hour_bucket_start)
    const windowStart = hours == null || openHour == null ? null : new Date(openHour.getTime() - (hours - 1) * HOUR_MS)
    const orderSql = {
        APR: 'apr DESC NULLS LAST, total_value DESC, pid',
        TOTAL_VALUE: 'total_value DESC, pid',
        REWARDS: 'rewards DESC, total_value DESC, pid',
        WORKERS: 'worker_count DESC, total_value DESC, pid',
    }[order]
    const rewardsSql =
        windowStart == null
            ? `SELECT bp.id AS pool_id, bp.total_payout AS rewards, bp.total_owner_rewards AS to_owner, bp.total_staker_rewards AS to_stakers,
                      bp.settle_count AS settles FROM base_pool bp`
            : `SELECT pool_id, sum(payout) AS rewards, sum(to_owner) AS to_owner, sum(to_stakers) AS to_stakers, sum(settles) AS settles FROM (
                   -- closed days from the daily rows ($4 … $5), the hours around them from the hourly ones: a
                   -- month is ~30 rows per pool instead of ~720 (a day row holds the sums of its hours)
                   -- (three plain ranges of the (period, bucket_start) index: an OR of them was planned as a scan of the table)
                   SELECT pool_id, payout, to_owner, to_stakers, settle_count AS settles FROM pool_rollup
                   WHERE period = 'Day' AND bucket_start >= $4 AND bucket_start < $5
                   UNION ALL
                   SELECT pool_id, payout, to_owner, to_stakers, settle_count FROM pool_rollup
                   WHERE period = 'Hour' AND bucket_start >= $1 AND bucket_start < $4
                   UNION ALL
                   SELECT pool_id, payout, to_owner, to_stakers, settle_count FROM pool_rollup
                   WHERE period = 'Hour' AND bucket_start >= $5 AND bucket_start < $2
                   UNION ALL
                   -- a dropped settle pays no payout but its pool's reward (on_reward sees every SettleInfo)
                   SELECT pool_id, CASE WHEN dropped THEN 0 ELSE amount END, to_owner, to_stakers, CASE WHEN dropped THEN 0 ELSE 1 END FROM payout
                   WHERE block_height >= $3 AND pool_id IS NOT NULL
               ) x GROUP BY pool_id`
    const params: unknown[] = []
    if (windowStart != null) {
        // whole closed UTC days inside [windowStart, openHour): [d0, d1), or an empty range at windowStart
        const start = windowStart.getTime()
        const end = openHour!.getTime()
        const openDay = toDate(net.day_bucket_start)?.getTime() ?? end
        let d0 = Math.ceil(start / DAY_MS) * DAY_MS
        let d1 = Math.min(Math.floor(end / DAY_MS) * DAY_MS, openDay)
        if (!(d0 < d1)) d0 = d1 = start
        params.push(windowStart.toISOString(), openHour!.toISOString(), net.hour_bucket_height ?? 0, new Date(d0).toISOString(), new Date(d1).toISOString())
    }
    const kindParam = params.length + 1
    params.push(kind)
    const limitParam = params.length + 1
    params.push(limit)
    const rows = await q(
        `WITH ${MULTIPLIER_CTES},
         rw AS (${rewardsSql}),
         base AS (
             SELECT bp.id, bp.pid, bp.kind, bp.owner_id, bp.commission, bp.total_value, bp.total_shares, bp.share_price, bp.free_value,
                    bp.delegator_count, bp.worker_count, bp.idle_share, bp.apr AS stored_apr,
                    m.mult, m.mult * $${kindParam + 2}::numeric AS apr,
                    coalesce(rw.rewards, 0) AS rewards, coalesce(rw.to_owner, 0) AS to_owner, coalesce(rw.to_stakers, 0) AS to_stakers,
                    coalesce(rw.settles, 0) AS settles
             FROM base_pool bp JOIN mult m ON m.id = bp.id LEFT JOIN rw ON rw.pool_id = bp.id
             WHERE ($${kindParam}::text IS NULL OR bp.kind = $${kindParam})
         ),
         ranked AS (
             SELECT base.*, row_number() OVER (ORDER BY ${orderSql}) AS rank FROM base
             ORDER BY rank LIMIT $${limitParam}
         )
         SELECT r.id, r.pid::text AS pid, r.kind, r.owner_id, r.commission, r.total_value::text AS total_value,
                r.total_shares::text AS total_shares, r.share_price::text AS share_price, r.free_value::text AS free_value,
                r.delegator_count, r.worker_count, r.idle_share::float8 AS idle_share, r.stored_apr::float8 AS stored_apr,
                r.mult::float8 AS mult, r.apr::float8 AS apr,
                r.rewards::text AS rewards, r.to_owner::text AS to_owner, r.to_stakers::text AS to_stakers, r.settles::int AS settles,
                w.idle, w.unresponsive, w.ready, w.cooling
         FROM ranked r
         LEFT JOIN LATERAL (
             SELECT count(*) FILTER (WHERE state = 'WorkerIdle')::int AS idle,
                    count(*) FILTER (WHERE state = 'WorkerUnresponsive')::int AS unresponsive,
                    count(*) FILTER (WHERE state = 'Ready')::int AS ready,
                    count(*) FILTER (WHERE state = 'WorkerCoolingDown')::int AS cooling
             FROM worker WHERE pool_id = r.id
         ) w ON TRUE
         ORDER BY r.rank`,
        [...params, net.per_share]
    )
    const perShare = net.per_share == null ? null : Number(net.per_share)
    return {
        at: toDate(net.timestamp),
        height: net.height,
        windowStart,
        aprPerShare: perShare,
        entries: rows.map((r: any, i: number) => ({
            rank: i + 1,
            pid: r.pid,
            kind: r.kind,
            ownerId: r.owner_id,
            commission: r.commission,
            apr: r.apr == null ? null : Number(r.apr),
            aprMultiplier: r.mult == null ? null : Number(r.mult),
            storedApr: r.stored_apr == null ? null : Number(r.stored_apr),
            totalValue: big(r.total_value),
            totalShares: big(r.total_shares),
            sharePrice: r.share_price,
            freeValue: big(r.free_value),
            delegatorCount: r.delegator_count,
            workerCount: r.worker_count,
            idleWorkers: r.idle ?? 0,
            unresponsiveWorkers: r.unresponsive ?? 0,
            readyWorkers: r.ready ?? 0,
            coolingDownWorkers: r.cooling ?? 0,
            idleShare: Number(r.idle_share),
            rewards: big(r.rewards),
            ownerRewards: big(r.to_owner),
            stakerRewards: big(r.to_stakers),
            settleCount: r.settles,
        })),
    }
}
