/**
 * Two ways to write a batch, chosen per handler call:
 *
 * - fast path (RawWriter): the batch holds only finalized blocks. One multi-row
 *   `INSERT … SELECT * FROM unnest($1::text[], $2::numeric[], …)` per table (upserts add ON CONFLICT), sent
 *   through the batch transaction's EntityManager: no TypeORM entity building, no per-row SQL.
 * - hot path (StoreWriter): the call holds an unfinalized block. Everything goes through ctx.store
 *   (insert / upsert), so TypeormDatabase's hot_change_log records it and a fork rolls it back.
 *
 * TypeormDatabase (typeorm-store 1.5.1) runs finalized blocks through `transact` with a Store that has no
 * change tracker, and every unfinalized block through `transactHot2`, one block per call, with a Store
 * that has one (`Store.changes`). That tracker is what decides the path, so the decision is exact.
 */
import type {Store} from '@subsquid/typeorm-store'
import {EntityManager} from 'typeorm'
import {columnLiteral, tableSpec} from './tables'

export interface Writer {
    readonly hot: boolean
    insert(entity: Function, rows: readonly any[]): Promise<void>
    upsert(entity: Function, rows: readonly any[]): Promise<void>
    query(sql: string, params?: unknown[]): Promise<any[]>
}

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

/** the batch transaction's EntityManager */
export function storeEntityManager(store: Store): EntityManager {
    return internals(store).em()
}

/** true when the store records changes for rollback, i.e. the call processes an unfinalized block */
export function isHotStore(store: Store): boolean {
    return internals(store).changes != null
}

export class RawWriter implements Writer {
    readonly hot = false
    constructor(private readonly em: EntityManager) {}

    async insert(entity: Function, rows: readonly any[]): Promise<void> {
        if (rows.length === 0) return
        const spec = tableSpec(this.em, entity)
        await this.em.query(spec.insertSql, spec.columns.map(c => columnLiteral(c, rows)))
    }

    async upsert(entity: Function, rows: readonly any[]): Promise<void> {
        if (rows.length === 0) return
        const spec = tableSpec(this.em, entity)
        await this.em.query(spec.upsertSql, spec.columns.map(c => columnLiteral(c, rows)))
    }

    query(sql: string, params?: unknown[]): Promise<any[]> {
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

    async insert(entity: Function, rows: readonly any[]): Promise<void> {
        if (rows.length === 0) return
        await this.store.insert(instances(entity, rows))
    }

    async upsert(entity: Function, rows: readonly any[]): Promise<void> {
        if (rows.length === 0) return
        await this.store.upsert(instances(entity, rows))
    }

    query(sql: string, params?: unknown[]): Promise<any[]> {
        return storeEntityManager(this.store).query(sql, params)
    }
}

export function writerFor(store: Store): Writer {
    return isHotStore(store) ? new StoreWriter(store) : new RawWriter(storeEntityManager(store))
}
