/**
 * The session (miner) state machine of PhalaComputation / PhalaMining.
 *
 * A session exists from its first binding on and is always in one of four states. Binding creates (or
 * resets) it in Ready; unbinding leaves its state alone (a cooling-down session stays cooling down and
 * is reclaimed later). A worker's state is the state of the session bound to it, or "not bound" (null).
 */
import {WorkerState} from '../model'

export {WorkerState}

export type SessionTransition = 'SessionBound' | 'WorkerStarted' | 'WorkerStopped' | 'WorkerReclaimed' | 'WorkerEnterUnresponsive' | 'WorkerExitUnresponsive'

/** allowed source states of each transition, and the state it leads to */
const TRANSITIONS: Record<SessionTransition, {from: (WorkerState | null)[]; to: WorkerState}> = {
    // bind requires a fresh session or one that is Ready
    SessionBound: {from: [null, WorkerState.Ready], to: WorkerState.Ready},
    WorkerStarted: {from: [WorkerState.Ready], to: WorkerState.WorkerIdle},
    WorkerEnterUnresponsive: {from: [WorkerState.WorkerIdle], to: WorkerState.WorkerUnresponsive},
    WorkerExitUnresponsive: {from: [WorkerState.WorkerUnresponsive], to: WorkerState.WorkerIdle},
    WorkerStopped: {from: [WorkerState.WorkerIdle, WorkerState.WorkerUnresponsive], to: WorkerState.WorkerCoolingDown},
    WorkerReclaimed: {from: [WorkerState.WorkerCoolingDown], to: WorkerState.Ready},
}

export interface TransitionResult {
    to: WorkerState
    /** false when the chain moved the session from a state this transition does not allow (an anomaly to report) */
    expected: boolean
}

/**
 * The state after `t`, given the session's current state (null: no session yet). The chain is the
 * authority: the result always follows the event; `expected` says whether the source state was legal.
 */
export function nextSessionState(from: WorkerState | null, t: SessionTransition): TransitionResult {
    const rule = TRANSITIONS[t]
    return {to: rule.to, expected: rule.from.includes(from)}
}

/** Unbinding is legal only from Ready or CoolingDown (a computing session is stopped first). */
export function canUnbind(state: WorkerState | null): boolean {
    return state === WorkerState.Ready || state === WorkerState.WorkerCoolingDown
}

/** Only idle (computing and responsive) sessions share the budget. */
export function isEarning(state: WorkerState | null | undefined): boolean {
    return state === WorkerState.WorkerIdle
}

/** Computing = started and not stopped (idle or unresponsive). */
export function isComputing(state: WorkerState | null | undefined): boolean {
    return state === WorkerState.WorkerIdle || state === WorkerState.WorkerUnresponsive
}

/** the name a state's counters and times go by: `readyMs`, `idleCount`, `StateTimesMs.unresponsive`, … */
export type StateKey = 'ready' | 'idle' | 'unresponsive' | 'coolingDown'

const STATE_KEYS: Record<WorkerState, StateKey> = {
    [WorkerState.Ready]: 'ready',
    [WorkerState.WorkerIdle]: 'idle',
    [WorkerState.WorkerUnresponsive]: 'unresponsive',
    [WorkerState.WorkerCoolingDown]: 'coolingDown',
}

/** the key of a state (undefined for none or an unknown one) */
export function stateKey(state: string | null | undefined): StateKey | undefined {
    return state == null ? undefined : STATE_KEYS[state as WorkerState]
}

/** a state's time field on Worker and count field on NetworkState, spelled out once (no string built per call) */
export const STATE_MS = {ready: 'readyMs', idle: 'idleMs', unresponsive: 'unresponsiveMs', coolingDown: 'coolingDownMs'} as const satisfies Record<
    StateKey,
    string
>
export const STATE_COUNT = {
    ready: 'readyCount',
    idle: 'idleCount',
    unresponsive: 'unresponsiveCount',
    coolingDown: 'coolingDownCount',
} as const satisfies Record<StateKey, string>
