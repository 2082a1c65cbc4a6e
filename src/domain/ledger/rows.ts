/**
 * Typed builders of the append-only ledger rows. Rows are plain objects (cheaper than entity instances,
 * and the bulk writer reads only their fields); `satisfies` checks each against its entity class, so a
 * column added to the schema and not filled here fails to compile.
 */
import type {TokenomicParams} from '../../decode'
import type {EventMeta} from '../../decode/model'
import {
    BudgetChange,
    BudgetChangeKind,
    DismissedReward,
    DismissedRewardKind,
    Payout,
    PoolReward,
    SelfCheckFailure,
    SelfCheckKind,
    StakeMovement,
    StakeMovementKind,
    TokenomicParameters,
    WorkerState,
    WorkerStateChange,
} from '../../model'
import {payoutBitsToPlancks} from '../fixed'

/** where a row comes from: its event (the row's id) and block time */
export type RowEvent = Pick<EventMeta, 'id' | 'blockHeight' | 'index'>

export function payoutRow(
    ev: RowEvent,
    timestamp: Date,
    f: {
        sessionId: string
        workerId: string | null
        poolId: string | null
        vBits: bigint
        payoutBits: bigint
        amount: bigint
        treasury: bigint
        treasuryEventId: string | null
        dropped: boolean
    }
): Payout {
    return {
        id: ev.id,
        blockHeight: ev.blockHeight,
        timestamp,
        eventIndex: ev.index,
        sessionId: f.sessionId,
        workerId: f.workerId,
        poolId: f.poolId,
        vBits: f.vBits,
        payoutBits: f.payoutBits,
        amount: f.amount,
        treasury: f.treasury,
        treasuryEventId: f.treasuryEventId,
        dropped: f.dropped,
        // the pool side is filled when the payout's reward events close its group (src/domain/pairing.ts)
        toOwner: 0n,
        toStakers: 0n,
        dismissed: 0n,
        rewardEventId: null,
        credited: 0n,
        paidToPool: 0n,
        rewardTransferEventId: null,
    } satisfies Payout
}

export function poolRewardRow(ev: RowEvent, timestamp: Date, f: Omit<PoolReward, 'id' | 'blockHeight' | 'timestamp' | 'eventIndex'>): PoolReward {
    return {
        id: ev.id,
        blockHeight: ev.blockHeight,
        timestamp,
        eventIndex: ev.index,
        poolId: f.poolId,
        poolOwnerId: f.poolOwnerId,
        toOwner: f.toOwner,
        toStakers: f.toStakers,
        ownerDismissed: f.ownerDismissed,
        stakersDismissed: f.stakersDismissed,
        payoutId: f.payoutId,
        workerId: f.workerId,
        sessionId: f.sessionId,
    } satisfies PoolReward
}

export function dismissedRewardRow(
    ev: RowEvent,
    timestamp: Date,
    kind: DismissedRewardKind,
    poolId: string | null,
    workerId: string | null,
    amount: bigint,
    payoutId: string | null
): DismissedReward {
    return {
        id: ev.id,
        blockHeight: ev.blockHeight,
        timestamp,
        eventIndex: ev.index,
        kind,
        poolId,
        workerId,
        amount,
        payoutId,
    } satisfies DismissedReward
}

export function stateChangeRow(
    ev: RowEvent & Pick<EventMeta, 'name'>,
    timestamp: Date,
    workerId: string | null,
    sessionId: string,
    poolId: string | null,
    fromState: WorkerState | null,
    toState: WorkerState | null
): WorkerStateChange {
    return {
        id: ev.id,
        blockHeight: ev.blockHeight,
        timestamp,
        eventIndex: ev.index,
        workerId,
        sessionId,
        poolId,
        fromState,
        toState,
        event: ev.name,
    } satisfies WorkerStateChange
}

export function stakeMovementRow(
    ev: RowEvent,
    timestamp: Date,
    kind: StakeMovementKind,
    poolId: string,
    accountId: string | null,
    amount: bigint | null,
    shares: bigint | null,
    workerId: string | null,
    asVault: string | null,
    burntShares: bigint | null
): StakeMovement {
    return {
        id: ev.id,
        blockHeight: ev.blockHeight,
        timestamp,
        eventIndex: ev.index,
        kind,
        poolId,
        accountId,
        amount,
        shares,
        burntShares,
        asVault,
        workerId,
    } satisfies StakeMovement
}

export function budgetChangeRow(
    ev: RowEvent,
    timestamp: Date,
    kind: BudgetChangeKind,
    nonce: bigint | null,
    budget: bigint | null,
    previous: bigint | null
): BudgetChange {
    return {
        id: ev.id,
        blockHeight: ev.blockHeight,
        timestamp,
        eventIndex: ev.index,
        kind,
        nonce,
        budgetBits: budget,
        budgetPerBlock: budget == null ? null : payoutBitsToPlancks(budget),
        previousBudgetBits: previous,
    } satisfies BudgetChange
}

export function tokenomicParametersRow(id: string, blockHeight: number, timestamp: Date, params: TokenomicParams): TokenomicParameters {
    return {
        id,
        blockHeight,
        timestamp,
        ...params,
        budgetPerBlockPlancks: payoutBitsToPlancks(params.budgetPerBlock),
    } satisfies TokenomicParameters
}

export function selfCheckFailureRow(
    id: string,
    blockHeight: number,
    timestamp: Date,
    eventId: string | null,
    kind: SelfCheckKind,
    expected: bigint | null,
    actual: bigint | null,
    message: string
): SelfCheckFailure {
    return {id, blockHeight, timestamp, eventId, kind, expected, actual, message} satisfies SelfCheckFailure
}
