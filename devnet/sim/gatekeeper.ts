/**
 * The per-block gatekeeper: phase 1 (the heartbeats answered in the block, BenchmarkUpdated, one worker message
 * each) and phase 2 (one gatekeeper message: unresponsiveness, final settlements of stopped workers, injected
 * quirk settlements, heartbeat settlements with V and payout, then the stake pools' reaction to every settle
 * info in order, ./rewards). Each message is delivered by its own PhalaMq.sync_offchain_message (./block).
 */
import {type Core, type Worker, push, take} from './core'
import {payoutBitsToPlancks, fixedToFloat} from './fixed'
import {growV, numberToFixed, settleBudget, share} from './tokenomics'
import {SUBSIDY_POOL, TREASURY} from './accounts'
import {type PayoutRecord} from './truth'
import {day, dayPool} from './recorder'
import {onReward} from './rewards'
import {addShare, removeShare, scheduleHb} from './workers'
import {beginSync, endSync} from './block'

/** schedule: the next gatekeeper message reports the worker offline, back online after `blocks` */
export function markUnresponsive(e: Core, w: Worker, blocks: number): boolean {
    if (w.state !== 'WorkerIdle' || w.unrespUntil > 0) return false
    w.unrespUntil = e.block + 1 + Math.max(1, blocks)
    push(e.enterAt, e.block + 1, w.i)
    return true
}

/** schedule a quirk settlement in the next gatekeeper message */
export function quirk(e: Core, kind: 'dust' | 'late' | 'dropped' | 'failed', w: Worker, delay = 1): void {
    const b = e.block + delay
    const l = e.quirks.get(b)
    if (l) l.push({kind, w: w.i})
    else e.quirks.set(b, [{kind, w: w.i}])
}

export function heartbeats(e: Core): void {
    e.due = []
    for (const i of take(e.hb, e.block)) {
        const w = e.workers[i]
        if (w.nextHb !== e.block || w.state !== 'WorkerIdle' || w.unrespUntil > 0) continue
        e.due.push(w)
        const p = Math.max(1, Math.round(w.p * (0.96 + 0.1 * e.rng.next())))
        w.pInstant = p
        // the worker's heartbeat message, relayed by its own sync_offchain_message
        const mark = beginSync(e, {__kind: 'Worker', value: w.pubkey}, false)
        e.comp('BenchmarkUpdated', 'BenchmarkUpdated', w.session!, {p_instant: p})
        endSync(e, mark)
    }
}

/** the gatekeeper's message of this block, in the phase of the sync_offchain_message that delivers it */
export function gatekeeper(e: Core): void {
    const mark = beginSync(e, {__kind: 'Gatekeeper'}, true)
    gatekeeperMessage(e)
    endSync(e, mark, true)
}

