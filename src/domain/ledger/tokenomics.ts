/**
 * Tokenomics and emission: the parameters in force (read from storage by the caller when the block
 * changes them), the subsidy budget per block (halvings, budget updates) and the cool-down period.
 */
import type {TokenomicParams} from '../../decode'
import type {MiningEvent} from '../../decode/model'
import {BudgetChangeKind} from '../../model'
import {fixedToNumber, payoutBitsToPlancks} from '../fixed'
import type {LedgerContext} from './context'
import {budgetChangeRow, RowEvent, tokenomicParametersRow} from './rows'
import type {EventOf, Handlers} from './table'

function onHalved(cx: LedgerContext, ev: MiningEvent): void {
    const n = cx.state.network
    n.halvingCount++
    budgetChange(cx, ev, BudgetChangeKind.SubsidyBudgetHalved, null, cx.blockParams?.budgetPerBlock ?? null)
}

function onBudgetUpdated(cx: LedgerContext, ev: EventOf<'BudgetUpdated'>): void {
    const n = cx.state.network
    n.lastBudgetNonce = ev.nonce
    budgetChange(cx, ev, BudgetChangeKind.BudgetUpdated, ev.nonce, ev.budget)
    setBudget(cx, ev.budget)
}

function onParametersChanged(cx: LedgerContext, ev: MiningEvent): void {
    const params = cx.blockParams
    if (params == null) {
        throw new Error(`TokenomicParametersChanged at block #${ev.blockHeight}: the caller did not read the parameters of this block`)
    }
    const prevBudget = cx.state.network.budgetPerBlockBits
    applyTokenomics(cx, params, ev.id)
    if (!cx.budgetChangedInBlock && prevBudget !== params.budgetPerBlock) {
        budgetChange(cx, ev, BudgetChangeKind.ParametersChanged, null, params.budgetPerBlock, prevBudget)
    }
}

/**
 * Tokenomic parameters in force from the current block (read from storage by the caller): after
 * TokenomicParametersChanged, or once at the first block when nothing is known yet (genesis config).
 */
export function applyTokenomics(cx: LedgerContext, params: TokenomicParams, id: string): void {
    const b = cx.mustBlock()
    cx.rows.tokenomicParameters.push(tokenomicParametersRow(id, b.height, cx.blockTime, params))
    const n = cx.state.network
    n.tokenomicParametersId = id
    n.treasuryRatioBits = params.treasuryRatio
    n.treasuryRatio = fixedToNumber(params.treasuryRatio)
    if (n.budgetPerBlockBits == null) {
        budgetChange(cx, {id, blockHeight: b.height, index: 0}, BudgetChangeKind.Initial, null, params.budgetPerBlock, null)
    }
    setBudget(cx, params.budgetPerBlock)
}

function setBudget(cx: LedgerContext, bits: bigint): void {
    const n = cx.state.network
    n.budgetPerBlockBits = bits
    n.budgetPerBlock = payoutBitsToPlancks(bits)
}

function budgetChange(
    cx: LedgerContext,
    ev: RowEvent,
    kind: BudgetChangeKind,
    nonce: bigint | null,
    budget: bigint | null,
    previous = cx.state.network.budgetPerBlockBits
): void {
    cx.budgetChangedInBlock = true
    cx.rows.budgetChanges.push(budgetChangeRow(ev, cx.blockTime, kind, nonce, budget, previous ?? null))
}

export const tokenomicsHandlers = {
    CoolDownExpirationChanged(cx, ev) {
        cx.state.network.coolDownPeriod = ev.period
    },
    SubsidyBudgetHalved: onHalved,
    WrongHalvingConfigured(cx, ev) {
        cx.anomaly(ev.id, `${ev.name}: the chain reports a wrong halving configuration`)
    },
    TokenomicParametersChanged: onParametersChanged,
    BudgetUpdated: onBudgetUpdated,
} satisfies Handlers
