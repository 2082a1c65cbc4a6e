/**
 * The HTTP response cache in front of Apollo: a repeated GraphQL request at the same indexed chain head is
 * answered with the bytes of the first answer, without parsing, validating or executing anything.
 *
 * - Key: the HTTP method and the request exactly as sent: query text, variables, operationName,
 *   extensions (POST: the JSON body's fields; GET: the URL parameters). Apollo reads nothing else of a
 *   request, and the answers of this server depend on nothing else but the indexed data.
 * - Validity: the chain head (NetworkState height + hash, src/server/head.ts). Every batch the processor
 *   commits moves it. The head is re-read at most every GQL_CACHE_HEAD_MS (default 1000 ms); when it
 *   changed, every stored answer is dropped. An answer is stored under the head known *before* it was
 *   computed, so it never describes an older state than its key; it may describe a newer one (a batch
 *   committed meanwhile), which is served only until the next head read notices the move. Staleness: an
 *   answer can lag the newest committed batch by up to GQL_CACHE_HEAD_MS, as the analytics result cache.
 * - Stored: only HTTP 200 answers without `errors` (Apollo serializes `{errors, data, extensions}` in that
 *   order, so an answer with errors starts with `{"errors"`), written in one piece. Introspection
 *   (`__schema`, `__type`) is not stored (large, rare, and it must follow GQL_INTROSPECTION as Apollo does).
 * - Memory: at most GQL_RESPONSE_CACHE_MB (default 64) megabytes of answers (bytes + key), least recently
 *   used first out; an answer larger than an eighth of that is not stored; 0 turns the cache off.
 * - Identical requests arriving while the first is computed wait for it and get its bytes (when it could
 *   be stored; else they run on their own).
 * - Every answer passing through the cache carries `x-cache: hit | miss`.
 *
 * With GQL_WORKERS > 1 each server process keeps its own cache.
 */
import type {IncomingMessage, ServerResponse} from 'http'
import {readHead} from './head'
import {Query} from '../queries/sql'

export interface CachedResponse {
    body: Buffer
    /** response headers to replay (content-type, etag, CORS …), lowercase names */
    headers: [string, string | string[]][]
    weight: number
    /** the request's operationName, for the latency metric of hits answered before the body is parsed (src/server/ops.ts) */
    operationName?: string
}

export interface ResponseCacheOptions {
    maxBytes: number
    headTtlMs: number
    /** the head reader; null: no database (the cache passes everything through) */
    headQuery: () => Query | null
    /** largest entry stored, bytes (default maxBytes / 8) */
    maxEntryBytes?: number
}

export {headTtlFromEnv, responseCacheBytesFromEnv} from '../config/server'

const ENTRY_OVERHEAD = 256

export class ResponseCache {
    private readonly map = new Map<string, CachedResponse>()
    private readonly pending = new Map<string, Promise<CachedResponse | undefined>>()
    private bytes = 0
    private head: string | undefined
    private headAt = 0
    private headLoading: Promise<string | undefined> | undefined
    private headFailed = false
    readonly maxBytes: number
    readonly maxEntryBytes: number
    readonly headTtlMs: number
    hits = 0
    misses = 0

    constructor(private readonly opts: ResponseCacheOptions) {
        this.maxBytes = opts.maxBytes
        this.headTtlMs = opts.headTtlMs
        this.maxEntryBytes = opts.maxEntryBytes ?? Math.floor(opts.maxBytes / 8)
    }

    get enabled(): boolean {
        return this.maxBytes > 0
    }

    get size(): {entries: number; bytes: number} {
        return {entries: this.map.size, bytes: this.bytes}
    }

    /** the head if it was read less than headTtlMs ago (no I/O) */
    freshHead(): string | undefined {
        return this.head !== undefined && Date.now() - this.headAt < this.headTtlMs ? this.head : undefined
    }

