import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"

@Entity_()
export class StakePool {
    constructor(props?: Partial<StakePool>) {
        Object.assign(this, props)
    }

    /**
     * pid
     */
    @PrimaryColumn_()
    id!: string

    @StringColumn_({nullable: false})
    basePoolId!: string

    @BigIntColumn_({nullable: true})
    capacity!: bigint | undefined | null

    @StringColumn_({nullable: true})
    ownerRewardAccount!: string | undefined | null

    @StringColumn_({nullable: true})
    lockAccount!: string | undefined | null

    /**
     * v1 only: staker rewards received and not yet withdrawn (MasterChef-era pools)
     */
    @BigIntColumn_({nullable: false})
    v1PendingStakerRewards!: bigint
}
