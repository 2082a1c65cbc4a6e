/**
 * `npm start`: everything needed to see the indexer work, on a machine where nothing is configured.
 *
 * 1. configuration is validated (src/config.ts), and the ports it will open are checked to be free;
 * 2. no database configured (no DB_URL / DB_HOST): the embedded PostgreSQL starts, data in .data/postgres,
 *    and its address is written to .data/connection.json for the commands run beside it (export, serve,
 *    process, bench: src/db/connection.ts); a configured database is created if it does not exist;
 * 3. CHAIN=devnet (the default) and no RPC_ENDPOINT: the project's own devnet starts in this process,
 *    serving the DEVNET_SCENARIO scenario (default `small`); a configured RPC_ENDPOINT must answer;
 * 4. migrations are applied, then the processor, the GraphQL server and the CSV export server
 *    (src/export/server.ts, port EXPORT_PORT, default 4351) run as child processes;
 * 5. the database, GraphQL and export addresses are printed. Ctrl-C stops everything.
 *
 * Ordinary mistakes (a second `npm start`, a port in use, an unreachable database or node) end in one
 * line that says what to do.
 */
import {ChildProcess, spawn} from 'child_process'
import * as net from 'net'
import * as path from 'path'
import {childEnv, Config, ConfigError, loadConfig, loadStartSettings, StartSettings} from './config'
import {parseEmissionPeers} from './config/server'
import {checkDatabase, DatabaseCheckError} from './db/check'
import {connectionFilePath, dbEnv, PROJECT_ROOT, readConnectionRecord, removeConnectionRecord, writeConnectionRecord} from './db/connection'
import {startEmbeddedPostgres} from './db/embedded'
import {redactUrl} from './db/errors'
import {applyMigrations, describeMigrations} from './db/migrate'
import {finalizedHeight, RpcCheckError} from './ingest/rpc-check'

const ROOT = PROJECT_ROOT

function log(msg: string) {
    process.stderr.write(`[start] ${msg}\n`)
}

/** one line, then exit */
function fail(msg: string, code = 1): never {
    process.stderr.write(`npm start: ${msg}\n`)
    process.exit(code)
}

async function canConnectTcp(port: number): Promise<boolean> {
    return new Promise<boolean>(resolve => {
        const s = net.connect(port, '127.0.0.1')
        s.once('connect', () => {
            s.destroy()
            resolve(true)
        })
        s.once('error', () => resolve(false))
    })
}

/** whether a server can listen on the port (the way ours will: all interfaces) */
async function portFree(port: number): Promise<boolean> {
    return new Promise<boolean>(resolve => {
        const srv = net.createServer()
        srv.once('error', () => resolve(false))
        srv.listen(port, () => srv.close(() => resolve(true)))
    })
}

async function waitForPort(port: number, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs
    while (Date.now() < until) {
        if (await canConnectTcp(port)) return true
        await new Promise(r => setTimeout(r, 250))
    }
    return false
}

function loadSettings(): {config: Config; start: StartSettings} {
    try {
        const config = loadConfig()
        parseEmissionPeers() // the GraphQL server reads it; a bad value stops everything before anything starts
        return {config, start: loadStartSettings(config)}
    } catch (e) {
        if (e instanceof ConfigError) fail(`configuration error: ${e.message}`, 2)
        throw e
    }
}

