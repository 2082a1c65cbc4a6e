/**
 * The money movements of mining, paired with the settles and rewards they carry (pallet source:
 * Phala-Network/phala-blockchain, pallets/phala/src/compute/computation.rs, stake_pool_v2.rs; v1:
 * pallets/phala/src/mining.rs and stakepool.rs as of 2022):
 *
 * - treasury share: `try_handle_settle` → `withdraw_imbalance_from_subsidy_pool` (Balances.Withdraw{who:
 *   subsidy pool}) → `OnTreasurySettled::on_unbalanced` (Balances.Deposit{who: treasury}, Treasury.Deposit)
 *   → SessionSettled. A withdrawal waits here for its deposits and the SessionSettled that follows.
 * - v2 reward: `handle_pool_new_reward` → `withdraw_subsidy_pool` (Balances.Transfer subsidy pool → W-PHA
 *   account) → mints [→ dust dismissals] → RewardReceived. The transfer waits for the pool's next reward
 *   event, which pairs with its settle (src/domain/pairing.ts).
 * - v1 claim: `claim_owner_rewards` / `claim_rewards` → `withdraw_subsidy_pool` (Balances.Transfer subsidy pool
 *   → claimant) → OwnerRewardsWithdrawn / StakerRewardsWithdrawn / RewardsWithdrawn.
 */
import {PoolKind, SelfCheckKind} from '../../model'
import {EMISSION_CAP, SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT, WPHA_ACCOUNT} from '../constants'
import type {LedgerContext} from './context'
import type {EventOf, Handlers} from './table'

export interface TreasuryShare {
    amount: bigint
    eventId: string | null
}

const NO_TREASURY: TreasuryShare = {amount: 0n, eventId: null}

/** emission = rewards credited to pools + treasury shares */
export function refreshEmission(cx: LedgerContext): void {
    const n = cx.state.network
    n.emittedTotal = n.rewardsCredited + n.emittedTreasury
    n.emissionRemaining = EMISSION_CAP - n.emittedTotal
}

// ------------------------------------------------------------------ treasury share

function onWithdraw(cx: LedgerContext, ev: EventOf<'BalancesWithdraw'>): void {
    if (ev.who !== SUBSIDY_POOL_ACCOUNT) return
    resolveTreasuryWithdrawal(cx)
    cx.state.network.subsidyPoolOut += ev.amount
    cx.treasuryWithdrawal = {eventId: ev.id, amount: ev.amount, deposited: null, treasuryDeposited: null}
}

function onDeposit(cx: LedgerContext, ev: EventOf<'BalancesDeposit'>): void {
    const w = cx.treasuryWithdrawal
    if (ev.who !== TREASURY_ACCOUNT || w == null || w.deposited != null) return
    w.deposited = ev.amount
    if (ev.amount !== w.amount) {
        cx.anomaly(ev.id, `Balances.Deposit of ${ev.amount} plancks into the treasury resolves the withdrawal ${w.eventId} of ${w.amount}`)
    }
}

function onTreasuryDeposit(cx: LedgerContext, ev: EventOf<'TreasuryDeposit'>): void {
    const w = cx.treasuryWithdrawal
    if (w == null || w.deposited == null || w.treasuryDeposited != null) return
    w.treasuryDeposited = ev.value
    if (ev.value !== w.amount) {
        cx.anomaly(ev.id, `Treasury.Deposit of ${ev.value} plancks resolves the withdrawal ${w.eventId} of ${w.amount}`)
    }
}

/**
 * The treasury share of the SessionSettled `ev`: the subsidy-pool withdrawal just before it. A settle with
 * a payout and no withdrawal is a self-check failure (a zero withdrawal emits nothing on chain).
 */
export function takeTreasury(cx: LedgerContext, ev: EventOf<'SessionSettled'>, payout: bigint): TreasuryShare {
    const w = cx.treasuryWithdrawal
    cx.treasuryWithdrawal = undefined
    if (w == null) {
        if (payout > 0n) {
            cx.state.network.selfCheckUnpaired++
            cx.failure(
                SelfCheckKind.MissingTreasury,
                ev.id,
                null,
                0n,
                `settle ${ev.id} paid ${payout} plancks but no Balances.Withdraw of its treasury share from the subsidy pool came before it`
            )
        }
        return NO_TREASURY
    }
    if (w.deposited == null) {
        cx.anomaly(ev.id, `the treasury share ${w.eventId} of settle ${ev.id} left the subsidy pool but no Balances.Deposit into the treasury followed`)
    }
    const n = cx.state.network
    n.emittedTreasury += w.amount
    refreshEmission(cx)
    return {amount: w.amount, eventId: w.eventId}
}

