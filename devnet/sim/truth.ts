/**
 * Ground truth of a simulated run: what the indexer must find, computed by the simulator while it emits the
 * events (not re-derived from them). All money is bigint plancks; U64F64 values are bigint bits; pids are
 * decimal-string keys. `writeTruth` serializes bigints as decimal strings.
 *
 * Payout of a settle = payoutBitsToPlancks(payout_bits); treasury of a settle = the amount withdrawn from the
 * subsidy pool for the treasury right before it (Balances.Withdraw, then Balances.Deposit and Treasury.Deposit;
 * none when 0). Emitted = payouts + treasury of the SessionSettled events. The money the pools receive is
 * `rewardsCredited` (on_reward, for every settle info of a message, dropped settlements included), and
 * emission = rewardsCredited + treasury.
 */
import * as fs from 'fs'
import type {RuntimeEra} from '../model'
import type {TokenomicParams} from './tokenomics'

export type WorkerStateName = 'Unregistered' | 'Registered' | 'Ready' | 'WorkerIdle' | 'WorkerUnresponsive' | 'WorkerCoolingDown'

/** why a payout did not reach a RewardReceived (or also went to a dismissal event) */
export type DismissKind = 'NotInPool' | 'NoShare' | 'Dust'

export interface PayoutRecord {
    block: number
    /** index of the SessionSettled / MinerSettled event inside its block */
    eventIndex: number
    timestamp: number
    era: RuntimeEra
    session: string
    worker: string
    /** pool the worker was in when settled (null: not in a pool) */
    pid: string | null
    vBits: bigint
    payoutBits: bigint
    /** plancks(payout_bits) */
    payout: bigint
    /** treasury withdrawal (Balances.Withdraw of the subsidy pool) emitted before the settle (0 if none) */
    treasury: bigint
    toOwner: bigint
    toStakers: bigint
    /** amount of this payout that reached no RewardReceived (NotInPool / NoShare / Dust without commission) */
    dismissed: bigint
    dismissKind: DismissKind | null
    /** a RewardDismissedDust amount that is ALSO reported in RewardReceived.to_stakers (pool had commission > 0) */
    dustInReward: bigint
    /** v1: on_reward returned at an earlier RewardDismissedNotInPool of the same message; no reward, no dismissal */
    skipped: boolean
}

export interface WorkerTruth {
    pubkey: string
    /** as announced on chain (v2 WorkerAdded / WorkerUpdated); null for a worker only ever registered in the v1 era */
    confidenceLevel: number | null
    /** as announced by InitialScoreSet (v2); null when never announced */
    initScore: number | null
    /** Σ plancks(payout) over its settles */
    payout: bigint
    treasury: bigint
    settleCount: number
    /** settles with payout > 0 */
    rewardedSettleCount: number
    sessions: string[]
    /** final state; Registered = registered but not bound to a pool */
    state: WorkerStateName
    pid: string | null
    session: string | null
    /** stake of the current/last computing period */
    stake: bigint
    /** final V (U64F64 bits) as last emitted (init_v or v_bits) */
    vBits: bigint
    startCount: number
    stopCount: number
    reclaimCount: number
    unresponsiveCount: number
}

export interface SessionTruth {
    session: string
    worker: string
    pid: string
    payout: bigint
    treasury: bigint
    settleCount: number
    startCount: number
    /** final state of the worker while bound to this session ('Unbound' once unbound) */
    state: WorkerStateName | 'Unbound'
}

