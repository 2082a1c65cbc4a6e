import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, Index as Index_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_} from "@subsquid/typeorm-store"
import {WorkerState} from "./_workerState"

/**
 * One row per worker state transition (session state machine), incl. binding (from null) and unbinding (to null).
 */
@Index_(["workerId", "timestamp"], {unique: false})
@Entity_()
export class WorkerStateChange {
    constructor(props?: Partial<WorkerStateChange>) {
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

    @StringColumn_({nullable: true})
    workerId!: string | undefined | null

    @Index_()
    @StringColumn_({nullable: false})
    sessionId!: string

    @StringColumn_({nullable: true})
    poolId!: string | undefined | null

    @Column_("varchar", {length: 18, nullable: true})
    fromState!: WorkerState | undefined | null

    @Column_("varchar", {length: 18, nullable: true})
    toState!: WorkerState | undefined | null

    @StringColumn_({nullable: false})
    event!: string
}
