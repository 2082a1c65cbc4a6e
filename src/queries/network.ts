/**
 * networkStats: the network now (current-state tables) or at a past time (rollups).
 *
 * Now: NetworkState (workers by state, Σ idle shares, budget, emission), sessions (stake locked), pools
 * (value: stake pools only, vaults apart, since a vault's value is itself invested in stake pools),
 * delegations (distinct delegating accounts), and the average APR: the stake-pool-value-weighted mean of
 * the official pool APR.
 * At a past time `at`: network figures from the last hourly NetworkRollup that closed at or before `at`,
 * pool / delegator / stake figures from the last daily rollups that closed at or before `at`.
 */
import {InputError} from './address'
import {MULTIPLIER_CTES, PER_SHARE_SQL} from './leaderboard'
import {big} from './pha'
import {one, Query, toDate} from './sql'

const FIRST_REAL_TIME = '1971-01-01T00:00:00Z'

export interface NetworkStats {
    /** "live" (current state) or "rollup" */
    source: string
    /** time the network figures refer to: the chain head, or the close of the hourly rollup used */
    asOf: Date | null
    /** close of the daily rollups used for pools, delegators and stake (at a past time) */
    poolsAsOf: Date | null
    height: number | null
    workers: number
    ready: number
    idle: number
    unresponsive: number
    coolingDown: number
    idleShare: number
    budgetPerBlock: bigint | null
    treasuryRatio: number | null
    avgBlockTimeMs: number | null
    aprPerShare: number | null
    averageApr: number | null
    totalStake: bigint
    stakePoolValue: bigint
    vaultValue: bigint
    pools: number
    delegators: number
    delegations: number
    emitted: bigint
    emittedPayout: bigint | null
    emittedTreasury: bigint | null
    emissionCap: bigint
    emissionRemaining: bigint
}

export async function liveNetworkStats(q: Query): Promise<NetworkStats> {
    const r = await one(
        q,
        `WITH per AS (${PER_SHARE_SQL}), ${MULTIPLIER_CTES},
         avg AS (
             SELECT CASE WHEN sum(bp.total_value) > 0 THEN sum(bp.total_value * sp.mult) / sum(bp.total_value) END AS mult
             FROM base_pool bp JOIN sp ON sp.id = bp.id
         )
         SELECT n.height, n.timestamp, n.worker_count, n.ready_count, n.idle_count, n.unresponsive_count, n.cooling_down_count,
                n.idle_share::float8 AS idle_share, n.budget_per_block::text AS budget, n.treasury_ratio::float8 AS treasury_ratio,
                n.avg_block_time_ms::float8 AS block_ms, per.per_share::float8 AS per_share,
                (avg.mult * per.per_share)::float8 AS avg_apr,
                n.emitted_total::text AS emitted, n.emitted_payout::text AS emitted_payout, n.emitted_treasury::text AS emitted_treasury,
                n.emission_cap::text AS cap, n.emission_remaining::text AS remaining,
                (SELECT coalesce(sum(stake), 0)::text FROM session WHERE stake > 0) AS stake,
                (SELECT coalesce(sum(total_value) FILTER (WHERE kind <> 'Vault'), 0)::text FROM base_pool) AS sp_value,
                (SELECT coalesce(sum(total_value) FILTER (WHERE kind = 'Vault'), 0)::text FROM base_pool) AS vault_value,
                (SELECT count(*)::int FROM base_pool) AS pools,
                -- as the counters on the entities and the daily rollups of a past \`at\` count them: shares not queued
                (SELECT count(DISTINCT account_id)::int FROM delegation WHERE shares > 0) AS delegators,
                (SELECT count(*)::int FROM delegation WHERE shares > 0) AS delegations
         FROM network_state n, per, avg WHERE n.id = 'network'`
    )
    if (!r) throw new InputError('networkStats', 'nothing is indexed yet')
    return {
        source: 'live',
        asOf: toDate(r.timestamp),
        poolsAsOf: toDate(r.timestamp),
        height: r.height,
        workers: r.worker_count,
        ready: r.ready_count,
        idle: r.idle_count,
        unresponsive: r.unresponsive_count,
        coolingDown: r.cooling_down_count,
        idleShare: Number(r.idle_share),
        budgetPerBlock: r.budget == null ? null : big(r.budget),
        treasuryRatio: r.treasury_ratio,
        avgBlockTimeMs: r.block_ms,
        aprPerShare: r.per_share,
        averageApr: r.avg_apr,
        totalStake: big(r.stake),
        stakePoolValue: big(r.sp_value),
        vaultValue: big(r.vault_value),
        pools: r.pools,
        delegators: r.delegators,
        delegations: r.delegations,
        emitted: big(r.emitted),
        emittedPayout: big(r.emitted_payout),
        emittedTreasury: big(r.emitted_treasury),
        emissionCap: big(r.cap),
        emissionRemaining: big(r.remaining),
    }
}

