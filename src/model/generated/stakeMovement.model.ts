import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, Index as Index_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"
import {StakeMovementKind} from "./_stakeMovementKind"

/**
 * Stake movements of pools and accounts.
 */
@Index_(["accountId", "timestamp"], {unique: false})
@Index_(["poolId", "timestamp"], {unique: false})
@Entity_()
export class StakeMovement {
    constructor(props?: Partial<StakeMovement>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Index_()
    @IntColumn_({nullable: false})
    blockHeight!: number

    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @IntColumn_({nullable: false})
    eventIndex!: number

    @Column_("varchar", {length: 22, nullable: false})
    kind!: StakeMovementKind

    @StringColumn_({nullable: false})
    poolId!: string

    @StringColumn_({nullable: true})
    accountId!: string | undefined | null

    @BigIntColumn_({nullable: true})
    amount!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    shares!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    burntShares!: bigint | undefined | null

    @StringColumn_({nullable: true})
    asVault!: string | undefined | null

    @StringColumn_({nullable: true})
    workerId!: string | undefined | null
}
