/**
 * `npm run serve`: the GraphQL API (OpenReader over schema.graphql + the analytics resolvers in
 * src/server-extension), with the limits of src/server/limits.ts. Database from DB_URL / DB_* settings.
 *
 * Error responses carry no stack traces, SQL or driver details:
 * - NODE_ENV is set to `production` (Apollo's debug mode and Express's error pages print stacks
 *   otherwise); GQL_DEBUG=1 leaves NODE_ENV and the errors alone;
 * - Apollo copies every property of an internal error into `extensions.exception`, which for OpenReader's
 *   SQL errors means the query text and its parameters: a formatError drops `exception`, turns a statement
 *   timeout into a QUERY_TIMEOUT error and other internal errors into a short message (logged here);
 * - the server's log: errors of the request (bad input, validation, limits) are not logged, internal
 *   errors are (one line and the stack), by cleanGraphqlError; OpenReader's own error log is off;
 * - production mode would also switch GraphQL introspection off, which the GraphiQL console and client
 *   tooling need, so it is kept on (GQL_INTROSPECTION=0 turns it off).
 * A request that cannot be read (malformed or oversized body, no GraphQL request, unknown path) is answered
 * with one JSON line, `{"errors":[{"message":…,"extensions":{"code":"BAD_REQUEST"}}]}`, never an HTML
 * page or a stack (src/server/request-errors.ts).
 * Apollo keeps persisted queries in its bounded LRU cache (`cache: 'bounded'`), not in an unbounded map.
 * Apollo's per-field cache-control bookkeeping is switched off unless the dumb cache (which needs it) is
 * on: it costs time on every field of every answer and nothing reads it.
 * openreader builds its ApolloServer without these options; they are added by subclassing the class it
 * constructs (@subsquid/apollo-server-express), before the server starts.
 *
 * Before it starts, the port and the database are checked (src/server/startup.ts): a port in use, a missing,
 * unreachable or empty database, a refused login end it with one line on stderr and exit code 1.
 *
 * GQL_WORKERS=n (default 1) runs n server processes sharing the port (node:cluster), for machines with
 * more cores than one process can use; each keeps its own caches and connection pool.
 *
 * The response cache (src/server/response-cache.ts, GQL_RESPONSE_CACHE_MB) is an express middleware mounted
 * on the GraphQL path just before Apollo's (applyMiddleware of the same subclass): a repeated request at
 * the same chain head is answered with the stored bytes, and Apollo does no work at all. It parses JSON
 * bodies with the very body parser and limits Apollo would use; Apollo's own parser then skips them.
 */
import cluster from 'cluster'
import * as path from 'path'
import {ApiError, attachSizeLimitHint, cleanGraphqlError, SIZE_LIMIT_MESSAGE} from './errors'
import {headQuery} from './head'
import {checkDatabase, checkPortFree, describeListenError, graphqlServerDbConfig, StartupError} from './startup'
import {jsonRequestErrors, notFound, requestErrorHandler} from './request-errors'
import {ResponseCache, responseCacheFastPath, responseCacheMiddleware} from './response-cache'
import {ConfigError, loadDbConfig} from '../config'
import {exportServerEnvironment, installServerSettings, loadServerSettings, ServerSettings} from '../config/server'
import {resolveDatabase, useDatabase} from '../db/connection'
import {graphqlServerArgs} from './limits'

/** every setting, validated before anything else (src/config/server.ts); a bad one stops the server here */
function loadSettings(): ServerSettings {
    try {
        return loadServerSettings()
    } catch (e: any) {
        console.error(`configuration error: ${e?.message ?? e}`)
        process.exit(2)
    }
}

const settings = loadSettings()
installServerSettings(settings)
const {port, workers, limits} = settings
if (cluster.isPrimary) {
    preflight().then(
        () => (workers > 1 ? runPrimary(workers) : runServer()),
        e => {
            console.error(e instanceof StartupError ? e.message : (e?.stack ?? String(e)))
            process.exit(1)
        }
    )
} else {
    runServer()
}

