/**
 * What every embed route shares: the GraphQL runner it reads through, errors as JSON with a status, CORS,
 * and ETag / Cache-Control tied to the indexed chain head (src/server/head.ts).
 */
import * as crypto from 'crypto'
import type {IncomingMessage, ServerResponse} from 'http'
import {headQuery, readHead} from '../server/head'
import {isInputError} from '../server/errors'

/** runs one GraphQL operation in-process through the server's own Apollo (the very resolvers of /graphql) */
export type GraphqlExec = (query: string, variables?: Record<string, unknown>) => Promise<{data?: any; errors?: readonly any[] | null}>

export type Req = IncomingMessage & {params?: Record<string, string>; query?: Record<string, unknown>; path?: string; originalUrl?: string}
export type Res = ServerResponse

/** an answer other than 200: its status and a one-line message for the user */
export class EmbedError extends Error {
    constructor(
        readonly status: number,
        message: string,
        readonly argument?: string
    ) {
        super(message)
        this.name = 'EmbedError'
        this.stack = undefined
    }
}

const NOT_FOUND = /known to the indexer|has no pools, delegations or rewards/

/** GraphQL errors of an operation → the EmbedError of the first: unknown subject 404, bad input 400 */
export function graphqlFailure(errors: readonly any[]): EmbedError {
    const e = errors[0] ?? {}
    const code = e.extensions?.code
    const message = String(e.message ?? 'internal error')
    if (code === 'BAD_USER_INPUT') return new EmbedError(NOT_FOUND.test(message) ? 404 : 400, message, e.extensions?.argument)
    // the server is busy (admission control, src/server/admission.ts) or the statement ran out of time:
    // a passing condition, answered 503 with Retry-After like /graphql does, never a 400 blaming the client
    if (code === 'QUERY_TIMEOUT' || code === 'SERVER_BUSY') return new EmbedError(503, message)
    if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'INTERNAL_SERVER_ERROR' || code == null) {
        process.stderr.write(`[embed] query failed: ${message}\n`)
        return new EmbedError(500, 'internal error while computing the result (logged on the server)')
    }
    return new EmbedError(400, message)
}

/** the data of an operation that must succeed */
export async function gql(exec: GraphqlExec, query: string, variables?: Record<string, unknown>): Promise<any> {
    const r = await exec(query, variables)
    if (r.errors?.length) throw graphqlFailure(r.errors)
    if (r.data == null) throw new EmbedError(500, 'internal error: empty answer')
    return r.data
}

/** a parse function of src/queries (parseWorker, parsePool…) whose InputError becomes a 400 */
export function parsed<T>(f: () => T): T {
    try {
        return f()
    } catch (e) {
        if (isInputError(e)) throw new EmbedError(400, (e as Error).message, (e as any).field)
        throw e
    }
}

export function cors(res: Res): void {
    res.setHeader('access-control-allow-origin', '*')
    res.setHeader('access-control-allow-methods', 'GET, HEAD, OPTIONS')
    res.setHeader('access-control-allow-headers', 'if-none-match, content-type')
    res.setHeader('access-control-expose-headers', 'etag, x-chain-head')
    res.setHeader('access-control-max-age', '600')
}

export function sendJson(res: Res, status: number, body: unknown): void {
    const text = JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
    res.statusCode = status
    res.setHeader('content-type', 'application/json; charset=utf-8')
    res.end(text + '\n')
}

export function sendError(res: Res, e: unknown): void {
    const err = e instanceof EmbedError ? e : internal(e)
    if (res.headersSent) {
        res.end()
        return
    }
    res.removeHeader('etag')
    res.setHeader('cache-control', 'no-store')
    if (err.status === 503) res.setHeader('retry-after', '2')
    sendJson(res, err.status, {error: {status: err.status, message: err.message, ...(err.argument ? {argument: err.argument} : {})}})
}

function internal(e: unknown): EmbedError {
    process.stderr.write(`[embed] internal error: ${(e as any)?.stack ?? e}\n`)
    return new EmbedError(500, 'internal error (logged on the server)')
}

/** the indexed head as `height:hash` (the caches' key), null without a database */
export async function currentHead(): Promise<string | null> {
    const q = headQuery()
    return q ? readHead(q) : null
}

/** seconds a client may reuse an answer without asking again: about one block */
export const MAX_AGE_S = 6

/**
 * Sets ETag (the head and the request's URL, hashed) and Cache-Control; true when the client's
 * If-None-Match matches, after which a 304 has been sent and nothing else must be.
 */
export function conditional(req: Req, res: Res, head: string | null, kind: string): boolean {
    res.setHeader('cache-control', `public, max-age=${MAX_AGE_S}, must-revalidate`)
    if (head == null) return false
    res.setHeader('x-chain-head', head.split(':')[0])
    const tag = `"${crypto
        .createHash('sha256')
        .update(`${head}\n${kind}\n${req.originalUrl ?? req.url}`)
        .digest('base64url')
        .slice(0, 27)}"`
    res.setHeader('etag', tag)
    const inm = req.headers['if-none-match']
    if (inm?.split(',').some(t => t.trim().replace(/^W\//, '') === tag)) {
        res.statusCode = 304
        res.end()
        return true
    }
    return false
}

/** query parameter `name` as one string (a repeated one is an error), or undefined */
export function param(req: Req, name: string): string | undefined {
    const v = req.query?.[name]
    if (v == null) return undefined
    if (Array.isArray(v) || typeof v !== 'string') throw new EmbedError(400, `${name}: given more than once`, name)
    return v
}

/** a whole number parameter within [min, max] */
export function intParam(req: Req, name: string, dflt: number, min: number, max: number): number {
    const s = param(req, name)
    if (s == null || s === '') return dflt
    if (!/^\d+$/.test(s)) throw new EmbedError(400, `${name}: a whole number is expected, got ${JSON.stringify(s)}`, name)
    const n = Number(s)
    if (n < min || n > max) throw new EmbedError(400, `${name}: between ${min} and ${max}, got ${n}`, name)
    return n
}
