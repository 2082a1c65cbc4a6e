import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, Index as Index_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_, FloatColumn as FloatColumn_} from "@subsquid/typeorm-store"
import {RollupPeriod} from "./_rollupPeriod"

@Index_(["accountId", "period", "bucketStart"], {unique: true})
@Index_(["period", "bucketStart"], {unique: false})
@Entity_()
export class AccountRollup {
    constructor(props?: Partial<AccountRollup>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Column_("varchar", {length: 4, nullable: false})
    period!: RollupPeriod

    @DateTimeColumn_({nullable: false})
    bucketStart!: Date

    @StringColumn_({nullable: false})
    accountId!: string

    /**
     * as pool owner: commission received in the bucket, withdrawn owner rewards
     */
    @BigIntColumn_({nullable: false})
    ownerRewards!: bigint

    @BigIntColumn_({nullable: false})
    ownerRewardsWithdrawn!: bigint

    @IntColumn_({nullable: false})
    ownedPoolCount!: number

    @BigIntColumn_({nullable: false})
    ownedPoolValueAtClose!: bigint

    /**
     * as delegator
     */
    @BigIntColumn_({nullable: false})
    contributed!: bigint

    @BigIntColumn_({nullable: false})
    withdrawn!: bigint

    @IntColumn_({nullable: false})
    delegationCountAtClose!: number

    @BigIntColumn_({nullable: false})
    delegatedValueAtClose!: bigint

    @BigIntColumn_({nullable: false})
    costBasisAtClose!: bigint

    /**
     * value-weighted official APR of the pools delegated to, at close
     */
    @FloatColumn_({nullable: true})
    apr!: number | undefined | null
}
