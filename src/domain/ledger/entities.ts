/**
 * New entities with every counter at zero, and the ids and kinds they are keyed by.
 */
import {Account, BasePool, PoolKind, Session, Worker, WorkerState} from '../../model'
import {decimal} from '../pool-math'

export {decimal} from '../pool-math'

export function delegationId(poolId: string, account: string): string {
    return `${poolId}-${account}`
}

export function toPoolKind(kind: string): PoolKind {
    switch (kind) {
        case 'StakePoolV1':
            return PoolKind.StakePoolV1
        case 'StakePool':
            return PoolKind.StakePool
        case 'Vault':
            return PoolKind.Vault
        default:
            throw new Error(`pool kind ${kind} cannot create a pool`)
    }
}

export function newWorker(id: string): Worker {
    return new Worker({
        id,
        confidenceLevel: null,
        attestationProvider: null,
        initialScore: null,
        registeredAt: null,
        registeredAtHeight: null,
        sessionId: null,
        poolId: null,
        state: null,
        stateSince: null,
        sessionCount: 0,
        totalPayout: 0n,
        totalTreasury: 0n,
        settleCount: 0,
        rewardedSettleCount: 0,
        startCount: 0,
        stopCount: 0,
        reclaimCount: 0,
        unresponsiveCount: 0,
        stake: 0n,
        v: 0n,
        lastSettledAt: null,
        readyMs: 0n,
        idleMs: 0n,
        unresponsiveMs: 0n,
        coolingDownMs: 0n,
    })
}

export function newSession(id: string, at: Date, height: number): Session {
    return new Session({
        id,
        workerId: null,
        poolId: null,
        bound: false,
        state: WorkerState.Ready,
        v: 0n,
        ve: 0n,
        vFloat: 0,
        pInit: 0,
        pInstant: 0,
        share: 0,
        shareMicro: 0n,
        stake: 0n,
        totalPayout: 0n,
        totalTreasury: 0n,
        settleCount: 0,
        startCount: 0,
        createdAt: at,
        createdAtHeight: height,
        boundAt: null,
        startedAt: null,
        stoppedAt: null,
        coolingDownStartAt: null,
        stateChangedAt: null,
        lastSettledAt: null,
    })
}

export function newAccount(id: string): Account {
    return new Account({
        id,
        ownedPoolCount: 0,
        delegationCount: 0,
        totalContributed: 0n,
        totalWithdrawn: 0n,
        ownerRewards: 0n,
        ownerRewardsWithdrawn: 0n,
        stakerRewardsWithdrawn: 0n,
        vaultOwnerSharesClaimed: 0n,
        delegatedValue: 0n,
    })
}

export function newPool(id: string, kind: PoolKind, owner: string, at: Date, height: number): BasePool {
    return new BasePool({
        id,
        pid: BigInt(id),
        kind,
        ownerId: owner,
        cid: null,
        poolAccountId: null,
        commission: 0,
        totalShares: 0n,
        totalValue: 0n,
        sharePrice: decimal('1'),
        freeValue: 0n,
        releasingValue: 0n,
        withdrawingShares: 0n,
        withdrawingValue: 0n,
        ownerRewards: 0n,
        totalOwnerRewards: 0n,
        totalStakerRewards: 0n,
        totalPayout: 0n,
        settleCount: 0,
        rewardedSettleCount: 0,
        totalDismissed: 0n,
        dismissedNoShare: 0n,
        dismissedDust: 0n,
        dustInReward: 0n,
        totalContributed: 0n,
        contributionCount: 0,
        totalWithdrawn: 0n,
        withdrawalCount: 0,
        ownerRewardsWithdrawn: 0n,
        stakerRewardsWithdrawn: 0n,
        queuedWithdrawals: 0,
        workerCount: 0,
        idleWorkerCount: 0,
        idleShareMicro: 0n,
        idleShare: 0,
        delegatorCount: 0,
        whitelistEnabled: false,
        apr: null,
        createdAt: at,
        createdAtHeight: height,
        migratedAtHeight: null,
    })
}
