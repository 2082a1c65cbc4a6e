import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, IntColumn as IntColumn_, Index as Index_, DateTimeColumn as DateTimeColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"
import {BudgetChangeKind} from "./_budgetChangeKind"

/**
 * Budget changes and halvings.
 */
@Entity_()
export class BudgetChange {
    constructor(props?: Partial<BudgetChange>) {
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

    @Column_("varchar", {length: 19, nullable: false})
    kind!: BudgetChangeKind

    @BigIntColumn_({nullable: true})
    nonce!: bigint | undefined | null

    /**
     * budget per block after the change: U64F64 bits and plancks
     */
    @BigIntColumn_({nullable: true})
    budgetBits!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    budgetPerBlock!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    previousBudgetBits!: bigint | undefined | null
}
