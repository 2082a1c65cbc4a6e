/**
 * The devnet's JSON-RPC server: HTTP (POST, batches) and WebSocket (subscriptions) on one port, over a DevnetNode.
 */
import * as http from 'http'
import type {AddressInfo} from 'net'
import {WebSocket, WebSocketServer} from 'ws'
import type {BlockRec} from '../chain/chain'
import type {DevnetNode} from '../chain/node'
import {toHex} from '../runtime/codec'
import {Faults, FaultOptions} from './faults'
import {INVALID_PARAMS, isAdminMethod, METHOD_NOT_FOUND, METHODS, MethodContext, RpcError, ServerInfo, SubscriptionKind} from './methods'

export interface ServerOptions {
    host?: string
    /** 0 = any free port */
    port?: number
    faults?: FaultOptions
    chainName?: string
    log?: (msg: string) => void
    /** extra fields for devnet_status */
    status?: () => {[k: string]: unknown}
}

interface Subscription {
    id: string
    kind: SubscriptionKind
    notification: string
    conn: Conn
    keys?: string[] | null
    lastVersion?: string
}

interface Conn {
    ws: WebSocket
    subs: Map<string, Subscription>
    /** first notifications of subscriptions made by the message being served */
    pendingInitial?: (() => void)[]
}

export interface ServerStats {
    requests: number
    calls: number
    wsConnections: number
    subscriptions: number
    faults: Faults['counters']
}

const INITIAL_NOTIFICATION_DELAY_MS = 20

const JSON_HEADERS = {'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*'}

export class RpcServer {
    private http: http.Server
    private wss: WebSocketServer
    private subs = new Map<string, Subscription>()
    private conns = new Set<Conn>()
    private nextSub = 1
    readonly faults: Faults
    private info: ServerInfo
    private log: (msg: string) => void
    readonly stats = {requests: 0, calls: 0, wsConnections: 0}
    private listeners: [string, (...a: any[]) => void][] = []

    constructor(
        readonly node: DevnetNode,
        readonly opts: ServerOptions = {}
    ) {
        this.faults = new Faults(opts.faults)
        this.log = opts.log ?? (() => {})
        this.info = {
            chainName: opts.chainName ?? 'Khala Devnet',
            nodeName: 'phala-mining-devnet',
            nodeVersion: '0.1.0',
            properties: {ss58Format: 30, tokenDecimals: 12, tokenSymbol: 'PHA'},
            adminStatus: () => this.status(),
        }
        this.http = http.createServer((req, res) => this.onHttp(req, res))
        this.http.keepAliveTimeout = 60_000
        this.wss = new WebSocketServer({noServer: true, maxPayload: 64 * 1024 * 1024})
        this.http.on('upgrade', (req, socket, head) => {
            this.wss.handleUpgrade(req, socket, head, ws => this.onWs(ws))
        })
        let on = (ev: string, fn: (...a: any[]) => void) => {
            node.on(ev, fn)
            this.listeners.push([ev, fn])
        }
        on('block', (rec: BlockRec) => this.onNewHead(rec))
        on('finalized', (rec: BlockRec) => this.onFinalized(rec))
    }

    async listen(): Promise<{host: string; port: number}> {
        let host = this.opts.host ?? '127.0.0.1'
        await new Promise<void>((resolve, reject) => {
            this.http.once('error', reject)
            this.http.listen(this.opts.port ?? 9944, host, () => {
                this.http.off('error', reject)
                resolve()
            })
        })
        let addr = this.http.address() as AddressInfo
        return {host, port: addr.port}
    }

    async close(): Promise<void> {
        for (let [ev, fn] of this.listeners) this.node.off(ev, fn)
        for (let c of this.conns) c.ws.terminate()
        this.wss.close()
        await new Promise<void>(resolve => {
            this.http.close(() => resolve())
            this.http.closeAllConnections?.()
        })
    }

    status(): {[k: string]: unknown} {
        let chain = this.node.chain
        return {
            head: {height: chain.headHeight, hash: chain.head.hashHex},
            finalized: {height: chain.finalizedHeight, hash: chain.finalized.hashHex},
            exhausted: this.node.exhausted,
            runtime: chain.runtimeAt(chain.head).version.specVersion,
            chain: chain.stats(),
            server: {...this.stats, subscriptions: this.subs.size, faults: this.faults.counters},
            ...(this.opts.status ? this.opts.status() : {}),
        }
    }

    // ------------------------------------------------------------ HTTP

