/**
 * Sessions and workers: PhalaRegistry (worker registration) and the PhalaComputation / PhalaMining
 * session state machine (bind, start, stop, reclaim, unresponsive, benchmark).
 */
import type {MiningEvent} from '../../decode/model'
import {Session, StakeMovementKind, Worker, WorkerState} from '../../model'
import {nextSessionState, SessionTransition} from '../worker-state'
import {mutateSession, refreshPool} from './aggregates'
import type {LedgerContext} from './context'
import type {EventOf, Handlers} from './table'

/** decoder value of a confidence level the event does not carry (v1 specs) */
const CONFIDENCE_NOT_CARRIED = 0

function onWorkerRegistered(cx: LedgerContext, ev: EventOf<'WorkerAdded'> | EventOf<'WorkerUpdated'>): void {
    const w = cx.ensureWorker(ev.worker)
    if (ev.kind === 'WorkerAdded' && w.registeredAt == null) {
        w.registeredAt = cx.blockTime
        w.registeredAtHeight = ev.blockHeight
    }
    if (ev.attestationProvider != null) w.attestationProvider = ev.attestationProvider
    if (ev.confidenceLevel !== CONFIDENCE_NOT_CARRIED && ev.confidenceLevel !== w.confidenceLevel) {
        w.confidenceLevel = ev.confidenceLevel
        // the share of its session depends on the confidence level
        const s = w.sessionId ? cx.state.sessions.get(w.sessionId) : undefined
        if (s) mutateSession(cx, s, () => {})
    }
    cx.state.workers.touch(w)
}

function onSessionBound(cx: LedgerContext, ev: EventOf<'SessionBound'>): void {
    const s = cx.ensureSession(ev.session)
    const w = cx.ensureWorker(ev.worker)
    if (w.sessionId && w.sessionId !== s.id) {
        cx.anomaly(ev.id, `SessionBound: worker ${w.id} is still bound to session ${w.sessionId}`)
        const old = cx.state.sessions.get(w.sessionId)
        if (old) mutateSession(cx, old, o => (o.bound = false))
    }
    const {expected} = nextSessionState(s.bound || s.settleCount > 0 || s.startCount > 0 ? s.state : null, 'SessionBound')
    if (!expected || s.bound) {
        cx.unexpected(ev, `SessionBound: session ${s.id} is ${s.bound ? 'already bound' : s.state}`)
    }
    const from = w.state ?? null
    mutateSession(
        cx,
        s,
        s => {
            s.bound = true
            s.workerId = w.id
            s.state = WorkerState.Ready
            s.v = 0n
            s.ve = 0n
            s.pInit = 0
            s.pInstant = 0
            s.boundAt = cx.blockTime
            s.stateChangedAt = cx.blockTime
            if (w.poolId) s.poolId = w.poolId
        },
        {ev, from, force: true}
    )
    w.sessionId = s.id
    w.sessionCount++
    cx.state.workers.touch(w)
}

function onSessionUnbound(cx: LedgerContext, ev: EventOf<'SessionUnbound'>): void {
    const s = cx.ensureSession(ev.session)
    const w = cx.ensureWorker(ev.worker)
    if (!s.bound || s.workerId !== w.id) {
        cx.unexpected(ev, `SessionUnbound: session ${s.id} is not bound to worker ${w.id}`)
    }
    if (s.state === WorkerState.WorkerIdle || s.state === WorkerState.WorkerUnresponsive) {
        cx.unexpected(ev, `SessionUnbound: session ${s.id} is still computing (${s.state})`)
    }
    mutateSession(
        cx,
        s,
        s => {
            s.bound = false
        },
        {ev}
    )
    if (w.sessionId === s.id) {
        w.sessionId = null
        cx.state.workers.touch(w)
    }
}

function onWorkerStarted(cx: LedgerContext, ev: EventOf<'WorkerStarted'>): void {
    transition(cx, ev, ev.session, 'WorkerStarted', (w, s) => {
        w.startCount++
        s.startCount++
        s.startedAt = cx.blockTime
        if (ev.initV != null) {
            s.ve = ev.initV
            s.v = ev.initV
            w.v = ev.initV
        }
        if (ev.initP != null) {
            s.pInit = ev.initP
            s.pInstant = ev.initP
        }
    })
}

