import {sts, Block, Bytes, Option, Result, EventType, RuntimeCtx} from '../support'
import * as v900 from '../v900'
import * as v1130 from '../v1130'
import * as v1140 from '../v1140'
import * as v1170 from '../v1170'

export const poolCreated =  {
    name: 'PhalaStakePool.PoolCreated',
    /**
     * \[owner, pid\]
     */
    v900: new EventType(
        'PhalaStakePool.PoolCreated',
        sts.tuple([v900.AccountId32, sts.bigint()])
    ),
    /**
     * A pool is created under an owner
     * 
     * Affected states:
     * - a new entry in [`StakePools`] with the pid
     */
    v1140: new EventType(
        'PhalaStakePool.PoolCreated',
        sts.struct({
            owner: v1140.AccountId32,
            pid: sts.bigint(),
        })
    ),
}

export const poolCommissionSet =  {
    name: 'PhalaStakePool.PoolCommissionSet',
    /**
     * The real commission ratio is commission/1_000_000u32. \[pid, commission\]
     */
    v900: new EventType(
        'PhalaStakePool.PoolCommissionSet',
        sts.tuple([sts.bigint(), sts.number()])
    ),
    /**
     * The commission of a pool is updated
     * 
     * The commission ratio is represented by an integer. The real value is
     * `commission / 1_000_000u32`.
     * 
     * Affected states:
     * - the `payout_commission` field in [`StakePools`] is updated
     */
    v1140: new EventType(
        'PhalaStakePool.PoolCommissionSet',
        sts.struct({
            pid: sts.bigint(),
            commission: sts.number(),
        })
    ),
}

export const poolCapacitySet =  {
    name: 'PhalaStakePool.PoolCapacitySet',
    /**
     * \[pid, cap\]
     */
    v900: new EventType(
        'PhalaStakePool.PoolCapacitySet',
        sts.tuple([sts.bigint(), sts.bigint()])
    ),
    /**
     * The stake capacity of the pool is updated
     * 
     * Affected states:
     * - the `cap` field in [`StakePools`] is updated
     */
    v1140: new EventType(
        'PhalaStakePool.PoolCapacitySet',
        sts.struct({
            pid: sts.bigint(),
            cap: sts.bigint(),
        })
    ),
}

export const poolWorkerAdded =  {
    name: 'PhalaStakePool.PoolWorkerAdded',
    /**
     * \[pid, worker\]
     */
    v900: new EventType(
        'PhalaStakePool.PoolWorkerAdded',
        sts.tuple([sts.bigint(), v900.Public])
    ),
    /**
     * A worker is added to the pool
     * 
     * Affected states:
     * - the `worker` is added to the vector `workers` in [`StakePools`]
     * - the worker in the [`WorkerAssignments`] is pointed to `pid`
     * - the worker-miner binding is updated in `mining` pallet ([`WorkerBindings`](mining::pallet::WorkerBindings),
     *   [`MinerBindings`](mining::pallet::MinerBindings))
     */
    v1140: new EventType(
        'PhalaStakePool.PoolWorkerAdded',
        sts.struct({
            pid: sts.bigint(),
            worker: v1140.Public,
        })
    ),
    /**
     * A worker is added to the pool
     * 
     * Affected states:
     * - the `worker` is added to the vector `workers` in [`StakePools`]
     * - the worker in the [`WorkerAssignments`] is pointed to `pid`
     * - the worker-miner binding is updated in `mining` pallet ([`WorkerBindings`](mining::pallet::WorkerBindings),
     *   [`MinerBindings`](mining::pallet::MinerBindings))
     */
    v1170: new EventType(
        'PhalaStakePool.PoolWorkerAdded',
        sts.struct({
            pid: sts.bigint(),
            worker: v1170.Public,
            miner: v1170.AccountId32,
        })
    ),
}

