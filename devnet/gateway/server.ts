/**
 * The devnet's SQD Network gateway: the HTTP protocol @subsquid/substrate-processor 8.x speaks after
 * `setGateway(url)`, over the devnet's finalized blocks.
 *
 *   GET  {url}/height          → the gateway's height, plain text (the finalized height, or `maxHeight` if lower)
 *   GET  {url}/{from}/worker   → the URL of a worker for blocks from `from`, plain text ({origin}/query)
 *   POST {origin}/query        → one JSON array of blocks {header, events} (./query.ts, ./blocks.ts)
 *
 * A reply scans blocks from `fromBlock` up to `toBlock` or the gateway's height, and stops after the block at
 * which it holds `replyBytes` of JSON; it always ends with the last block it scanned, with or without selected
 * items, so the client knows where to continue. Only finalized blocks are served: they cannot change, so each
 * block's reply text is kept per query shape (up to `cacheBytes`) and a second pass over the chain is served
 * from memory, as a real gateway serves a prepared dataset.
 *
 * Bad requests get 400 with a one-line message naming the problem.
 */
import * as http from 'http'
import type {AddressInfo} from 'net'
import type {DevnetNode} from '../chain/node'
import {blockText, headerOnlyText} from './blocks'
import {eventFilter, GatewayRequestError, parseQuery, queryShape} from './query'

export interface GatewayOptions {
    host?: string
    /** 0 = any free port */
    port?: number
    /** a reply stops after the block at which it reaches this many bytes (default 2 MiB) */
    replyBytes?: number
    /** reply texts kept in memory, bytes (default 256 MiB; 0 = none) */
    cacheBytes?: number
    /** the gateway's data ends here even when more blocks are finalized (a network dataset behind the chain) */
    maxHeight?: number
    log?: (msg: string) => void
}

export interface GatewayStats {
    queries: number
    /** blocks in replies */
    blocks: number
    /** reply bytes */
    bytes: number
    /** highest block a reply carried, -1 before the first */
    lastServed: number
    cachedBytes: number
    /** blocks turned into reply text (not served from the cache) */
    built: number
    badRequests: number
}

const MAX_BODY = 1 << 20
const TEXT = {'content-type': 'text/plain; charset=utf-8'}

export class GatewayServer {
    private http: http.Server
    private log: (msg: string) => void
    private cache = new Map<string, Map<number, string | null>>()
    private origin = ''
    readonly replyBytes: number
    readonly cacheBytes: number
    maxHeight: number | undefined
    readonly stats: GatewayStats = {queries: 0, blocks: 0, bytes: 0, lastServed: -1, cachedBytes: 0, built: 0, badRequests: 0}

    constructor(
        readonly node: DevnetNode,
        readonly opts: GatewayOptions = {}
    ) {
        this.log = opts.log ?? (() => {})
        this.replyBytes = opts.replyBytes ?? 2 << 20
        this.cacheBytes = opts.cacheBytes ?? 256 << 20
        this.maxHeight = opts.maxHeight
        this.http = http.createServer((req, res) => this.onRequest(req, res))
        this.http.keepAliveTimeout = 60_000
    }

    /** the gateway's height: the finalized height, capped by maxHeight */
    get height(): number {
        let f = this.node.chain.finalizedHeight
        return this.maxHeight == null ? f : Math.min(f, this.maxHeight)
    }

    /** the URL to hand to `setGateway` */
    get url(): string {
        return this.origin
    }

    async listen(): Promise<{host: string; port: number; url: string}> {
        let host = this.opts.host ?? '127.0.0.1'
        await new Promise<void>((resolve, reject) => {
            this.http.once('error', reject)
            this.http.listen(this.opts.port ?? 0, host, () => {
                this.http.off('error', reject)
                resolve()
            })
        })
        let port = (this.http.address() as AddressInfo).port
        this.origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
        return {host, port, url: this.origin}
    }

    async close(): Promise<void> {
        await new Promise<void>(resolve => {
            this.http.close(() => resolve())
            this.http.closeAllConnections?.()
        })
    }

