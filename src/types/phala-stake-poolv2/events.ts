import {sts, Block, Bytes, Option, Result, EventType, RuntimeCtx} from '../support'
import * as v1251 from '../v1251'

export const poolCreated =  {
    name: 'PhalaStakePoolv2.PoolCreated',
    /**
     * A stake pool is created by `owner`
     * 
     * Affected states:
     * - a new entry in [`Pools`] with the pid
     */
    v1251: new EventType(
        'PhalaStakePoolv2.PoolCreated',
        sts.struct({
            owner: v1251.AccountId32,
            pid: sts.bigint(),
            cid: sts.number(),
            poolAccountId: v1251.AccountId32,
        })
    ),
}

export const poolCommissionSet =  {
    name: 'PhalaStakePoolv2.PoolCommissionSet',
    /**
     * The commission of a pool is updated
     * 
     * The commission ratio is represented by an integer. The real value is
     * `commission / 1_000_000u32`.
     * 
     * Affected states:
     * - the `payout_commission` field in [`Pools`] is updated
     */
    v1251: new EventType(
        'PhalaStakePoolv2.PoolCommissionSet',
        sts.struct({
            pid: sts.bigint(),
            commission: sts.number(),
        })
    ),
}

export const poolCapacitySet =  {
    name: 'PhalaStakePoolv2.PoolCapacitySet',
    /**
     * The stake capacity of the pool is updated
     * 
     * Affected states:
     * - the `cap` field in [`Pools`] is updated
     */
    v1251: new EventType(
        'PhalaStakePoolv2.PoolCapacitySet',
        sts.struct({
            pid: sts.bigint(),
            cap: sts.bigint(),
        })
    ),
}

export const poolWorkerAdded =  {
    name: 'PhalaStakePoolv2.PoolWorkerAdded',
    /**
     * A worker is added to the pool
     * 
     * Affected states:
     * - the `worker` is added to the vector `workers` in [`Pools`]
     * - the worker in the [`WorkerAssignments`] is pointed to `pid`
     * - the worker-session binding is updated in `computation` pallet ([`WorkerBindings`](computation::pallet::WorkerBindings),
     *   [`SessionBindings`](computation::pallet::SessionBindings))
     */
    v1251: new EventType(
        'PhalaStakePoolv2.PoolWorkerAdded',
        sts.struct({
            pid: sts.bigint(),
            worker: v1251.Public,
            session: v1251.AccountId32,
        })
    ),
}

export const contribution =  {
    name: 'PhalaStakePoolv2.Contribution',
    /**
     * Someone contributed to a pool
     * 
     * Affected states:
     * - the stake related fields in [`Pools`]
     * - the user W-PHA balance reduced
     * - the user recive ad share NFT once contribution succeeded
     * - when there was any request in the withdraw queue, the action may trigger withdrawals
     *   ([`Withdrawal`](#variant.Withdrawal) event)
     */
    v1251: new EventType(
        'PhalaStakePoolv2.Contribution',
        sts.struct({
            pid: sts.bigint(),
            user: v1251.AccountId32,
            amount: sts.bigint(),
            shares: sts.bigint(),
            asVault: sts.option(() => sts.bigint()),
        })
    ),
}