/**
 * Before anything is loaded: the port is free and the database answers and holds the project's tables;
 * otherwise one line says what to do (src/server/startup.ts)
 */
async function preflight(): Promise<void> {
    await checkPortFree(port, 'GQL_PORT')
    // DB_URL / DB_HOST …, else the embedded database of a running npm start; never a server nobody named
    try {
        useDatabase(resolveDatabase(loadDbConfig()))
    } catch (e) {
        if (e instanceof ConfigError) throw new StartupError(e.message)
        throw e
    }
    let db
    try {
        db = graphqlServerDbConfig()
    } catch (e: any) {
        throw new StartupError(`configuration error: ${e?.message ?? e}`)
    }
    await checkDatabase(db.config, db.url)
}

function runServer(): void {
    // the port can still be taken between the check and the server's listen(): that error is thrown from
    // an event handler; say it in one line instead of Node's report of an uncaught exception
    process.on('uncaughtExceptionMonitor', e => {
        const line = describeListenError(e, port, 'GQL_PORT')
        if (line) {
            process.stderr.write(line + '\n')
            process.exit(1)
        }
    })
    exportServerEnvironment(settings)
    patchApollo(settings.introspection, settings.debug, new ResponseCache({maxBytes: settings.responseCacheBytes, headTtlMs: settings.cacheHeadMs, headQuery}))
    explainResponseSizeLimit()
    const timeoutArgs = limitApiStatements(limits.sqlStatementTimeoutMs)
    process.argv.push(...graphqlServerArgs(limits), ...timeoutArgs)
    require('@subsquid/graphql-server/bin/run.js')
}

function runPrimary(n: number): void {
    let stopping = false
    for (let i = 0; i < n; i++) cluster.fork()
    cluster.on('exit', (w, code, signal) => {
        if (stopping) {
            if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
            return
        }
        process.stderr.write(`[serve] worker ${w.process.pid} exited (${signal ?? code}); stopping\n`)
        stop(code || 1)
    })
    const stop = (code: number) => {
        stopping = true
        const alive = Object.values(cluster.workers ?? {})
        if (alive.length === 0) process.exit(code)
        for (const w of alive) w?.kill('SIGTERM')
        setTimeout(() => process.exit(code), 5000).unref()
    }
    process.on('SIGINT', () => stop(0))
    process.on('SIGTERM', () => stop(0))
}

/**
 * GQL_SQL_TIMEOUT_MS on the API's queries only. graphql-server runs all SQL of a request (OpenReader's and
 * the analytics resolvers', which get the same EntityManager) in one transaction its
 * TypeormOpenreaderContext opens on first use; that transaction now begins with `SET LOCAL
 * statement_timeout`, which ends with it. The connections themselves have no timeout, so the server's own
 * queries (TypeORM's `SELECT version()` at start, …) are never cancelled. Returns the command-line flags
 * still needed: none, or, should the class not be found, the server's own flag (timeout on every
 * connection) as before.
 */
function limitApiStatements(timeoutMs: number): string[] {
    try {
        const serverDir = path.dirname(require.resolve('@subsquid/graphql-server/package.json'))
        const mod = require(path.join(serverDir, 'lib/typeorm'))
        const {LazyTransaction} = require(require.resolve('@subsquid/openreader/lib/util/lazy-transaction', {paths: [serverDir]}))
        const Base = mod.TypeormOpenreaderContext
        if (typeof Base !== 'function' || typeof LazyTransaction !== 'function') throw new Error('TypeormOpenreaderContext not found')
        const setTimeoutSql = `SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`
        mod.TypeormOpenreaderContext = class extends Base {
            constructor(...args: any[]) {
                super(...args)
                this.tx = new LazyTransaction((cb: (em: any) => Promise<unknown>) =>
                    this.connection.transaction(async (em: any) => {
                        await em.query(setTimeoutSql)
                        return cb(em)
                    })
                )
            }
        }
        return []
    } catch (e: any) {
        process.stderr.write(`[serve] could not limit the API's transactions (${e?.message ?? e}); the SQL timeout applies to every statement\n`)
        return ['--sql-statement-timeout', String(timeoutMs)]
    }
}

