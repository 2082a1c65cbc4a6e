/**
 * APR as Phala's apps compute it (computation-squid):
 *   apr = aprMultiplier · budget_per_block · (1 − treasury_ratio) · year_ms / avg_block_time_ms / Σ idle shares
 * with a pool's aprMultiplier = pool_idle_shares · (1 − commission) / pool_total_value (PHA).
 * Floating point: analytics only, never money.
 *
 * The one definition, in two languages: the functions below (the indexer's rollups and BasePool.apr) and
 * their SQL forms (aprPerShareSql, stakePoolMultiplierSql: the API's leaderboard and network statistics,
 * src/queries/leaderboard.ts), built from the same constants. test/queries/apr.test.ts evaluates both on
 * the rows of an indexed database and finds them equal.
 */
import {YEAR_MS} from './constants'
import {PERMILL, PLANCKS_PER_PHA} from './fixed'

export function plancksToFloat(p: bigint): number {
    return Number(p) / Number(PLANCKS_PER_PHA)
}

/** yearly PHA reward per unit of idle share: budget · (1 − r) · year / block time / Σshares */
export function aprPerShare(
    budgetPerBlockPha: number | null | undefined,
    treasuryRatio: number | null | undefined,
    avgBlockTimeMs: number | null | undefined,
    idleShareTotal: number
): number | null {
    if (budgetPerBlockPha == null || treasuryRatio == null || !avgBlockTimeMs || !(idleShareTotal > 0)) return null
    return (budgetPerBlockPha * (1 - treasuryRatio) * YEAR_MS) / avgBlockTimeMs / idleShareTotal
}

export function poolApr(perShare: number | null, poolIdleShare: number, commissionPpm: number, totalValuePlancks: bigint): number | null {
    if (perShare == null || totalValuePlancks <= 0n) return null
    const multiplier = (poolIdleShare * (1 - commissionPpm / PERMILL)) / plancksToFloat(totalValuePlancks)
    return multiplier * perShare
}

/** realized: payout over stake, annualized over the bucket length */
export function realizedApr(payout: bigint, stake: bigint, bucketMs: number): number | null {
    if (stake <= 0n || bucketMs <= 0) return null
    return (Number(payout) / Number(stake)) * (YEAR_MS / bucketMs)
}

// ------------------------------------------------------------------ the same, in SQL

/**
 * PLANCKS_PER_PHA and PERMILL as PostgreSQL numeric literals (an integer literal would make
 * `commission / 1000000` an integer division)
 */
export const PLANCKS_PER_PHA_SQL = '1e12'
export const PERMILL_SQL = '1e6'
if (Number(PLANCKS_PER_PHA_SQL) !== Number(PLANCKS_PER_PHA) || Number(PERMILL_SQL) !== PERMILL) {
    throw new Error('src/domain/apr.ts: the SQL constants differ from src/domain/fixed.ts')
}

/**
 * aprPerShare over a network_state row aliased `n` (budget_per_block in plancks): NULL where the function
 * gives null
 */
export function aprPerShareSql(n: string): string {
    return `CASE WHEN ${n}.idle_share > 0 AND ${n}.avg_block_time_ms > 0 AND ${n}.budget_per_block IS NOT NULL AND ${n}.treasury_ratio IS NOT NULL
                THEN (${n}.budget_per_block / ${PLANCKS_PER_PHA_SQL}) * (1 - ${n}.treasury_ratio) * ${YEAR_MS} / ${n}.avg_block_time_ms / ${n}.idle_share
           END`
}

/**
 * A stake pool's aprMultiplier over a base_pool row aliased `bp` (poolApr = multiplier · perShare); 0, not
 * NULL, for a pool without value (where poolApr gives null), so that a vault's sum over its delegations
 * counts such a pool as earning nothing
 */
export function stakePoolMultiplierSql(bp: string): string {
    return `CASE WHEN ${bp}.total_value > 0 THEN ${bp}.idle_share * (1 - ${bp}.commission / ${PERMILL_SQL}) / (${bp}.total_value / ${PLANCKS_PER_PHA_SQL}) ELSE 0 END`
}