    /** the head, re-read when older than headTtlMs; undefined when it cannot be read (cache bypassed) */
    currentHead(): Promise<string | undefined> {
        const fresh = this.freshHead()
        if (fresh !== undefined) return Promise.resolve(fresh)
        this.headLoading ??= (async () => {
            try {
                const q = this.opts.headQuery()
                if (!q) return undefined
                const value = await readHead(q)
                this.setHead(value)
                this.headFailed = false
                return value
            } catch (e: any) {
                if (!this.headFailed) process.stderr.write(`[api] response cache bypassed: cannot read the chain head (${e?.message ?? e})\n`)
                this.headFailed = true
                return undefined
            } finally {
                this.headLoading = undefined
            }
        })()
        return this.headLoading
    }

    /** a new head value drops every answer stored under another one */
    setHead(value: string, at = Date.now()): void {
        if (value !== this.head) {
            this.map.clear()
            this.pending.clear()
            this.bytes = 0
            this.head = value
        }
        this.headAt = at
    }

    /** the stored answer of `key` at `head` (moved to the most recently used end) */
    get(head: string, key: string): CachedResponse | undefined {
        if (head !== this.head) return undefined
        const e = this.map.get(key)
        if (e) {
            this.map.delete(key)
            this.map.set(key, e)
        }
        return e
    }

    /** the answer of `key` being computed at `head`, if any */
    inFlight(head: string, key: string): Promise<CachedResponse | undefined> | undefined {
        return head === this.head ? this.pending.get(key) : undefined
    }

    /**
     * Announce the computation of `key` at `head`; the returned function ends it with the answer to store
     * (or undefined: not storable). Requests for the same key wait on it meanwhile.
     */
    begin(head: string, key: string): (r: Captured | undefined) => CachedResponse | undefined {
        let resolve!: (r: CachedResponse | undefined) => void
        const p = new Promise<CachedResponse | undefined>(r => (resolve = r))
        if (head === this.head) this.pending.set(key, p)
        let done = false
        return r => {
            if (done) return undefined
            done = true
            if (this.pending.get(key) === p) this.pending.delete(key)
            const entry = r && this.put(head, key, r.body, r.headers, r.operationName)
            resolve(entry)
            return entry
        }
    }

    /** store an answer computed at `head` (ignored when the head moved meanwhile or it is too large) */
    put(head: string, key: string, body: Buffer, headers: [string, string | string[]][], operationName?: string): CachedResponse | undefined {
        const entry: CachedResponse = {body, headers, weight: body.length + 2 * key.length + ENTRY_OVERHEAD, operationName}
        if (head !== this.head || !this.enabled || entry.weight > this.maxEntryBytes) return undefined
        const old = this.map.get(key)
        if (old) {
            this.bytes -= old.weight
            this.map.delete(key)
        }
        this.map.set(key, entry)
        this.bytes += entry.weight
        while (this.bytes > this.maxBytes && this.map.size > 0) {
            const [k, e] = this.map.entries().next().value as [string, CachedResponse]
            this.map.delete(k)
            this.bytes -= e.weight
        }
        return entry
    }

    clear(): void {
        this.map.clear()
        this.pending.clear()
        this.bytes = 0
        this.head = undefined
    }
}

// ------------------------------------------------------------------ the express middleware

type Req = IncomingMessage & {
    body?: any
    query?: any
    _body?: boolean
    fresh?: boolean
    accepts?: (...types: string[]) => string | false
    /** set by the fast path: the raw JSON body as the key, or the error body-parser would have raised */
    _rcRawKey?: string
    _rcBodyError?: Error
    /** set on a hit: the operationName of the stored answer's request */
    _rcOperationName?: string
}
/** an answer as written, with the operationName of its request */
type Captured = {body: Buffer; headers: [string, string | string[]][]; operationName?: string}
type Res = ServerResponse
type Next = (err?: any) => void
type Handler = (req: Req, res: Res, next: Next) => void

const INTROSPECTION = /__schema|__type/

/** a string parameter: null when absent, undefined when not a string */
function str(v: unknown): string | null | undefined {
    return v == null ? null : typeof v === 'string' ? v : undefined
}

