/**
 * Everything the GraphQL server serves besides /graphql, mounted by one call (src/sdk/apollo.ts):
 *
 *   /                              the dashboard                    /audit/account/:a, /audit/worker/:w, /audit/pool/:pid  audit pages
 *   /embed/embed.js, /embed/page.css  the web components (built from web/ by scripts/build.js)
 *   /embed/worker/:id, /embed/pool/:pid, /embed/account/:a, /embed/emission   one component per page, for iframes
 *   /api/v1/…                      stable JSON (src/embed/api.ts; CORS open, ETag tied to the chain head)
 *   /badge/worker/:id/payout-24h.svg, /badge/worker/:id/uptime.svg, /badge/pool/:pid/apr.svg
 *   /export/*.csv                  the CSV export's own handler (src/export/server.ts)
 *
 * Every figure comes from GraphQL operations run through the server's own Apollo (`exec`), so pages,
 * embeds, badges and JSON show what /graphql answers. Docs: docs/embed.md.
 */
import * as fs from 'fs'
import * as path from 'path'
import * as zlib from 'zlib'
import {Pool} from 'pg'
import {databaseUrl} from '../db/connection'
import {exportRequestHandler} from '../export/server'
import * as api from './api'
import {BADGE_COLORS, badgeSvg, shortPha} from './badge'
import {conditional, cors, currentHead, EmbedError, GraphqlExec, intParam, param, Req, Res, sendError, sendJson} from './http'
import {auditPage, dashboardPage, embedPage, errorPage} from './pages'

export type {GraphqlExec} from './http'

type App = {
    get(path: string | RegExp, handler: (req: any, res: any, next: () => void) => void): unknown
    options(path: string | RegExp, handler: (req: any, res: any) => void): unknown
}

/** lib/web, where scripts/build.js puts the bundle (this file runs from lib/src/embed) */
const WEB_DIR = path.join(__dirname, '..', '..', 'web')

const ASSETS: Record<string, string> = {'embed.js': 'application/javascript; charset=utf-8', 'page.css': 'text/css; charset=utf-8'}

interface Asset {
    body: Buffer
    gzip: Buffer
    type: string
    tag: string
    mtimeMs: number
}
const assets = new Map<string, Asset>()

function asset(name: string): Asset | null {
    const file = path.join(WEB_DIR, name)
    let st: fs.Stats
    try {
        st = fs.statSync(file)
    } catch {
        return null
    }
    const known = assets.get(name)
    if (known && known.mtimeMs === st.mtimeMs) return known
    const body = fs.readFileSync(file)
    const a = {
        body,
        gzip: zlib.gzipSync(body, {level: 9}),
        type: ASSETS[name],
        tag: `"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}"`,
        mtimeMs: st.mtimeMs,
    }
    assets.set(name, a)
    return a
}

function sendAsset(req: Req, res: Res, name: string): void {
    const a = asset(name)
    cors(res)
    if (!a) return sendError(res, new EmbedError(503, `${name} is not built: run npm run build`))
    res.setHeader('content-type', a.type)
    res.setHeader('cache-control', 'public, max-age=300')
    res.setHeader('etag', a.tag)
    res.setHeader('vary', 'accept-encoding')
    if (req.headers['if-none-match'] === a.tag) {
        res.statusCode = 304
        res.end()
        return
    }
    const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
    if (gz) res.setHeader('content-encoding', 'gzip')
    res.end(gz ? a.gzip : a.body)
}

function sendHtml(res: Res, status: number, html: string): void {
    res.statusCode = status
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.setHeader('cache-control', 'no-cache')
    res.setHeader('x-content-type-options', 'nosniff')
    res.end(html)
}

/** answers already computed at the current head, by URL (cleared when the head moves) */
const answers = {head: '', map: new Map<string, {status: number; text: string; type: string}>()}
const MAX_ANSWERS = 500

/**
 * A GET route whose answer depends on the chain head only: CORS, ETag / 304, Cache-Control, the answer
 * reused at the same head, errors as JSON (or as an SVG for badges)
 */
