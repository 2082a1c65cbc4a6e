/**
 * A database check before a command starts its work, so that ordinary mistakes end in one line instead of
 * a driver stack deep inside the SDK: the server answers, the database exists (or is created, when the
 * command may create it), and, for commands that read the project's tables, the schema is there.
 */
import {Client, ClientConfig} from 'pg'
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
    /** connection settings beyond the URL (e.g. the GraphQL server's SSL options) */
    client?: ClientConfig
}

/** the tables the processor and the API read first; none of them means the migrations were never applied */
const REQUIRED_TABLES = ['network_state', 'worker', 'base_pool', 'payout']

function databaseName(url: string): string {
    try {
        const u = new URL(url)
        const name = decodeURIComponent(u.pathname.replace(/^\//, '') || 'postgres')
        return `database "${name}" at ${u.hostname || 'localhost'}:${u.port || '5432'}`
    } catch {
        return 'the database'
    }
}

async function connect(url: string, timeoutMs: number, config?: ClientConfig): Promise<Client> {
    const c = new Client(config ? {connectionTimeoutMillis: timeoutMs, ...config} : {connectionString: url, connectionTimeoutMillis: timeoutMs})
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
        c = await connect(url, timeoutMs, opts.client)
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
            throw new DatabaseCheckError(describeDbError(e, url) ?? `cannot use the database ${redactUrl(url)}: ${String(e?.message ?? e).split('\n')[0]}`)
        }
    }
    try {
        if (opts.needSchema) {
            const r = await c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1)`, [
                REQUIRED_TABLES,
            ])
            const found = r.rows.map(row => String(row.table_name))
            const hint = 'apply the migrations (npm start does it; alone: npm run migration:apply)'
            if (found.length === 0) throw new DatabaseCheckError(`${databaseName(url)} has no tables: ${hint}`)
            const missing = REQUIRED_TABLES.filter(t => !found.includes(t))
            if (missing.length) throw new DatabaseCheckError(`${databaseName(url)} lacks the tables ${missing.join(', ')}: ${hint}`)
        }
    } finally {
        await c.end().catch(() => undefined)
    }
    return {created}
}

/** the advisory lock key a processor holds on its database (any fixed number; "PHALA-MI" in ASCII) */
const PROCESSOR_LOCK = 0x5048414c412d4d49n

/**
 * Takes the database's processor lock, on a connection kept open for the life of the process: a second
 * processor on the same database (say `npm run process` beside a running `npm start`) would write the same
 * batches twice. Throws a DatabaseCheckError (one line) when another process holds it.
 */
export async function lockForProcessor(url: string, timeoutMs = 10_000): Promise<void> {
    const c = await connect(url, timeoutMs)
    const r = await c.query('SELECT pg_try_advisory_lock($1::bigint) AS ok', [PROCESSOR_LOCK.toString()])
    if (!r.rows[0].ok) {
        await c.end().catch(() => undefined)
        throw new DatabaseCheckError(
            `another processor is already indexing ${databaseName(url)} (npm start runs one): stop it first, or give this one its own DB_URL`
        )
    }
    // held until the process exits (the SDK ends the process when its range is done); the connection is not
    // used for anything else
}
