import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, IntColumn as IntColumn_, Index as Index_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"
import {SelfCheckKind} from "./_selfCheckKind"

/**
 * A self-check failure: logged and counted, never absorbed.
 */
@Entity_()
export class SelfCheckFailure {
    constructor(props?: Partial<SelfCheckFailure>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Index_()
    @IntColumn_({nullable: false})
    blockHeight!: number

    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: true})
    eventId!: string | undefined | null

    @Column_("varchar", {length: 21, nullable: false})
    kind!: SelfCheckKind

    @BigIntColumn_({nullable: true})
    expected!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    actual!: bigint | undefined | null

    @StringColumn_({nullable: false})
    message!: string
}