export interface PoolTruth {
    pid: string
    /** StakePool (v2), StakePoolV1 (created in the v1 era; migrated to StakePool at the upgrade) or Vault */
    kind: 'StakePoolV1' | 'StakePool' | 'Vault'
    migrated: boolean
    owner: string
    poolAccount: string | null
    cid: number | null
    commission: number | null
    cap: bigint | null
    /** Σ plancks(payout) of settles of workers in this pool */
    payout: bigint
    settleCount: number
    rewardedSettleCount: number
    rewardsToOwner: bigint
    rewardsToStakers: bigint
    /** rewards credited to the pool by on_reward (totals.rewardsCredited, per pool) */
    rewardsCredited: bigint
    /** payout amounts that reached no RewardReceived (NoShare, Dust with zero commission) */
    dismissed: bigint
    dismissedNoShare: bigint
    dismissedDust: bigint
    /** dust also reported in RewardReceived.to_stakers (pools with commission) */
    dustInReward: bigint
    contributions: bigint
    contributionCount: number
    withdrawals: bigint
    withdrawalCount: number
    ownerRewardsWithdrawn: bigint
    /** v1 era: staker rewards claimed (StakerRewardsWithdrawn) */
    stakerRewardsWithdrawn: bigint
    /** vaults: owner shares minted (OwnerSharesGained) and claimed */
    ownerSharesGained: bigint
    ownerSharesClaimed: bigint
    totalShares: bigint
    totalValue: bigint
    freeStake: bigint
    /** workers bound to the pool at the end (incl. cooling down) */
    workerCount: number
    /** accounts holding shares > 0 at the end (incl. vaults) */
    delegatorCount: number
    /** withdrawal requests still queued at the end */
    queuedWithdrawals: number
    /** pending owner commission not withdrawn yet (stake pools) */
    ownerRewardPending: bigint
    /** vaults: owner shares not claimed yet; last checkpoint price (×10^12) */
    ownerShares: bigint | null
    lastSharePriceCheckpoint: bigint | null
}

export interface AccountTruth {
    account: string
    /** as pool owner: Σ RewardReceived.to_owner over owned stake pools */
    commission: bigint
    ownerRewardsWithdrawn: bigint
    ownerSharesClaimed: bigint
    /** as delegator (also vaults investing into pools) */
    contributed: bigint
    withdrawn: bigint
    stakerRewardsWithdrawn: bigint
    /** final shares per pid (only > 0) */
    shares: Record<string, bigint>
}

/** a v1 delegator's stake-pool rewards at one moment (cumulative; see docs/devnet.md "Ground truth") */
export interface V1DelegatorPoint {
    /** Σ rewards credited to the staker = claimed + pending */
    accrued: bigint
    /** Σ StakerRewardsWithdrawn / RewardsWithdrawn paid to the staker */
    claimed: bigint
    /** available_rewards + pending_reward (stakepool.rs) */
    pending: bigint
}

/** a v1 stake-pool delegator (key `${pid}/${account}`) */
export interface V1DelegatorTruth extends V1DelegatorPoint {
    /** at the end of each UTC day of the v1 era on which the delegation existed (cumulative values) */
    days: Record<string, V1DelegatorPoint>
    /** at the v1 → v2 upgrade, right after the migration (null: no upgrade in the run) */
    atUpgrade: {pending: bigint; shares: bigint; v2Value: bigint} | null
}

export interface DayTruth {
    /** UTC date YYYY-MM-DD */
    date: string
    firstBlock: number
    lastBlock: number
    payout: bigint
    treasury: bigint
    settleCount: number
    rewardedSettleCount: number
    toOwner: bigint
    toStakers: bigint
    dismissed: bigint
    workers: Record<string, {payout: bigint; treasury: bigint; settleCount: number}>
    pools: Record<string, {payout: bigint; toOwner: bigint; toStakers: bigint; dismissed: bigint; settleCount: number}>
}

