import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_} from "@subsquid/typeorm-store"

/**
 * v1 stake pool reward accumulator (stakepool.rs PoolInfo.reward_acc), rebuilt from the events
 */
@Entity_()
export class V1PoolAccumulator {
    constructor(props?: Partial<V1PoolAccumulator>) {
        Object.assign(this, props)
    }

    /**
     * pid
     */
    @PrimaryColumn_()
    id!: string

    /**
     * PoolInfo.reward_acc, U64F64 bits
     */
    @BigIntColumn_({nullable: false})
    rewardAccBits!: bigint

    /**
     * PoolInfo.total_shares as the reward events see it
     */
    @BigIntColumn_({nullable: false})
    totalShares!: bigint

    /**
     * reward distributions added to the accumulator
     */
    @IntColumn_({nullable: false})
    distributions!: number

    /**
     * sum of to_stakers added to the accumulator
     */
    @BigIntColumn_({nullable: false})
    distributed!: bigint
}