    private onHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
        if (req.method === 'OPTIONS') {
            res.writeHead(204, {
                'access-control-allow-origin': '*',
                'access-control-allow-methods': 'POST, GET, OPTIONS',
                'access-control-allow-headers': 'content-type',
            })
            res.end()
            return
        }
        if (req.method === 'GET') {
            res.writeHead(200, JSON_HEADERS)
            res.end(JSON.stringify(this.status()))
            return
        }
        if (req.method !== 'POST') {
            res.writeHead(405, JSON_HEADERS)
            res.end()
            return
        }
        let chunks: Buffer[] = []
        req.on('data', c => chunks.push(c))
        req.on('end', () => {
            let body = Buffer.concat(chunks).toString('utf8')
            this.stats.requests++
            void this.serveHttp(body, res)
        })
    }

    private async serveHttp(body: string, res: http.ServerResponse): Promise<void> {
        let msg: any
        try {
            msg = JSON.parse(body)
        } catch {
            res.writeHead(200, JSON_HEADERS)
            res.end(JSON.stringify({jsonrpc: '2.0', id: null, error: {code: -32700, message: 'Parse error'}}))
            return
        }
        let admin = isAdminRequest(msg)
        if (!admin) {
            if (this.faults.dropHttp()) {
                res.socket?.destroy()
                return
            }
            let delay = this.faults.latency()
            if (delay) await sleep(delay)
            if (this.faults.http503()) {
                res.writeHead(503, {'content-type': 'text/plain'})
                res.end('Service Unavailable (injected by the devnet)')
                return
            }
        }
        let out = await this.dispatch(msg, {transport: 'http'})
        res.writeHead(200, JSON_HEADERS)
        res.end(out === undefined ? '' : JSON.stringify(out))
    }

    // ------------------------------------------------------------ WebSocket

    private onWs(ws: WebSocket): void {
        let conn: Conn = {ws, subs: new Map()}
        this.conns.add(conn)
        this.stats.wsConnections++
        ws.on('message', data => {
            let text = data.toString()
            let msg: any
            try {
                msg = JSON.parse(text)
            } catch {
                this.send(conn, {jsonrpc: '2.0', id: null, error: {code: -32700, message: 'Parse error'}})
                return
            }
            this.stats.requests++
            void this.serveWs(conn, msg)
        })
        ws.on('close', () => this.dropConn(conn))
        ws.on('error', () => this.dropConn(conn))
    }

    private dropConn(conn: Conn): void {
        if (!this.conns.delete(conn)) return
        for (let id of conn.subs.keys()) this.subs.delete(id)
        conn.subs.clear()
    }

    private async serveWs(conn: Conn, msg: any): Promise<void> {
        if (!isAdminRequest(msg)) {
            if (this.faults.dropWs()) {
                this.log('fault: dropping a WebSocket connection')
                conn.ws.terminate()
                this.dropConn(conn)
                return
            }
            let delay = this.faults.latency()
            if (delay) await sleep(delay)
        }
        let ctx: Partial<MethodContext> = {
            transport: 'ws',
            subscribe: (kind, notification, extra) => this.subscribe(conn, kind, notification, extra),
            unsubscribe: (kind, id) => this.unsubscribe(conn, kind, id),
        }
        let out = await this.dispatch(msg, ctx)
        if (out !== undefined) this.send(conn, out)
        // A subscription's first notification follows its confirmation, a little later: a client that registers the
        // subscription id only after processing the confirmation (Subsquid's rpc-client does, in a promise callback)
        // would drop a notification that arrives in the same network read.
        let pending = conn.pendingInitial
        if (pending) {
            conn.pendingInitial = undefined
            setTimeout(() => {
                for (let f of pending!) f()
            }, INITIAL_NOTIFICATION_DELAY_MS)
        }
    }

    private send(conn: Conn, msg: unknown): void {
        if (conn.ws.readyState !== WebSocket.OPEN) return
        conn.ws.send(JSON.stringify(msg))
    }

    // ------------------------------------------------------------ dispatch

    private async dispatch(msg: any, ctx: Partial<MethodContext>): Promise<any> {
        if (Array.isArray(msg)) {
            if (msg.length === 0) return {jsonrpc: '2.0', id: null, error: {code: -32600, message: 'Invalid request: empty batch'}}
            let out = msg.map(m => this.call(m, ctx)).filter(x => x !== undefined)
            return out.length ? out : undefined
        }
        return this.call(msg, ctx)
    }

    private call(msg: any, ctx: Partial<MethodContext>): any {
        if (msg == null || typeof msg !== 'object' || Array.isArray(msg) || typeof msg.method !== 'string') {
            return {jsonrpc: '2.0', id: msg?.id ?? null, error: {code: -32600, message: 'Invalid request'}}
        }
        this.stats.calls++
        let id = msg.id
        let isNotification = !('id' in msg)
        let respond = (body: {result?: unknown; error?: unknown}) => (isNotification ? undefined : {jsonrpc: '2.0', id, ...body})
        let method: string = msg.method
        let handler = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined
        if (!handler) return respond({error: {code: METHOD_NOT_FOUND, message: 'Method not found'}})
        if (!isAdminMethod(method)) {
            let fault = this.faults.callError(ctx.transport ?? 'http')
            if (fault) return respond({error: fault})
        }
        let params = msg.params
        if (params == null) params = []
        else if (!Array.isArray(params)) {
            if (isAdminMethod(method) && typeof params === 'object') params = [params]
            else return respond({error: {code: INVALID_PARAMS, message: 'Invalid params: expected a list of parameters'}})
        }
        try {
            let result = handler(params, {...(ctx as MethodContext), node: this.node, info: this.info})
            return respond({result: result === undefined ? null : result})
        } catch (e: any) {
            if (e instanceof RpcError) return respond({error: {code: e.code, message: e.message, ...(e.data ? {data: e.data} : {})}})
            this.log(`internal error in ${method}: ${e?.stack || e}`)
            return respond({error: {code: -32603, message: `Internal error: ${e?.message ?? e}`}})
        }
    }

    // ------------------------------------------------------------ subscriptions

    private subscribe(conn: Conn, kind: SubscriptionKind, notification: string, extra?: unknown): string {
        let id = `devnet${this.nextSub++}`
        let sub: Subscription = {id, kind, notification, conn}
        if (kind === 'storage') sub.keys = extra as string[] | null
        conn.subs.set(id, sub)
        this.subs.set(id, sub)
        // like Substrate, send the current state right after subscribing
        let initial = () => {
            let chain = this.node.chain
            switch (kind) {
                case 'newHeads':
                case 'allHeads':
                    return this.notify(sub, chain.headerJson(chain.head))
                case 'finalizedHeads':
                    return this.notify(sub, chain.headerJson(chain.finalized))
                case 'runtimeVersion': {
                    let v = chain.runtimeAt(chain.head).version
                    sub.lastVersion = JSON.stringify(v)
                    return this.notify(sub, v)
                }
                case 'storage': {
                    if (!sub.keys) return
                    let b = chain.head
                    return this.notify(sub, {block: b.hashHex, changes: sub.keys.map(k => [k, hexOrNull(chain.getStorage(k, b))])})
                }
            }
        }
        ;(conn.pendingInitial ??= []).push(initial)
        return id
    }

    private unsubscribe(conn: Conn, kind: SubscriptionKind, id: string): boolean {
        let sub = conn.subs.get(id)
        if (!sub || sub.kind !== kind) return false
        conn.subs.delete(id)
        this.subs.delete(id)
        return true
    }

    private notify(sub: Subscription, result: unknown): void {
        this.send(sub.conn, {jsonrpc: '2.0', method: sub.notification, params: {subscription: sub.id, result}})
    }

    private onNewHead(rec: BlockRec): void {
        if (this.subs.size === 0) return
        let chain = this.node.chain
        let header = chain.headerJson(rec)
        let version: string | undefined
        let changed: Set<string> | undefined
        for (let sub of this.subs.values()) {
            switch (sub.kind) {
                case 'newHeads':
                case 'allHeads':
                    this.notify(sub, header)
                    break
                case 'runtimeVersion': {
                    let v = chain.runtimeAt(rec).version
                    version ??= JSON.stringify(v)
                    if (version !== sub.lastVersion) {
                        sub.lastVersion = version
                        this.notify(sub, v)
                    }
                    break
                }
                case 'storage': {
                    changed ??= new Set(chain.changedKeys(rec))
                    let keys = sub.keys ? sub.keys.filter(k => changed!.has(k)) : [...changed]
                    if (keys.length) this.notify(sub, {block: rec.hashHex, changes: keys.map(k => [k, hexOrNull(chain.getStorage(k, rec))])})
                    break
                }
            }
        }
    }

    private onFinalized(rec: BlockRec): void {
        if (this.subs.size === 0) return
        let header = this.node.chain.headerJson(rec)
        for (let sub of this.subs.values()) {
            if (sub.kind === 'finalizedHeads') this.notify(sub, header)
        }
    }

    /** test hook: closes every WebSocket connection (clients see a dropped connection) */
    dropAllConnections(): void {
        for (let c of [...this.conns]) {
            c.ws.terminate()
            this.dropConn(c)
        }
    }
}

function hexOrNull(b: Uint8Array | null): string | null {
    return b == null ? null : toHex(b)
}

function isAdminRequest(msg: any): boolean {
    if (Array.isArray(msg)) return msg.length > 0 && msg.every(m => typeof m?.method === 'string' && isAdminMethod(m.method))
    return typeof msg?.method === 'string' && isAdminMethod(msg.method)
}

function sleep(ms: number): Promise<void> {
    return new Promise(r => setTimeout(r, ms))
}
