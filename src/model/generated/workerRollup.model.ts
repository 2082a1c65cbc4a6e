import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, Index as Index_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_, FloatColumn as FloatColumn_} from "@subsquid/typeorm-store"
import {RollupPeriod} from "./_rollupPeriod"
import {WorkerState} from "./_workerState"

@Index_(["workerId", "period", "bucketStart"], {unique: true})
@Index_(["period", "bucketStart"], {unique: false})
@Entity_()
export class WorkerRollup {
    constructor(props?: Partial<WorkerRollup>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Column_("varchar", {length: 4, nullable: false})
    period!: RollupPeriod

    @DateTimeColumn_({nullable: false})
    bucketStart!: Date

    @StringColumn_({nullable: false})
    workerId!: string

    @StringColumn_({nullable: true})
    sessionId!: string | undefined | null

    @StringColumn_({nullable: true})
    poolId!: string | undefined | null

    @BigIntColumn_({nullable: false})
    payout!: bigint

    @BigIntColumn_({nullable: false})
    treasury!: bigint

    @IntColumn_({nullable: false})
    settleCount!: number

    @IntColumn_({nullable: false})
    readyMs!: number

    @IntColumn_({nullable: false})
    idleMs!: number

    @IntColumn_({nullable: false})
    unresponsiveMs!: number

    @IntColumn_({nullable: false})
    coolingDownMs!: number

    @Column_("varchar", {length: 18, nullable: true})
    stateAtClose!: WorkerState | undefined | null

    @BigIntColumn_({nullable: false})
    stakeAtClose!: bigint

    @BigIntColumn_({nullable: false})
    vAtClose!: bigint

    @FloatColumn_({nullable: false})
    shareAtClose!: number

    @IntColumn_({nullable: true})
    pInstantAtClose!: number | undefined | null

    /**
     * payout / stake, annualized over the bucket
     */
    @FloatColumn_({nullable: true})
    apr!: number | undefined | null
}
