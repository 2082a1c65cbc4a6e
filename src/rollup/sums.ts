/**
 * The sums of one bucket's ledger rows that its rollup rows are made of: tallied in memory as the rows
 * are made (tally.ts) or read back from the database (read.ts); both give the same BucketSums.
 */

export interface WorkerPay {
    workerId: string
    amount: bigint
    treasury: bigint
    n: number
}

/** a pool's accepted payouts; `credited` and `paidToPool` also of its dropped ones */
export interface PoolPay {
    poolId: string
    amount: bigint
    treasury: bigint
    dismissed: bigint
    credited: bigint
    paidToPool: bigint
    n: number
    /** accepted payouts with amount > 0 */
    rewarded: number
    /** first and last accepted payout (ms since epoch) */
    firstAt: number | null
    lastAt: number | null
}

/** all payouts of the bucket (dropped ones only in `dropped`, `credited` and `paidToPool`) */
export interface PayTotals {
    amount: bigint
    treasury: bigint
    dismissed: bigint
    dropped: bigint
    /** rewards credited to pools for the bucket's settles, dropped ones included */
    credited: bigint
    paidToPool: bigint
    n: number
}

export interface PoolRewardSum {
    poolId: string
    toOwner: bigint
    toStakers: bigint
    /** Σ ownerDismissed */
    ownerDust: bigint
    /** rewards with toOwner > 0 */
    commissionN: number
}

/** to_owner less what was dismissed, by pool owner */
export interface OwnerRewardSum {
    ownerId: string
    toOwner: bigint
}

export interface MovementSum {
    /** pool id (by pool) or account id (by account) */
    id: string
    kind: string
    amount: bigint
}

export interface WorkerStateChangeAt {
    workerId: string
    /** ms since epoch */
    ts: number
    from: string | null
    to: string | null
}

export interface BucketSums {
    payByWorker: WorkerPay[]
    payByPool: PoolPay[]
    payTotals: PayTotals
    rewardByPool: PoolRewardSum[]
    rewardByOwner: OwnerRewardSum[]
    moveByPool: MovementSum[]
    moveByAccount: MovementSum[]
    /** in chain order */
    changes: WorkerStateChangeAt[]
}
