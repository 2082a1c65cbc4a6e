/**
 * Settlements and payouts: SessionSettled (a payout row, with its treasury share: money.ts), late settlements
 * the chain drops (still rewarded: `on_reward` sees every SettleInfo), and failed settles. Every settle is
 * queued for pairing with the pool's reward events of the same message (src/domain/pairing.ts).
 */
import {payoutBitsToPlancks} from '../fixed'
import {mutateSession} from './aggregates'
import type {LedgerContext} from './context'
import {takeTreasury} from './money'
import {payoutRow} from './rows'
import type {EventOf, Handlers} from './table'

function onSettled(cx: LedgerContext, ev: EventOf<'SessionSettled'>): void {
    const s = cx.ensureSession(ev.session)
    const n = cx.state.network
    const amount = payoutBitsToPlancks(ev.payoutBits)
    const treasury = takeTreasury(cx, ev, amount)
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
    // a late settlement: the chain keeps V and takes no treasury share, but `on_reward` still pays the pool
    // (computation.rs `try_handle_settle` returns early; `on_gk_message_received` hands every SettleInfo on)
    const worker = s.workerId ? cx.state.workers.get(s.workerId) : undefined
    const poolId = s.bound ? (worker?.poolId ?? null) : null
    const row = payoutRow(ev, cx.blockTime, {
        sessionId: s.id,
        workerId: s.workerId ?? null,
        poolId,
        vBits: ev.v,
        payoutBits: ev.payout,
        amount,
        treasury: 0n,
        treasuryEventId: null,
        dropped: true,
    })
    cx.rows.payouts.push(row)
    cx.pairer.addSettle({payout: row, amount, workerId: worker?.id ?? s.workerId ?? null, poolId})
}

export const settlementHandlers = {
    SessionSettled: onSettled,
    SessionSettlementDropped: onSettlementDropped,
    WorkerSettleFailed(cx) {
        cx.state.network.failedSettleCount++
    },
} satisfies Handlers
