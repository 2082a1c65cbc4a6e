import {sts, Block, Bytes, Option, Result, EventType, RuntimeCtx} from '../support'
import * as v900 from '../v900'
import * as v1130 from '../v1130'
import * as v1140 from '../v1140'
import * as v1170 from '../v1170'

export const coolDownExpirationChanged =  {
    name: 'PhalaMining.CoolDownExpirationChanged',
    /**
     * Cool down expiration changed. \[period\]
     */
    v900: new EventType(
        'PhalaMining.CoolDownExpirationChanged',
        sts.bigint()
    ),
    /**
     * Cool down expiration changed (in sec).
     * 
     * Indicates a change in [`CoolDownPeriod`].
     */
    v1140: new EventType(
        'PhalaMining.CoolDownExpirationChanged',
        sts.struct({
            period: sts.bigint(),
        })
    ),
}

export const minerStarted =  {
    name: 'PhalaMining.MinerStarted',
    /**
     * Miner starts mining. \[miner\]
     */
    v900: new EventType(
        'PhalaMining.MinerStarted',
        v900.AccountId32
    ),
    /**
     * A miner starts mining.
     * 
     * Affected states:
     * - the miner info at [`Miners`] is updated with `MiningIdle` state
     * - [`NextSessionId`] for the miner is incremented
     * - [`Stakes`] for the miner is updated
     * - [`OnlineMiners`] is incremented
     */
    v1140: new EventType(
        'PhalaMining.MinerStarted',
        sts.struct({
            miner: v1140.AccountId32,
        })
    ),
    /**
     * A miner starts mining.
     * 
     * Affected states:
     * - the miner info at [`Miners`] is updated with `MiningIdle` state
     * - [`NextSessionId`] for the miner is incremented
     * - [`Stakes`] for the miner is updated
     * - [`OnlineMiners`] is incremented
     */
    v1170: new EventType(
        'PhalaMining.MinerStarted',
        sts.struct({
            miner: v1170.AccountId32,
            initV: sts.bigint(),
            initP: sts.number(),
        })
    ),
}

export const minerStopped =  {
    name: 'PhalaMining.MinerStopped',
    /**
     * Miner stops mining. \[miner\]
     */
    v900: new EventType(
        'PhalaMining.MinerStopped',
        v900.AccountId32
    ),
    /**
     * Miner stops mining.
     * 
     * Affected states:
     * - the miner info at [`Miners`] is updated with `MiningCoolingDown` state
     * - [`OnlineMiners`] is decremented
     */
    v1140: new EventType(
        'PhalaMining.MinerStopped',
        sts.struct({
            miner: v1140.AccountId32,
        })
    ),
}

export const minerReclaimed =  {
    name: 'PhalaMining.MinerReclaimed',
    /**
     * Miner is reclaimed, with its slash settled. \[miner, original_stake, slashed\]
     */
    v900: new EventType(
        'PhalaMining.MinerReclaimed',
        sts.tuple([v900.AccountId32, sts.bigint(), sts.bigint()])
    ),
    /**
     * Miner is reclaimed, with its slash settled.
     */
    v1140: new EventType(
        'PhalaMining.MinerReclaimed',
        sts.struct({
            miner: v1140.AccountId32,
            originalStake: sts.bigint(),
            slashed: sts.bigint(),
        })
    ),
}

export const minerBound =  {
    name: 'PhalaMining.MinerBound',
    /**
     * Miner & worker are bound. \[miner, worker\]
     */
    v900: new EventType(
        'PhalaMining.MinerBound',
        sts.tuple([v900.AccountId32, v900.Public])
    ),
    /**
     * Miner & worker are bound.
     * 
     * Affected states:
     * - [`MinerBindings`] for the miner account is pointed to the worker
     * - [`WorkerBindings`] for the worker is pointed to the miner account
     * - the miner info at [`Miners`] is updated with `Ready` state
     */
    v1140: new EventType(
        'PhalaMining.MinerBound',
        sts.struct({
            miner: v1140.AccountId32,
            worker: v1140.Public,
        })
    ),
}

export const minerUnbound =  {
    name: 'PhalaMining.MinerUnbound',
    /**
     * Miner & worker are unbound. \[miner, worker\]
     */
    v900: new EventType(
        'PhalaMining.MinerUnbound',
        sts.tuple([v900.AccountId32, v900.Public])
    ),
    /**
     * Miner & worker are unbound.
     * 
     * Affected states:
     * - [`MinerBindings`] for the miner account is removed
     * - [`WorkerBindings`] for the worker is removed
     */
    v1140: new EventType(
        'PhalaMining.MinerUnbound',
        sts.struct({
            miner: v1140.AccountId32,
            worker: v1140.Public,
        })
    ),
}

