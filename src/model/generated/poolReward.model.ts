import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, Index as Index_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"

/**
 * One row per RewardReceived. An owner's rewards over time: filter by the owner's pools (poolId + timestamp index).
 */
@Index_(["poolId", "timestamp"], {unique: false})
@Entity_()
export class PoolReward {
    constructor(props?: Partial<PoolReward>) {
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

    @StringColumn_({nullable: false})
    poolId!: string

    @StringColumn_({nullable: true})
    poolOwnerId!: string | undefined | null

    @BigIntColumn_({nullable: false})
    toOwner!: bigint

    @BigIntColumn_({nullable: false})
    toStakers!: bigint

    /**
     * parts of toOwner / toStakers the chain could not mint (dust); already included above
     */
    @BigIntColumn_({nullable: false})
    ownerDismissed!: bigint

    @BigIntColumn_({nullable: false})
    stakersDismissed!: bigint

    @StringColumn_({nullable: true})
    payoutId!: string | undefined | null

    @StringColumn_({nullable: true})
    workerId!: string | undefined | null

    @StringColumn_({nullable: true})
    sessionId!: string | undefined | null
}