    /**
     * The JSON reply to a query body (the worker's answer), or a GatewayRequestError. Exposed for tests and for
     * warming the cache without HTTP.
     */
    reply(body: unknown): string {
        let height = this.height
        let q = parseQuery(body, height)
        let names = eventFilter(q)
        let shape = queryShape(q)
        let texts = this.cache.get(shape)
        if (!texts) this.cache.set(shape, (texts = new Map()))
        let chain = this.node.chain
        let end = Math.min(q.toBlock ?? height, height)
        let parts: string[] = []
        let bytes = 0
        let h = q.fromBlock
        for (; ; h++) {
            let b = chain.byNumber(h)!
            let text = texts.get(h)
            if (text === undefined) {
                text = blockText(chain, b, q, names)
                this.stats.built++
                if (this.stats.cachedBytes + (text?.length ?? 8) <= this.cacheBytes) {
                    texts.set(h, text)
                    this.stats.cachedBytes += text?.length ?? 8
                }
            }
            let last = h >= end
            if (text != null) {
                parts.push(text)
                bytes += text.length
            }
            if (!last && bytes >= this.replyBytes) last = true
            if (last) {
                if (text == null) parts.push(headerOnlyText(chain, b, q))
                break
            }
        }
        this.stats.queries++
        this.stats.blocks += parts.length
        this.stats.lastServed = Math.max(this.stats.lastServed, h)
        let out = `[${parts.join(',')}]`
        this.stats.bytes += out.length
        return out
    }

    /** the worker URL for blocks from `from` */
    private worker(from: string, req: http.IncomingMessage): string {
        if (!/^\d+$/.test(from)) throw new GatewayRequestError(`bad block number '${from}'`)
        let n = Number(from)
        if (!Number.isSafeInteger(n)) throw new GatewayRequestError(`bad block number '${from}'`)
        let height = this.height
        if (n > height) throw new GatewayRequestError(`block ${n} is above the gateway's height ${height}`)
        let host = req.headers.host
        return host ? `http://${host}/query` : `${this.origin}/query`
    }

    private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
        let path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '')
        let send = (status: number, body: string, headers: {[k: string]: string} = TEXT) => {
            if (status === 400) this.stats.badRequests++
            res.writeHead(status, headers)
            res.end(body)
        }
        let fail = (e: unknown) => {
            if (e instanceof GatewayRequestError) send(e.status, e.message)
            else {
                this.log(`gateway: ${(e as Error)?.stack ?? e}`)
                send(500, 'internal error of the devnet gateway')
            }
        }
        try {
            if (req.method === 'GET' && path.endsWith('/height')) return send(200, String(this.height))
            let m = /\/([^/]+)\/worker$/.exec(path)
            if (req.method === 'GET' && m) return send(200, this.worker(m[1], req))
            if (path.endsWith('/query')) {
                if (req.method !== 'POST') return send(405, 'POST a query here')
                return this.onQuery(req, send, fail)
            }
            if (m || path.endsWith('/height')) return send(405, 'GET only')
            send(404, `not found: ${path || '/'} (GET /height, GET /{block}/worker, POST /query)`)
        } catch (e) {
            fail(e)
        }
    }

    private onQuery(req: http.IncomingMessage, send: (s: number, b: string, h?: {[k: string]: string}) => void, fail: (e: unknown) => void): void {
        let chunks: Buffer[] = []
        let size = 0
        let tooLarge = false
        req.on('data', (c: Buffer) => {
            size += c.length
            if (size > MAX_BODY) tooLarge = true
            else chunks.push(c)
        })
        req.on('end', () => {
            try {
                if (tooLarge) throw new GatewayRequestError(`query body over ${MAX_BODY} bytes`, 413)
                let body: unknown
                try {
                    body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
                } catch {
                    throw new GatewayRequestError('the query is not valid JSON')
                }
                send(200, this.reply(body), {'content-type': 'application/json; charset=utf-8'})
            } catch (e) {
                fail(e)
            }
        })
    }
}
