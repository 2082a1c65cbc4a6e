/**
 * Two ways to write a batch, chosen per handler call:
 *
 * - fast path (RawWriter): the batch holds only finalized blocks. One multi-row
 *   `INSERT … SELECT * FROM unnest($1::text[], $2::numeric[], …)` per table (upserts add ON CONFLICT), sent
 *   through the batch transaction's EntityManager (its connection's statement queue): no TypeORM entity
 *   building, no per-row SQL.
 * - hot path (StoreWriter): the call holds an unfinalized block. Everything goes through ctx.store
 *   (insert / upsert), so TypeormDatabase's hot_change_log records it and a fork rolls it back.
 *
 * TypeormDatabase (typeorm-store 1.5.1) runs finalized blocks through `transact` with a Store that has no
 * change tracker, and every unfinalized block through `transactHot2`, one block per call, with a Store
 * that has one (`Store.changes`). That tracker is what decides the path, so the decision is exact.
 */
import type {Store} from '@subsquid/typeorm-store'
import {EntityManager} from 'typeorm'
import {storeTracksChanges, storeTransactionManager} from '../sdk/typeorm-store'
import {queuedManager} from '../db/statement-queue'
import {ColumnSpec, columnLiteral, TableSpec, tableSpec, WriteKind} from './tables'

export interface Writer {
    readonly hot: boolean
    spec(entity: Function): TableSpec
    /** send what is pending (the fast path batches its writes into one statement) */
    flush(): Promise<void>
    /** send what is pending without waiting for it (fast path); the next flush / query waits */
    flushInBackground(): Promise<void>
    insert(entity: Function, rows: readonly any[]): Promise<void>
    upsert(entity: Function, rows: readonly any[]): Promise<void>
    /** rows known to exist; `columns`: only these changed (all when omitted) */
    update(entity: Function, rows: readonly any[], columns?: ColumnSpec[]): Promise<void>
    query(sql: string, params?: unknown[]): Promise<any[]>
}

/**
 * the batch transaction's EntityManager, its `query` going through the connection's statement queue
 * (src/store/statement-queue.ts): statements sent without waiting and those awaited keep their order
 */
export function storeEntityManager(store: Store): EntityManager {
    return queuedManager(storeTransactionManager(store))
}

/** true when the store records changes for rollback, i.e. the call processes an unfinalized block */
export function isHotStore(store: Store): boolean {
    return storeTracksChanges(store)
}

/** time spent per table and statement kind, when LEDGER_TIMING is set (the handler's stats line) */
export const writeTimings = new Map<string, {calls: number; rows: number; buildMs: number; sqlMs: number}>()

function timed(key: string, rows: number, buildMs: number, sqlMs: number): void {
    let t = writeTimings.get(key)
    if (t == null) writeTimings.set(key, (t = {calls: 0, rows: 0, buildMs: 0, sqlMs: 0}))
    t.calls++
    t.rows += rows
    t.buildMs += buildMs
    t.sqlMs += sqlMs
}

interface PendingWrite {
    spec: TableSpec
    kind: WriteKind
    rows: readonly any[]
    /** columns sent (all for inserts and upserts) */
    columns: ColumnSpec[]
}

/**
 * Fast path. Writes are collected and sent by `flush()` as ONE statement: each table's multi-row
 * INSERT / UPDATE / upsert becomes a data-modifying CTE of a single `WITH … SELECT` (tables are
 * disjoint, so the CTEs cannot interfere). One round trip and one parse per batch instead of one per table.
 */
export class RawWriter implements Writer {
    readonly hot = false
    private pending: PendingWrite[] = []
    private statements = new Map<string, string>()

    constructor(
        private readonly em: EntityManager,
        /** record writeTimings (LEDGER_TIMING, src/config/ledger.ts) */
        private readonly timing = false
    ) {}

    spec(entity: Function): TableSpec {
        return tableSpec(this.em, entity)
    }

    async insert(entity: Function, rows: readonly any[]): Promise<void> {
        this.add(entity, rows, 'insert')
    }

    async upsert(entity: Function, rows: readonly any[]): Promise<void> {
        this.add(entity, rows, 'upsert')
    }

    async update(entity: Function, rows: readonly any[], columns?: ColumnSpec[]): Promise<void> {
        this.add(entity, rows, 'update', columns)
    }

    private add(entity: Function, rows: readonly any[], kind: WriteKind, columns?: ColumnSpec[]): void {
        if (rows.length === 0) return
        const spec = tableSpec(this.em, entity)
        this.pending.push({spec, kind, rows, columns: columns ?? spec.columns})
    }

    /** statements sent by flushInBackground, not awaited yet (in the order they were sent) */
    private inflight: Promise<void>[] = []

