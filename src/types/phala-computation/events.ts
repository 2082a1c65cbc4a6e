import {sts, Block, Bytes, Option, Result, EventType, RuntimeCtx} from '../support'
import * as v1251 from '../v1251'

export const coolDownExpirationChanged =  {
    name: 'PhalaComputation.CoolDownExpirationChanged',
    /**
     * Cool down expiration changed (in sec).
     * 
     * Indicates a change in [`CoolDownPeriod`].
     */
    v1251: new EventType(
        'PhalaComputation.CoolDownExpirationChanged',
        sts.struct({
            period: sts.bigint(),
        })
    ),
}

export const workerStarted =  {
    name: 'PhalaComputation.WorkerStarted',
    /**
     * A worker starts computing.
     * 
     * Affected states:
     * - the worker info at [`Sessions`] is updated with `WorkerIdle` state
     * - [`NextSessionId`] for the session is incremented
     * - [`Stakes`] for the session is updated
     * - [`OnlineWorkers`] is incremented
     */
    v1251: new EventType(
        'PhalaComputation.WorkerStarted',
        sts.struct({
            session: v1251.AccountId32,
            initV: sts.bigint(),
            initP: sts.number(),
        })
    ),
}

export const workerStopped =  {
    name: 'PhalaComputation.WorkerStopped',
    /**
     * Worker stops computing.
     * 
     * Affected states:
     * - the worker info at [`Sessions`] is updated with `WorkerCoolingDown` state
     * - [`OnlineWorkers`] is decremented
     */
    v1251: new EventType(
        'PhalaComputation.WorkerStopped',
        sts.struct({
            session: v1251.AccountId32,
        })
    ),
}

export const workerReclaimed =  {
    name: 'PhalaComputation.WorkerReclaimed',
    /**
     * Worker is reclaimed, with its slash settled.
     */
    v1251: new EventType(
        'PhalaComputation.WorkerReclaimed',
        sts.struct({
            session: v1251.AccountId32,
            originalStake: sts.bigint(),
            slashed: sts.bigint(),
        })
    ),
}

export const sessionBound =  {
    name: 'PhalaComputation.SessionBound',
    /**
     * Worker & session are bounded.
     * 
     * Affected states:
     * - [`SessionBindings`] for the session account is pointed to the worker
     * - [`WorkerBindings`] for the worker is pointed to the session account
     * - the worker info at [`Sessions`] is updated with `Ready` state
     */
    v1251: new EventType(
        'PhalaComputation.SessionBound',
        sts.struct({
            session: v1251.AccountId32,
            worker: v1251.Public,
        })
    ),
}

export const sessionUnbound =  {
    name: 'PhalaComputation.SessionUnbound',
    /**
     * Worker & worker are unbound.
     * 
     * Affected states:
     * - [`SessionBindings`] for the session account is removed
     * - [`WorkerBindings`] for the worker is removed
     */
    v1251: new EventType(
        'PhalaComputation.SessionUnbound',
        sts.struct({
            session: v1251.AccountId32,
            worker: v1251.Public,
        })
    ),
}

export const workerEnterUnresponsive =  {
    name: 'PhalaComputation.WorkerEnterUnresponsive',
    /**
     * Worker enters unresponsive state.
     * 
     * Affected states:
     * - the worker info at [`Sessions`] is updated from `WorkerIdle` to `WorkerUnresponsive`
     */
    v1251: new EventType(
        'PhalaComputation.WorkerEnterUnresponsive',
        sts.struct({
            session: v1251.AccountId32,
        })
    ),
}

export const workerExitUnresponsive =  {
    name: 'PhalaComputation.WorkerExitUnresponsive',
    /**
     * Worker returns to responsive state.
     * 
     * Affected states:
     * - the worker info at [`Sessions`] is updated from `WorkerUnresponsive` to `WorkerIdle`
     */
    v1251: new EventType(
        'PhalaComputation.WorkerExitUnresponsive',
        sts.struct({
            session: v1251.AccountId32,
        })
    ),
}

export const sessionSettled =  {
    name: 'PhalaComputation.SessionSettled',
    /**
     * Worker settled successfully.
     * 
     * It results in the v in [`Sessions`] being updated. It also indicates the downstream
     * stake pool has received the computing reward (payout), and the treasury has received the
     * tax.
     */
    v1251: new EventType(
        'PhalaComputation.SessionSettled',
        sts.struct({
            session: v1251.AccountId32,
            vBits: sts.bigint(),
            payoutBits: sts.bigint(),
        })
    ),
}

export const internalErrorWorkerSettleFailed =  {
    name: 'PhalaComputation.InternalErrorWorkerSettleFailed',
    /**
     * Some internal error happened when settling a worker's ledger.
     */
    v1251: new EventType(
        'PhalaComputation.InternalErrorWorkerSettleFailed',
        sts.struct({
            worker: v1251.Public,
        })
    ),
}

export const subsidyBudgetHalved =  {
    name: 'PhalaComputation.SubsidyBudgetHalved',
    /**
     * Block subsidy halved by 25%.
     * 
     * This event will be followed by a [`TokenomicParametersChanged`](#variant.TokenomicParametersChanged)
     * event indicating the change of the block subsidy budget in the parameter.
     */
    v1251: new EventType(
        'PhalaComputation.SubsidyBudgetHalved',
        sts.unit()
    ),
}

export const internalErrorWrongHalvingConfigured =  {
    name: 'PhalaComputation.InternalErrorWrongHalvingConfigured',
    /**
     * Some internal error happened when trying to halve the subsidy
     */
    v1251: new EventType(
        'PhalaComputation.InternalErrorWrongHalvingConfigured',
        sts.unit()
    ),
}

export const tokenomicParametersChanged =  {
    name: 'PhalaComputation.TokenomicParametersChanged',
    /**
     * Tokenomic parameter changed.
     * 
     * Affected states:
     * - [`TokenomicParameters`] is updated.
     */
    v1251: new EventType(
        'PhalaComputation.TokenomicParametersChanged',
        sts.unit()
    ),
}

export const sessionSettlementDropped =  {
    name: 'PhalaComputation.SessionSettlementDropped',
    /**
     * A session settlement was dropped because the on-chain version is more up-to-date.
     * 
     * This is a temporary walk-around of the computing staking design. Will be fixed by
     * StakePool v2.
     */
    v1251: new EventType(
        'PhalaComputation.SessionSettlementDropped',
        sts.struct({
            session: v1251.AccountId32,
            v: sts.bigint(),
            payout: sts.bigint(),
        })
    ),
}

export const benchmarkUpdated =  {
    name: 'PhalaComputation.BenchmarkUpdated',
    /**
     * Benchmark Updated
     */
    v1251: new EventType(
        'PhalaComputation.BenchmarkUpdated',
        sts.struct({
            session: v1251.AccountId32,
            pInstant: sts.number(),
        })
    ),
}

export const budgetUpdated =  {
    name: 'PhalaComputation.BudgetUpdated',
    v1251: new EventType(
        'PhalaComputation.BudgetUpdated',
        sts.struct({
            nonce: sts.bigint(),
            budget: sts.bigint(),
        })
    ),
}
