/**
 * Pool share arithmetic from exact integers.
 *
 * - share price = totalValue / totalShares, rendered exactly (truncated) to 18 decimals;
 * - a holding's value = floor(shares * totalValue / totalShares);
 * - a vault's cut of a stake pool reward, as the chain computes it (base_pool.rs distribute_reward) with
 *   its fixed-point conversions.
 */
import type {BigDecimal} from '@subsquid/big-decimal'
import {balanceMul, balanceToFixed, fixedDiv, fixedToBalance} from './balance'

/** BigDecimal columns hold exact decimal strings in memory; the column transformer stringifies either */
export function decimal(s: string): BigDecimal {
    return s as unknown as BigDecimal
}

export const PRICE_DECIMALS = 18
const PRICE_SCALE = 10n ** BigInt(PRICE_DECIMALS)

/** totalValue / totalShares truncated to 18 decimals; "1" for a pool without shares */
export function sharePrice(totalValue: bigint, totalShares: bigint): string {
    if (totalShares <= 0n) return '1'
    const q = (totalValue * PRICE_SCALE) / totalShares
    const int = q / PRICE_SCALE
    const frac = (q % PRICE_SCALE).toString().padStart(PRICE_DECIMALS, '0').replace(/0+$/, '')
    return frac ? `${int}.${frac}` : int.toString()
}

/** value of `shares` in a pool: floor(shares * totalValue / totalShares); 0 for a pool without shares */
export function shareValue(shares: bigint, totalValue: bigint, totalShares: bigint): bigint {
    if (totalShares <= 0n || shares <= 0n) return 0n
    return (shares * totalValue) / totalShares
}

/**
 * The reward a vault receives when a stake pool it holds `vaultShares` of (its NFT shares plus its queued
 * withdrawal shares) distributes `rewards`:
 *   stake_ratio = from_fixed(to_fixed(vaultShares) / to_fixed(totalShares))
 *   settled     = from_fixed(to_fixed(stake_ratio) * to_fixed(rewards))
 */
export function vaultRewardCut(vaultShares: bigint, totalShares: bigint, rewards: bigint): bigint {
    const ratioFixed = fixedDiv(balanceToFixed(vaultShares), balanceToFixed(totalShares))
    if (ratioFixed === undefined) return 0n
    const stakeRatio = fixedToBalance(ratioFixed)
    return balanceMul(stakeRatio, balanceToFixed(rewards))
}

export function minBig(a: bigint, b: bigint): bigint {
    return a < b ? a : b
}

export function maxBig(a: bigint, b: bigint): bigint {
    return a > b ? a : b
}