/** the network as of `at`, from the rollups that closed at or before it; live when `at` is at or after the head */
export async function networkStatsAt(q: Query, at: Date): Promise<NetworkStats> {
    const head = await one(q, `SELECT timestamp FROM network_state WHERE id = 'network'`)
    if (!head) throw new InputError('networkStats', 'nothing is indexed yet')
    if (head.timestamp != null && at.getTime() >= toDate(head.timestamp)!.getTime()) return liveNetworkStats(q)
    const r = await one(
        q,
        // the day row carries the day's close (pools, delegators, stake: src/rollup/close.ts dayAtClose); the
        // payouts and treasury emitted so far are the closed days before the hour's day plus that day's hours
        `WITH h AS (
             SELECT * FROM network_rollup
             WHERE period = 'Hour' AND bucket_start >= $2 AND bucket_start + interval '1 hour' <= $1
             ORDER BY bucket_start DESC LIMIT 1
         ), d AS (
             SELECT * FROM network_rollup
             WHERE period = 'Day' AND bucket_start >= $2 AND bucket_start + interval '1 day' <= $1
             ORDER BY bucket_start DESC LIMIT 1
         ), e AS (
             SELECT (SELECT coalesce(sum(x.payout), 0) FROM network_rollup x
                      WHERE x.period = 'Day' AND x.bucket_start < date_trunc('day', h.bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
                  + (SELECT coalesce(sum(x.payout), 0) FROM network_rollup x
                      WHERE x.period = 'Hour' AND x.bucket_start >= date_trunc('day', h.bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                        AND x.bucket_start <= h.bucket_start) AS payout,
                    (SELECT coalesce(sum(x.treasury), 0) FROM network_rollup x
                      WHERE x.period = 'Day' AND x.bucket_start < date_trunc('day', h.bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
                  + (SELECT coalesce(sum(x.treasury), 0) FROM network_rollup x
                      WHERE x.period = 'Hour' AND x.bucket_start >= date_trunc('day', h.bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                        AND x.bucket_start <= h.bucket_start) AS treasury
             FROM h
         )
         SELECT h.bucket_start AS hour, (h.bucket_start + interval '1 hour') AS as_of, h.first_height, h.blocks,
                h.worker_count_at_close, h.ready_count_at_close, h.idle_count_at_close, h.unresponsive_count_at_close,
                h.cooling_down_count_at_close, h.idle_share_at_close::float8 AS idle_share, h.budget_per_block_at_close::text AS budget,
                h.treasury_ratio_at_close::float8 AS treasury_ratio, h.avg_block_time_ms::float8 AS block_ms,
                h.apr_per_share::float8 AS per_share, h.emitted_cumulative::text AS emitted, h.emission_remaining::text AS remaining,
                e.payout::text AS emitted_payout, e.treasury::text AS emitted_treasury,
                (d.bucket_start + interval '1 day') AS pools_as_of,
                coalesce(d.stake_pool_value_at_close, 0)::text AS sp_value, coalesce(d.vault_value_at_close, 0)::text AS vault_value,
                d.pool_count_at_close AS pools, d.average_apr_at_close::float8 AS avg_apr,
                d.delegator_count_at_close AS delegators, d.delegation_count_at_close AS delegations,
                coalesce(d.stake_at_close, 0)::text AS stake
         FROM h CROSS JOIN e LEFT JOIN d ON TRUE`,
        [at.toISOString(), FIRST_REAL_TIME]
    )
    if (!r) throw new InputError('at', `no hourly rollup closes at or before ${at.toISOString()} (the indexed history starts later)`)
    const cap = big(r.emitted) + big(r.remaining)
    return {
        source: 'rollup',
        asOf: toDate(r.as_of),
        poolsAsOf: r.pools_as_of == null ? null : toDate(r.pools_as_of),
        height: r.first_height == null ? null : r.first_height + r.blocks - 1,
        workers: r.worker_count_at_close,
        ready: r.ready_count_at_close,
        idle: r.idle_count_at_close,
        unresponsive: r.unresponsive_count_at_close,
        coolingDown: r.cooling_down_count_at_close,
        idleShare: Number(r.idle_share),
        budgetPerBlock: r.budget == null ? null : big(r.budget),
        treasuryRatio: r.treasury_ratio,
        avgBlockTimeMs: r.block_ms,
        aprPerShare: r.per_share,
        averageApr: r.pools_as_of == null ? null : r.avg_apr,
        totalStake: big(r.stake),
        stakePoolValue: big(r.sp_value),
        vaultValue: big(r.vault_value),
        pools: r.pools ?? 0,
        delegators: r.delegators ?? 0,
        delegations: r.delegations ?? 0,
        emitted: big(r.emitted),
        emittedPayout: big(r.emitted_payout),
        emittedTreasury: big(r.emitted_treasury),
        emissionCap: cap,
        emissionRemaining: big(r.remaining),
    }
}
