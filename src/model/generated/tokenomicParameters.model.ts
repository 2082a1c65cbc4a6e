import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, IntColumn as IntColumn_, Index as Index_, DateTimeColumn as DateTimeColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"

/**
 * Tokenomic parameters in force from a block on (read from storage after TokenomicParametersChanged).
 */
@Entity_()
export class TokenomicParameters {
    constructor(props?: Partial<TokenomicParameters>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Index_()
    @IntColumn_({nullable: false})
    blockHeight!: number

    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @BigIntColumn_({nullable: false})
    phaRate!: bigint

    @BigIntColumn_({nullable: false})
    rho!: bigint

    @BigIntColumn_({nullable: false})
    budgetPerBlock!: bigint

    @BigIntColumn_({nullable: false})
    budgetPerBlockPlancks!: bigint

    @BigIntColumn_({nullable: false})
    vMax!: bigint

    @BigIntColumn_({nullable: false})
    costK!: bigint

    @BigIntColumn_({nullable: false})
    costB!: bigint

    @BigIntColumn_({nullable: false})
    slashRate!: bigint

    @BigIntColumn_({nullable: false})
    treasuryRatio!: bigint

    @IntColumn_({nullable: false})
    heartbeatWindow!: number

    @BigIntColumn_({nullable: false})
    rigK!: bigint

    @BigIntColumn_({nullable: false})
    rigB!: bigint

    @BigIntColumn_({nullable: false})
    re!: bigint

    @BigIntColumn_({nullable: false})
    k!: bigint

    @BigIntColumn_({nullable: false})
    kappa!: bigint
}