/**
 * OpenReader refuses a list without `limit` (or a page too large) with a bare "response might exceed the
 * size limit", one shared error object. Its size estimate (limit.size.js) and the check of the request's
 * node budget (util/limit.js) are wrapped here so that the error carries what to do: the field, and the
 * largest `limit` / `first` that fits with the fields selected (SizeLimitHint, told by cleanGraphqlError).
 * The estimate runs synchronously inside the check, so the estimate seen is the check's own.
 */
function explainResponseSizeLimit(): void {
    try {
        const serverDir = path.dirname(require.resolve('@subsquid/graphql-server/package.json'))
        const fromOpenreader = (name: string) => require(require.resolve(`@subsquid/openreader/lib/${name}`, {paths: [serverDir]}))
        const size = fromOpenreader('limit.size')
        const limit = fromOpenreader('util/limit')
        const openreaderDir = path.dirname(require.resolve('@subsquid/openreader/package.json', {paths: [serverDir]}))
        const naming = require(require.resolve('@subsquid/util-naming', {paths: [openreaderDir]}))
        const {getListSize, getConnectionSize} = size
        const check = limit.Limit?.prototype?.check
        if (typeof getListSize !== 'function' || typeof getConnectionSize !== 'function' || typeof check !== 'function') {
            throw new Error('OpenReader size limit not found')
        }
        const plural = (typeName: string) => naming.toPlural(naming.toCamelCase(typeName))
        // set by the estimates below, read by the check that called them
        type Estimate = {kind: 'list' | 'connection'; model: any; typeName: string; size: (n: number) => number; given: boolean}
        const last: {estimate?: Estimate} = {}

        size.getListSize = function (model: any, typeName: string, fields: any, lim: number | undefined, where: any): number {
            last.estimate = {kind: 'list', model, typeName, size: n => getListSize(model, typeName, fields, n, where), given: lim != null}
            return getListSize(model, typeName, fields, lim, where)
        }
        size.getConnectionSize = function (model: any, typeName: string, req: any): number {
            last.estimate = {kind: 'connection', model, typeName, size: n => getConnectionSize(model, typeName, {...req, first: n}), given: req?.first != null}
            return getConnectionSize(model, typeName, req)
        }
        limit.Limit.prototype.check = function (this: {value: number}, cb: (left: number) => number): void {
            const left = this.value
            last.estimate = undefined
            try {
                check.call(this, cb)
            } catch (e: any) {
                if (e?.message !== SIZE_LIMIT_MESSAGE) throw e
                const err = new ApiError(SIZE_LIMIT_MESSAGE, 'BAD_USER_INPUT')
                const est = last.estimate as Estimate | undefined
                if (est == null) throw err
                // the sizes grow linearly with the number of rows: the largest n with size(n) + 1 ≤ left
                const s0 = est.size(0)
                const perRow = est.size(1) - s0
                const max = perRow > 0 && Number.isFinite(perRow) ? Math.max(0, Math.floor((left - 1 - s0) / perRow)) : 0
                const entity = est.model?.[est.typeName]
                const list = (entity?.kind === 'entity' && entity.listQueryName) || plural(est.typeName)
                throw attachSizeLimitHint(
                    err,
                    est.kind === 'list'
                        ? {kind: 'list', field: list, connection: `${plural(est.typeName)}Connection`, max, given: est.given}
                        : {kind: 'connection', field: `${plural(est.typeName)}Connection`, max, given: est.given}
                )
            }
        }
    } catch (e: any) {
        process.stderr.write(`[serve] could not explain the response-size limit (${e?.message ?? e}); its errors stay terse\n`)
    }
}