function gatekeeperMessage(e: Core): void {
    const b = e.block
    // periodic exact recomputation of Σshare (bounds float drift; deterministic)
    if (b % 1000 === 0) {
        let s = 0
        for (const w of e.workers) if (w.state === 'WorkerIdle') s += w.share
        e.sumShare = s
    }
    for (const i of take(e.enterAt, b)) {
        const w = e.workers[i]
        if (w.state !== 'WorkerIdle') {
            w.unrespUntil = 0
            continue
        }
        removeShare(e, w)
        w.state = 'WorkerUnresponsive'
        w.nextHb = -1
        push(e.exitAt, w.unrespUntil, w.i)
        e.comp('MinerEnterUnresponsive', 'WorkerEnterUnresponsive', w.session!)
        e.truth.workers[w.pubkey].unresponsiveCount++
    }
    for (const i of take(e.exitAt, b)) {
        const w = e.workers[i]
        if (w.state !== 'WorkerUnresponsive' || w.unrespUntil !== b) continue
        w.unrespUntil = 0
        w.state = 'WorkerIdle'
        w.lastUpdate = b // no accrual while offline
        addShare(e, w)
        scheduleHb(e, w)
        e.comp('MinerExitUnresponsive', 'WorkerExitUnresponsive', w.session!)
    }
    e.rewards = []
    // final settlements of stopped workers (payout 0)
    for (const i of take(e.finalSettles, b)) {
        const w = e.workers[i]
        if (!w.session) continue
        settle(e, w, w.session, w.vBits, 0n, 0n)
    }
    // quirk settlements (before the heartbeat ones: the gatekeeper's order of settle infos is its own; with an
    // unbound worker first, v1's on_reward leaves the rest of the message unrewarded)
    for (const q of e.quirks.get(b) ?? []) runQuirk(e, q.kind, e.workers[q.w])
    e.quirks.delete(b)
    // heartbeat settlements
    const sum = e.sumShare
    for (const w of e.due) {
        if (w.state !== 'WorkerIdle') continue
        const n = b - w.lastUpdate
        const vNow = growV(e.g, w.v, n, w.p, w.pInstant)
        const frac = sum > 0 ? w.share / sum : 0
        const {treasury, payout} = settleBudget(e.params, frac, n)
        const payoutF = fixedToFloat(payout)
        const drop = Math.min(Math.max(vNow - w.v, 0), payoutF)
        const vNew = vNow - drop
        w.v = vNew
        w.vBits = numberToFixed(vNew)
        w.lastUpdate = b
        e.sumShare -= w.share
        w.share = share(w.v, w.pInstant, w.confScore)
        e.sumShare += w.share
        settle(e, w, w.session!, w.vBits, payout, treasury)
        scheduleHb(e, w)
    }
    // the stake pools' reaction (OnReward::on_reward), in settlement order, for every settle info of the message
    onReward(e, e.rewards)
    e.rewards = []
}

export function runQuirk(e: Core, kind: 'dust' | 'late' | 'dropped' | 'failed', w: Worker): void {
    const session = w.session ?? w.lastSession
    if (!session) return
    switch (kind) {
        case 'dust': {
            // a settlement whose payout is dust (≤ 1000 plancks); V unchanged
            const plancks = BigInt(e.rng.int(1, 1000))
            const payout = ((plancks << 64n) + 999_999_999_999n) / 1_000_000_000_000n
            const treasury = payout / 4n
            settle(e, w, session, w.vBits, payout, treasury)
            break
        }
        case 'late': {
            // a delayed settlement for a session that is no longer computing (e.g. after reclaim/unbind)
            const payout = numberToFixed(e.rng.range(0.5, 3))
            const treasury = payout / 4n
            settle(e, w, session, w.vBits, payout, treasury)
            break
        }
        case 'dropped': {
            // computation.rs try_handle_settle: a late update for a bound session is dropped (no withdrawal), but
            // on_reward still sees its SettleInfo and pays the pool
            const payoutBits = numberToFixed(e.rng.range(0.1, 2))
            if (w.session !== session) {
                unboundSettle(e, w, payoutBits)
                break
            }
            const idx = e.comp('MinerSettlementDropped', 'SessionSettlementDropped', session, {v: w.vBits, payout: payoutBits})
            const amount = payoutBitsToPlancks(payoutBits)
            e.truth.totals.droppedSettlements++
            e.truth.totals.droppedPayout += amount
            e.rewards.push({rec: null, w, amount, pid: w.pid, day: day(e), stIdx: idx})
            break
        }
        case 'failed':
            e.emit(e.v1 ? 'PhalaMining' : 'PhalaComputation', e.v1 ? 'InternalErrorMinerSettleFailed' : 'InternalErrorWorkerSettleFailed', {
                worker: w.pubkey,
            })
            e.truth.totals.failedSettlements++
            break
    }
}

/**
 * A SettleInfo for a worker without a session binding: try_handle_settle does nothing (no SessionSettled, no
 * treasury withdrawal); on_reward still sees it, and the worker is in no pool (unbinding removed it).
 */