export const ownerRewardsWithdrawn =  {
    name: 'PhalaStakePoolv2.OwnerRewardsWithdrawn',
    /**
     * Owner rewards were withdrawn by pool owner
     * 
     * Affected states:
     * - the stake related fields in [`Pools`]
     * - the owner asset account
     */
    v1251: new EventType(
        'PhalaStakePoolv2.OwnerRewardsWithdrawn',
        sts.struct({
            pid: sts.bigint(),
            user: v1251.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const poolSlashed =  {
    name: 'PhalaStakePoolv2.PoolSlashed',
    /**
     * The pool received a slash event from one of its workers (currently disabled)
     * 
     * The slash is accured to the pending slash accumulator.
     */
    v1251: new EventType(
        'PhalaStakePoolv2.PoolSlashed',
        sts.struct({
            pid: sts.bigint(),
            amount: sts.bigint(),
        })
    ),
}

export const slashSettled =  {
    name: 'PhalaStakePoolv2.SlashSettled',
    /**
     * Some slash is actually settled to a contributor (currently disabled)
     */
    v1251: new EventType(
        'PhalaStakePoolv2.SlashSettled',
        sts.struct({
            pid: sts.bigint(),
            user: v1251.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const rewardDismissedNotInPool =  {
    name: 'PhalaStakePoolv2.RewardDismissedNotInPool',
    /**
     * Some reward is dismissed because the worker is no longer bound to a pool
     * 
     * There's no affected state.
     */
    v1251: new EventType(
        'PhalaStakePoolv2.RewardDismissedNotInPool',
        sts.struct({
            worker: v1251.Public,
            amount: sts.bigint(),
        })
    ),
}

export const rewardDismissedNoShare =  {
    name: 'PhalaStakePoolv2.RewardDismissedNoShare',
    /**
     * Some reward is dismissed because the pool doesn't have any share
     * 
     * There's no affected state.
     */
    v1251: new EventType(
        'PhalaStakePoolv2.RewardDismissedNoShare',
        sts.struct({
            pid: sts.bigint(),
            amount: sts.bigint(),
        })
    ),
}

export const rewardDismissedDust =  {
    name: 'PhalaStakePoolv2.RewardDismissedDust',
    /**
     * Some reward is dismissed because the amount is too tiny (dust)
     * 
     * There's no affected state.
     */
    v1251: new EventType(
        'PhalaStakePoolv2.RewardDismissedDust',
        sts.struct({
            pid: sts.bigint(),
            amount: sts.bigint(),
        })
    ),
}

export const poolWorkerRemoved =  {
    name: 'PhalaStakePoolv2.PoolWorkerRemoved',
    /**
     * A worker is removed from a pool.
     * 
     * Affected states:
     * - the worker item in [`WorkerAssignments`] is removed
     * - the worker is removed from the [`Pools`] item
     */
    v1251: new EventType(
        'PhalaStakePoolv2.PoolWorkerRemoved',
        sts.struct({
            pid: sts.bigint(),
            worker: v1251.Public,
        })
    ),
}

export const workerReclaimed =  {
    name: 'PhalaStakePoolv2.WorkerReclaimed',
    /**
     * A worker is reclaimed from the pool
     */
    v1251: new EventType(
        'PhalaStakePoolv2.WorkerReclaimed',
        sts.struct({
            pid: sts.bigint(),
            worker: v1251.Public,
        })
    ),
}

export const rewardReceived =  {
    name: 'PhalaStakePoolv2.RewardReceived',
    /**
     * The amount of reward that distributed to owner and stakers
     */
    v1251: new EventType(
        'PhalaStakePoolv2.RewardReceived',
        sts.struct({
            pid: sts.bigint(),
            toOwner: sts.bigint(),
            toStakers: sts.bigint(),
        })
    ),
}

export const workingStarted =  {
    name: 'PhalaStakePoolv2.WorkingStarted',
    /**
     * The amount of stakes for a worker to start computing
     */
    v1251: new EventType(
        'PhalaStakePoolv2.WorkingStarted',
        sts.struct({
            pid: sts.bigint(),
            worker: v1251.Public,
            amount: sts.bigint(),
        })
    ),
}

export const rewardToOwnerDismissedDust =  {
    name: 'PhalaStakePoolv2.RewardToOwnerDismissedDust',
    /**
     * Some to-distribute reward is dismissed because the amount is too tiny (dust)
     * 
     * There's no affected state.
     */
    v1251: new EventType(
        'PhalaStakePoolv2.RewardToOwnerDismissedDust',
        sts.struct({
            pid: sts.bigint(),
            amount: sts.bigint(),
        })
    ),
}

export const rewardToDistributionDismissedDust =  {
    name: 'PhalaStakePoolv2.RewardToDistributionDismissedDust',
    /**
     * Some to-distribute reward is dismissed because the amount is too tiny (dust)
     * 
     * There's no affected state.
     */
    v1251: new EventType(
        'PhalaStakePoolv2.RewardToDistributionDismissedDust',
        sts.struct({
            pid: sts.bigint(),
            amount: sts.bigint(),
        })
    ),
}
