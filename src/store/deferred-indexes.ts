/**
 * Secondary indexes of the append-only tables (ledger rows and rollups) are deferred during a long
 * catch-up: dropped when it starts, rebuilt when the processor reaches the chain head (or TO_BLOCK).
 *
 * Every ledger row is inserted once and every such index is then maintained row by row, at random places
 * of the B-tree (by worker, by pool, by account): measured on khala-day, those index insertions are about
 * a third of the write-ahead log. Building an index once over the finished table is a sort. The primary
 * keys stay: the ledger ids start with the zero-padded block height, so everything the processor itself
 * reads back (the rollup closes read a bucket's rows by id range) keeps an index.
 *
 * Safety: the drop and the bookkeeping row that remembers each index's definition are written in the batch
 * transaction, so they commit or roll back with the batch. After a crash the bookkeeping table still names
 * the dropped indexes and the next run rebuilds them at the head. Hot (unfinalized) blocks are only written
 * with every index in place: the rebuild happens before the first of them.
 *
 * Trade-off: while indexes are deferred, API queries that filter ledger rows by worker, pool or account
 * scan tables (bounded by the server's statement timeout). DEFER_INDEXES=off keeps them all the time.
 */

export type DeferMode = 'auto' | 'off'

/** the bookkeeping table (db/migrations/…-DeferredIndexes.js): one row per dropped index, with the statement that recreates it */
export const DEFERRED_INDEX_TABLE = 'deferred_index'

/** catch-up that makes deferring worth it: the head is at least this far ahead (in block time) */
const MIN_LAG_MS = 24 * 3600 * 1000
const ASSUMED_BLOCK_MS = 12_000

export interface CatchUpView {
    /** the batch reaches the chain head (the runner's isHead) */
    isHead: boolean
    /** height and timestamp of the batch's last block */
    height: number
    timestamp: number
    /** height of the first indexed block (FROM_BLOCK) */
    fromHeight: number
    /** the processor stops at this block (TO_BLOCK), if set */
    toHeight?: number
    /** ms per block, if known */
    avgBlockTimeMs?: number | null
    now?: number
}

/**
 * Whether a catch-up at this point is long enough to defer: the batch is not at the head, its last block
 * is more than a day old, and the blocks still to go (estimated from that age, or TO_BLOCK) are at least as
 * many as those indexed so far, so the rebuild sorts a table that the catch-up at least doubles.
 */
export function worthDeferring(v: CatchUpView): boolean {
    if (v.isHead) return false
    if (v.toHeight != null && v.height >= v.toHeight) return false
    const now = v.now ?? Date.now()
    const lag = now - v.timestamp
    if (lag < MIN_LAG_MS) return false
    const perBlock = v.avgBlockTimeMs && v.avgBlockTimeMs > 0 ? v.avgBlockTimeMs : ASSUMED_BLOCK_MS
    let remaining = Math.floor(lag / perBlock)
    if (v.toHeight != null) remaining = Math.min(remaining, v.toHeight - v.height)
    return remaining >= v.height - v.fromHeight
}

/** the catch-up is over: rebuild now */
export function mustRestore(v: CatchUpView & {hot: boolean}): boolean {
    if (v.hot || v.isHead) return true
    if (v.toHeight != null && v.height >= v.toHeight) return true
    return (v.now ?? Date.now()) - v.timestamp < MIN_LAG_MS
}

/** what the functions need of the batch transaction's EntityManager */
export interface Q {
    query(sql: string, params?: unknown[]): Promise<any[]>
}

/** names of the indexes currently deferred */
export async function deferredIndexes(em: Q): Promise<string[]> {
    const rows: {name: string}[] = await em.query(`SELECT name FROM "${DEFERRED_INDEX_TABLE}" ORDER BY name`)
    return rows.map(r => r.name)
}

/** drop the non-primary-key indexes of `tables`, remembering their definitions; returns their names */
export async function deferIndexes(em: Q, tables: string[]): Promise<string[]> {
    const rows: {name: string; table_name: string; definition: string}[] = await em.query(
        `SELECT ic.relname AS name, tc.relname AS table_name, pg_get_indexdef(i.indexrelid) AS definition
           FROM pg_index i
           JOIN pg_class ic ON ic.oid = i.indexrelid
           JOIN pg_class tc ON tc.oid = i.indrelid
           JOIN pg_namespace n ON n.oid = tc.relnamespace
          WHERE n.nspname = current_schema() AND tc.relname = ANY($1) AND NOT i.indisprimary
          ORDER BY ic.relname`,
        [tables]
    )
    for (const r of rows) {
        await em.query(`INSERT INTO "${DEFERRED_INDEX_TABLE}" (name, table_name, definition) VALUES ($1, $2, $3)`, [r.name, r.table_name, r.definition])
        await em.query(`DROP INDEX "${r.name.replace(/"/g, '""')}"`)
    }
    return rows.map(r => r.name)
}

/** recreate every deferred index; returns their names */
export async function restoreIndexes(em: Q): Promise<string[]> {
    const rows: {name: string; definition: string}[] = await em.query(`SELECT name, definition FROM "${DEFERRED_INDEX_TABLE}" ORDER BY name`)
    if (rows.length === 0) return []
    // the sorts of the rebuild may use more memory than a query
    await em.query(`SET LOCAL maintenance_work_mem TO '256MB'`)
    for (const r of rows) {
        await em.query(r.definition)
        await em.query(`DELETE FROM "${DEFERRED_INDEX_TABLE}" WHERE name = $1`, [r.name])
    }
    return rows.map(r => r.name)
}
