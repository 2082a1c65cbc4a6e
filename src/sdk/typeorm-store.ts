/**
 * The hooks into @subsquid/typeorm-store 1.x internals (written against 1.5.1). None of this is public API;
 * each access checks the shape it expects and fails loudly rather than writing through the wrong path.
 *
 * - `Store#em` (private): the batch transaction's EntityManager. The fast write path (src/store/writer.ts)
 *   sends its multi-row SQL through it instead of building TypeORM entities.
 * - `Store#changes` (private): the change tracker TypeormDatabase gives the Store of an unfinalized block
 *   (`transactHot2`) and never a finalized batch's (`transact`); it decides the write path, exactly.
 * - `TypeormDatabase#con` (private): its DataSource, on which the pipelined database
 *   (src/store/pipelined-database.ts) keeps a connection of its own for finalized batches.
 * - the status table TypeormDatabase keeps (`"squid_processor".status`: id 0, height, hash, nonce), which a
 *   pipelined batch advances itself, in its own transaction, as TypeormDatabase's private updateStatus does.
 */
import type {Store, TypeormDatabase} from '@subsquid/typeorm-store'
import type {DataSource, EntityManager} from 'typeorm'

interface StoreInternals {
    em: () => EntityManager
    changes?: unknown
}

function internals(store: Store): StoreInternals {
    const s = store as unknown as StoreInternals
    if (typeof s.em !== 'function') {
        throw new Error('unsupported @subsquid/typeorm-store: Store.em is not a function (written against 1.5.1)')
    }
    return s
}

/** the batch transaction's EntityManager of a Store */
export function storeTransactionManager(store: Store): EntityManager {
    return internals(store).em()
}

/** true when the store records changes for rollback, i.e. the call processes an unfinalized block */
export function storeTracksChanges(store: Store): boolean {
    return internals(store).changes != null
}

/** the DataSource of a connected TypeormDatabase (undefined before connect / after disconnect) */
export function databaseDataSource(db: TypeormDatabase): DataSource | undefined {
    return (db as unknown as {con?: DataSource}).con
}

export interface HashAndHeight {
    height: number
    hash: string
}

/**
 * The status update of a batch from `prev` to `next`, guarded: it fails (division by zero) unless the status
 * row is at `prev`, which aborts the transaction, so the COMMIT after it rolls back.
 */
export function guardedStatusUpdate(prev: HashAndHeight, next: HashAndHeight): {sql: string; params: unknown[]} {
    return {
        sql: `WITH u AS (UPDATE "squid_processor".status SET height = $1, hash = $2, nonce = nonce + 1
                        WHERE id = 0 AND height = $3 AND hash = $4 RETURNING 1)
             SELECT 1 / (SELECT count(*)::int FROM u) AS ok`,
        params: [next.height, next.hash, prev.height, prev.hash],
    }
}