function onWorkerStopped(cx: LedgerContext, ev: EventOf<'WorkerStopped'>): void {
    transition(cx, ev, ev.session, 'WorkerStopped', (w, s) => {
        w.stopCount++
        s.stoppedAt = cx.blockTime
        s.coolingDownStartAt = cx.blockTime
        const pool = s.poolId ? cx.state.pools.get(s.poolId) : undefined
        if (pool) {
            pool.releasingValue += s.stake
            cx.state.pools.touch(pool)
        }
    })
}

function onWorkerReclaimed(cx: LedgerContext, ev: EventOf<'WorkerReclaimed'>): void {
    transition(
        cx,
        ev,
        ev.session,
        'WorkerReclaimed',
        (w, s) => {
            w.reclaimCount++
            const pool = s.poolId ? cx.state.pools.get(s.poolId) : undefined
            if (pool) {
                pool.releasingValue -= ev.originalStake
                if (pool.releasingValue < 0n) {
                    cx.anomaly(
                        ev.id,
                        `WorkerReclaimed: pool ${pool.id} releases ${ev.originalStake} but only ${pool.releasingValue + ev.originalStake} was releasing`
                    )
                    pool.releasingValue = 0n
                }
                pool.freeValue += ev.originalStake - ev.slashed
                if (ev.slashed > 0n) pool.totalValue -= ev.slashed
                refreshPool(cx, pool)
            }
            if (s.stake !== ev.originalStake) {
                cx.anomaly(ev.id, `WorkerReclaimed: session ${s.id} had stake ${s.stake}, the chain returns original_stake ${ev.originalStake}`)
            }
            s.stake = 0n
            w.stake = 0n
            s.coolingDownStartAt = null
            cx.movement(ev, StakeMovementKind.WorkerStakeReleased, s.poolId ?? '', null, ev.originalStake, null, s.workerId ?? null)
        },
        true
    )
}

/** apply a session state-machine transition, plus `extra` on the worker (when bound) and session */
function transition(
    cx: LedgerContext,
    ev: MiningEvent & {session: string},
    sessionId: string,
    t: SessionTransition,
    extra?: (w: Worker, s: Session) => void,
    allowUnbound = false
): void {
    const s = cx.ensureSession(sessionId)
    const {to, expected} = nextSessionState(s.state, t)
    if (!expected) cx.unexpected(ev, `${ev.name}: session ${s.id} moves ${s.state} → ${to}`)
    if (!s.bound && !allowUnbound) cx.unexpected(ev, `${ev.name}: session ${s.id} is not bound`)
    const w = s.workerId ? cx.ensureWorker(s.workerId) : undefined
    mutateSession(
        cx,
        s,
        s => {
            s.state = to
            s.stateChangedAt = cx.blockTime
            if (w && s.bound) {
                extra?.(w, s)
                cx.state.workers.touch(w)
            } else if (extra) {
                // an unbound session (e.g. reclaimed after unbinding): its worker's counters still count it
                const dummy = w ?? cx.scratchWorker()
                extra(dummy, s)
                if (w) cx.state.workers.touch(w)
            }
        },
        {ev}
    )
}

export const sessionHandlers = {
    // PhalaRegistry
    WorkerAdded: onWorkerRegistered,
    WorkerUpdated: onWorkerRegistered,
    InitialScoreSet(cx, ev) {
        const w = cx.ensureWorker(ev.worker)
        w.initialScore = ev.initScore
        cx.state.workers.touch(w)
    },
    // PhalaComputation / PhalaMining
    SessionBound: onSessionBound,
    SessionUnbound: onSessionUnbound,
    WorkerStarted: onWorkerStarted,
    WorkerStopped: onWorkerStopped,
    WorkerReclaimed: onWorkerReclaimed,
    WorkerEnterUnresponsive(cx, ev) {
        transition(cx, ev, ev.session, 'WorkerEnterUnresponsive', w => w.unresponsiveCount++)
    },
    WorkerExitUnresponsive(cx, ev) {
        transition(cx, ev, ev.session, 'WorkerExitUnresponsive')
    },
    BenchmarkUpdated(cx, ev) {
        const s = cx.ensureSession(ev.session)
        mutateSession(cx, s, s => {
            s.pInstant = ev.pInstant
        })
    },
} satisfies Handlers
