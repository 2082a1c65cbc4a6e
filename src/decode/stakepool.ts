/**
 * PhalaStakePool (v1, specs ≤ 1170; poolKind 'StakePoolV1') and PhalaStakePoolv2 (spec 1251+; poolKind
 * 'StakePool').
 *
 * v1 renames hidden here: MiningStarted → WorkingStarted, RewardsWithdrawn → StakerRewardsWithdrawn,
 * WorkerReclaimed → PoolWorkerReclaimed, `miner` → session. Spec 900/1130 events are positional tuples.
 * Fields the older shapes lack are null (Contribution/Withdrawal shares before 1170, PoolWorkerAdded
 * session before 1170, cid/poolAccount for every v1 pool).
 */
import type {Runtime} from '@subsquid/substrate-runtime'
import {phalaStakePool as p1, phalaStakePoolv2 as p2} from '../types/events'
import {EventDecoder, hex32, on, orNull} from './dispatch'

const V1 = 'StakePoolV1' as const
const V2 = 'StakePool' as const

export const stakePoolV1Decoders: EventDecoder[] = [
    on(p1.poolCreated, {
        v900: ([owner, pid]) => ({kind: 'PoolCreated', poolKind: V1, pid, owner: hex32(owner), cid: null, poolAccount: null}),
        v1140: a => ({kind: 'PoolCreated', poolKind: V1, pid: a.pid, owner: hex32(a.owner), cid: null, poolAccount: null}),
    }),
    on(p1.poolCommissionSet, {
        v900: ([pid, commission]) => ({kind: 'PoolCommissionSet', poolKind: V1, pid, commission}),
        v1140: a => ({kind: 'PoolCommissionSet', poolKind: V1, pid: a.pid, commission: a.commission}),
    }),
    on(p1.poolCapacitySet, {
        v900: ([pid, cap]) => ({kind: 'PoolCapacitySet', poolKind: V1, pid, cap}),
        v1140: a => ({kind: 'PoolCapacitySet', poolKind: V1, pid: a.pid, cap: a.cap}),
    }),
    on(p1.poolWorkerAdded, {
        v900: ([pid, worker]) => ({kind: 'PoolWorkerAdded', poolKind: V1, pid, worker: hex32(worker), session: null}),
        v1140: a => ({kind: 'PoolWorkerAdded', poolKind: V1, pid: a.pid, worker: hex32(a.worker), session: null}),
        v1170: a => ({kind: 'PoolWorkerAdded', poolKind: V1, pid: a.pid, worker: hex32(a.worker), session: hex32(a.miner)}),
    }),
    on(p1.contribution, {
        v900: ([pid, user, amount]) => ({kind: 'Contribution', poolKind: V1, pid, user: hex32(user), amount, shares: null, asVault: null}),
        v1140: a => ({kind: 'Contribution', poolKind: V1, pid: a.pid, user: hex32(a.user), amount: a.amount, shares: null, asVault: null}),
        v1170: a => ({kind: 'Contribution', poolKind: V1, pid: a.pid, user: hex32(a.user), amount: a.amount, shares: a.shares, asVault: null}),
    }),
    on(p1.withdrawal, {
        v900: ([pid, user, amount]) => ({kind: 'Withdrawal', poolKind: V1, pid, user: hex32(user), amount, shares: null, burntShares: null}),
        v1140: a => ({kind: 'Withdrawal', poolKind: V1, pid: a.pid, user: hex32(a.user), amount: a.amount, shares: null, burntShares: null}),
        v1170: a => ({kind: 'Withdrawal', poolKind: V1, pid: a.pid, user: hex32(a.user), amount: a.amount, shares: a.shares, burntShares: null}),
    }),
    on(p1.rewardsWithdrawn, {
        v900: ([pid, user, amount]) => ({kind: 'StakerRewardsWithdrawn', poolKind: V1, pid, user: hex32(user), amount}),
        v1140: a => ({kind: 'StakerRewardsWithdrawn', poolKind: V1, pid: a.pid, user: hex32(a.user), amount: a.amount}),
    }),
    on(p1.poolSlashed, {
        v900: ([pid, amount]) => ({kind: 'PoolSlashed', poolKind: V1, pid, amount}),
        v1140: a => ({kind: 'PoolSlashed', poolKind: V1, pid: a.pid, amount: a.amount}),
    }),
    on(p1.slashSettled, {
        v900: ([pid, user, amount]) => ({kind: 'SlashSettled', poolKind: V1, pid, user: hex32(user), amount}),
        v1140: a => ({kind: 'SlashSettled', poolKind: V1, pid: a.pid, user: hex32(a.user), amount: a.amount}),
    }),
    on(p1.rewardDismissedNotInPool, {
        v900: ([worker, amount]) => ({kind: 'RewardDismissedNotInPool', poolKind: V1, worker: hex32(worker), amount, endsMessage: true}),
        v1140: a => ({kind: 'RewardDismissedNotInPool', poolKind: V1, worker: hex32(a.worker), amount: a.amount, endsMessage: true}),
    }),
    on(p1.rewardDismissedNoShare, {
        v900: ([pid, amount]) => ({kind: 'RewardDismissedNoShare', poolKind: V1, pid, amount}),
        v1140: a => ({kind: 'RewardDismissedNoShare', poolKind: V1, pid: a.pid, amount: a.amount}),
    }),
    on(p1.rewardDismissedDust, {
        v900: ([pid, amount]) => ({kind: 'RewardDismissedDust', poolKind: V1, pid, amount}),
        v1140: a => ({kind: 'RewardDismissedDust', poolKind: V1, pid: a.pid, amount: a.amount}),
    }),
    on(p1.dustRemoved, {
        v900: ([user, amount]) => ({kind: 'DustRemoved', poolKind: V1, user: hex32(user), amount}),
        v1140: a => ({kind: 'DustRemoved', poolKind: V1, user: hex32(a.user), amount: a.amount}),
    }),
    on(p1.poolWorkerRemoved, {
        v1130: a => ({kind: 'PoolWorkerRemoved', poolKind: V1, pid: a.pid, worker: hex32(a.worker)}),
    }),
    on(p1.withdrawalQueued, {
        v1130: a => ({
            kind: 'WithdrawalQueued',
            poolKind: V1,
            pid: a.pid,
            user: hex32(a.user),
            shares: a.shares,
            nftId: null,
            asVault: null,
            withdrawingNftId: null,
        }),
    }),
    on(p1.ownerRewardsWithdrawn, {
        v1170: a => ({kind: 'OwnerRewardsWithdrawn', poolKind: V1, pid: a.pid, user: hex32(a.user), amount: a.amount}),
    }),
    on(p1.stakerRewardsWithdrawn, {
        v1170: a => ({kind: 'StakerRewardsWithdrawn', poolKind: V1, pid: a.pid, user: hex32(a.user), amount: a.amount}),
    }),
    on(p1.poolWhitelistCreated, {
        v1170: a => ({kind: 'PoolWhitelistCreated', poolKind: V1, pid: a.pid}),
    }),
    on(p1.poolWhitelistDeleted, {
        v1170: a => ({kind: 'PoolWhitelistDeleted', poolKind: V1, pid: a.pid}),
    }),
    on(p1.poolWhitelistStakerAdded, {
        v1170: a => ({kind: 'PoolWhitelistStakerAdded', poolKind: V1, pid: a.pid, staker: hex32(a.staker)}),
    }),
    on(p1.poolWhitelistStakerRemoved, {
        v1170: a => ({kind: 'PoolWhitelistStakerRemoved', poolKind: V1, pid: a.pid, staker: hex32(a.staker)}),
    }),
    on(p1.workerReclaimed, {
        v1170: a => ({kind: 'PoolWorkerReclaimed', poolKind: V1, pid: a.pid, worker: hex32(a.worker)}),
    }),
    on(p1.rewardReceived, {
        v1170: a => ({kind: 'RewardReceived', poolKind: V1, pid: a.pid, toOwner: a.toOwner, toStakers: a.toStakers}),
    }),
    on(p1.miningStarted, {
        v1170: a => ({kind: 'WorkingStarted', poolKind: V1, pid: a.pid, worker: hex32(a.worker), amount: a.amount}),
    }),
]

