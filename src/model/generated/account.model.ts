import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, IntColumn as IntColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"

@Entity_()
export class Account {
    constructor(props?: Partial<Account>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @IntColumn_({nullable: false})
    ownedPoolCount!: number

    @IntColumn_({nullable: false})
    delegationCount!: number

    @BigIntColumn_({nullable: false})
    totalContributed!: bigint

    @BigIntColumn_({nullable: false})
    totalWithdrawn!: bigint

    /**
     * lifetime commission (to_owner) of pools this account owns
     */
    @BigIntColumn_({nullable: false})
    ownerRewards!: bigint

    @BigIntColumn_({nullable: false})
    ownerRewardsWithdrawn!: bigint

    @BigIntColumn_({nullable: false})
    stakerRewardsWithdrawn!: bigint

    @BigIntColumn_({nullable: false})
    vaultOwnerSharesClaimed!: bigint

    /**
     * sum of delegation values at their last update
     */
    @BigIntColumn_({nullable: false})
    delegatedValue!: bigint
}
