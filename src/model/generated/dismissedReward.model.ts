import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, Index as Index_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"
import {DismissedRewardKind} from "./_dismissedRewardKind"

/**
 * One row per reward dismissal event (RewardDismissed*, Reward*DismissedDust).
 */
@Index_(["poolId", "timestamp"], {unique: false})
@Entity_()
export class DismissedReward {
    constructor(props?: Partial<DismissedReward>) {
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

    @Column_("varchar", {length: 16, nullable: false})
    kind!: DismissedRewardKind

    @StringColumn_({nullable: true})
    poolId!: string | undefined | null

    @StringColumn_({nullable: true})
    workerId!: string | undefined | null

    @BigIntColumn_({nullable: false})
    amount!: bigint

    @StringColumn_({nullable: true})
    payoutId!: string | undefined | null
}
