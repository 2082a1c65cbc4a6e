/**
 * The CSV export over HTTP, on its own port (EXPORT_PORT, default 4351):
 *
 *   GET /export/payouts.csv?account=…|worker=…|pool=…[&from=…][&to=…][&includeDropped=true]
 *   GET /export/pool-rewards.csv?account=…|worker=…|pool=…[&from=…][&to=…]
 *   GET /export/rollups.csv?account=…|worker=…|pool=…[&from=…][&to=…][&period=day|hour]
 *   GET /export/v1-staker-rewards.csv?account=…|pool=…[&from=…][&to=…]
 *   GET /health
 *
 * Bad input → 400 with a one-line message; unknown subject → 404. Responses stream (chunked) straight
 * from a PostgreSQL cursor; a client that goes away stops the query.
 *
 * Run alone: `node lib/src/export/server.js` (DB_URL / DB_* settings); a port in use or a database that
 * is missing, unreachable or without the project's tables stops it with one line (src/server/startup.ts). `npm start` runs it beside the
 * GraphQL server (src/start.ts). In-process: `startExportServer({port, dbUrl})`.
 */
import * as http from 'http'
import {once} from 'events'
import {Pool, type PoolClient} from 'pg'
import {DEFAULT_EXPORT_PORT, exportPort, exportWriteTimeoutMs} from '../config/server'
import {databaseUrl} from '../db/connection'
import {InputError, isInputError} from '../server/errors'
import {checkDatabase, checkPortFree, describeListenError, StartupError} from '../server/startup'
import {checkSubject, EXPORT_KINDS, exportFileName, parseExportRequest, parseKind, streamCsv} from './csv'

export {DEFAULT_EXPORT_PORT}

export interface ExportServerOptions {
    port?: number
    host?: string
    /** PostgreSQL connection string (default: DB_URL / DB_* from the environment) */
    dbUrl?: string
    /** concurrent exports (database connections), default 4 */
    maxConnections?: number
    /**
     * how long a client may leave the response unread before the export gives it up, ms (default 30 s): a
     * stalled reader would otherwise hold a database connection and its transaction for ever
     */
    writeTimeoutMs?: number
    log?: (msg: string) => void
}

const DEFAULT_WRITE_TIMEOUT_MS = 30_000

/** resolves on the first of: the stream drained, the response closed, `ms` passed (false then) */
function drainedWithin(res: http.ServerResponse, ms: number): Promise<boolean> {
    return new Promise(resolve => {
        const done = (ok: boolean) => {
            clearTimeout(timer)
            res.off('drain', onDrain)
            res.off('close', onClose)
            resolve(ok)
        }
        const onDrain = () => done(true)
        const onClose = () => done(true)
        const timer = setTimeout(() => done(false), ms)
        res.once('drain', onDrain)
        res.once('close', onClose)
    })
}

export interface ExportServer {
    port: number
    url: string
    close(): Promise<void>
}

const HELP = `CSV export of phala-mining-squid
  GET /export/payouts.csv?account=<ss58|hex>|worker=<hex>|pool=<pid>[&from=<date>][&to=<date>][&includeDropped=true]
  GET /export/pool-rewards.csv?account=…|worker=…|pool=…[&from=…][&to=…]
  GET /export/rollups.csv?account=…|worker=…|pool=…[&from=…][&to=…][&period=day|hour]
  GET /export/v1-staker-rewards.csv?account=…|pool=…[&from=…][&to=…]
from / to: ISO 8601 date or date-time (UTC unless a zone is given); the range is [from, to).
`

function send(res: http.ServerResponse, status: number, body: string): void {
    if (res.headersSent) {
        res.destroy()
        return
    }
    res.writeHead(status, {'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store'})
    res.end(body.endsWith('\n') ? body : body + '\n')
}

/**
 * The export's request handler over `pool`: the export server runs it, and the GraphQL server mounts the
 * same one at /export/*.csv (src/embed), so both serve the very same CSV
 */
