/**
 * `/health` and `/ready`, shared by the processor (on its metrics port) and the GraphQL server.
 *
 * - /health: the process is alive and its event loop answers: always 200 `{"alive":true}`.
 * - /ready: 200 when the database answers (checked actively, within READY_DB_TIMEOUT_MS) and the index lags
 *   the chain head by at most READY_MAX_LAG blocks; otherwise 503. Either way a JSON body says why, e.g.
 *   `{"ready":false,"reason":"lag 120 blocks > 50",…}`. With no chain head known (the API without
 *   RPC_ENDPOINT, or a node that never answered) the lag is not checked, and the body says so.
 *
 * The database check runs on a connection of its own, never one of the work's, so a pool busy with slow
 * requests does not make the process look dead, and a killed connection is noticed at the next check.
 */
import type {IncomingMessage, ServerResponse} from 'http'
import {Client} from 'pg'

/** a database check: the indexed height it read (null: nothing indexed yet) */
export interface DbCheck {
    ok: boolean
    /** why it failed (one line) */
    error?: string
    height?: number | null
    /** when it ran (ms since the epoch) */
    at: number
}

export interface ReadyState {
    ready: boolean
    reason?: string
    db: 'ok' | 'unreachable'
    /** the indexed height readiness judged by */
    height: number | null
    /** the block the index aims at: the chain head, or TO_BLOCK if lower (null: unknown) */
    target: number | null
    lag: number | null
    maxLag: number
    note?: string
}

/** pg marks its connections for the API's SQL timing; readiness checks are left out of it */
export const UNTIMED = Symbol.for('phala-squid.untimed')

/**
 * A database check on one connection of its own: `sql` must return one row with a `height` column (or no
 * row). The connection is opened on demand and dropped on any failure, so the next check reconnects.
 */
export class DbProbe {
    private client: Client | undefined
    private running: Promise<DbCheck> | undefined
    last: DbCheck | undefined

    constructor(
        private readonly url: string,
        private readonly sql: string,
        private readonly timeoutMs: number,
        /** an error of `sql` that still proves the database answers (e.g. a table not created yet) */
        private readonly answered: (e: any) => boolean = () => false
    ) {}

    /** runs a check (concurrent callers share one) */
    check(): Promise<DbCheck> {
        this.running ??= this.run().finally(() => (this.running = undefined))
        return this.running
    }

    private async run(): Promise<DbCheck> {
        let timer: NodeJS.Timeout | undefined
        const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs)
        })
        let result: DbCheck
        try {
            result = await Promise.race([this.query(), timeout])
        } catch (e: any) {
            this.drop()
            result = {ok: false, error: oneLine(e), at: Date.now()}
        } finally {
            clearTimeout(timer)
        }
        this.last = result
        return result
    }

    private async query(): Promise<DbCheck> {
        if (this.client == null) {
            const c = new Client({connectionString: this.url, connectionTimeoutMillis: this.timeoutMs, application_name: 'readiness'})
            ;(c as any)[UNTIMED] = true
            c.on('error', () => this.drop(c))
            this.client = c
            await c.connect()
        }
        try {
            const r = await this.client.query(this.sql)
            const h = r.rows[0]?.height
            return {ok: true, height: h == null ? null : Number(h), at: Date.now()}
        } catch (e: any) {
            if (this.answered(e)) return {ok: true, height: null, at: Date.now()}
            throw e
        }
    }

    private drop(c: Client | undefined = this.client): void {
        if (c == null) return
        if (this.client === c) this.client = undefined
        c.end().catch(() => undefined)
    }

    close(): void {
        this.drop()
    }
}

function oneLine(e: any): string {
    const msg = String(e?.message ?? e).split('\n')[0]
    return msg || String(e?.code ?? 'error')
}

/** the verdict from a database check, the indexed height and the chain head */
export function judge(opts: {db: DbCheck | undefined; height: number | null; target: number | null; maxLag: number; note?: string}): ReadyState {
    const {db, height, target, maxLag} = opts
    const lag = target == null ? null : Math.max(0, target - (height ?? -1))
    const base = {db: db?.ok ? ('ok' as const) : ('unreachable' as const), height, target, lag, maxLag, ...(opts.note ? {note: opts.note} : {})}
    if (db == null) return {ready: false, reason: 'database not checked yet', ...base}
    if (!db.ok) return {ready: false, reason: `database unreachable: ${db.error}`, ...base}
    if (lag != null && lag > maxLag) return {ready: false, reason: `lag ${lag} blocks > ${maxLag}`, ...base}
    return {ready: true, ...base}
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body)
    res.statusCode = status
    res.setHeader('content-type', 'application/json; charset=utf-8')
    res.setHeader('cache-control', 'no-store')
    res.setHeader('content-length', Buffer.byteLength(text))
    res.end(text)
}

export function sendHealth(res: ServerResponse): void {
    sendJson(res, 200, {alive: true, uptimeSeconds: Math.round(process.uptime())})
}

export function sendReady(res: ServerResponse, state: ReadyState): void {
    sendJson(res, state.ready ? 200 : 503, state)
}

export function sendNotFound(req: IncomingMessage, res: ServerResponse, paths: string[]): void {
    sendJson(res, 404, {error: `no such path: ${req.method} ${(req.url ?? '').split('?')[0]}; this port serves ${paths.join(', ')}`})
}