/** a subsidy-pool withdrawal not followed by a settle: reported, not counted as treasury */
export function resolveTreasuryWithdrawal(cx: LedgerContext): void {
    const w = cx.treasuryWithdrawal
    cx.treasuryWithdrawal = undefined
    if (w == null) return
    reportUnpaired(cx, SelfCheckKind.UnpairedTreasury, w, `withdrawal ${w.eventId} of ${w.amount} plancks from the subsidy pool is not followed by a settle`)
}

/** a money movement out of the subsidy pool that no mining event took up: a self-check failure */
function reportUnpaired(cx: LedgerContext, kind: SelfCheckKind, m: {eventId: string; amount: bigint}, message: string): void {
    cx.state.network.selfCheckUnpaired++
    cx.failure(kind, m.eventId, null, m.amount, message)
}

// ------------------------------------------------------------------ transfers: v2 rewards, v1 claims

function onTransfer(cx: LedgerContext, ev: EventOf<'Transfer'>): void {
    const n = cx.state.network
    if (ev.to === SUBSIDY_POOL_ACCOUNT && ev.from !== SUBSIDY_POOL_ACCOUNT) n.subsidyPoolIn += ev.amount
    if (ev.from !== SUBSIDY_POOL_ACCOUNT || ev.to === SUBSIDY_POOL_ACCOUNT) return
    n.subsidyPoolOut += ev.amount
    if (ev.to === WPHA_ACCOUNT) {
        resolveRewardTransfer(cx)
        n.rewardsPaidOut += ev.amount
        cx.rewardTransfer = {eventId: ev.id, amount: ev.amount}
    } else {
        // a v1 claim pays the claimant straight from the subsidy pool (stakepool.rs `claim_rewards`)
        cx.claimTransfer = {eventId: ev.id, to: ev.to, amount: ev.amount}
    }
}

/** the reward transfer waiting for its pool's reward event (taken by src/domain/ledger/rewards.ts) */
export function takeRewardTransfer(cx: LedgerContext): {eventId: string; amount: bigint} | undefined {
    const t = cx.rewardTransfer
    cx.rewardTransfer = undefined
    return t
}

/** a transfer to the W-PHA account that no reward event took */
export function resolveRewardTransfer(cx: LedgerContext): void {
    const t = cx.rewardTransfer
    cx.rewardTransfer = undefined
    if (t == null) return
    reportUnpaired(
        cx,
        SelfCheckKind.UnpairedReward,
        t,
        `transfer ${t.eventId} of ${t.amount} plancks from the subsidy pool to the W-PHA account is not followed by a pool reward event`
    )
}

/** a v1 claim (OwnerRewardsWithdrawn, StakerRewardsWithdrawn / RewardsWithdrawn): the transfer just before it paid it */
export function noteClaim(cx: LedgerContext, ev: EventOf<'OwnerRewardsWithdrawn' | 'StakerRewardsWithdrawn'>): void {
    if (ev.poolKind !== 'StakePoolV1') return
    const n = cx.state.network
    n.rewardsClaimed += ev.amount
    const t = cx.claimTransfer
    cx.claimTransfer = undefined
    if (t == null || t.amount !== ev.amount) {
        n.selfCheckUnpaired++
        cx.failure(
            SelfCheckKind.MissingRewardTransfer,
            ev.id,
            ev.amount,
            t?.amount ?? 0n,
            `${ev.name} ${ev.id} of ${ev.amount} plancks (pool ${ev.pid}) ` +
                (t ? `follows transfer ${t.eventId} of ${t.amount} plancks` : 'is not paid by a transfer from the subsidy pool')
        )
        return
    }
    n.rewardsPaidOut += t.amount
}

/** whether a pool's rewards are only credited (v1) or paid out of the subsidy pool at once (v2) */
export function creditsOnly(kind: PoolKind): boolean {
    return kind === PoolKind.StakePoolV1
}

export const moneyHandlers = {
    BalancesWithdraw: onWithdraw,
    BalancesDeposit: onDeposit,
    TreasuryDeposit: onTreasuryDeposit,
    Transfer: onTransfer,
} satisfies Handlers
