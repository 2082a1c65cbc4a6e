/**
 * The baseline's only table: one row per decoded mining event.
 */
import {BigIntColumn, DateTimeColumn, Entity, IntColumn, PrimaryColumn, StringColumn} from '@subsquid/typeorm-store'

@Entity()
export class BaselineEvent {
    constructor(props?: Partial<BaselineEvent>) {
        Object.assign(this, props)
    }

    @PrimaryColumn()
    id!: string

    @IntColumn({nullable: false})
    blockHeight!: number

    @DateTimeColumn({nullable: false})
    timestamp!: Date

    @StringColumn({nullable: false})
    kind!: string

    /** the event's first account / session / worker, if any */
    @StringColumn({nullable: true})
    subject!: string | null

    /** the event's amount (payout bits for settles), if any */
    @BigIntColumn({nullable: true})
    amount!: bigint | null
}

export const BASELINE_DDL = `CREATE TABLE IF NOT EXISTS "baseline_event" (
    "id" character varying NOT NULL PRIMARY KEY,
    "block_height" integer NOT NULL,
    "timestamp" timestamp with time zone NOT NULL,
    "kind" text NOT NULL,
    "subject" text,
    "amount" numeric
)`