    /**
     * Send what is pending without waiting: the statement is queued on the batch transaction's connection
     * (its statement queue sends statements one after the other, in order, src/store/statement-queue.ts),
     * and PostgreSQL works through the queue while the caller goes on applying the next blocks. The next
     * flush / query waits for all of them; the first failure surfaces there (the transaction is aborted by
     * then anyway, so nothing after it can commit).
     */
    async flushInBackground(): Promise<void> {
        if (this.pending.length === 0) return
        const p = this.send()
        p.catch(() => {}) // observed by settle()
        this.inflight.push(p)
    }

    private async settle(): Promise<void> {
        const list = this.inflight
        if (list.length === 0) return
        this.inflight = []
        for (const p of list) await p
    }

    async flush(): Promise<void> {
        await this.flushInBackground()
        await this.settle()
    }

    /** send what is pending and hand over the statements in flight (a pipelined batch's end) */
    async detach(): Promise<Promise<void>[]> {
        await this.flushInBackground()
        const list = this.inflight
        this.inflight = []
        return list
    }

    private async send(): Promise<void> {
        const ops = this.pending
        if (ops.length === 0) return
        this.pending = []
        const t0 = this.timing ? performance.now() : 0
        const params: string[] = []
        for (const op of ops) {
            for (const c of op.columns) params.push(columnLiteral(c, op.rows))
            if (op.kind === 'update') params.push(String(op.rows.length))
        }
        const t1 = this.timing ? performance.now() : 0
        const signature = ops
            .map(op => `${op.kind}:${op.spec.table}${op.columns === op.spec.columns ? '' : ':' + op.columns.map(c => c.db).join('.')}`)
            .join(',')
        let sql = this.statements.get(signature)
        if (sql == null) {
            const ctes: string[] = []
            const counts: string[] = []
            let offset = 0
            ops.forEach((op, i) => {
                const body = op.kind === 'update' ? op.spec.updateSqlFor(op.columns, offset) : op.spec.sql(op.kind, offset)
                offset += op.columns.length
                ctes.push(`w${i} AS (${body}${op.kind === 'update' ? ' RETURNING 1' : ''})`)
                if (op.kind === 'update') {
                    // the count is checked in SQL too: a mismatch aborts the transaction (a pipelined batch's
                    // COMMIT is sent before this result is read; src/store/pipelined-database.ts)
                    offset++
                    counts.push(`(SELECT count(*) FROM w${i})::int AS w${i}`, `1 / ((SELECT count(*) FROM w${i}) = $${offset})::int AS c${i}`)
                }
            })
            sql = `WITH ${ctes.join(', ')} SELECT ${counts.length ? counts.join(', ') : '1 AS done'}`
            this.statements.set(signature, sql)
        }
        let res: any[]
        try {
            res = await this.em.query(sql, params)
        } catch (e) {
            if ((e as {code?: string}).code === '22012') {
                const tables = ops.filter(op => op.kind === 'update').map(op => op.spec.table)
                throw new Error(`an UPDATE of ${tables.join(', ')} found fewer rows than known to exist`, {cause: e})
            }
            throw e
        }
        ops.forEach((op, i) => {
            if (op.kind !== 'update') return
            const n = res[0]?.[`w${i}`]
            if (n !== op.rows.length) throw new Error(`${op.spec.table}: updated ${n} of ${op.rows.length} rows known to exist`)
        })
        if (this.timing) {
            timed(
                `flush (${ops.length} tables)`,
                ops.reduce((n, op) => n + op.rows.length, 0),
                t1 - t0,
                performance.now() - t1
            )
        }
    }

    async query(sql: string, params?: unknown[]): Promise<any[]> {
        if (this.pending.length > 0) throw new Error('RawWriter.query with unflushed writes')
        await this.settle()
        return this.em.query(sql, params)
    }
}

function instances(entity: Function, rows: readonly any[]): any[] {
    const E = entity as any
    return rows.map(r => (r instanceof E ? r : Object.assign(new E(), r)))
}

export class StoreWriter implements Writer {
    readonly hot = true
    constructor(private readonly store: Store) {}

    spec(entity: Function): TableSpec {
        return tableSpec(storeEntityManager(this.store), entity)
    }

    async insert(entity: Function, rows: readonly any[]): Promise<void> {
        if (rows.length === 0) return
        await this.store.insert(instances(entity, rows))
    }

    async upsert(entity: Function, rows: readonly any[]): Promise<void> {
        if (rows.length === 0) return
        await this.store.upsert(instances(entity, rows))
    }

    /** through upsert (all columns): the change log records the previous row for the rollback */
    update(entity: Function, rows: readonly any[], _columns?: ColumnSpec[]): Promise<void> {
        return this.upsert(entity, rows)
    }

    async flush(): Promise<void> {}

    async flushInBackground(): Promise<void> {}

    query(sql: string, params?: unknown[]): Promise<any[]> {
        return storeEntityManager(this.store).query(sql, params)
    }
}

export function writerFor(store: Store, options: {timing?: boolean} = {}): Writer {
    return isHotStore(store) ? new StoreWriter(store) : new RawWriter(storeEntityManager(store), options.timing)
}