async function main() {
    const {config, start} = loadSettings()
    const startDevnet = start.devnet.start
    const exportPort = start.exportPort
    const devnetPort = start.devnet.port
    const pgPort = start.embeddedPgPort
    const dataDir = config.db.dataDir

    const other = readConnectionRecord(dataDir)
    if (other && config.db.embedded) {
        fail(`another npm start (pid ${other.pid}) is running from this folder: use it, or stop it first (Ctrl-C in its terminal, or kill ${other.pid})`)
    }
    const ports: [number, string][] = [
        [config.gqlPort, 'GQL_PORT'],
        [exportPort, 'EXPORT_PORT'],
    ]
    if (startDevnet) ports.push([devnetPort, 'DEVNET_PORT'])
    if (startDevnet && start.devnet.gatewayPort != null) ports.push([start.devnet.gatewayPort, 'DEVNET_GATEWAY_PORT'])
    for (const [port, name] of ports) {
        if (!(await portFree(port))) fail(`port ${port} (${name}) is already in use, perhaps by another npm start: stop it, or set ${name} to a free port`)
    }

    let env: NodeJS.ProcessEnv = childEnv({})
    const cleanups: (() => Promise<void>)[] = []
    const children: ChildProcess[] = []
    let stopping = false

    async function stopAll() {
        stopping = true
        for (const c of children) if (c.exitCode == null) c.kill('SIGTERM')
        await Promise.all(children.map(c => (c.exitCode != null ? null : new Promise(r => c.once('exit', r)))))
        for (const f of cleanups.reverse()) await f().catch(e => log(`cleanup failed: ${e}`))
    }
    async function shutdown(code: number) {
        if (stopping) return
        await stopAll()
        process.exit(code)
    }
    process.on('SIGINT', () => void shutdown(0))
    process.on('SIGTERM', () => void shutdown(0))

    let dbLine: string
    /** the embedded database's record (connection.json), completed with the node once it is known */
    let recorded: {url: string; startedAt: string} | undefined
    if (config.db.embedded) {
        const dir = path.join(dataDir, 'postgres')
        log(`no database configured: starting the embedded PostgreSQL (data in ${dir}, port ${pgPort})`)
        let pg
        try {
            pg = await startEmbeddedPostgres({dataDir: dir, port: pgPort, database: 'squid'})
        } catch (e: any) {
            if (!(await portFree(pgPort))) {
                fail(
                    `port ${pgPort} (EMBEDDED_PG_PORT) is in use by another program: set EMBEDDED_PG_PORT to a free port, or DB_URL to use a PostgreSQL of yours`
                )
            }
            fail(String(e?.message ?? e).split('\n')[0])
        }
        cleanups.push(() => pg.stop())
        env = childEnv(dbEnv(pg.url), env)
        writeConnectionRecord(pg.url, dataDir)
        recorded = {url: pg.url, startedAt: new Date().toISOString()}
        cleanups.push(async () => removeConnectionRecord(dataDir))
        dbLine = `${pg.url} (embedded, data in ${dir}; its address is in ${connectionFilePath(dataDir)} while npm start runs)`
    } else {
        const url = config.db.url!
        try {
            const {created} = await checkDatabase(url, {create: true})
            if (created) log(`created the database of ${redactUrl(url)}`)
        } catch (e) {
            if (e instanceof DatabaseCheckError) fail(e.message)
            throw e
        }
        env = childEnv(dbEnv(url), env)
        dbLine = redactUrl(url)
    }
    log(`database: ${dbLine}`)

    if (startDevnet) {
        const scenario = start.devnet.scenario
        log(`no RPC_ENDPOINT: starting the local devnet with scenario "${scenario}" on port ${devnetPort}`)
        // loaded lazily: only the offline demo needs the simulator
        const devnet = require('../devnet') as typeof import('../devnet')
        const node = await devnet.startScenarioDevnet({scenario, port: devnetPort, seed: start.devnet.seed, gatewayPort: start.devnet.gatewayPort})
        cleanups.push(() => node.close())
        env.RPC_ENDPOINT = node.wsUrl
        log(`devnet serving ${node.height + 1} blocks at ${node.wsUrl}`)
        // the processor reads the history from the devnet's gateway (a GATEWAY_URL of the user's own wins)
        if (node.gatewayUrl && !config.gatewayUrl) {
            env.GATEWAY_URL = node.gatewayUrl
            log(`devnet SQD gateway at ${node.gatewayUrl}: the processor reads history from it`)
        }
    } else {
        try {
            const head = await finalizedHeight(config.rpcEndpoint!)
            log(`node ${config.rpcEndpoint}: finalized head #${head}`)
        } catch (e) {
            if (e instanceof RpcCheckError) {
                await stopAll()
                fail(e.message)
            }
            throw e
        }
    }

    // `npm run audit` and other commands beside this one find the node here too
    if (recorded && env.RPC_ENDPOINT) writeConnectionRecord(recorded.url, dataDir, env.RPC_ENDPOINT, recorded.startedAt)

    try {
        log(describeMigrations(await applyMigrations(env.DB_URL!)))
    } catch (e: any) {
        log(`migrations failed: ${e?.message ?? e}`)
        return shutdown(1)
    }

    const run = (name: string, args: string[]) => {
        const c = spawn(process.execPath, args, {cwd: ROOT, env, stdio: 'inherit'})
        children.push(c)
        c.on('exit', (code, signal) => {
            if (stopping) return
            if (name === 'processor' && code === 0) {
                log('processor reached the end of its block range; the GraphQL server keeps serving (Ctrl-C to stop)')
                return
            }
            // Ctrl-C reaches every process of the terminal at once: a child may stop before this one hears it
            const stopped = code === 0 || signal === 'SIGINT' || signal === 'SIGTERM'
            if (stopped) log(`the ${name} stopped; stopping the rest`)
            else log(`stopping: the ${name} exited with ${code != null ? `code ${code}` : signal}`)
            void shutdown(stopped ? 0 : (code ?? 1))
        })
        return c
    }
    run('processor', [path.join(ROOT, 'lib/src/main.js')])
    env.GQL_PORT = String(config.gqlPort)
    run('graphql server', [path.join(ROOT, 'lib/src/serve.js')])
    env.EXPORT_PORT = String(exportPort)
    run('csv export', [path.join(ROOT, 'lib/src/export/server.js')])
    if (await waitForPort(config.gqlPort, 60_000)) {
        log(`GraphQL API: http://localhost:${config.gqlPort}/graphql`)
    } else {
        log(`the GraphQL server did not open port ${config.gqlPort} within 60 s`)
    }
    if (await waitForPort(exportPort, 10_000)) {
        log(`CSV export: http://localhost:${exportPort}/export/payouts.csv?account=<address>&from=<date>&to=<date>`)
    }
    log('Ctrl-C stops everything')
}

main().catch(e => {
    process.stderr.write(`npm start: unexpected failure: ${e?.stack ?? e}\n`)
    process.exit(1)
})
