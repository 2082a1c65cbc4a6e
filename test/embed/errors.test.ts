/**
 * How a GraphQL error of an embed's operation becomes an HTTP answer (src/embed/http.ts): the client's
 * mistakes are 400/404, a busy server or a statement timeout 503 with Retry-After, never a 400 that blames
 * the client for the server's load, and nothing else leaks.
 */
import {EmbedError, graphqlFailure, sendError} from '../../src/embed/http'

function captured() {
    const headers: Record<string, string> = {}
    let body = ''
    const res: any = {
        statusCode: 200,
        headersSent: false,
        setHeader: (k: string, v: string) => {
            headers[k.toLowerCase()] = v
        },
        removeHeader: (k: string) => {
            delete headers[k.toLowerCase()]
        },
        end: (t?: string) => {
            body += t ?? ''
        },
    }
    return {res, headers, body: () => JSON.parse(body)}
}

describe('embed errors', () => {
    it('maps the admission lane being full to 503 with Retry-After', () => {
        const e = graphqlFailure([{message: 'server busy: 3 expensive queries are running', extensions: {code: 'SERVER_BUSY'}}])
        expect(e.status).toBe(503)
        const c = captured()
        sendError(c.res, e)
        expect(c.res.statusCode).toBe(503)
        expect(c.headers['retry-after']).toBe('2')
        expect(c.body().error.message).toMatch(/server busy/)
    })

    it('maps a statement timeout to 503, bad input to 400, an unknown subject to 404', () => {
        expect(graphqlFailure([{message: 'canceling statement', extensions: {code: 'QUERY_TIMEOUT'}}]).status).toBe(503)
        expect(graphqlFailure([{message: 'limit must be positive', extensions: {code: 'BAD_USER_INPUT'}}]).status).toBe(400)
        expect(graphqlFailure([{message: 'worker 0x12 is not known to the indexer', extensions: {code: 'BAD_USER_INPUT'}}]).status).toBe(404)
        expect(graphqlFailure([{message: 'too costly', extensions: {code: 'QUERY_TOO_COSTLY'}}]).status).toBe(400)
    })

    it('answers 400 without Retry-After and hides an internal error', () => {
        const c = captured()
        sendError(c.res, new EmbedError(400, 'bad pid', 'pid'))
        expect(c.res.statusCode).toBe(400)
        expect(c.headers['retry-after']).toBeUndefined()
        expect(c.body()).toEqual({error: {status: 400, message: 'bad pid', argument: 'pid'}})
        const d = captured()
        sendError(d.res, new Error('relation "x" does not exist at /work/src/y.ts'))
        expect(d.res.statusCode).toBe(500)
        expect(JSON.stringify(d.body())).not.toMatch(/relation|\/work/)
    })
})
