/**
 * Table layouts derived from the generated TypeORM entities (src/model), so the raw-SQL paths (bulk
 * writes, loads) can never drift from the schema: column names, PostgreSQL types and value kinds all come
 * from the entity metadata.
 */
import {EntityManager, EntityMetadata} from 'typeorm'
import * as transformers from '@subsquid/typeorm-store/lib/transformers'

export type ValueKind = 'bigint' | 'float' | 'decimal' | 'int' | 'date' | 'bool' | 'text'

export interface ColumnSpec {
    prop: string
    db: string
    /** element type for `unnest($n::<type>[])` */
    pgType: string
    kind: ValueKind
    nullable: boolean
}

export interface TableSpec {
    entity: Function
    table: string
    columns: ColumnSpec[]
    insertSql: string
    upsertSql: string
}

const cache = new WeakMap<Function, TableSpec>()

function columnKind(meta: EntityMetadata, c: EntityMetadata['columns'][number]): {kind: ValueKind; pgType: string} {
    const type = typeof c.type === 'string' ? c.type : (c.type as any).name?.toLowerCase()
    switch (type) {
        case 'numeric':
            if (c.transformer === transformers.bigintTransformer) return {kind: 'bigint', pgType: 'numeric'}
            if (c.transformer === transformers.floatTransformer) return {kind: 'float', pgType: 'numeric'}
            if (c.transformer === transformers.bigdecimalTransformer) return {kind: 'decimal', pgType: 'numeric'}
            throw new Error(`${meta.name}.${c.propertyName}: numeric column with an unknown transformer`)
        case 'int4':
        case 'integer':
            return {kind: 'int', pgType: 'int4'}
        case 'timestamp with time zone':
            return {kind: 'date', pgType: 'timestamptz'}
        case 'bool':
        case 'boolean':
            return {kind: 'bool', pgType: 'bool'}
        case 'text':
        case 'varchar':
        case 'character varying':
        case 'string':
            return {kind: 'text', pgType: 'text'}
        default:
            throw new Error(`${meta.name}.${c.propertyName}: column type ${String(type)} is not supported by the bulk writer`)
    }
}

export function tableSpec(em: EntityManager, entity: Function): TableSpec {
    let spec = cache.get(entity)
    if (spec) return spec
    const meta = em.connection.getMetadata(entity)
    const columns: ColumnSpec[] = meta.columns.map(c => {
        if (c.isArray) throw new Error(`${meta.name}.${c.propertyName}: array columns are not supported by the bulk writer`)
        return {prop: c.propertyName, db: c.databaseName, nullable: c.isNullable, ...columnKind(meta, c)}
    })
    const table = meta.tableName
    const names = columns.map(c => `"${c.db}"`).join(', ')
    const unnest = columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(', ')
    const insertSql = `INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${unnest})`
    const updates = columns.filter(c => c.db !== 'id').map(c => `"${c.db}" = EXCLUDED."${c.db}"`).join(', ')
    const upsertSql = `${insertSql} ON CONFLICT ("id") DO UPDATE SET ${updates}`
    spec = {entity, table, columns, insertSql, upsertSql}
    cache.set(entity, spec)
    return spec
}

// ------------------------------------------------------------------ array literals

const NEEDS_QUOTES = /[",\\{}\s]|^$|^null$/i

function textElement(s: string): string {
    return NEEDS_QUOTES.test(s) ? '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"' : s
}

/**
 * A PostgreSQL array literal for one column of `rows` (built directly: faster than the driver's generic
 * per-element escaping, and exact for bigints).
 */
export function columnLiteral(c: ColumnSpec, rows: readonly any[]): string {
    const parts = new Array<string>(rows.length)
    for (let i = 0; i < rows.length; i++) {
        const v = rows[i][c.prop]
        if (v == null) {
            if (!c.nullable) {
                throw new Error(`column ${c.db} is NOT NULL but row ${rows[i].id ?? i} has ${v}`)
            }
            parts[i] = 'NULL'
            continue
        }
        switch (c.kind) {
            case 'bigint':
                if (typeof v !== 'bigint') throw new TypeError(`column ${c.db}: expected bigint, got ${typeof v} (row ${rows[i].id})`)
                parts[i] = v.toString()
                break
            case 'int':
                parts[i] = String(v)
                break
            case 'float':
                if (typeof v !== 'number' || !Number.isFinite(v)) {
                    parts[i] = 'NULL'
                    if (!c.nullable) throw new Error(`column ${c.db}: non-finite float ${v} (row ${rows[i].id})`)
                } else {
                    parts[i] = String(v)
                }
                break
            case 'decimal':
                parts[i] = String(v)
                break
            case 'date':
                parts[i] = '"' + (v instanceof Date ? v.toISOString() : new Date(v).toISOString()) + '"'
                break
            case 'bool':
                parts[i] = v ? 't' : 'f'
                break
            case 'text':
                parts[i] = textElement(String(v))
                break
        }
    }
    return '{' + parts.join(',') + '}'
}

// ------------------------------------------------------------------ reading rows back

/** a database row (snake_case keys, driver values) → an entity instance */
export function fromDbRow<E>(spec: TableSpec, row: Record<string, unknown>): E {
    const e = new (spec.entity as any)()
    for (const c of spec.columns) {
        const v = row[c.db]
        if (v == null) {
            e[c.prop] = null
            continue
        }
        switch (c.kind) {
            case 'bigint':
                e[c.prop] = BigInt(v as string)
                break
            case 'float':
                e[c.prop] = Number(v)
                break
            case 'decimal':
                e[c.prop] = String(v)
                break
            case 'int':
                e[c.prop] = Number(v)
                break
            case 'date':
                e[c.prop] = v instanceof Date ? v : new Date(v as string)
                break
            case 'bool':
                e[c.prop] = Boolean(v)
                break
            case 'text':
                e[c.prop] = String(v)
                break
        }
    }
    return e as E
}