function patchApollo(introspection: boolean, keepErrors: boolean, responseCache: ResponseCache): void {
    try {
        const mod = require('@subsquid/apollo-server-express/dist/ApolloServer')
        const {ApolloServerPluginCacheControlDisabled} = require('@subsquid/apollo-server-core')
        // the body parser Apollo's middleware uses (its own dependency), and its helpers
        const bodyParserPath = require.resolve('body-parser', {paths: [path.dirname(require.resolve('@subsquid/apollo-server-express/package.json'))]})
        const bodyParser = require(bodyParserPath)
        const fromBodyParser = (name: string) => require(require.resolve(name, {paths: [path.dirname(bodyParserPath)]}))
        const Base = mod.ApolloServer
        if (typeof Base !== 'function') throw new Error('ApolloServer class not found')
        if (!keepErrors) {
            // cleanGraphqlError decides what is logged: OpenReader's own log of every failed query (bad
            // input included, as a JSON line with the stack of the error) is switched off
            const serverDir = path.dirname(require.resolve('@subsquid/graphql-server/package.json'))
            const errorHandling = require(require.resolve('@subsquid/openreader/lib/util/error-handling', {paths: [serverDir]}))
            if (typeof errorHandling.logGraphQLErrors === 'function') errorHandling.logGraphQLErrors = () => {}
        }
        mod.ApolloServer = class extends Base {
            constructor(config: Record<string, any>) {
                const plugins: any[] = [...(config.plugins ?? [])]
                const hasCacheControl = plugins.some(p => typeof p?.__internal_plugin_id__ === 'function' && p.__internal_plugin_id__() === 'CacheControl')
                if (!hasCacheControl && typeof ApolloServerPluginCacheControlDisabled === 'function') plugins.push(ApolloServerPluginCacheControlDisabled())
                // openreader passes `cache: undefined` unless the dumb cache is on: Apollo would then keep
                // persisted queries in an unbounded map (and warn about it); its bounded LRU cache instead
                super({
                    introspection,
                    ...(keepErrors ? {} : {formatError: (e: any) => cleanGraphqlError(e)}),
                    ...config,
                    cache: config.cache ?? 'bounded',
                    plugins,
                })
            }

            applyMiddleware(opts: Record<string, any>) {
                const gqlPath = opts?.path ?? '/graphql'
                // Apollo's plain-text refusals (no JSON body, no query, another method) as a JSON line
                if (opts?.app) opts.app.use(gqlPath, jsonRequestErrors())
                if (responseCache.enabled && opts?.app) {
                    const cfg = opts.bodyParserConfig
                    if (cfg !== false) {
                        const parserCfg = cfg === true || cfg == null ? undefined : cfg
                        const parseJson = bodyParser.json(parserCfg)
                        opts.app.use(gqlPath, responseCacheMiddleware(responseCache, parseJson))
                        // hits of JSON POSTs are answered before express runs at all
                        const limit = parserCfg?.limit ?? '100kb'
                        const limitBytes = typeof limit === 'number' ? limit : fromBodyParser('bytes').parse(limit)
                        const fast = responseCacheFastPath(responseCache, {path: gqlPath, limitBytes, createError: fromBodyParser('http-errors')})
                        const app = opts.app
                        const handle = app.handle
                        app.handle = function (req: any, res: any, callback: any) {
                            fast(req, res, () => handle.call(app, req, res, callback))
                        }
                    }
                }
                const result = super.applyMiddleware(opts)
                if (opts?.app) {
                    // after every route: unknown paths and express's errors (malformed or oversized
                    // bodies…) as a JSON line instead of express's HTML page and its logged stack
                    opts.app.use(notFound(gqlPath))
                    opts.app.use(requestErrorHandler())
                }
                return result
            }
        }
    } catch (e: any) {
        process.stderr.write(`[serve] could not configure the Apollo server (${e?.message ?? e}); introspection and error cleaning are off\n`)
    }
}