export const contribution =  {
    name: 'PhalaStakePool.Contribution',
    /**
     * \[pid, user, amount\]
     */
    v900: new EventType(
        'PhalaStakePool.Contribution',
        sts.tuple([sts.bigint(), v900.AccountId32, sts.bigint()])
    ),
    /**
     * Someone contributed to a pool
     * 
     * Affected states:
     * - the stake related fields in [`StakePools`]
     * - the user staking account at [`PoolStakers`]
     * - the locking ledger of the contributor at [`StakeLedger`]
     * - when there was any request in the withdraw queue, the action may trigger withdrawals
     *   ([`Withdrawal`](#variant.Withdrawal) event)
     */
    v1140: new EventType(
        'PhalaStakePool.Contribution',
        sts.struct({
            pid: sts.bigint(),
            user: v1140.AccountId32,
            amount: sts.bigint(),
        })
    ),
    /**
     * Someone contributed to a pool
     * 
     * Affected states:
     * - the stake related fields in [`StakePools`]
     * - the user staking account at [`PoolStakers`]
     * - the locking ledger of the contributor at [`StakeLedger`]
     * - when there was any request in the withdraw queue, the action may trigger withdrawals
     *   ([`Withdrawal`](#variant.Withdrawal) event)
     */
    v1170: new EventType(
        'PhalaStakePool.Contribution',
        sts.struct({
            pid: sts.bigint(),
            user: v1170.AccountId32,
            amount: sts.bigint(),
            shares: sts.bigint(),
        })
    ),
}

export const withdrawal =  {
    name: 'PhalaStakePool.Withdrawal',
    /**
     * \[pid, user, amount\]
     */
    v900: new EventType(
        'PhalaStakePool.Withdrawal',
        sts.tuple([sts.bigint(), v900.AccountId32, sts.bigint()])
    ),
    /**
     * Some stake was withdrawn from a pool
     * 
     * The lock in [`Balances`](pallet_balances::pallet::Pallet) is updated to release the
     * locked stake.
     * 
     * Affected states:
     * - the stake related fields in [`StakePools`]
     * - the user staking account at [`PoolStakers`]
     * - the locking ledger of the contributor at [`StakeLedger`]
     */
    v1140: new EventType(
        'PhalaStakePool.Withdrawal',
        sts.struct({
            pid: sts.bigint(),
            user: v1140.AccountId32,
            amount: sts.bigint(),
        })
    ),
    /**
     * Some stake was withdrawn from a pool
     * 
     * The lock in [`Balances`](pallet_balances::pallet::Pallet) is updated to release the
     * locked stake.
     * 
     * Affected states:
     * - the stake related fields in [`StakePools`]
     * - the user staking account at [`PoolStakers`]
     * - the locking ledger of the contributor at [`StakeLedger`]
     */
    v1170: new EventType(
        'PhalaStakePool.Withdrawal',
        sts.struct({
            pid: sts.bigint(),
            user: v1170.AccountId32,
            amount: sts.bigint(),
            shares: sts.bigint(),
        })
    ),
}

