/**
 * Settlements and payouts: SessionSettled (a payout row, paired later with the pool's reward events),
 * late settlements the chain drops, failed settles, and the subsidy-pool transfers that carry each
 * settle's treasury share (Balances.Transfer just before the SessionSettled it belongs to).
 */
import type {MiningEvent} from '../../decode/model'
import {SelfCheckKind} from '../../model'
import {EMISSION_CAP, SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT} from '../constants'
import {payoutBitsToPlancks} from '../fixed'
import {mutateSession} from './aggregates'
import type {LedgerContext} from './context'
import {payoutRow} from './rows'
import type {EventOf, Handlers} from './table'

interface TreasuryShare {
    amount: bigint
    eventId: string | null
}

const NO_TREASURY: TreasuryShare = {amount: 0n, eventId: null}

function onSettled(cx: LedgerContext, ev: EventOf<'SessionSettled'>): void {
    const s = cx.ensureSession(ev.session)
    const n = cx.state.network
    const amount = payoutBitsToPlancks(ev.payoutBits)
    const treasury = takeTreasury(cx, ev)
    // A settle normally comes for a bound session. A late one for a session already unbound (the
    // simulator's quirk; on chain its settle info only reaches the stake pool) still belongs to the
    // worker the session last ran on, and to no pool (the pool answers RewardDismissedNotInPool).
    const w = s.workerId ? cx.ensureWorker(s.workerId) : undefined
    const poolId = s.bound ? (w?.poolId ?? null) : null
    mutateSession(cx, s, s => {
        s.v = ev.vBits
        s.totalPayout += amount
        s.totalTreasury += treasury.amount
        s.settleCount++
        s.lastSettledAt = cx.blockTime
    })
    if (w) {
        w.totalPayout += amount
        w.totalTreasury += treasury.amount
        w.settleCount++
        if (amount > 0n) w.rewardedSettleCount++
        w.v = ev.vBits
        w.lastSettledAt = cx.blockTime
        cx.state.workers.touch(w)
    }
    const pool = poolId ? cx.state.pools.get(poolId) : undefined
    if (pool) {
        pool.totalPayout += amount
        pool.settleCount++
        if (amount > 0n) pool.rewardedSettleCount++
        cx.state.pools.touch(pool)
    }
    n.emittedPayout += amount
    n.emittedTreasury += treasury.amount
    n.emittedTotal = n.emittedPayout + n.emittedTreasury
    n.emissionRemaining = EMISSION_CAP - n.emittedTotal
    n.settleCount++
    if (amount > 0n) n.rewardedSettleCount++
    const row = payoutRow(ev, cx.blockTime, {
        sessionId: s.id,
        workerId: w?.id ?? s.workerId ?? null,
        poolId,
        vBits: ev.vBits,
        payoutBits: ev.payoutBits,
        amount,
        treasury: treasury.amount,
        treasuryEventId: treasury.eventId,
        dropped: false,
    })
    cx.rows.payouts.push(row)
    cx.pairer.addSettle({payout: row, amount, workerId: w?.id ?? null, poolId})
}

function onSettlementDropped(cx: LedgerContext, ev: EventOf<'SessionSettlementDropped'>): void {
    const s = cx.ensureSession(ev.session)
    const amount = payoutBitsToPlancks(ev.payout)
    const n = cx.state.network
    n.droppedPayout += amount
    n.droppedSettleCount++
    // a late settlement: the chain keeps V and moves no money for it (not paired with pool rewards)
    const worker = s.workerId ? cx.state.workers.get(s.workerId) : undefined
    cx.rows.payouts.push(
        payoutRow(ev, cx.blockTime, {
            sessionId: s.id,
            workerId: s.workerId ?? null,
            poolId: s.bound ? (worker?.poolId ?? null) : null,
            vBits: ev.v,
            payoutBits: ev.payout,
            amount,
            treasury: NO_TREASURY.amount,
            treasuryEventId: NO_TREASURY.eventId,
            dropped: true,
        })
    )
}

// ------------------------------------------------------------------ treasury pairing

function onTransfer(cx: LedgerContext, ev: EventOf<'Transfer'>): void {
    const n = cx.state.network
    if (ev.to === SUBSIDY_POOL_ACCOUNT && ev.from !== SUBSIDY_POOL_ACCOUNT) {
        n.subsidyPoolIn += ev.amount
    }
    if (ev.from !== SUBSIDY_POOL_ACCOUNT || ev.to === SUBSIDY_POOL_ACCOUNT) return
    n.subsidyPoolOut += ev.amount
    resolveTreasuryCandidate(cx)
    cx.treasuryCandidate = {eventId: ev.id, to: ev.to, amount: ev.amount}
}

/** the transfer from the subsidy pool emitted just before this settle is its treasury share */
function takeTreasury(cx: LedgerContext, ev: MiningEvent): TreasuryShare {
    const c = cx.treasuryCandidate
    cx.treasuryCandidate = undefined
    if (c == null) return NO_TREASURY
    if (c.to !== TREASURY_ACCOUNT) {
        cx.anomaly(ev.id, `treasury share of ${ev.id} was sent to ${c.to}, not to the treasury ${TREASURY_ACCOUNT} (event ${c.eventId})`)
    }
    return {amount: c.amount, eventId: c.eventId}
}

/** a subsidy-pool transfer not followed by a settle: a treasury transfer then is unpaired */
export function resolveTreasuryCandidate(cx: LedgerContext): void {
    const c = cx.treasuryCandidate
    cx.treasuryCandidate = undefined
    if (c == null || c.to !== TREASURY_ACCOUNT) return
    cx.state.network.selfCheckUnpaired++
    cx.failure(
        SelfCheckKind.UnpairedTreasury,
        c.eventId,
        null,
        c.amount,
        `treasury transfer ${c.eventId} of ${c.amount} plancks from the subsidy pool is not followed by a settle`
    )
}

export const settlementHandlers = {
    SessionSettled: onSettled,
    SessionSettlementDropped: onSettlementDropped,
    WorkerSettleFailed(cx) {
        cx.state.network.failedSettleCount++
    },
    Transfer: onTransfer,
} satisfies Handlers
