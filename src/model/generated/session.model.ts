import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, StringColumn as StringColumn_, Index as Index_, BooleanColumn as BooleanColumn_, BigIntColumn as BigIntColumn_, FloatColumn as FloatColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"
import {WorkerState} from "./_workerState"

@Entity_()
export class Session {
    constructor(props?: Partial<Session>) {
        Object.assign(this, props)
    }

    /**
     * session (miner) account
     */
    @PrimaryColumn_()
    id!: string

    /**
     * the worker this session was last bound to
     */
    @Index_()
    @StringColumn_({nullable: true})
    workerId!: string | undefined | null

    /**
     * pool whose stake this session computes with (kept after unbinding until reclaimed)
     */
    @Index_()
    @StringColumn_({nullable: true})
    poolId!: string | undefined | null

    @BooleanColumn_({nullable: false})
    bound!: boolean

    @Column_("varchar", {length: 18, nullable: false})
    state!: WorkerState

    /**
     * V and initial Ve, raw U64F64 bits
     */
    @BigIntColumn_({nullable: false})
    v!: bigint

    @BigIntColumn_({nullable: false})
    ve!: bigint

    @FloatColumn_({nullable: false})
    vFloat!: number

    @IntColumn_({nullable: false})
    pInit!: number

    @IntColumn_({nullable: false})
    pInstant!: number

    /**
     * share = sqrt(V^2 + (2*p*conf)^2), float and micro-shares
     */
    @FloatColumn_({nullable: false})
    share!: number

    @BigIntColumn_({nullable: false})
    shareMicro!: bigint

    /**
     * stake locked for computing (plancks)
     */
    @BigIntColumn_({nullable: false})
    stake!: bigint

    @BigIntColumn_({nullable: false})
    totalPayout!: bigint

    @BigIntColumn_({nullable: false})
    totalTreasury!: bigint

    @IntColumn_({nullable: false})
    settleCount!: number

    @IntColumn_({nullable: false})
    startCount!: number

    @DateTimeColumn_({nullable: false})
    createdAt!: Date

    @IntColumn_({nullable: false})
    createdAtHeight!: number

    @DateTimeColumn_({nullable: true})
    boundAt!: Date | undefined | null

    @DateTimeColumn_({nullable: true})
    startedAt!: Date | undefined | null

    @DateTimeColumn_({nullable: true})
    stoppedAt!: Date | undefined | null

    @DateTimeColumn_({nullable: true})
    coolingDownStartAt!: Date | undefined | null

    @DateTimeColumn_({nullable: true})
    stateChangedAt!: Date | undefined | null

    @DateTimeColumn_({nullable: true})
    lastSettledAt!: Date | undefined | null
}