function cachedRoute(app: App, route: string, kind: string, compute: (req: Req) => Promise<{text: string; type: string}>, onError = sendError): void {
    app.get(route, (req: Req, res: Res) => {
        cors(res)
        ;(async () => {
            const head = await currentHead()
            if (conditional(req, res, head, kind)) return
            if (head !== answers.head) {
                answers.head = head ?? ''
                answers.map.clear()
            }
            const key = req.originalUrl ?? req.url ?? ''
            let a = answers.map.get(key)
            if (!a) {
                a = {status: 200, ...(await compute(req))}
                if (answers.map.size >= MAX_ANSWERS) answers.map.delete(answers.map.keys().next().value!)
                answers.map.set(key, a)
            }
            res.statusCode = a.status
            res.setHeader('content-type', a.type)
            res.end(a.text)
        })().catch(e => onError(res, e))
    })
}

const JSON_TYPE = 'application/json; charset=utf-8'

function jsonRoute(app: App, route: string, kind: string, compute: (req: Req) => Promise<unknown>): void {
    cachedRoute(app, route, kind, async req => ({text: JSON.stringify(await compute(req)) + '\n', type: JSON_TYPE}))
}

function auditParams(req: Req): api.AuditParams {
    return {
        from: param(req, 'from') || undefined,
        to: param(req, 'to') || undefined,
        limit: intParam(req, 'limit', 50, 0, 1000),
        offset: intParam(req, 'offset', 0, 0, 10_000_000),
    }
}

const ENDPOINTS = {
    '/api/v1/head': 'the indexed chain head: height and block time',
    '/api/v1/worker/:id': 'a worker: state, stake, V, uptime (30 days), payouts 24h / 7d / 30d, payouts per day',
    '/api/v1/worker/:id/payouts': 'payoutAudit of a worker (?from, to, limit, offset)',
    '/api/v1/pool/:pid': 'a pool: APR, commission, value, workers, delegators, rewards 24 h',
    '/api/v1/pool/:pid/payouts': 'payoutAudit of a pool',
    '/api/v1/account/:account/payouts': 'payoutAudit of an account: the payouts of its pools',
    '/api/v1/pools/top': 'poolLeaderboard (?orderBy=APR|TOTAL_VALUE|REWARDS|WORKERS, limit)',
    '/api/v1/emission': 'emission against the 700M allocation: series, halvings, projections',
    '/api/v1/network': 'networkStats now and over time (?points, step=hour|day)',
    '/api/v1/payouts/recent': 'the latest payouts (?limit)',
    '/api/v1/search?q=': 'what q names: a pool, a worker or an account',
}