export interface GroundTruth {
    version: 1
    scenario: string
    seed: number
    /** false while a lazily generated scenario has not been iterated to its end */
    complete: boolean
    chain: {
        blocks: number
        blockTimeMs: number
        firstTimestamp: number
        lastTimestamp: number
        startEra: RuntimeEra
        /** first block executed by the v2 runtime (null: no upgrade) */
        upgradeBlock: number | null
        events: number
        storageWrites: number
    }
    /** events per `Pallet.Name` */
    eventCounts: Record<string, number>
    totals: {
        payout: bigint
        treasury: bigint
        /** payout + treasury */
        emitted: bigint
        settleCount: number
        rewardedSettleCount: number
        toOwner: bigint
        toStakers: bigint
        dismissed: bigint
        dismissedNotInPool: bigint
        dismissedNoShare: bigint
        dismissedDust: bigint
        dustInReward: bigint
        contributions: bigint
        withdrawals: bigint
        ownerRewardsWithdrawn: bigint
        /**
         * rewards credited to pools by on_reward: v2 the amount transferred from the subsidy pool to the W-PHA
         * account; v1 the owner commission plus the part added to reward_acc (the money stays in the subsidy pool)
         */
        rewardsCredited: bigint
        /** v1: rewards claimed, paid out of the subsidy pool by Balances.Transfer (claim_* extrinsics) */
        rewardsClaimedV1: bigint
        /** Σ plancks(payout) of SessionSettlementDropped (their reward still reaches the pool through on_reward) */
        droppedPayout: bigint
        /** v1: rewards of the settle infos after a RewardDismissedNotInPool in the same message (v1 on_reward returns) */
        skippedAfterNotInPool: bigint
        /** settle infos of workers without a session binding: no SessionSettled, only on_reward's dismissal */
        unboundSettles: number
        /** Σ plancks(payout) of those settle infos */
        unboundPayout: bigint
        /** rewardsCredited + treasury */
        emission: bigint
        /** transaction fees the treasury received (Balances.Deposit + Treasury.Deposit without a subsidy withdrawal) */
        feeTreasuryDeposits: bigint
        /** settlements dropped / failed (failed ones move no money) */
        droppedSettlements: number
        failedSettlements: number
        subsidyPoolStart: bigint
        subsidyPoolEnd: bigint
    }
    tokenomics: {
        initial: TokenomicParams
        final: TokenomicParams
        /** final budget_per_block (U64F64 bits) */
        budgetPerBlock: bigint
        halvings: number
        budgetUpdates: number
        coolDownPeriodSecs: number
    }
    workers: Record<string, WorkerTruth>
    sessions: Record<string, SessionTruth>
    pools: Record<string, PoolTruth>
    accounts: Record<string, AccountTruth>
    days: Record<string, DayTruth>
    /** every v1 stake-pool delegator, key `${pid}/${account}` */
    v1Delegators: Record<string, V1DelegatorTruth>
    /** number of settlements (SessionSettled/MinerSettled) = payouts.length when recorded */
    payoutCount: number
    /** every settlement, in chain order (null when not recorded, e.g. khala-day) */
    payouts: PayoutRecord[] | null
}

export function utcDay(ts: number): string {
    return new Date(ts).toISOString().slice(0, 10)
}

export function emptyTruth(scenario: string, seed: number): GroundTruth {
    return {
        version: 1,
        scenario,
        seed,
        complete: false,
        chain: {blocks: 0, blockTimeMs: 0, firstTimestamp: 0, lastTimestamp: 0, startEra: 'v2', upgradeBlock: null, events: 0, storageWrites: 0},
        eventCounts: {},
        totals: {
            payout: 0n,
            treasury: 0n,
            emitted: 0n,
            settleCount: 0,
            rewardedSettleCount: 0,
            toOwner: 0n,
            toStakers: 0n,
            dismissed: 0n,
            dismissedNotInPool: 0n,
            dismissedNoShare: 0n,
            dismissedDust: 0n,
            dustInReward: 0n,
            contributions: 0n,
            withdrawals: 0n,
            ownerRewardsWithdrawn: 0n,
            rewardsCredited: 0n,
            rewardsClaimedV1: 0n,
            droppedPayout: 0n,
            skippedAfterNotInPool: 0n,
            unboundSettles: 0,
            unboundPayout: 0n,
            emission: 0n,
            feeTreasuryDeposits: 0n,
            droppedSettlements: 0,
            failedSettlements: 0,
            subsidyPoolStart: 0n,
            subsidyPoolEnd: 0n,
        },
        tokenomics: {initial: null as any, final: null as any, budgetPerBlock: 0n, halvings: 0, budgetUpdates: 0, coolDownPeriodSecs: 0},
        workers: {},
        sessions: {},
        pools: {},
        accounts: {},
        days: {},
        v1Delegators: {},
        payoutCount: 0,
        payouts: null,
    }
}

/** reset a truth object in place (lazy scenarios refill the same object on every iteration) */
export function resetTruth(t: GroundTruth): void {
    const fresh = emptyTruth(t.scenario, t.seed)
    for (const k of Object.keys(t)) delete (t as any)[k]
    Object.assign(t, fresh)
}

export function truthToJson(truth: GroundTruth, indent = 1): string {
    return JSON.stringify(truth, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), indent)
}

/** Write the ground truth as JSON (bigints as decimal strings). */
export function writeTruth(path: string, truth: GroundTruth): void {
    fs.writeFileSync(path, truthToJson(truth) + '\n')
}