export const rewardsWithdrawn =  {
    name: 'PhalaStakePool.RewardsWithdrawn',
    /**
     * \[pid, user, amount\]
     */
    v900: new EventType(
        'PhalaStakePool.RewardsWithdrawn',
        sts.tuple([sts.bigint(), v900.AccountId32, sts.bigint()])
    ),
    /**
     * Pending rewards were withdrawn by a user
     * 
     * The reward and slash accumulator is resolved, and the reward is sent to the user
     * account.
     * 
     * Affected states:
     * - the stake related fields in [`StakePools`]
     * - the user staking account at [`PoolStakers`]
     */
    v1140: new EventType(
        'PhalaStakePool.RewardsWithdrawn',
        sts.struct({
            pid: sts.bigint(),
            user: v1140.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const poolSlashed =  {
    name: 'PhalaStakePool.PoolSlashed',
    /**
     * \[pid, amount\]
     */
    v900: new EventType(
        'PhalaStakePool.PoolSlashed',
        sts.tuple([sts.bigint(), sts.bigint()])
    ),
    /**
     * The pool received a slash event from one of its workers (currently disabled)
     * 
     * The slash is accured to the pending slash accumulator.
     */
    v1140: new EventType(
        'PhalaStakePool.PoolSlashed',
        sts.struct({
            pid: sts.bigint(),
            amount: sts.bigint(),
        })
    ),
}

export const slashSettled =  {
    name: 'PhalaStakePool.SlashSettled',
    /**
     * \[pid, account, amount\]
     */
    v900: new EventType(
        'PhalaStakePool.SlashSettled',
        sts.tuple([sts.bigint(), v900.AccountId32, sts.bigint()])
    ),
    /**
     * Some slash is actually settled to a contributor (currently disabled)
     */
    v1140: new EventType(
        'PhalaStakePool.SlashSettled',
        sts.struct({
            pid: sts.bigint(),
            user: v1140.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const rewardDismissedNotInPool =  {
    name: 'PhalaStakePool.RewardDismissedNotInPool',
    /**
     * Some reward is dismissed because the worker is no longer bound to a pool. \[worker, amount\]
     */
    v900: new EventType(
        'PhalaStakePool.RewardDismissedNotInPool',
        sts.tuple([v900.Public, sts.bigint()])
    ),
    /**
     * Some reward is dismissed because the worker is no longer bound to a pool
     * 
     * There's no affected state.
     */
    v1140: new EventType(
        'PhalaStakePool.RewardDismissedNotInPool',
        sts.struct({
            worker: v1140.Public,
            amount: sts.bigint(),
        })
    ),
}

export const rewardDismissedNoShare =  {
    name: 'PhalaStakePool.RewardDismissedNoShare',
    /**
     * Some reward is dismissed because the pool doesn't have any share. \[pid, amount\]
     */
    v900: new EventType(
        'PhalaStakePool.RewardDismissedNoShare',
        sts.tuple([sts.bigint(), sts.bigint()])
    ),
    /**
     * Some reward is dismissed because the pool doesn't have any share
     * 
     * There's no affected state.
     */
    v1140: new EventType(
        'PhalaStakePool.RewardDismissedNoShare',
        sts.struct({
            pid: sts.bigint(),
            amount: sts.bigint(),
        })
    ),
}

export const rewardDismissedDust =  {
    name: 'PhalaStakePool.RewardDismissedDust',
    /**
     * Some reward is dismissed because the amount is too tiny (dust). \[pid, amount\]
     */
    v900: new EventType(
        'PhalaStakePool.RewardDismissedDust',
        sts.tuple([sts.bigint(), sts.bigint()])
    ),
    /**
     * Some reward is dismissed because the amount is too tiny (dust)
     * 
     * There's no affected state.
     */
    v1140: new EventType(
        'PhalaStakePool.RewardDismissedDust',
        sts.struct({
            pid: sts.bigint(),
            amount: sts.bigint(),
        })
    ),
}

export const dustRemoved =  {
    name: 'PhalaStakePool.DustRemoved',
    /**
     * Some dust stake is removed. \[user, amount\]
     */
    v900: new EventType(
        'PhalaStakePool.DustRemoved',
        sts.tuple([v900.AccountId32, sts.bigint()])
    ),
    /**
     * Some dust stake is removed
     * 
     * Triggered when the remaining stake of a user is too small after withdrawal or slash.
     * 
     * Affected states:
     * - the balance of the locking ledger of the contributor at [`StakeLedger`] is set to 0
     * - the user's dust stake is moved to treasury
     */
    v1140: new EventType(
        'PhalaStakePool.DustRemoved',
        sts.struct({
            user: v1140.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const poolWorkerRemoved =  {
    name: 'PhalaStakePool.PoolWorkerRemoved',
    /**
     * A worker is removed from a pool.
     */
    v1130: new EventType(
        'PhalaStakePool.PoolWorkerRemoved',
        sts.struct({
            pid: sts.bigint(),
            worker: v1130.Public,
        })
    ),
}

export const withdrawalQueued =  {
    name: 'PhalaStakePool.WithdrawalQueued',
    /**
     * A withdrawal request is queued by adding or replacing an old one.
     */
    v1130: new EventType(
        'PhalaStakePool.WithdrawalQueued',
        sts.struct({
            pid: sts.bigint(),
            user: v1130.AccountId32,
            shares: sts.bigint(),
        })
    ),
}

export const ownerRewardsWithdrawn =  {
    name: 'PhalaStakePool.OwnerRewardsWithdrawn',
    /**
     * Similar to event `RewardsWithdrawn` but only affected states:
     *  - the stake related fields in [`StakePools`]
     */
    v1170: new EventType(
        'PhalaStakePool.OwnerRewardsWithdrawn',
        sts.struct({
            pid: sts.bigint(),
            user: v1170.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const stakerRewardsWithdrawn =  {
    name: 'PhalaStakePool.StakerRewardsWithdrawn',
    /**
     * Similar to event `ewardsWithdrawn` but only affected states:
     *  - the user staking account at [`PoolStakers`]
     */
    v1170: new EventType(
        'PhalaStakePool.StakerRewardsWithdrawn',
        sts.struct({
            pid: sts.bigint(),
            user: v1170.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const poolWhitelistCreated =  {
    name: 'PhalaStakePool.PoolWhitelistCreated',
    /**
     * A pool contribution whitelist is added
     * - lazy operated when the first staker is added to the whitelist
     */
    v1170: new EventType(
        'PhalaStakePool.PoolWhitelistCreated',
        sts.struct({
            pid: sts.bigint(),
        })
    ),
}

export const poolWhitelistDeleted =  {
    name: 'PhalaStakePool.PoolWhitelistDeleted',
    /**
     * The pool contribution whitelist is deleted
     * - lazy operated when the last staker is removed from the whitelist
     */
    v1170: new EventType(
        'PhalaStakePool.PoolWhitelistDeleted',
        sts.struct({
            pid: sts.bigint(),
        })
    ),
}

export const poolWhitelistStakerAdded =  {
    name: 'PhalaStakePool.PoolWhitelistStakerAdded',
    /**
     * A staker is added to the pool contribution whitelist
     */
    v1170: new EventType(
        'PhalaStakePool.PoolWhitelistStakerAdded',
        sts.struct({
            pid: sts.bigint(),
            staker: v1170.AccountId32,
        })
    ),
}

export const poolWhitelistStakerRemoved =  {
    name: 'PhalaStakePool.PoolWhitelistStakerRemoved',
    /**
     * A staker is removed from the pool contribution whitelist
     */
    v1170: new EventType(
        'PhalaStakePool.PoolWhitelistStakerRemoved',
        sts.struct({
            pid: sts.bigint(),
            staker: v1170.AccountId32,
        })
    ),
}

export const workerReclaimed =  {
    name: 'PhalaStakePool.WorkerReclaimed',
    /**
     * A worker is reclaimed from the pool
     */
    v1170: new EventType(
        'PhalaStakePool.WorkerReclaimed',
        sts.struct({
            pid: sts.bigint(),
            worker: v1170.Public,
        })
    ),
}

export const rewardReceived =  {
    name: 'PhalaStakePool.RewardReceived',
    /**
     * The amount of reward that distributed to owner and stakers
     */
    v1170: new EventType(
        'PhalaStakePool.RewardReceived',
        sts.struct({
            pid: sts.bigint(),
            toOwner: sts.bigint(),
            toStakers: sts.bigint(),
        })
    ),
}

export const miningStarted =  {
    name: 'PhalaStakePool.MiningStarted',
    /**
     * The amount of stakes for a worker to start mine
     */
    v1170: new EventType(
        'PhalaStakePool.MiningStarted',
        sts.struct({
            pid: sts.bigint(),
            worker: v1170.Public,
            amount: sts.bigint(),
        })
    ),
}