export const minerEnterUnresponsive =  {
    name: 'PhalaMining.MinerEnterUnresponsive',
    /**
     * Miner enters unresponsive state. \[miner\]
     */
    v900: new EventType(
        'PhalaMining.MinerEnterUnresponsive',
        v900.AccountId32
    ),
    /**
     * Miner enters unresponsive state.
     * 
     * Affected states:
     * - the miner info at [`Miners`] is updated from `MiningIdle` to `MiningUnresponsive`
     */
    v1140: new EventType(
        'PhalaMining.MinerEnterUnresponsive',
        sts.struct({
            miner: v1140.AccountId32,
        })
    ),
}

export const minerExitUnresponive =  {
    name: 'PhalaMining.MinerExitUnresponive',
    /**
     * Miner returns to responsive state \[miner\]
     */
    v900: new EventType(
        'PhalaMining.MinerExitUnresponive',
        v900.AccountId32
    ),
}

export const minerSettled =  {
    name: 'PhalaMining.MinerSettled',
    /**
     * Miner settled successfully. \[miner, v, payout\]
     */
    v900: new EventType(
        'PhalaMining.MinerSettled',
        sts.tuple([v900.AccountId32, sts.bigint(), sts.bigint()])
    ),
    /**
     * Miner settled successfully.
     * 
     * It results in the v in [`Miners`] being updated. It also indicates the downstream
     * stake pool has received the mining reward (payout), and the treasury has received the
     * tax.
     */
    v1140: new EventType(
        'PhalaMining.MinerSettled',
        sts.struct({
            miner: v1140.AccountId32,
            vBits: sts.bigint(),
            payoutBits: sts.bigint(),
        })
    ),
}

export const internalErrorMinerSettleFailed =  {
    name: 'PhalaMining.InternalErrorMinerSettleFailed',
    /**
     * Some internal error happened when settling a miner's ledger. \[worker\]
     */
    v900: new EventType(
        'PhalaMining.InternalErrorMinerSettleFailed',
        v900.Public
    ),
    /**
     * Some internal error happened when settling a miner's ledger.
     */
    v1140: new EventType(
        'PhalaMining.InternalErrorMinerSettleFailed',
        sts.struct({
            worker: v1140.Public,
        })
    ),
}

export const subsidyBudgetHalved =  {
    name: 'PhalaMining.SubsidyBudgetHalved',
    /**
     * Block subsidy halved by 25%
     */
    v900: new EventType(
        'PhalaMining.SubsidyBudgetHalved',
        sts.unit()
    ),
}

export const internalErrorWrongHalvingConfigured =  {
    name: 'PhalaMining.InternalErrorWrongHalvingConfigured',
    /**
     * Some internal error happened when trying to halve the subsidy
     */
    v900: new EventType(
        'PhalaMining.InternalErrorWrongHalvingConfigured',
        sts.unit()
    ),
}

export const minerExitUnresponsive =  {
    name: 'PhalaMining.MinerExitUnresponsive',
    /**
     * Miner returns to responsive state \[miner\]
     */
    v1130: new EventType(
        'PhalaMining.MinerExitUnresponsive',
        v1130.AccountId32
    ),
    /**
     * Miner returns to responsive state.
     * 
     * Affected states:
     * - the miner info at [`Miners`] is updated from `MiningUnresponsive` to `MiningIdle`
     */
    v1140: new EventType(
        'PhalaMining.MinerExitUnresponsive',
        sts.struct({
            miner: v1140.AccountId32,
        })
    ),
}

export const tokenomicParametersChanged =  {
    name: 'PhalaMining.TokenomicParametersChanged',
    /**
     * Tokenomic parameter changed.
     */
    v1130: new EventType(
        'PhalaMining.TokenomicParametersChanged',
        sts.unit()
    ),
}

export const minerSettlementDropped =  {
    name: 'PhalaMining.MinerSettlementDropped',
    /**
     * A miner settlement was dropped because the on-chain version is more up-to-date.
     */
    v1130: new EventType(
        'PhalaMining.MinerSettlementDropped',
        sts.struct({
            miner: v1130.AccountId32,
            v: sts.bigint(),
            payout: sts.bigint(),
        })
    ),
}

export const benchmarkUpdated =  {
    name: 'PhalaMining.BenchmarkUpdated',
    /**
     * Benchmark Updated
     */
    v1170: new EventType(
        'PhalaMining.BenchmarkUpdated',
        sts.struct({
            miner: v1170.AccountId32,
            pInstant: sts.number(),
        })
    ),
}
