import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_} from "@subsquid/typeorm-store"

@Entity_()
export class Vault {
    constructor(props?: Partial<Vault>) {
        Object.assign(this, props)
    }

    /**
     * pid
     */
    @PrimaryColumn_()
    id!: string

    @StringColumn_({nullable: false})
    basePoolId!: string

    /**
     * owner shares minted by OwnerSharesGained and not yet claimed
     */
    @BigIntColumn_({nullable: false})
    ownerShares!: bigint

    @BigIntColumn_({nullable: false})
    totalOwnerSharesGained!: bigint

    @BigIntColumn_({nullable: false})
    totalOwnerSharesClaimed!: bigint

    @BigIntColumn_({nullable: false})
    lastSharePriceCheckpoint!: bigint

    /**
     * number of stake pools this vault holds shares in
     */
    @IntColumn_({nullable: false})
    investPoolCount!: number
}
