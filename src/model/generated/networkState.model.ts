import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, IntColumn as IntColumn_, StringColumn as StringColumn_, DateTimeColumn as DateTimeColumn_, BigIntColumn as BigIntColumn_, FloatColumn as FloatColumn_, BooleanColumn as BooleanColumn_} from "@subsquid/typeorm-store"

/**
 * Network-wide state; a single row with id 'network'.
 */
@Entity_()
export class NetworkState {
    constructor(props?: Partial<NetworkState>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    /**
     * last processed block
     */
    @IntColumn_({nullable: false})
    height!: number

    @StringColumn_({nullable: true})
    hash!: string | undefined | null

    @DateTimeColumn_({nullable: true})
    timestamp!: Date | undefined | null

    @IntColumn_({nullable: true})
    specVersion!: number | undefined | null

    /**
     * tokenomics in force (raw U64F64 bits, plus plancks / float twins)
     */
    @BigIntColumn_({nullable: true})
    budgetPerBlockBits!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    budgetPerBlock!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    treasuryRatioBits!: bigint | undefined | null

    @FloatColumn_({nullable: true})
    treasuryRatio!: number | undefined | null

    @StringColumn_({nullable: true})
    tokenomicParametersId!: string | undefined | null

    @IntColumn_({nullable: false})
    halvingCount!: number

    @BigIntColumn_({nullable: true})
    lastBudgetNonce!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    coolDownPeriod!: bigint | undefined | null

    /**
     * registered workers and bound workers by session state
     */
    @IntColumn_({nullable: false})
    workerCount!: number

    @IntColumn_({nullable: false})
    readyCount!: number

    @IntColumn_({nullable: false})
    idleCount!: number

    @IntColumn_({nullable: false})
    unresponsiveCount!: number

    @IntColumn_({nullable: false})
    coolingDownCount!: number

    /**
     * sum of share over computing (idle) workers, in micro-shares (exact sum of the per-session rounded shares)
     */
    @BigIntColumn_({nullable: false})
    idleShareMicro!: bigint

    @FloatColumn_({nullable: false})
    idleShare!: number

    @IntColumn_({nullable: false})
    poolCount!: number

    @IntColumn_({nullable: false})
    delegationCount!: number

    /**
     * payouts of the settles the chain accepted (SessionSettled), plancks; the emission against the 70% allocation is emittedTotal = rewardsCredited + emittedTreasury
     */
    @BigIntColumn_({nullable: false})
    emittedPayout!: bigint

    /**
     * treasury shares withdrawn from the subsidy pool (Balances.Withdraw + Balances.Deposit into the treasury)
     */
    @BigIntColumn_({nullable: false})
    emittedTreasury!: bigint

    @BigIntColumn_({nullable: false})
    emittedTotal!: bigint

    /**
     * rewards credited to pools (RewardReceived, dropped settles included); v1 credits stay in the subsidy pool until claimed
     */
    @BigIntColumn_({nullable: false})
    rewardsCredited!: bigint

    /**
     * of which credited to v1 pools (reward_acc / owner_reward)
     */
    @BigIntColumn_({nullable: false})
    rewardsCreditedV1!: bigint

    /**
     * rewards moved out of the subsidy pool: v2 transfers to the W-PHA account, v1 claims
     */
    @BigIntColumn_({nullable: false})
    rewardsPaidOut!: bigint

    /**
     * v1 rewards claimed by owners and stakers (paid by a transfer from the subsidy pool)
     */
    @BigIntColumn_({nullable: false})
    rewardsClaimed!: bigint

    @BigIntColumn_({nullable: false})
    emissionCap!: bigint

    @BigIntColumn_({nullable: false})
    emissionRemaining!: bigint

    /**
     * payouts of settlements the chain dropped as late (SessionSettlementDropped), not part of emittedPayout
     */
    @BigIntColumn_({nullable: false})
    droppedPayout!: bigint

    /**
     * rewards dismissed by the stake pool (stay in the subsidy pool)
     */
    @BigIntColumn_({nullable: false})
    dismissedRewards!: bigint

    @BigIntColumn_({nullable: false})
    dismissedNotInPool!: bigint

    @BigIntColumn_({nullable: false})
    dustInReward!: bigint

    @BigIntColumn_({nullable: false})
    toOwner!: bigint

    @BigIntColumn_({nullable: false})
    toStakers!: bigint

    @IntColumn_({nullable: false})
    rewardedSettleCount!: number

    @IntColumn_({nullable: false})
    droppedSettleCount!: number

    @IntColumn_({nullable: false})
    failedSettleCount!: number

    /**
     * money into / out of the subsidy pool account seen so far: Balances.Transfer both ways, and the treasury shares withdrawn (Balances.Withdraw)
     */
    @BigIntColumn_({nullable: false})
    subsidyPoolIn!: bigint

    @BigIntColumn_({nullable: false})
    subsidyPoolOut!: bigint

    @IntColumn_({nullable: false})
    settleCount!: number

    /**
     * v1 -> v2 pool migration: height of the storage snapshot applied
     */
    @IntColumn_({nullable: true})
    poolMigrationHeight!: number | undefined | null

    /**
     * true once the chain has emitted any pool reward event (before spec 1160 none exist)
     */
    @BooleanColumn_({nullable: false})
    rewardEventsSeen!: boolean

    @FloatColumn_({nullable: true})
    avgBlockTimeMs!: number | undefined | null

    /**
     * rollup bookkeeping: start of the open hour/day bucket and first block height in it
     */
    @DateTimeColumn_({nullable: true})
    hourBucketStart!: Date | undefined | null

    @IntColumn_({nullable: true})
    hourBucketHeight!: number | undefined | null

    @DateTimeColumn_({nullable: true})
    hourBucketFirstTimestamp!: Date | undefined | null

    @DateTimeColumn_({nullable: true})
    dayBucketStart!: Date | undefined | null

    @IntColumn_({nullable: true})
    dayBucketHeight!: number | undefined | null

    @DateTimeColumn_({nullable: true})
    dayBucketFirstTimestamp!: Date | undefined | null

    /**
     * self-check: rewarded settles checked, mismatches found, and other anomalies (details in SelfCheckFailure)
     */
    @IntColumn_({nullable: false})
    selfCheckSettles!: number

    @IntColumn_({nullable: false})
    selfCheckMismatches!: number

    @IntColumn_({nullable: false})
    selfCheckUnpaired!: number

    @IntColumn_({nullable: false})
    selfCheckAnomalies!: number
}
