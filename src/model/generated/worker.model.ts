import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, IntColumn as IntColumn_, StringColumn as StringColumn_, DateTimeColumn as DateTimeColumn_, Index as Index_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"
import {WorkerState} from "./_workerState"

@Entity_()
export class Worker {
    constructor(props?: Partial<Worker>) {
        Object.assign(this, props)
    }

    /**
     * sr25519 public key
     */
    @PrimaryColumn_()
    id!: string

    @IntColumn_({nullable: true})
    confidenceLevel!: number | undefined | null

    @StringColumn_({nullable: true})
    attestationProvider!: string | undefined | null

    @IntColumn_({nullable: true})
    initialScore!: number | undefined | null

    @DateTimeColumn_({nullable: true})
    registeredAt!: Date | undefined | null

    @IntColumn_({nullable: true})
    registeredAtHeight!: number | undefined | null

    /**
     * currently bound session (null when unbound)
     */
    @Index_()
    @StringColumn_({nullable: true})
    sessionId!: string | undefined | null

    /**
     * current pool (null when not in a pool)
     */
    @Index_()
    @StringColumn_({nullable: true})
    poolId!: string | undefined | null

    /**
     * state of the bound session
     */
    @Column_("varchar", {length: 18, nullable: true})
    state!: WorkerState | undefined | null

    @DateTimeColumn_({nullable: true})
    stateSince!: Date | undefined | null

    @IntColumn_({nullable: false})
    sessionCount!: number

    /**
     * lifetime totals across sessions
     */
    @BigIntColumn_({nullable: false})
    totalPayout!: bigint

    @BigIntColumn_({nullable: false})
    totalTreasury!: bigint

    @IntColumn_({nullable: false})
    settleCount!: number

    @IntColumn_({nullable: false})
    rewardedSettleCount!: number

    @IntColumn_({nullable: false})
    startCount!: number

    @IntColumn_({nullable: false})
    stopCount!: number

    @IntColumn_({nullable: false})
    reclaimCount!: number

    @IntColumn_({nullable: false})
    unresponsiveCount!: number

    /**
     * stake and V of the current/last computing period
     */
    @BigIntColumn_({nullable: false})
    stake!: bigint

    @BigIntColumn_({nullable: false})
    v!: bigint

    @DateTimeColumn_({nullable: true})
    lastSettledAt!: Date | undefined | null

    /**
     * lifetime time spent in each state (ms), credited up to stateSince
     */
    @BigIntColumn_({nullable: false})
    readyMs!: bigint

    @BigIntColumn_({nullable: false})
    idleMs!: bigint

    @BigIntColumn_({nullable: false})
    unresponsiveMs!: bigint

    @BigIntColumn_({nullable: false})
    coolingDownMs!: bigint
}
