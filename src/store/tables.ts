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
    /** reads `prop` of a row: a function per column, so each property load site sees one shape */
    get: (row: any) => unknown
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
    updateSql: string
    /** the statement of `kind` with its parameters numbered from `offset + 1` */
    sql(kind: WriteKind, offset: number): string
    /** UPDATE of `cols` (which must include id) with parameters numbered from `offset + 1` */
    updateSqlFor(cols: ColumnSpec[], offset: number): string
}

export type WriteKind = 'insert' | 'upsert' | 'update'

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

/** true when the entity's value for `c` differs from `before` */
export function columnChanged(c: ColumnSpec, now: unknown, before: unknown): boolean {
    if (now === before) return false
    if (now == null || before == null) return (now == null) !== (before == null)
    if (c.kind === 'date') return (now as Date).getTime() !== (before as Date).getTime()
    if (c.kind === 'decimal') return String(now) !== String(before)
    return true
}

export function tableSpec(em: EntityManager, entity: Function): TableSpec {
    let spec = cache.get(entity)
    if (spec) return spec
    const meta = em.connection.getMetadata(entity)
    const columns: ColumnSpec[] = meta.columns.map(c => {
        if (c.isArray) throw new Error(`${meta.name}.${c.propertyName}: array columns are not supported by the bulk writer`)
        return {prop: c.propertyName, db: c.databaseName, nullable: c.isNullable, get: propertyReader(c.propertyName), ...columnKind(meta, c)}
    })
    const table = meta.tableName
    const names = columns.map(c => `"${c.db}"`).join(', ')
    const updates = columns
        .filter(c => c.db !== 'id')
        .map(c => `"${c.db}" = EXCLUDED."${c.db}"`)
        .join(', ')
    const sets = columns
        .filter(c => c.db !== 'id')
        .map(c => `"${c.db}" = u."${c.db}"`)
        .join(', ')
    const sql = (kind: WriteKind, offset: number): string => {
        const unnest = columns.map((c, i) => `$${offset + i + 1}::${c.pgType}[]`).join(', ')
        const insert = `INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${unnest})`
        switch (kind) {
            case 'insert':
                return insert
            case 'upsert':
                return `${insert} ON CONFLICT ("id") DO UPDATE SET ${updates}`
            case 'update':
                return `UPDATE "${table}" AS t SET ${sets} FROM unnest(${unnest}) AS u(${names}) WHERE t."id" = u."id"`
        }
    }
    const updateSqlFor = (cols: ColumnSpec[], offset: number): string => {
        const unnest = cols.map((c, i) => `$${offset + i + 1}::${c.pgType}[]`).join(', ')
        const set = cols
            .filter(c => c.db !== 'id')
            .map(c => `"${c.db}" = u."${c.db}"`)
            .join(', ')
        return `UPDATE "${table}" AS t SET ${set} FROM unnest(${unnest}) AS u(${cols.map(c => `"${c.db}"`).join(', ')}) WHERE t."id" = u."id"`
    }
    spec = {entity, table, columns, insertSql: sql('insert', 0), upsertSql: sql('upsert', 0), updateSql: sql('update', 0), sql, updateSqlFor}
    cache.set(entity, spec)
    return spec
}

// ------------------------------------------------------------------ array literals

/** `row => row.<name>` for an identifier-like property name (a computed key otherwise) */
function propertyReader(name: string): (row: any) => unknown {
    if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) return new Function('row', `return row.${name}`) as (row: any) => unknown
    return row => row[name]
}

const NEEDS_QUOTES = /[",\\{}\s]|^$|^null$/i
const PLAIN = /^[0-9A-Za-z_\-.:]+$/

function textElement(s: string): string {
    // ids, hex keys, enum names: nothing to quote (cheap check first)
    if (PLAIN.test(s) && s.length !== 4) return s
    return NEEDS_QUOTES.test(s) ? '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"' : s
}

/** rows of a batch share few distinct timestamps (one per block, one per bucket): render each once */
let lastDateMs = NaN
let lastDateText = ''
function dateElement(v: Date | number | string): string {
    const d = v instanceof Date ? v : new Date(v)
    const ms = d.getTime()
    if (ms !== lastDateMs) {
        lastDateText = '"' + d.toISOString() + '"'
        lastDateMs = ms
    }
    return lastDateText
}

/**
 * A PostgreSQL array literal for one column of `rows` (built directly: faster than the driver's generic
 * per-element escaping, and exact for bigints).
 */
export function columnLiteral(c: ColumnSpec, rows: readonly any[]): string {
    const parts = new Array<string>(rows.length)
    const get = c.get
    for (let i = 0; i < rows.length; i++) {
        const v = get(rows[i])
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
                parts[i] = dateElement(v as Date | number | string)
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
