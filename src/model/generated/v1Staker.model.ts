import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, StringColumn as StringColumn_, Index as Index_, BigIntColumn as BigIntColumn_, DateTimeColumn as DateTimeColumn_, IntColumn as IntColumn_} from "@subsquid/typeorm-store"

/**
 * A v1 stake pool delegator's rewards (stakepool.rs UserStakeInfo), rebuilt with the chain's arithmetic
 */
@Entity_()
export class V1Staker {
    constructor(props?: Partial<V1Staker>) {
        Object.assign(this, props)
    }

    /**
     * <pid>-<account>
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @StringColumn_({nullable: false})
    poolId!: string

    @Index_()
    @StringColumn_({nullable: false})
    accountId!: string

    /**
     * UserStakeInfo.shares (queued shares included)
     */
    @BigIntColumn_({nullable: false})
    shares!: bigint

    @BigIntColumn_({nullable: false})
    availableRewards!: bigint

    @BigIntColumn_({nullable: false})
    rewardDebt!: bigint

    /**
     * sum of the staker rewards claimed
     */
    @BigIntColumn_({nullable: false})
    claimed!: bigint

    /**
     * available + pending_reward at updatedAt (the last change or day end)
     */
    @BigIntColumn_({nullable: false})
    pending!: bigint

    /**
     * claimed + pending at updatedAt
     */
    @BigIntColumn_({nullable: false})
    accrued!: bigint

    @DateTimeColumn_({nullable: true})
    updatedAt!: Date | undefined | null

    /**
     * the v1 -> v2 migration: pending rewards folded into the pool's value, shares carried, value right after
     */
    @IntColumn_({nullable: true})
    migratedAtHeight!: number | undefined | null

    @BigIntColumn_({nullable: true})
    pendingAtUpgrade!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    sharesAtUpgrade!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    v2ValueAtUpgrade!: bigint | undefined | null
}