function unboundSettle(e: Core, w: Worker, payoutBits: bigint): void {
    const amount = payoutBitsToPlancks(payoutBits)
    e.truth.totals.unboundSettles++
    e.truth.totals.unboundPayout += amount
    e.rewards.push({rec: null, w, amount, pid: -1, day: day(e), stIdx: -1})
}

/**
 * The treasury share of a settlement (computation.rs `try_handle_settle`): `withdraw_imbalance_from_subsidy_pool`
 * is `Currency::withdraw` (pallet_balances emits Withdraw, nothing for 0), then `OnTreasurySettled::on_unbalanced`
 * is the Treasury pallet, which deposits the imbalance into its account (Balances.Deposit) and emits
 * Treasury.Deposit; a zero imbalance is not passed on (OnUnbalanced::on_unbalanced skips it).
 */
function treasuryShare(e: Core, treasury: bigint): void {
    if (treasury === 0n) return
    e.emit('Balances', 'Withdraw', {who: SUBSIDY_POOL, amount: treasury})
    e.emit('Balances', 'Deposit', {who: TREASURY, amount: treasury})
    e.emit('Treasury', 'Deposit', {value: treasury})
    e.subsidy -= treasury
    e.subsidyDirty = true
}

/** treasury withdrawal + SessionSettled; queues the SettleInfo for on_reward; updates the truth */
export function settle(e: Core, w: Worker, session: string, vBits: bigint, payoutBits: bigint, treasuryBits: bigint): void {
    if (w.session !== session) {
        unboundSettle(e, w, payoutBits)
        return
    }
    const treasury = payoutBitsToPlancks(treasuryBits)
    const payout = payoutBitsToPlancks(payoutBits)
    treasuryShare(e, treasury)
    const idx = e.comp('MinerSettled', 'SessionSettled', session, {v_bits: vBits, payout_bits: payoutBits})
    const pid = w.pid
    const t = e.truth
    t.totals.payout += payout
    t.totals.treasury += treasury
    t.totals.emitted += payout + treasury
    t.totals.settleCount++
    t.payoutCount++
    const wt = t.workers[w.pubkey]
    wt.payout += payout
    wt.treasury += treasury
    wt.settleCount++
    wt.vBits = vBits
    const st = t.sessions[session]
    st.payout += payout
    st.treasury += treasury
    st.settleCount++
    const d = day(e)
    d.payout += payout
    d.treasury += treasury
    d.settleCount++
    if (e.cfg.dayWorkerTruth !== false) {
        let dw = d.workers[w.pubkey]
        if (!dw) d.workers[w.pubkey] = dw = {payout: 0n, treasury: 0n, settleCount: 0}
        dw.payout += payout
        dw.treasury += treasury
        dw.settleCount++
    }
    if (pid >= 0) {
        const pt = e.pools[pid].truth
        pt.payout += payout
        pt.settleCount++
        const dp = dayPool(e, d, pid)
        dp.payout += payout
        dp.settleCount++
    }
    let rec: PayoutRecord | null = null
    if (t.payouts) {
        rec = {
            block: e.block,
            eventIndex: idx,
            timestamp: e.ts,
            era: e.era,
            session,
            worker: w.pubkey,
            pid: pid >= 0 ? String(pid) : null,
            vBits,
            payoutBits,
            payout,
            treasury,
            toOwner: 0n,
            toStakers: 0n,
            dismissed: 0n,
            dismissKind: null,
            dustInReward: 0n,
            skipped: false,
        }
        t.payouts.push(rec)
    }
    if (payout > 0n) {
        t.totals.rewardedSettleCount++
        wt.rewardedSettleCount++
        d.rewardedSettleCount++
        if (pid >= 0) e.pools[pid].truth.rewardedSettleCount++
    }
    e.rewards.push({rec, w, amount: payout, pid, day: d, stIdx: idx})
}