export const stakePoolV2Decoders: EventDecoder[] = [
    on(p2.poolCreated, {
        v1251: a => ({
            kind: 'PoolCreated',
            poolKind: V2,
            pid: a.pid,
            owner: hex32(a.owner),
            cid: a.cid,
            poolAccount: hex32(a.poolAccountId),
        }),
    }),
    on(p2.poolCommissionSet, {
        v1251: a => ({kind: 'PoolCommissionSet', poolKind: V2, pid: a.pid, commission: a.commission}),
    }),
    on(p2.poolCapacitySet, {
        v1251: a => ({kind: 'PoolCapacitySet', poolKind: V2, pid: a.pid, cap: a.cap}),
    }),
    on(p2.poolWorkerAdded, {
        v1251: a => ({kind: 'PoolWorkerAdded', poolKind: V2, pid: a.pid, worker: hex32(a.worker), session: hex32(a.session)}),
    }),
    on(p2.contribution, {
        v1251: a => ({
            kind: 'Contribution',
            poolKind: V2,
            pid: a.pid,
            user: hex32(a.user),
            amount: a.amount,
            shares: a.shares,
            asVault: orNull(a.asVault),
        }),
    }),
    on(p2.ownerRewardsWithdrawn, {
        v1251: a => ({kind: 'OwnerRewardsWithdrawn', poolKind: V2, pid: a.pid, user: hex32(a.user), amount: a.amount}),
    }),
    on(p2.poolSlashed, {
        v1251: a => ({kind: 'PoolSlashed', poolKind: V2, pid: a.pid, amount: a.amount}),
    }),
    on(p2.slashSettled, {
        v1251: a => ({kind: 'SlashSettled', poolKind: V2, pid: a.pid, user: hex32(a.user), amount: a.amount}),
    }),
    on(p2.rewardDismissedNotInPool, {
        v1251: (a, runtime) => ({
            kind: 'RewardDismissedNotInPool',
            poolKind: V2,
            worker: hex32(a.worker),
            amount: a.amount,
            endsMessage: v2OnRewardReturnsEarly(runtime),
        }),
    }),
    on(p2.rewardDismissedNoShare, {
        v1251: a => ({kind: 'RewardDismissedNoShare', poolKind: V2, pid: a.pid, amount: a.amount}),
    }),
    on(p2.rewardDismissedDust, {
        v1251: a => ({kind: 'RewardDismissedDust', poolKind: V2, pid: a.pid, amount: a.amount}),
    }),
    on(p2.poolWorkerRemoved, {
        v1251: a => ({kind: 'PoolWorkerRemoved', poolKind: V2, pid: a.pid, worker: hex32(a.worker)}),
    }),
    on(p2.workerReclaimed, {
        v1251: a => ({kind: 'PoolWorkerReclaimed', poolKind: V2, pid: a.pid, worker: hex32(a.worker)}),
    }),
    on(p2.rewardReceived, {
        v1251: a => ({kind: 'RewardReceived', poolKind: V2, pid: a.pid, toOwner: a.toOwner, toStakers: a.toStakers}),
    }),
    on(p2.workingStarted, {
        v1251: a => ({kind: 'WorkingStarted', poolKind: V2, pid: a.pid, worker: hex32(a.worker), amount: a.amount}),
    }),
    on(p2.rewardToOwnerDismissedDust, {
        v1251: a => ({kind: 'RewardToOwnerDismissedDust', poolKind: V2, pid: a.pid, amount: a.amount}),
    }),
    on(p2.rewardToDistributionDismissedDust, {
        v1251: a => ({kind: 'RewardToDistributionDismissedDust', poolKind: V2, pid: a.pid, amount: a.amount}),
    }),
]

/**
 * stake_pool_v2.rs `on_reward` returned after a RewardDismissedNotInPool, like v1, until phala-blockchain
 * 652127863 (2023-05-27, "compute: fix reward below min balance") made it continue. The same commit added
 * RewardToOwnerDismissedDust to the pallet's events, so a runtime whose stake pool has that event continues.
 */
export function v2OnRewardReturnsEarly(runtime: Pick<Runtime, 'hasEvent'>): boolean {
    return !runtime.hasEvent('PhalaStakePoolv2.RewardToOwnerDismissedDust')
}
