/**
 * Answers to requests the GraphQL server cannot even read — a body that is not JSON, too large, in an
 * unsupported encoding, not a GraphQL request at all, a path that does not exist — as one GraphQL-style
 * JSON line, `{"errors":[{"message":"…","extensions":{"code":"BAD_REQUEST"}}]}`, with the HTTP status
 * kept (400, 413, 415, 404, 405). Express would answer with its HTML error page (and log the stack), Apollo
 * with a line of text served as `text/html`. Mounted by src/server/main.ts around Apollo's middleware.
 */

type Req = {method?: string; originalUrl?: string; url?: string}
type Res = {
    statusCode: number
    headersSent: boolean
    getHeader(name: string): unknown
    setHeader(name: string, value: string): unknown
    removeHeader(name: string): unknown
    send?: (body?: unknown) => unknown
    end(body?: unknown): unknown
}
type Next = (err?: unknown) => void

/** the one-line JSON body of a request error */
export function requestErrorBody(message: string, code: string): string {
    return JSON.stringify({errors: [{message: oneLine(message), extensions: {code}}]})
}

function oneLine(s: string): string {
    return s.replace(/\s*\n\s*/g, ' ').trim()
}

export function requestErrorCode(status: number): string {
    if (status === 404) return 'NOT_FOUND'
    if (status === 405) return 'METHOD_NOT_ALLOWED'
    if (status >= 500) return 'INTERNAL_SERVER_ERROR'
    return 'BAD_REQUEST'
}

function sendError(res: Res, status: number, message: string, code = requestErrorCode(status)): void {
    if (res.headersSent) {
        res.end()
        return
    }
    res.statusCode = status
    res.removeHeader('content-length')
    res.removeHeader('etag')
    res.setHeader('content-type', 'application/json; charset=utf-8')
    res.setHeader('cache-control', 'no-store')
    res.end(requestErrorBody(message, code) + '\n')
}

/**
 * Before Apollo's middleware on the GraphQL path: what Apollo answers with `res.send(<text>)` and an
 * error status (a POST without a JSON body, a GET without a query, another method) is sent as the JSON
 * line instead. Apollo's GraphQL errors (already JSON) pass unchanged.
 */
export function jsonRequestErrors() {
    return (_req: Req, res: Res, next: Next) => {
        const send = res.send
        if (typeof send === 'function') {
            res.send = function (this: Res, body?: unknown) {
                const type = String(res.getHeader('content-type') ?? '')
                if (res.statusCode >= 400 && typeof body === 'string' && !/json/i.test(type)) {
                    sendError(res, res.statusCode, body)
                    return res
                }
                return send.call(this, body)
            }
        }
        next()
    }
}

/** the request's path is not served (after every route): a JSON line, not express's HTML page */
export function notFound(graphqlPath: string) {
    return (req: Req, res: Res) => {
        sendError(res, 404, `no such path: ${req.method ?? 'GET'} ${(req.originalUrl ?? req.url ?? '').split('?')[0]} (the GraphQL endpoint is ${graphqlPath})`)
    }
}

/**
 * Express's error handler for the whole app: body-parser's errors (malformed JSON, body too large,
 * unsupported charset or encoding) and any other 4xx become the JSON line, without a stack, unlogged;
 * anything else is logged (one line and the stack) and answered "internal error (logged on the server)".
 */
export function requestErrorHandler(log: (msg: string) => void = m => process.stderr.write(m + '\n')) {
    return (err: any, _req: Req, res: Res, _next: Next) => {
        const status = Number(err?.status ?? err?.statusCode)
        if (status >= 400 && status < 500) {
            sendError(res, status, describeRequestError(err, status))
            return
        }
        const frames = typeof err?.stack === 'string' ? err.stack.split('\n').filter((l: string) => /^\s+at /.test(l)) : []
        log([`[api] internal error: ${oneLine(String(err?.message ?? err))}`, ...frames].join('\n'))
        sendError(res, 500, 'internal error (logged on the server)')
    }
}

function describeRequestError(err: any, status: number): string {
    switch (err?.type) {
        case 'entity.parse.failed':
            return `the request body is not valid JSON (${oneLine(String(err.message))})`
        case 'entity.too.large': {
            const kb = Number(err.limit) > 0 ? ` of ${Math.round(Number(err.limit) / 1024)} kB` : ''
            return `the request body is larger than the limit${kb} (GQL_MAX_REQUEST_KB)`
        }
        case 'charset.unsupported':
        case 'encoding.unsupported':
            return `the request body's ${err.type === 'charset.unsupported' ? 'charset' : 'content encoding'} is not supported (${oneLine(String(err.message))})`
        case 'request.aborted':
            return 'the request was aborted before its body arrived'
        case 'request.size.invalid':
            return 'the request body is shorter or longer than its Content-Length'
    }
    return err?.expose !== false && err?.message ? oneLine(String(err.message)) : `bad request (HTTP ${status})`
}

/**
 * A request Node's HTTP parser cannot read (a body sent without a length, a malformed request line, headers
 * over the limit) never reaches express: Node answers `400 Bad Request` with an empty body. Answer it with the
 * same JSON line instead, and close the connection (what follows on it cannot be trusted).
 */
export function answerUnreadableRequests(server: {on(event: 'clientError', l: (err: any, socket: any) => void): unknown}): void {
    server.on('clientError', (err, socket) => {
        if (err?.code === 'ECONNRESET' || !socket.writable) {
            socket.destroy()
            return
        }
        const tooLarge = err?.code === 'HPE_HEADER_OVERFLOW'
        const status = tooLarge ? 431 : 400
        const message = tooLarge
            ? 'the request headers are larger than the server accepts'
            : `the request is not valid HTTP/1.1 (${oneLine(String(err?.reason ?? err?.code ?? 'unreadable'))}); a body needs a Content-Length or chunked encoding`
        const body = requestErrorBody(message, 'BAD_REQUEST') + '\n'
        socket.end(
            `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
                'Content-Type: application/json; charset=utf-8\r\n' +
                `Content-Length: ${Buffer.byteLength(body)}\r\n` +
                'Connection: close\r\n\r\n' +
                body
        )
    })
}
