import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, StringColumn as StringColumn_, Index as Index_, BigIntColumn as BigIntColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"
import {PoolKind} from "./_poolKind"

@Entity_()
export class Delegation {
    constructor(props?: Partial<Delegation>) {
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

    @Column_("varchar", {length: 11, nullable: false})
    poolKind!: PoolKind

    @BigIntColumn_({nullable: false})
    shares!: bigint

    @BigIntColumn_({nullable: false})
    withdrawingShares!: bigint

    /**
     * shares x totalValue / totalShares (floor) at updatedAt
     */
    @BigIntColumn_({nullable: false})
    value!: bigint

    @BigIntColumn_({nullable: false})
    withdrawingValue!: bigint

    /**
     * net contributed: contributions minus withdrawals
     */
    @BigIntColumn_({nullable: false})
    costBasis!: bigint

    @BigIntColumn_({nullable: false})
    totalContributed!: bigint

    @BigIntColumn_({nullable: false})
    totalWithdrawn!: bigint

    /**
     * v1 pools: rewards withdrawn by the staker
     */
    @BigIntColumn_({nullable: false})
    v1RewardsWithdrawn!: bigint

    @DateTimeColumn_({nullable: true})
    withdrawalQueuedAt!: Date | undefined | null

    @DateTimeColumn_({nullable: true})
    updatedAt!: Date | undefined | null
}
