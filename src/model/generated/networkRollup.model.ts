import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, Index as Index_, DateTimeColumn as DateTimeColumn_, IntColumn as IntColumn_, BigIntColumn as BigIntColumn_, FloatColumn as FloatColumn_} from "@subsquid/typeorm-store"
import {RollupPeriod} from "./_rollupPeriod"

@Index_(["period", "bucketStart"], {unique: true})
@Entity_()
export class NetworkRollup {
    constructor(props?: Partial<NetworkRollup>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Column_("varchar", {length: 4, nullable: false})
    period!: RollupPeriod

    @DateTimeColumn_({nullable: false})
    bucketStart!: Date

    @IntColumn_({nullable: false})
    blocks!: number

    @IntColumn_({nullable: true})
    firstHeight!: number | undefined | null

    @BigIntColumn_({nullable: false})
    payout!: bigint

    @BigIntColumn_({nullable: false})
    treasury!: bigint

    /**
     * credited + treasury
     */
    @BigIntColumn_({nullable: false})
    emitted!: bigint

    /**
     * rewards credited to pools (dropped settles included)
     */
    @BigIntColumn_({nullable: false})
    credited!: bigint

    /**
     * rewards paid out of the subsidy pool at once (v2)
     */
    @BigIntColumn_({nullable: false})
    paidToPool!: bigint

    @BigIntColumn_({nullable: false})
    dismissed!: bigint

    @BigIntColumn_({nullable: false})
    droppedPayout!: bigint

    @IntColumn_({nullable: false})
    settleCount!: number

    @BigIntColumn_({nullable: false})
    readyMs!: bigint

    @BigIntColumn_({nullable: false})
    idleMs!: bigint

    @BigIntColumn_({nullable: false})
    unresponsiveMs!: bigint

    @BigIntColumn_({nullable: false})
    coolingDownMs!: bigint

    @BigIntColumn_({nullable: false})
    emittedCumulative!: bigint

    @BigIntColumn_({nullable: false})
    emissionRemaining!: bigint

    @BigIntColumn_({nullable: true})
    budgetPerBlockAtClose!: bigint | undefined | null

    @FloatColumn_({nullable: true})
    treasuryRatioAtClose!: number | undefined | null

    @FloatColumn_({nullable: false})
    idleShareAtClose!: number

    @IntColumn_({nullable: false})
    workerCountAtClose!: number

    @IntColumn_({nullable: false})
    idleCountAtClose!: number

    @IntColumn_({nullable: false})
    unresponsiveCountAtClose!: number

    @IntColumn_({nullable: false})
    coolingDownCountAtClose!: number

    @IntColumn_({nullable: false})
    readyCountAtClose!: number

    @FloatColumn_({nullable: true})
    avgBlockTimeMs!: number | undefined | null

    /**
     * APR of a pool with aprMultiplier 1 (per unit of idle share per PHA), official formula
     */
    @FloatColumn_({nullable: true})
    aprPerShare!: number | undefined | null

    /**
     * daily rows only (null on hourly ones): Σ WorkerRollup.stakeAtClose of the day's worker rows
     */
    @BigIntColumn_({nullable: true})
    stakeAtClose!: bigint | undefined | null

    /**
     * daily rows only: Σ PoolRollup.totalValueAtClose of the day's stake-pool rows
     */
    @BigIntColumn_({nullable: true})
    stakePoolValueAtClose!: bigint | undefined | null

    /**
     * daily rows only: Σ PoolRollup.totalValueAtClose of the day's vault rows
     */
    @BigIntColumn_({nullable: true})
    vaultValueAtClose!: bigint | undefined | null

    /**
     * daily rows only: the day's PoolRollup rows (every pool)
     */
    @IntColumn_({nullable: true})
    poolCountAtClose!: number | undefined | null

    /**
     * daily rows only: stake-pool APR at close weighted by pool value (pools with an APR)
     */
    @FloatColumn_({nullable: true})
    averageAprAtClose!: number | undefined | null

    /**
     * daily rows only: accounts with a delegation at close (AccountRollup.delegationCountAtClose > 0)
     */
    @IntColumn_({nullable: true})
    delegatorCountAtClose!: number | undefined | null

    /**
     * daily rows only: Σ AccountRollup.delegationCountAtClose
     */
    @IntColumn_({nullable: true})
    delegationCountAtClose!: number | undefined | null
}
