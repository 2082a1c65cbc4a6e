/**
 * The SQL access the API computations need: one function, so the same code runs over the GraphQL
 * server's EntityManager, a pg client (CSV export) or a test connection.
 */
export type Query = (sql: string, params?: unknown[]) => Promise<any[]>

export function emQuery(em: {query(sql: string, params?: unknown[]): Promise<any>}): Query {
    return (sql, params) => em.query(sql, params)
}

export function pgQuery(client: {query(sql: string, params?: unknown[]): Promise<{rows: any[]}>}): Query {
    return async (sql, params) => (await client.query(sql, params)).rows
}

/** one row or undefined */
export async function one(q: Query, sql: string, params?: unknown[]): Promise<any | undefined> {
    const rows = await q(sql, params)
    return rows[0]
}

export function toDate(v: unknown): Date | null {
    if (v == null) return null
    return v instanceof Date ? v : new Date(v as string)
}

export function num(v: unknown): number | null {
    return v == null ? null : Number(v)
}
