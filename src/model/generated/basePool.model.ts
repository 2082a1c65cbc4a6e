import {BigDecimal} from "@subsquid/big-decimal"
import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, BigIntColumn as BigIntColumn_, StringColumn as StringColumn_, Index as Index_, IntColumn as IntColumn_, BigDecimalColumn as BigDecimalColumn_, FloatColumn as FloatColumn_, BooleanColumn as BooleanColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"
import {PoolKind} from "./_poolKind"

/**
 * Common state of every pool (StakePool v1/v2 and Vault share the pid space).
 */
@Entity_()
export class BasePool {
    constructor(props?: Partial<BasePool>) {
        Object.assign(this, props)
    }

    /**
     * pid
     */
    @PrimaryColumn_()
    id!: string

    @BigIntColumn_({nullable: false})
    pid!: bigint

    @Column_("varchar", {length: 11, nullable: false})
    kind!: PoolKind

    @Index_()
    @StringColumn_({nullable: false})
    ownerId!: string

    @IntColumn_({nullable: true})
    cid!: number | undefined | null

    @StringColumn_({nullable: true})
    poolAccountId!: string | undefined | null

    /**
     * Permill (1_000_000 = 100%)
     */
    @IntColumn_({nullable: false})
    commission!: number

    @BigIntColumn_({nullable: false})
    totalShares!: bigint

    @BigIntColumn_({nullable: false})
    totalValue!: bigint

    /**
     * totalValue / totalShares, exact to 18 decimals (1 when there are no shares)
     */
    @BigDecimalColumn_({nullable: false})
    sharePrice!: BigDecimal

    @BigIntColumn_({nullable: false})
    freeValue!: bigint

    @BigIntColumn_({nullable: false})
    releasingValue!: bigint

    /**
     * shares queued for withdrawal
     */
    @BigIntColumn_({nullable: false})
    withdrawingShares!: bigint

    /**
     * withdrawingShares at the current share price
     */
    @BigIntColumn_({nullable: false})
    withdrawingValue!: bigint

    /**
     * owner rewards not yet withdrawn (stake pools)
     */
    @BigIntColumn_({nullable: false})
    ownerRewards!: bigint

    /**
     * lifetime totals
     */
    @BigIntColumn_({nullable: false})
    totalOwnerRewards!: bigint

    @BigIntColumn_({nullable: false})
    totalStakerRewards!: bigint

    @BigIntColumn_({nullable: false})
    totalPayout!: bigint

    @IntColumn_({nullable: false})
    settleCount!: number

    @IntColumn_({nullable: false})
    rewardedSettleCount!: number

    /**
     * payouts that reached no RewardReceived (whole-payout dismissals)
     */
    @BigIntColumn_({nullable: false})
    totalDismissed!: bigint

    @BigIntColumn_({nullable: false})
    dismissedNoShare!: bigint

    @BigIntColumn_({nullable: false})
    dismissedDust!: bigint

    /**
     * dust reported next to a RewardReceived (part of to_owner / to_stakers the chain could not mint)
     */
    @BigIntColumn_({nullable: false})
    dustInReward!: bigint

    @BigIntColumn_({nullable: false})
    totalContributed!: bigint

    @IntColumn_({nullable: false})
    contributionCount!: number

    @BigIntColumn_({nullable: false})
    totalWithdrawn!: bigint

    @IntColumn_({nullable: false})
    withdrawalCount!: number

    @BigIntColumn_({nullable: false})
    ownerRewardsWithdrawn!: bigint

    @BigIntColumn_({nullable: false})
    stakerRewardsWithdrawn!: bigint

    /**
     * withdrawal requests currently queued
     */
    @IntColumn_({nullable: false})
    queuedWithdrawals!: number

    @IntColumn_({nullable: false})
    workerCount!: number

    @IntColumn_({nullable: false})
    idleWorkerCount!: number

    @BigIntColumn_({nullable: false})
    idleShareMicro!: bigint

    @FloatColumn_({nullable: false})
    idleShare!: number

    @IntColumn_({nullable: false})
    delegatorCount!: number

    @BooleanColumn_({nullable: false})
    whitelistEnabled!: boolean

    /**
     * official-formula APR at the last hour close
     */
    @FloatColumn_({nullable: true})
    apr!: number | undefined | null

    @DateTimeColumn_({nullable: true})
    createdAt!: Date | undefined | null

    @IntColumn_({nullable: true})
    createdAtHeight!: number | undefined | null

    /**
     * height of the v1->v2 storage snapshot that overwrote this pool's totals (null if never)
     */
    @IntColumn_({nullable: true})
    migratedAtHeight!: number | undefined | null
}
