/**
 * APR as Phala's apps compute it (computation-squid):
 *   apr = aprMultiplier · budget_per_block · (1 − treasury_ratio) · year_ms / avg_block_time_ms / Σ idle shares
 * with a pool's aprMultiplier = pool_idle_shares · (1 − commission) / pool_total_value (PHA).
 * Floating point: analytics only, never money.
 */
import {PERMILL, PLANCKS_PER_PHA} from '../domain/fixed'
import {YEAR_MS} from '../domain/constants'

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
