/**
 * `npm start`: everything needed to see the indexer work, on a machine where nothing is configured.
 *
 * 1. configuration is validated (src/config.ts);
 * 2. no database configured (no DB_URL / DB_HOST): the embedded PostgreSQL starts, data in .data/postgres;
 * 3. CHAIN=devnet (the default) and no RPC_ENDPOINT: the project's own devnet starts in this process,
 *    serving the DEVNET_SCENARIO scenario (default `small`);
 * 4. migrations are applied, then the processor, the GraphQL server and the CSV export server
 *    (src/export/server.ts, port EXPORT_PORT, default 4351) run as child processes;
 * 5. the GraphQL and export URLs are printed. Ctrl-C stops everything.
 */
import {ChildProcess, spawn, spawnSync} from 'child_process'
import * as net from 'net'
import * as path from 'path'
import {parseEmissionPeers} from './api/chains'
import {ConfigError, loadConfig} from './config'
import {startEmbeddedPostgres} from './db/embedded'

const ROOT = path.resolve(__dirname, '../..')

function log(msg: string) {
    process.stderr.write(`[start] ${msg}\n`)
}

async function waitForPort(port: number, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs
    while (Date.now() < until) {
        const ok = await new Promise<boolean>(resolve => {
            const s = net.connect(port, '127.0.0.1')
            s.once('connect', () => {
                s.destroy()
                resolve(true)
            })
            s.once('error', () => resolve(false))
        })
        if (ok) return true
        await new Promise(r => setTimeout(r, 250))
    }
    return false
}

async function main() {
    let config
    try {
        config = loadConfig()
        parseEmissionPeers() // the GraphQL server reads it; a bad value stops everything before anything starts
    } catch (e) {
        if (e instanceof ConfigError) {
            console.error(`configuration error: ${e.message}`)
            process.exit(2)
        }
        throw e
    }
    const env: NodeJS.ProcessEnv = {...process.env}
    const cleanups: (() => Promise<void>)[] = []
    const children: ChildProcess[] = []
    let stopping = false

    async function shutdown(code: number) {
        if (stopping) return
        stopping = true
        for (const c of children) if (c.exitCode == null) c.kill('SIGTERM')
        await Promise.all(children.map(c => (c.exitCode != null ? null : new Promise(r => c.once('exit', r)))))
        for (const f of cleanups.reverse()) await f().catch(e => log(`cleanup failed: ${e}`))
        process.exit(code)
    }
    process.on('SIGINT', () => void shutdown(0))
    process.on('SIGTERM', () => void shutdown(0))

    if (config.db.embedded) {
        const dataDir = path.resolve(ROOT, process.env.DATA_DIR ?? '.data', 'postgres')
        const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329)
        log(`no database configured: starting the embedded PostgreSQL (data in ${dataDir}, port ${port})`)
        const pg = await startEmbeddedPostgres({dataDir, port, database: 'squid'})
        cleanups.push(() => pg.stop())
        env.DB_URL = pg.url
    } else {
        env.DB_URL = config.db.url
    }

    if (config.chain.name === 'devnet' && !process.env.RPC_ENDPOINT) {
        const scenario = process.env.DEVNET_SCENARIO ?? 'small'
        const port = Number(process.env.DEVNET_PORT ?? 9944)
        log(`no RPC_ENDPOINT: starting the local devnet with scenario "${scenario}" on port ${port}`)
        // loaded lazily: only the offline demo needs the simulator
        const devnet = require('../devnet') as typeof import('../devnet')
        const node = await devnet.startScenarioDevnet({scenario, port, seed: Number(process.env.DEVNET_SEED ?? 1)})
        cleanups.push(() => node.close())
        env.RPC_ENDPOINT = node.wsUrl
        log(`devnet serving ${node.height + 1} blocks at ${node.wsUrl}`)
    }

    log('applying database migrations')
    const mig = spawnSync(process.execPath, [require.resolve('@subsquid/typeorm-migration/lib/apply.js')], {
        cwd: ROOT,
        env,
        stdio: 'inherit',
    })
    if (mig.status !== 0) {
        log('migrations failed')
        return shutdown(1)
    }

    const run = (name: string, args: string[]) => {
        const c = spawn(process.execPath, args, {cwd: ROOT, env, stdio: 'inherit'})
        children.push(c)
        c.on('exit', code => {
            if (stopping) return
            if (name === 'processor' && code === 0) {
                log('processor reached the end of its block range; the GraphQL server keeps serving (Ctrl-C to stop)')
                return
            }
            log(`${name} exited with code ${code}; stopping`)
            void shutdown(code ?? 1)
        })
        return c
    }
    run('processor', [path.join(ROOT, 'lib/src/main.js')])
    env.GQL_PORT = String(config.gqlPort)
    run('graphql server', [path.join(ROOT, 'lib/src/serve.js')])
    const exportPort = Number(process.env.EXPORT_PORT || 4351)
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
}

main().catch(e => {
    console.error(e)
    process.exit(1)
})
