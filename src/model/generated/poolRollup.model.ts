import {BigDecimal} from "@subsquid/big-decimal"
import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, Index as Index_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_, BigDecimalColumn as BigDecimalColumn_, FloatColumn as FloatColumn_} from "@subsquid/typeorm-store"
import {RollupPeriod} from "./_rollupPeriod"

@Index_(["poolId", "period", "bucketStart"], {unique: true})
@Index_(["period", "bucketStart"], {unique: false})
@Entity_()
export class PoolRollup {
    constructor(props?: Partial<PoolRollup>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Column_("varchar", {length: 4, nullable: false})
    period!: RollupPeriod

    @DateTimeColumn_({nullable: false})
    bucketStart!: Date

    @StringColumn_({nullable: false})
    poolId!: string

    @BigIntColumn_({nullable: false})
    payout!: bigint

    @BigIntColumn_({nullable: false})
    treasury!: bigint

    @IntColumn_({nullable: false})
    settleCount!: number

    @BigIntColumn_({nullable: false})
    toOwner!: bigint

    @BigIntColumn_({nullable: false})
    toStakers!: bigint

    @BigIntColumn_({nullable: false})
    dismissed!: bigint

    /**
     * rewards credited to the pool for the bucket's settles (dropped ones included), and paid to it out of the subsidy pool at once (v2)
     */
    @BigIntColumn_({nullable: false})
    credited!: bigint

    @BigIntColumn_({nullable: false})
    paidToPool!: bigint

    @BigIntColumn_({nullable: false})
    contributed!: bigint

    @BigIntColumn_({nullable: false})
    withdrawn!: bigint

    @BigIntColumn_({nullable: false})
    readyMs!: bigint

    @BigIntColumn_({nullable: false})
    idleMs!: bigint

    @BigIntColumn_({nullable: false})
    unresponsiveMs!: bigint

    @BigIntColumn_({nullable: false})
    coolingDownMs!: bigint

    @IntColumn_({nullable: false})
    commissionAtClose!: number

    @BigIntColumn_({nullable: false})
    totalValueAtClose!: bigint

    @BigIntColumn_({nullable: false})
    totalSharesAtClose!: bigint

    @BigDecimalColumn_({nullable: false})
    sharePriceAtClose!: BigDecimal

    @BigIntColumn_({nullable: false})
    freeValueAtClose!: bigint

    @BigIntColumn_({nullable: false})
    releasingValueAtClose!: bigint

    @BigIntColumn_({nullable: false})
    withdrawingSharesAtClose!: bigint

    @BigIntColumn_({nullable: false})
    ownerRewardsAtClose!: bigint

    @IntColumn_({nullable: false})
    workerCountAtClose!: number

    @IntColumn_({nullable: false})
    idleWorkerCountAtClose!: number

    @FloatColumn_({nullable: false})
    idleShareAtClose!: number

    @IntColumn_({nullable: false})
    delegatorCountAtClose!: number

    /**
     * official formula at close
     */
    @FloatColumn_({nullable: true})
    apr!: number | undefined | null

    /**
     * the bucket's payouts that paid more than 0 (dropped ones excluded)
     */
    @IntColumn_({nullable: false})
    rewardedCount!: number

    /**
     * the first and last accepted payout of the bucket
     */
    @DateTimeColumn_({nullable: true})
    firstPayoutAt!: Date | undefined | null

    @DateTimeColumn_({nullable: true})
    lastPayoutAt!: Date | undefined | null

    /**
     * Σ PoolReward.ownerDismissed: commission dust the chain could not mint
     */
    @BigIntColumn_({nullable: false})
    ownerDust!: bigint

    /**
     * PoolReward rows with a commission (toOwner > 0)
     */
    @IntColumn_({nullable: false})
    commissionCount!: number
}
