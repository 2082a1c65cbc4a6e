/**
 * Khala's budget_per_block over time, reconstructed from the pallet and runtime history (docs/tokenomics.md
 * has the table and every source):
 *
 * 1. Gemini upgrade (Khala block 1,467,070, 2022-04-08): mining.rs `migrations::enable_phala_tokenomic`
 *    schedules the Gemini parameters (budget 187.8783 PHA/block, `geminiParams`) and sets the halving
 *    schedule: MiningStartBlock = the upgrade block, MiningHalvingInterval = 1,296,000 blocks (180 days of 12 s).
 * 2. Block halvings (mining.rs, then computation.rs until phala-blockchain c2558939c): on_finalize of block n
 *    multiplies the budget by fp!(0.75) when (n − start) mod interval = interval − 1. The first came at block
 *    2,763,069 (2022-11-21): 140.908725 PHA/block. The runtime that carried c2558939c ("Phat contract budget
 *    adjustment", 2023-04) dropped the block halving before its second turn (block 4,059,069).
 * 3. Budget balancer (from 2023-06-12): a Phat contract sends `set_budget_per_block` once a day (nonce = day
 *    index), emitting BudgetUpdated. Each chain gets its share of a common daily budget of 720,000 PHA ×
 *    0.75^index, the index stepping every 180 days from 2023-06-12, over the blocks it produced that day,
 *    capped at the daily budget / 2,400.
 */
import {ONE_FIXED, fixedDiv, fixedFromDecimal, fixedFromInt, fixedMul} from './fixed'
import {geminiParams} from './tokenomics'

/** the block of the Gemini upgrade's migration: MiningStartBlock (the first halving, 1,295,999 blocks on, is 2,763,069) */
export const KHALA_GEMINI_START_BLOCK = 1_467_070
/** MiningHalvingInterval set by the Gemini migration: 180 days of 12 s blocks */
export const KHALA_HALVING_INTERVAL = 1_296_000
/** the block halving ratio, `fp!(0.75)` in `trigger_subsidy_halving` */
export const HALVING_RATIO = fixedFromDecimal('0.75')

/** mining.rs / computation.rs on_finalize: does block n halve the budget? */
export function isHalvingBlock(n: number, startBlock: number, interval: number): boolean {
    if (interval <= 0 || n < startBlock) return false
    return (n - startBlock) % interval === interval - 1
}

/** the k-th block halving's block (k ≥ 1) under the Gemini schedule */
export function khalaHalvingBlock(k: number): number {
    return KHALA_GEMINI_START_BLOCK + k * KHALA_HALVING_INTERVAL - 1
}

/** budget_per_block (bits) after `halvings` block halvings of the Gemini budget (`trigger_subsidy_halving`) */
export function geminiBudgetAfter(halvings: number): bigint {
    let b = geminiParams().budget_per_block
    for (let i = 0; i < halvings; i++) b = fixedMul(b, HALVING_RATIO)
    return b
}

/** the budget balancer's constants: 500 PHA a minute (720,000 a day), halving every 180 days from 2023-06-12 */
export const BALANCER_DAILY_BUDGET = 720_000
export const BALANCER_HALVING_START = Date.parse('2023-06-12T00:00:00Z') / 1000
export const BALANCER_HALVING_PERIOD = 180 * 24 * 3600
/** the balancer's cap: the daily budget over 2,400 blocks (a chain never gets more than 3 × a 12 s day's share) */
export const BALANCER_CAP_DIVISOR = 2_400

/** the halving index at a UNIX time: 1 + ceil((t − 2023-06-12) / 180 days) */
export function balancerHalvingIndex(unixSec: number): number {
    return 1 + Math.ceil((unixSec - BALANCER_HALVING_START) / BALANCER_HALVING_PERIOD)
}

/** x^n in U64F64 by repeated squaring, each product floored (the balancer's `pow`) */
export function fixedPow(x: bigint, n: number): bigint {
    let z = ONE_FIXED
    let x2 = x
    for (let i = n; i > 0; i = Math.floor(i / 2)) {
        if (i % 2 === 1) z = fixedMul(z, x2)
        x2 = fixedMul(x2, x2)
    }
    return z
}

/**
 * One chain's budget_per_block (bits) as the balancer computes it for a day: shares / totalShares / blocks ·
 * daily budget · 0.75^index, capped at daily budget · 0.75^index / 2,400. Shares are U64F64 bits.
 */
export function balancerBudget(unixSec: number, shares: bigint, totalShares: bigint, blocksInDay: number): bigint {
    const total = fixedMul(fixedFromInt(BALANCER_DAILY_BUDGET), fixedPow(HALVING_RATIO, balancerHalvingIndex(unixSec)))
    const max = fixedDiv(total, fixedFromInt(BALANCER_CAP_DIVISOR))
    const b = fixedMul(fixedDiv(fixedDiv(shares, totalShares), fixedFromInt(blocksInDay)), total)
    return b < max ? b : max
}
