import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, Index as Index_, StringColumn as StringColumn_, IntColumn as IntColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"

/**
 * A v1 delegator's rewards at the end of a UTC day on which they changed (cumulative values)
 */
@Index_(["accountId", "date"], {unique: false})
@Entity_()
export class V1StakerDay {
    constructor(props?: Partial<V1StakerDay>) {
        Object.assign(this, props)
    }

    /**
     * <pid>-<account>-<YYYY-MM-DD>
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @StringColumn_({nullable: false})
    poolId!: string

    @StringColumn_({nullable: false})
    accountId!: string

    /**
     * UTC date YYYY-MM-DD
     */
    @StringColumn_({nullable: false})
    date!: string

    /**
     * height of the last block of the day (or the migration block)
     */
    @IntColumn_({nullable: false})
    blockHeight!: number

    @BigIntColumn_({nullable: false})
    accrued!: bigint

    @BigIntColumn_({nullable: false})
    claimed!: bigint

    @BigIntColumn_({nullable: false})
    pending!: bigint
}
