/**
 * Counters kept in step with the entities they count. Every change that moves an aggregate goes through
 * one of these, so each invariant lives in one place:
 * - network ready / idle / unresponsive / cooling-down counts = bound sessions in that state;
 * - network and pool idle share (and the pool's idle worker count) = Σ share of bound earning sessions;
 * - a worker's time in each state accrues when it leaves that state;
 * - delegator / delegation counts = holdings with shares > 0;
 * - an account's delegated value = Σ value of its holdings at their pools' current prices.
 */
import type {MiningEvent} from '../../decode/model'
import {BasePool, Delegation, Session, Worker, WorkerState} from '../../model'
import {fixedToNumber} from '../fixed'
import {shareValue, sharePrice} from '../pool-math'
import {computeShare, microToShare, shareToMicro} from '../share'
import {isEarning, STATE_COUNT, STATE_MS, stateKey} from '../worker-state'
import type {LedgerContext} from './context'
import {decimal} from './entities'
import {stateChangeRow} from './rows'

/** what a session adds to the aggregates */
interface SessionContribution {
    bound: boolean
    state: WorkerState
    earning: boolean
    poolId: string | null
    shareMicro: bigint
}

function contribution(s: Session): SessionContribution {
    return {
        bound: s.bound,
        state: s.state,
        earning: s.bound && isEarning(s.state),
        poolId: s.poolId ?? null,
        shareMicro: s.shareMicro,
    }
}

export interface SessionChange {
    ev: MiningEvent
    /** the worker's state before (default: as recorded on the worker) */
    from?: WorkerState | null
    /** record a worker state change even when the state does not move */
    force?: boolean
}

/**
 * Change a session, keeping every aggregate in step: its share, the network's and its pool's idle
 * counts and shares, state counts, and its worker's state (with a WorkerStateChange row when it moves).
 */
export function mutateSession(cx: LedgerContext, s: Session, fn: (s: Session) => void, change?: SessionChange): void {
    const before = contribution(s)
    const sessionStateBefore = s.state
    const boundBefore = s.bound
    fn(s)
    const w = s.workerId ? cx.state.workers.get(s.workerId) : undefined
    s.share = computeShare(s.v, s.pInstant, w?.confidenceLevel)
    s.shareMicro = shareToMicro(s.share)
    s.vFloat = fixedToNumber(s.v)
    const after = contribution(s)
    applyContribution(cx, before, -1)
    applyContribution(cx, after, +1)
    cx.state.sessions.touch(s)
    if (change == null) return
    const {ev} = change
    // worker-level state: the bound session's state, null when unbound
    if (w && (boundBefore || s.bound)) {
        const from = change.from !== undefined ? change.from : (w.state ?? null)
        const to = s.bound ? s.state : null
        if (from !== to || change.force) setWorkerState(cx, w, to)
        if (from !== to || change.force) pushStateChange(cx, ev, w.id, s, from, to)
    } else if (sessionStateBefore !== s.state) {
        // an unbound session moving (e.g. reclaimed after unbinding): session history only
        pushStateChange(cx, ev, null, s, sessionStateBefore, s.state)
    }
}

function pushStateChange(cx: LedgerContext, ev: MiningEvent, workerId: string | null, s: Session, from: WorkerState | null, to: WorkerState | null): void {
    cx.rows.stateChanges.push(stateChangeRow(ev, cx.blockTime, workerId, s.id, s.poolId ?? null, from, to))
}

/** a worker's state, accruing the time spent in the one it leaves */
function setWorkerState(cx: LedgerContext, w: Worker, to: WorkerState | null): void {
    const now = cx.blockTime
    if (w.state != null && w.stateSince != null) {
        const ms = BigInt(Math.max(0, now.getTime() - w.stateSince.getTime()))
        const k = stateKey(w.state)
        if (k) w[STATE_MS[k]] += ms
    }
    w.state = to
    w.stateSince = now
    cx.state.workers.touch(w)
}

function applyContribution(cx: LedgerContext, c: SessionContribution, sign: 1 | -1): void {
    if (!c.bound) return
    const n = cx.state.network
    const k = stateKey(c.state)
    if (k) n[STATE_COUNT[k]] += sign
    if (c.earning) {
        const delta = sign > 0 ? c.shareMicro : -c.shareMicro
        n.idleShareMicro += delta
        n.idleShare = microToShare(n.idleShareMicro)
        const p = c.poolId ? cx.state.pools.get(c.poolId) : undefined
        if (p) {
            p.idleWorkerCount += sign
            p.idleShareMicro += delta
            p.idleShare = microToShare(p.idleShareMicro)
            cx.state.pools.touch(p)
        }
    }
}

/** change a holding's shares, keeping delegator / delegation counts */
export function setDelegationShares(cx: LedgerContext, p: BasePool, d: Delegation, shares: bigint): void {
    const before = d.shares > 0n
    d.shares = shares
    const after = d.shares > 0n
    if (before !== after) {
        const delta = after ? 1 : -1
        p.delegatorCount += delta
        cx.state.network.delegationCount += delta
        const a = cx.ensureAccount(d.accountId)
        a.delegationCount += delta
        cx.state.accounts.touch(a)
        cx.state.pools.touch(p)
    }
    cx.state.delegations.touch(d)
}

/** value of a holding at its pool's current price, and the account's delegated value */
export function refreshDelegation(cx: LedgerContext, p: BasePool, d: Delegation): void {
    const value = shareValue(d.shares, p.totalValue, p.totalShares)
    const wValue = shareValue(d.withdrawingShares, p.totalValue, p.totalShares)
    if (value !== d.value || wValue !== d.withdrawingValue) {
        const a = cx.ensureAccount(d.accountId)
        a.delegatedValue += value - d.value
        cx.state.accounts.touch(a)
        d.value = value
        d.withdrawingValue = wValue
    }
    d.updatedAt = cx.blockTime
    cx.state.delegations.touch(d)
}

/** derived pool fields (share price, withdrawing value) */
export function refreshPool(cx: LedgerContext, p: BasePool): void {
    p.sharePrice = decimal(sharePrice(p.totalValue, p.totalShares))
    p.withdrawingValue = shareValue(p.withdrawingShares, p.totalValue, p.totalShares)
    cx.state.pools.touch(p)
}
