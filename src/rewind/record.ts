/**
 * Undo records for rolling the index back past finality (src/rewind/rewind.ts).
 *
 * A handler call whose last block is within REWIND_WINDOW blocks of the chain head writes, in its own
 * transaction and before each of its writes, what that write is about to replace: the ids it writes to a
 * table and, taken by PostgreSQL itself (`to_jsonb` of each row), the rows those ids have now. Every write of
 * the handler (ledger rows, rollup rows, entities, the network row; fast path and hot path alike) goes
 * through the Writer this module wraps, so undoing a call's records in reverse order restores every table
 * exactly to what it held before the call: inserted rows are deleted, updated rows get their old values.
 *
 * A call is one entry of rewind_batch (from the database's head before it to its last block); entries at or
 * above the call's first block belong to a branch the chain has left (a rollback of hot blocks already undid
 * their rows) and are dropped, and so are those that ended REWIND_WINDOW blocks or more below the call's
 * last block. During a long catch-up far from the head nothing is recorded (it would double the writes).
 */
import type {ColumnSpec, TableSpec} from '../store/tables'
import type {Writer} from '../store/writer'

export const REWIND_SCHEMA = '"squid_processor"'
export const REWIND_BATCH = `${REWIND_SCHEMA}."rewind_batch"`
export const REWIND_LOG = `${REWIND_SCHEMA}."rewind_log"`

export interface RecordedCall {
    /** the database's head before the call (height −1, hash '0x' for an empty database) */
    base: {height: number; hash: string}
    /** the call's last block */
    end: {height: number; hash: string}
    /** REWIND_WINDOW: records of calls that ended this many blocks or more below `end` are dropped */
    window: number
}

/** whether a call ending at `end` records undo data: REWIND_WINDOW > 0 and within it of the chain head (unknown: yes) */
export function shouldRecord(window: number, end: number, chainHead: number | undefined): boolean {
    if (window <= 0) return false
    return chainHead == null || end >= chainHead - window
}

/**
 * `inner`, with each write preceded by its undo record. Starts by registering the call (`begin`), which must
 * be awaited before the first write.
 */
export class RecordingWriter implements Writer {
    private seq = 0

    constructor(
        private readonly inner: Writer,
        private readonly call: RecordedCall
    ) {}

    get hot(): boolean {
        return this.inner.hot
    }

    /** register the call, dropping the records of abandoned branches and of calls out of the window */
    async begin(): Promise<void> {
        const {base, end, window} = this.call
        await this.inner.flush()
        await this.inner.query(`DELETE FROM ${REWIND_BATCH} WHERE end_height > $1 OR end_height <= $2`, [base.height, end.height - window])
        await this.inner.query(`INSERT INTO ${REWIND_BATCH} (start_height, end_height, end_hash, base_hash) VALUES ($1, $2, $3, $4)`, [
            base.height + 1,
            end.height,
            end.hash,
            base.hash,
        ])
    }

    spec(entity: Function): TableSpec {
        return this.inner.spec(entity)
    }

    flush(): Promise<void> {
        return this.inner.flush()
    }

    flushInBackground(): Promise<void> {
        return this.inner.flushInBackground()
    }

    query(sql: string, params?: unknown[]): Promise<any[]> {
        return this.inner.query(sql, params)
    }

    async insert(entity: Function, rows: readonly any[]): Promise<void> {
        await this.record(entity, rows)
        return this.inner.insert(entity, rows)
    }

    async upsert(entity: Function, rows: readonly any[]): Promise<void> {
        await this.record(entity, rows)
        return this.inner.upsert(entity, rows)
    }

    async update(entity: Function, rows: readonly any[], columns?: ColumnSpec[]): Promise<void> {
        await this.record(entity, rows)
        return this.inner.update(entity, rows, columns)
    }

    /** the ids about to be written and their rows as they are now (earlier writes of this call sent first) */
    private async record(entity: Function, rows: readonly any[]): Promise<void> {
        if (rows.length === 0) return
        const table = this.inner.spec(entity).table
        const ids = rows.map(r => String(r.id))
        await this.inner.flush()
        await this.inner.query(
            `INSERT INTO ${REWIND_LOG} (start_height, seq, table_name, ids, before)
             SELECT $1, $2, $3, $4::text[], coalesce(jsonb_agg(to_jsonb(t)), '[]'::jsonb) FROM "${table}" t WHERE t.id = ANY($4::text[])`,
            [this.call.base.height + 1, this.seq++, table, ids]
        )
    }
}