/** the cache key of a GraphQL request, or null when it is not cacheable (Apollo then answers it as usual) */
export function requestKey(method: string, payload: any): string | null {
    if (payload == null || typeof payload !== 'object' || Array.isArray(payload)) return null
    const query = payload.query
    if (typeof query !== 'string' || query.length === 0 || INTROSPECTION.test(query)) return null
    const op = str(payload.operationName)
    if (op === undefined) return null
    let variables: string
    let extensions: string
    if (method === 'GET') {
        const v = str(payload.variables)
        const x = str(payload.extensions)
        if (v === undefined || x === undefined) return null
        variables = v ?? ''
        extensions = x ?? ''
    } else {
        variables = payload.variables == null ? '' : JSON.stringify(payload.variables)
        extensions = payload.extensions == null ? '' : JSON.stringify(payload.extensions)
    }
    return `${method}\u0000${op ?? ''}\u0000${variables}\u0000${extensions}\u0000${query}`
}

/** response headers that belong to one response only, never replayed */
const NOT_REPLAYED = new Set([
    'content-length',
    'x-cache',
    'x-query-cost',
    'x-query-lane',
    'date',
    'connection',
    'keep-alive',
    'transfer-encoding',
    'set-cookie',
])

function sendCached(req: Req, res: Res, e: CachedResponse): void {
    req._rcOperationName = e.operationName
    for (const [name, value] of e.headers) res.setHeader(name, value)
    res.setHeader('x-cache', 'hit')
    res.statusCode = 200
    if (req.fresh) {
        // the client holds these bytes already (If-None-Match = the stored ETag), as express would answer
        res.statusCode = 304
        res.removeHeader('content-type')
        res.end()
        return
    }
    res.setHeader('content-length', e.body.length)
    res.end(e.body)
}

/**
 * Capture the answer Apollo writes (one `res.end(body)`, HTTP 200, no `errors`) and hand it to `done`;
 * anything else (streamed writes, other statuses, errors, a client that went away) gives `undefined`.
 */
function capture(res: Res, done: (r: Captured | undefined) => unknown): void {
    const origWrite = res.write
    const origEnd = res.end
    let streamed = false
    res.write = function (this: Res, ...args: any[]) {
        streamed = true
        return (origWrite as any).apply(this, args)
    } as any
    res.end = function (this: Res, ...args: any[]) {
        res.write = origWrite
        res.end = origEnd
        try {
            const chunk = typeof args[0] === 'function' ? undefined : args[0]
            const encoding = typeof args[1] === 'string' ? (args[1] as BufferEncoding) : 'utf8'
            if (!streamed && res.statusCode === 200 && chunk != null) {
                const body = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, encoding) : null
                if (body && body.length > 0 && body[0] === 0x7b /* { */ && !body.subarray(0, 10).toString('latin1').startsWith('{"errors"')) {
                    const headers: [string, string | string[]][] = []
                    for (const [name, value] of Object.entries(res.getHeaders())) {
                        if (value == null || NOT_REPLAYED.has(name)) continue
                        headers.push([name, typeof value === 'number' ? String(value) : value])
                    }
                    const op = ((res as Res & {req?: Req}).req?.body as {operationName?: unknown} | undefined)?.operationName
                    done({body, headers, operationName: typeof op === 'string' ? op : undefined})
                } else done(undefined)
            } else done(undefined)
        } catch {
            done(undefined)
        }
        return (origEnd as any).apply(this, args)
    } as any
    // the client went away before an answer: whoever waits on it computes on its own
    res.once('close', () => done(undefined))
}

/** Apollo answers HTML (its landing page) to a GET preferring it: never from the cache */
function prefersHtml(req: Req): boolean {
    const accept = req.headers.accept
    if (!accept || !/html/i.test(accept)) return false
    return req.accepts?.('application/json', 'text/html') === 'text/html'
}

/**
 * The express middleware, mounted on the GraphQL path before Apollo's. `parseJson` is the body parser
 * Apollo would run (same limits): the body is parsed once, here, and Apollo's own parser then skips it
 * (body-parser marks a parsed request with `req._body`).
 */