export function exportRequestHandler(
    pool: Pool,
    opts: {log: (msg: string) => void; writeTimeoutMs?: number}
): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
    const log = opts.log
    const writeTimeoutMs = opts.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS
    return async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const url = new URL(req.url ?? '/', 'http://localhost')
        if (req.method !== 'GET' && req.method !== 'HEAD') {
            res.setHeader('allow', 'GET, HEAD')
            return send(res, 405, `method ${req.method} not allowed`)
        }
        if (url.pathname === '/health') return send(res, 200, 'ok')
        if (url.pathname === '/' || url.pathname === '/export' || url.pathname === '/export/') return send(res, 200, HELP)
        const m = /^\/export\/([a-z0-9-]+)\.csv$/.exec(url.pathname)
        if (!m || !(EXPORT_KINDS as string[]).includes(m[1])) return send(res, 404, `no such export ${url.pathname}\n\n${HELP}`)

        let request
        try {
            const params: Record<string, string> = {}
            for (const [k, v] of url.searchParams) {
                if (k in params) throw new InputError(k, 'given more than once')
                params[k] = v
            }
            request = parseExportRequest(parseKind(m[1]), params)
        } catch (e) {
            if (isInputError(e)) return send(res, 400, `bad request: ${(e as Error).message}`)
            throw e
        }

        // listen before waiting for a connection: a client that leaves while it waits must not get one
        let closed = false
        const onClose = () => {
            closed = true
        }
        res.on('close', onClose)
        let client: PoolClient
        try {
            client = await pool.connect()
        } catch (e) {
            res.off('close', onClose)
            throw e
        }
        if (closed || res.destroyed) {
            res.off('close', onClose)
            client.release()
            return
        }
        try {
            if (!(await checkSubject(client, request.subject))) {
                return send(res, 404, `no ${request.subject.kind} ${request.subject.id} is known to the indexer`)
            }
            res.writeHead(200, {
                'content-type': 'text/csv; charset=utf-8',
                'content-disposition': `attachment; filename="${exportFileName(request)}"`,
                'cache-control': 'no-store',
            })
            if (req.method === 'HEAD') {
                res.end()
                return
            }
            const started = Date.now()
            const r = await streamCsv(
                client,
                request,
                async chunk => {
                    if (closed) return
                    if (!res.write(chunk) && !(await drainedWithin(res, writeTimeoutMs))) {
                        // a reader that stopped reading: give its connection back
                        log(`${url.pathname}: the client read nothing for ${writeTimeoutMs} ms; export abandoned`)
                        closed = true
                        res.destroy()
                    }
                },
                () => closed
            )
            res.end()
            log(
                `${url.pathname} ${request.subject.kind} ${request.subject.id}: ${r.rows} rows in ${Date.now() - started} ms${closed ? ' (client went away)' : ''}`
            )
        } finally {
            res.off('close', onClose)
            client.release()
        }
    }
}

export async function startExportServer(opts: ExportServerOptions = {}): Promise<ExportServer> {
    const log = opts.log ?? ((m: string) => process.stderr.write(`[export] ${m}\n`))
    const pool = new Pool({connectionString: opts.dbUrl ?? databaseUrl(), max: opts.maxConnections ?? 4})
    const writeTimeoutMs = opts.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS
    pool.on('error', e => log(`idle database connection failed: ${e.message}`))

    const handle = exportRequestHandler(pool, {log, writeTimeoutMs})
    const server = http.createServer((req, res) => {
        handle(req, res).catch(e => {
            log(`export failed: ${e?.stack ?? e}`)
            send(res, 500, 'internal error while exporting (logged on the server)')
        })
    })

    server.listen(opts.port ?? DEFAULT_EXPORT_PORT, opts.host)
    try {
        await once(server, 'listening')
    } catch (e) {
        await pool.end().catch(() => {})
        throw e
    }
    const addr = server.address()
    const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? DEFAULT_EXPORT_PORT)
    return {
        port,
        url: `http://localhost:${port}`,
        async close() {
            const closing = new Promise<void>(resolve => server.close(() => resolve()))
            // exports in flight end with their connections (a cursor stops at the next row it cannot write)
            server.closeAllConnections?.()
            await closing
            await pool.end()
        },
    }
}

async function main() {
    let port: number
    let dbUrl: string
    let writeTimeoutMs: number | undefined
    try {
        port = exportPort()
        writeTimeoutMs = exportWriteTimeoutMs()
        dbUrl = databaseUrl()
    } catch (e: any) {
        console.error(`configuration error: ${e.message}`)
        process.exit(2)
    }
    let s: ExportServer
    try {
        await checkPortFree(port, 'EXPORT_PORT')
        await checkDatabase({connectionString: dbUrl}, dbUrl)
        s = await startExportServer({port, dbUrl, writeTimeoutMs})
    } catch (e: any) {
        // the ordinary reasons not to start, in one line (src/server/startup.ts)
        const line = e instanceof StartupError ? e.message : describeListenError(e, port, 'EXPORT_PORT')
        if (line == null) throw e
        console.error(line)
        process.exit(1)
    }
    process.stderr.write(`[export] CSV export listening on port ${s.port}\n`)
    const stop = () => {
        s.close().then(
            () => process.exit(0),
            () => process.exit(1)
        )
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
}

if (require.main === module) {
    main().catch(e => {
        console.error(e)
        process.exit(1)
    })
}
