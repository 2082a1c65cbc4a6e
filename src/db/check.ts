/**
 * A database check before a command starts its work, so that ordinary mistakes end in one line instead of
 * a driver stack deep inside the SDK: the server answers, the database exists (or is created, when the
 * command may create it), and, for commands that read the project's tables, the schema is there.
 */
import {Client} from 'pg'
import {describeDbError, redactUrl} from './errors'

export class DatabaseCheckError extends Error {
    constructor(message: string) {
        super(message)
        this.name = 'DatabaseCheckError'
    }
}

export interface DatabaseCheckOptions {
    /** create the database when it does not exist (npm start does; the other commands say how) */
    create?: boolean
    /** the project's tables must exist (the migrations were applied) */
    needSchema?: boolean
    /** ms to wait for the server */
    timeoutMs?: number
}

async function connect(url: string, timeoutMs: number): Promise<Client> {
    const c = new Client({connectionString: url, connectionTimeoutMillis: timeoutMs})
    c.on('error', () => undefined)
    await c.connect()
    return c
}

async function createDatabase(url: string, timeoutMs: number): Promise<void> {
    const u = new URL(url)
    const name = decodeURIComponent(u.pathname.replace(/^\//, ''))
    u.pathname = '/postgres'
    const c = await connect(u.toString(), timeoutMs)
    try {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
    } finally {
        await c.end().catch(() => undefined)
    }
}

/** returns whether the database was created now; throws DatabaseCheckError with a one-line message */
export async function checkDatabase(url: string, opts: DatabaseCheckOptions = {}): Promise<{created: boolean}> {
    const timeoutMs = opts.timeoutMs ?? 10_000
    let created = false
    let c: Client
    try {
        c = await connect(url, timeoutMs)
    } catch (e: any) {
        if (opts.create && e?.code === '3D000') {
            try {
                await createDatabase(url, timeoutMs)
            } catch (e2: any) {
                throw new DatabaseCheckError(describeDbError(e2, url) ?? `could not create the database of ${redactUrl(url)}: ${e2?.message ?? e2}`)
            }
            created = true
            c = await connect(url, timeoutMs)
        } else {
            throw new DatabaseCheckError(describeDbError(e, url) ?? `cannot connect to ${redactUrl(url)}: ${e?.message ?? e}`)
        }
    }
    try {
        if (opts.needSchema) {
            const r = await c.query(`SELECT to_regclass('payout') IS NOT NULL AS ok`)
            if (!r.rows[0].ok) {
                throw new DatabaseCheckError(
                    `the database ${redactUrl(url)} has no indexer tables: apply the migrations first (npm run migration:apply; npm start does it)`
                )
            }
        }
    } finally {
        await c.end().catch(() => undefined)
    }
    return {created}
}