export function responseCacheMiddleware(cache: ResponseCache, parseJson: Handler): Handler {
    const serve = (req: Req, res: Res, next: Next, payload: any) => {
        const key = requestKey(req.method!, payload)
        if (key == null) return next()
        withHead(req, res, next, key)
    }
    const withHead = (req: Req, res: Res, next: Next, key: string) => {
        const head = cache.freshHead()
        if (head !== undefined) return lookup(req, res, next, key, head)
        cache.currentHead().then(
            h => (h === undefined ? next() : lookup(req, res, next, key, h)),
            () => next()
        )
    }
    const lookup = (req: Req, res: Res, next: Next, key: string, head: string) => {
        const hit = cache.get(head, key)
        if (hit) {
            cache.hits++
            return sendCached(req, res, hit)
        }
        const waiting = cache.inFlight(head, key)
        if (waiting) {
            waiting.then(e => {
                if (e) {
                    cache.hits++
                    sendCached(req, res, e)
                } else {
                    cache.misses++
                    res.setHeader('x-cache', 'miss')
                    next()
                }
            })
            return
        }
        cache.misses++
        capture(res, cache.begin(head, key))
        res.setHeader('x-cache', 'miss')
        next()
    }
    return (req, res, next) => {
        if (req._rcBodyError) return next(req._rcBodyError)
        if (req.method === 'POST') {
            parseJson(req, res, err => {
                if (err) return next(err)
                if (req._rcRawKey !== undefined) {
                    // read by the fast path: cacheable as the parsed request says, keyed by its exact bytes
                    if (requestKey('POST', req.body) == null) return next()
                    return withHead(req, res, next, req._rcRawKey)
                }
                serve(req, res, next, req.body)
            })
        } else if (req.method === 'GET' && !prefersHtml(req)) {
            serve(req, res, next, req.query)
        } else {
            next()
        }
    }
}

// ------------------------------------------------------------------ the fast path, before express

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i

/**
 * The hit path without express: a POST of JSON (exact content type, no content encoding, a known length
 * within the body limit) to the GraphQL path is read here; if its exact bytes are stored at the current
 * head, the stored answer is written at once. Otherwise the request goes on through express as usual,
 * with the body already parsed (`req.body`, `req._body`: Apollo's parser skips it) and its bytes as the
 * key (`req._rcRawKey`); a body that is not a JSON object or array gets the error body-parser would
 * have raised (HTTP 400), through express's error handling.
 *
 * `createError` is http-errors (body-parser's own).
 */
export function responseCacheFastPath(
    cache: ResponseCache,
    opts: {path: string; limitBytes: number; createError: (status: number, message: string, props?: object) => Error}
): (req: Req, res: Res, pass: () => void) => void {
    const prefix = 'POST\u0001'
    return (req, res, pass) => {
        if (req.method !== 'POST' || !cache.enabled) return pass()
        const url = req.url ?? ''
        if (!(url === opts.path || url.startsWith(opts.path + '?'))) return pass()
        const h = req.headers
        const length = Number(h['content-length'])
        if (!(length > 0 && length <= opts.limitBytes) || h['transfer-encoding'] || (h['content-encoding'] && h['content-encoding'] !== 'identity'))
            return pass()
        if (!JSON_TYPE.test(h['content-type'] ?? '')) return pass()
        const chunks: Buffer[] = []
        req.on('data', (c: Buffer) => chunks.push(c))
        req.once('error', () => pass())
        req.once('end', () => {
            const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8')
            const key = prefix + text
            const head = cache.freshHead()
            const hit = head !== undefined ? cache.get(head, key) : undefined
            if (hit) {
                cache.hits++
                sendCached(req, res, hit)
                return
            }
            req._body = true
            const first = text.trimStart()[0]
            if (first !== '{' && first !== '[') {
                req._rcBodyError = opts.createError(400, `Unexpected token ${first ?? 'end'} in JSON at position 0`, {body: text, type: 'entity.parse.failed'})
                return pass()
            }
            try {
                req.body = JSON.parse(text)
            } catch (e: any) {
                req._rcBodyError = opts.createError(400, e?.message ?? 'invalid JSON', {body: text, type: 'entity.parse.failed'})
                return pass()
            }
            req._rcRawKey = key
            pass()
        })
    }
}
