/**
 * Tokenomics over time: the v1 budget halving (on_finalize), the v2 budget balancer's BudgetUpdated,
 * governance parameter changes and the cool-down period, each with its storage write.
 */
import {type Core} from './core'
import {HALVING_RATIO, isHalvingBlock} from './timeline'
import {type TokenomicParams, growthParams, mulFixed} from './tokenomics'
import {tokenomicWrite, coolDownWrite} from './storage'

/** v1 on_finalize (mining.rs): the halving rule with MiningStartBlock = 1, so blocks hp, 2·hp, … halve */
export function finalize(e: Core): void {
    if (e.v1 && isHalvingBlock(e.block, 1, e.cfg.halvingPeriodBlocks)) halve(e)
}

export function halve(e: Core): void {
    // budget × fp!(0.75), floored (mining.rs / computation.rs `trigger_subsidy_halving`)
    e.params.budget_per_block = mulFixed(e.params.budget_per_block, HALVING_RATIO)
    e.g = growthParams(e.params)
    e.emit(e.computationPallet(), 'SubsidyBudgetHalved', {})
    tokenomicsChanged(e)
    e.truth.tokenomics.halvings++
}

/** v2: the budget balancer sets a new budget per block (U64F64 bits) */
export function updateBudget(e: Core, budgetBits: bigint): boolean {
    if (e.v1) return false
    e.budgetNonce++
    e.params.budget_per_block = budgetBits
    e.g = growthParams(e.params)
    e.emit('PhalaComputation', 'BudgetUpdated', {nonce: e.budgetNonce, budget: budgetBits})
    tokenomicsChanged(e)
    e.truth.tokenomics.budgetUpdates++
    return true
}

/** governance changes a parameter (applied at once, emitted with the storage write) */
export function setParams(e: Core, p: Partial<TokenomicParams>): void {
    Object.assign(e.params, p)
    e.g = growthParams(e.params)
    tokenomicsChanged(e)
}

export function tokenomicsChanged(e: Core): void {
    e.emit(e.computationPallet(), 'TokenomicParametersChanged', {})
    e.storage.push(tokenomicWrite(e))
}

export function setCoolDown(e: Core, secs: number): void {
    e.coolDownSecs = secs
    e.emit(e.computationPallet(), 'CoolDownExpirationChanged', {period: BigInt(secs)})
    e.storage.push(coolDownWrite(e))
    e.truth.tokenomics.coolDownPeriodSecs = secs
}
