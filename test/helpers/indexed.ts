/**
 * A database indexed from the devnet by the real pipeline (devnet JSON-RPC → processor child process →
 * PostgreSQL), shared by the API tests and the API benchmark.
 *
 * Indexing `small` takes about a minute, so the result is cached on the test PostgreSQL server: database
 * `api_<scenario>` holds a marker table `api_fixture` with a fingerprint of everything the indexed data
 * depends on (the compiled processor, ledger, decoder and devnet code, the migrations, the schema) and the
 * scenario's ground truth. A later run with the same fingerprint reuses the database as it is; any change
 * re-indexes it.
 */
import {spawn, spawnSync} from 'child_process'
import * as crypto from 'crypto'
import * as fs from 'fs'
import * as path from 'path'
import {Client} from 'pg'

/** repository root (this file runs from lib/test/helpers) */
export const ROOT = findRoot(__dirname)

function findRoot(start: string): string {
    let dir = start
    for (;;) {
        if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'schema.graphql'))) return dir
        const up = path.dirname(dir)
        if (up === dir) throw new Error(`repository root not found above ${start}`)
        dir = up
    }
}

export const LIB = path.join(ROOT, 'lib')

export interface IndexedDb {
    url: string
    scenario: string
    seed: number
    /** the ground truth as JSON (bigints as decimal strings) */
    truth: any
    /** true when this call indexed it, false when a cached database was reused */
    fresh: boolean
}

function listFiles(dir: string, out: string[]): void {
    if (!fs.existsSync(dir)) return
    for (const e of fs.readdirSync(dir, {withFileTypes: true})) {
        const p = path.join(dir, e.name)
        if (e.isDirectory()) listFiles(p, out)
        else if (e.name.endsWith('.js')) out.push(p)
    }
}

/** hash of the code and schema the indexed data depends on */
export function indexFingerprint(scenario: string, seed: number): string {
    const files: string[] = []
    // everything the processor runs to index: the handler and what it applies and writes with (domain,
    // rollup and its APR formulas, decode, store), the ingest path and its SDK hooks, the configuration
    const dirs = ['src/handler', 'src/rollup', 'src/domain', 'src/decode', 'src/store', 'src/ingest', 'src/sdk', 'src/config']
    for (const d of [...dirs, 'src/types', 'src/model', 'devnet']) {
        listFiles(path.join(LIB, d), files)
    }
    for (const f of ['src/main.js', 'src/processor.js']) files.push(path.join(LIB, f))
    listFiles(path.join(ROOT, 'db/migrations'), files)
    files.push(path.join(ROOT, 'schema.graphql'))
    const h = crypto.createHash('sha256')
    h.update(`${scenario}/${seed}\n`)
    for (const f of files.sort()) {
        if (!fs.existsSync(f)) continue
        h.update(path.relative(ROOT, f))
        h.update(fs.readFileSync(f))
    }
    return h.digest('hex').slice(0, 32)
}

export function serverUrl(): string {
    const url = process.env.TEST_PG_SERVER ?? process.env.DB_URL
    if (!url) throw new Error('no PostgreSQL server: run through jest (global setup) or set DB_URL')
    return url
}

export function dbUrl(server: string, name: string): string {
    const u = new URL(server)
    u.pathname = '/' + name
    return u.toString()
}

export async function withClient<T>(url: string, f: (c: Client) => Promise<T>): Promise<T> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        return await f(c)
    } finally {
        await c.end()
    }
}

/** runs `f` inside a transaction on `c` that is always rolled back: what it changes, nobody else sees */
export async function rolledBack<T>(c: Client, f: () => Promise<T>): Promise<T> {
    await c.query('BEGIN')
    try {
        return await f()
    } finally {
        await c.query('ROLLBACK')
    }
}

async function readMarker(url: string): Promise<{fingerprint: string; truth: string} | undefined> {
    try {
        return await withClient(url, async c => {
            const r = await c.query(`SELECT fingerprint, truth FROM api_fixture WHERE complete`)
            return r.rows[0]
        })
    } catch {
        return undefined
    }
}

/** TEST_DB_PREFIX: prepended to the names of the databases tests create (default none) */
export function testDbPrefix(): string {
    const p = (process.env.TEST_DB_PREFIX ?? '').trim().toLowerCase()
    if (!/^[a-z0-9_]*$/.test(p)) throw new Error(`TEST_DB_PREFIX: letters, digits and _ only, got ${JSON.stringify(p)}`)
    return p
}