export function mountEmbeds(app: App, exec: GraphqlExec): void {
    app.options(/^\/(api\/v1|badge|embed|export)\//, (_req: Req, res: Res) => {
        cors(res)
        res.statusCode = 204
        res.end()
    })
    app.get('/api/v1', (_req: Req, res: Res) => {
        cors(res)
        sendJson(res, 200, {endpoints: ENDPOINTS, docs: 'docs/embed.md'})
    })
    jsonRoute(app, '/api/v1/head', 'head', () => api.head(exec))
    jsonRoute(app, '/api/v1/worker/:id', 'worker', req => api.workerStats(exec, req.params!.id))
    jsonRoute(app, '/api/v1/pool/:pid', 'pool', req => api.poolStats(exec, req.params!.pid))
    for (const kind of ['account', 'worker', 'pool'] as const) {
        jsonRoute(app, `/api/v1/${kind}/:id/payouts`, `${kind}-payouts`, req => api.payoutAudit(exec, kind, req.params!.id, auditParams(req)))
    }
    jsonRoute(app, '/api/v1/pools/top', 'top', req => api.topPools(exec, intParam(req, 'limit', 10, 1, 100), param(req, 'orderBy') ?? 'APR'))
    jsonRoute(app, '/api/v1/emission', 'emission', () => api.emission(exec))
    jsonRoute(app, '/api/v1/network', 'network', req => {
        const step = param(req, 'step') ?? 'hour'
        if (step !== 'hour' && step !== 'day') throw new EmbedError(400, `step: hour or day, got ${JSON.stringify(step)}`, 'step')
        return api.network(exec, intParam(req, 'points', 24, 1, 60), step)
    })
    jsonRoute(app, '/api/v1/payouts/recent', 'recent', req => api.recentPayouts(exec, intParam(req, 'limit', 10, 1, 100)))
    jsonRoute(app, '/api/v1/search', 'search', req => api.search(exec, param(req, 'q') ?? ''))
    app.get(/^\/api\/v1\//, (req: Req, res: Res) => {
        cors(res)
        sendError(res, new EmbedError(404, `no such endpoint: ${req.path} (GET /api/v1 lists them)`))
    })

    mountBadges(app, exec)

    for (const name of Object.keys(ASSETS)) app.get(`/embed/${name}`, (req: Req, res: Res) => sendAsset(req, res, name))
    app.get('/', (_req: Req, res: Res) => sendHtml(res, 200, dashboardPage()))
    for (const kind of ['account', 'worker', 'pool'] as const) {
        app.get(`/audit/${kind}/:id`, (req: Req, res: Res) => {
            try {
                api.parseSubjectId(kind, req.params!.id)
            } catch (e) {
                return sendHtml(res, 400, errorPage(400, (e as Error).message))
            }
            sendHtml(res, 200, auditPage(kind, req.params!.id))
        })
    }
    app.get('/embed/emission', (req: Req, res: Res) => sendHtml(res, 200, embedPage('emission', null, req.query ?? {})))
    for (const kind of ['worker', 'pool', 'account'] as const) {
        app.get(`/embed/${kind}/:id`, (req: Req, res: Res) => {
            try {
                api.parseSubjectId(kind, req.params!.id)
            } catch (e) {
                return sendHtml(res, 400, errorPage(400, (e as Error).message))
            }
            sendHtml(res, 200, embedPage(kind, req.params!.id, req.query ?? {}))
        })
    }

    let pool: Pool | null = null
    app.get(/^\/export\/[a-z0-9-]+\.csv$/, (req: Req, res: Res) => {
        cors(res)
        if (!pool) {
            pool = new Pool({connectionString: databaseUrl(), max: 2})
            pool.on('error', () => {})
        }
        const handle = exportRequestHandler(pool, {log: m => process.stderr.write(`[export] ${m}\n`)})
        handle(req, res).catch(e => sendError(res, e))
    })
}

function mountBadges(app: App, exec: GraphqlExec): void {
    const svg = (f: (req: Req) => Promise<string>) => async (req: Req) => ({text: await f(req), type: 'image/svg+xml; charset=utf-8'})
    // a badge that cannot be drawn is still an image (with the error's status), so a page shows why
    const badgeError = (res: Res, e: unknown) => {
        const status = e instanceof EmbedError ? e.status : 500
        res.statusCode = status
        res.setHeader('cache-control', 'no-store')
        res.removeHeader('etag')
        res.setHeader('content-type', 'image/svg+xml; charset=utf-8')
        res.end(badgeSvg('phala', status === 404 ? 'not found' : status === 400 ? 'bad request' : 'error', BADGE_COLORS.bad))
    }
    cachedRoute(
        app,
        '/badge/worker/:id/payout-24h.svg',
        'badge-payout',
        svg(async req => {
            const w = await api.workerStats(exec, req.params!.id)
            return badgeSvg('payout 24h', shortPha(w.payouts['24h'].amountPha), BADGE_COLORS.info)
        }),
        badgeError
    )
    cachedRoute(
        app,
        '/badge/worker/:id/uptime.svg',
        'badge-uptime',
        svg(async req => {
            const w = await api.workerStats(exec, req.params!.id)
            const p = w.uptime.percent
            const color = p == null ? BADGE_COLORS.muted : p >= 99 ? BADGE_COLORS.ok : p >= 90 ? BADGE_COLORS.warn : BADGE_COLORS.bad
            return badgeSvg('uptime 30d', p == null ? 'n/a' : `${p.toFixed(2)} %`, color)
        }),
        badgeError
    )
    cachedRoute(
        app,
        '/badge/pool/:pid/apr.svg',
        'badge-apr',
        svg(async req => {
            const p = await api.poolStats(exec, req.params!.pid)
            return badgeSvg(`pool ${p.pid} APR`, p.aprPercent == null ? 'n/a' : `${p.aprPercent.toFixed(2)} %`, BADGE_COLORS.ok)
        }),
        badgeError
    )
}