/**
 * The database of `scenario` (default `small`, seed 1), indexed by the real processor; reused when the
 * cached one has the same fingerprint. `log` receives progress lines.
 */
export async function indexedDatabase(
    scenario = 'small',
    opts: {seed?: number; server?: string; log?: (m: string) => void; dbName?: string} = {}
): Promise<IndexedDb> {
    const seed = opts.seed ?? 1
    const log = opts.log ?? (() => {})
    const server = opts.server ?? serverUrl()
    const name = opts.dbName ?? `${testDbPrefix()}api_${scenario.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`
    const url = dbUrl(server, name)
    const fingerprint = indexFingerprint(scenario, seed)
    const marker = await readMarker(url)
    if (marker && marker.fingerprint === fingerprint) {
        return {url, scenario, seed, truth: JSON.parse(marker.truth), fresh: false}
    }
    log(`indexing the ${scenario} scenario into ${name} (${marker ? 'code changed' : 'no cached database'})`)
    await withClient(dbUrl(server, 'postgres'), async c => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await c.query(`CREATE DATABASE ${name}`)
    })
    const env = {...process.env, DB_URL: url, CHAIN: 'devnet'}
    delete (env as any).DB_HOST
    const mig = spawnSync(process.execPath, [require.resolve('@subsquid/typeorm-migration/lib/apply.js')], {cwd: ROOT, env, encoding: 'utf8'})
    if (mig.status !== 0) throw new Error(`migrations failed:\n${mig.stdout}\n${mig.stderr}`)

    const t0 = Date.now()
    // the simulator and the devnet come from lib/devnet (compiled with the rest)
    const sim = require(path.join(LIB, 'devnet/sim')) as typeof import('../../devnet/sim')
    const devnet = require(path.join(LIB, 'devnet')) as typeof import('../../devnet')
    const sc = sim.buildScenario(scenario, {seed})
    const source = devnet.sourceFromDevBlocks(sc.genesis, sc.blocks, {info: {scenario, seed}})
    const node = await devnet.startDevnet({source, port: 0})
    log(`devnet serving ${node.height} blocks at ${node.wsUrl} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    try {
        const t1 = Date.now()
        await runProcessor({...env, RPC_ENDPOINT: node.wsUrl, TO_BLOCK: String(node.height)}, log)
        log(`processor indexed ${node.height} blocks in ${((Date.now() - t1) / 1000).toFixed(1)} s`)
    } finally {
        await node.close()
    }
    if (!sc.truth.complete) throw new Error(`the ${scenario} ground truth is incomplete after iterating its blocks`)
    const truthJson = sim.truthToJson(sc.truth, 0)
    await withClient(url, async c => {
        // fresh statistics, as autovacuum would give a long-running database (the planner needs them)
        await c.query('ANALYZE')
        await c.query(
            `CREATE TABLE api_fixture (fingerprint text NOT NULL, scenario text NOT NULL, seed int NOT NULL, truth text NOT NULL, complete bool NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`
        )
        await c.query(`INSERT INTO api_fixture (fingerprint, scenario, seed, truth, complete) VALUES ($1, $2, $3, $4, true)`, [
            fingerprint,
            scenario,
            seed,
            truthJson,
        ])
    })
    return {url, scenario, seed, truth: JSON.parse(truthJson), fresh: true}
}

/** run the processor (lib/src/main.js) as a child process with `env` until it exits (TO_BLOCK) */
export function runProcessor(env: NodeJS.ProcessEnv, log: (m: string) => void): Promise<void> {
    return new Promise((resolve, reject) => {
        const p = spawn(process.execPath, [path.join(LIB, 'src/main.js')], {cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe']})
        let tail = ''
        const keep = (d: Buffer) => {
            tail = (tail + d.toString()).slice(-20_000)
        }
        p.stdout.on('data', keep)
        p.stderr.on('data', keep)
        p.on('error', reject)
        p.on('exit', code => {
            if (code === 0) resolve()
            else {
                log(tail)
                reject(new Error(`processor exited with code ${code}:\n${tail.slice(-4000)}`))
            }
        })
    })
}
