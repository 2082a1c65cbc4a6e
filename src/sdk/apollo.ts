/**
 * The Apollo server of @subsquid/graphql-server, configured through private internals:
 * - @subsquid/apollo-server-express/dist/ApolloServer: its ApolloServer class is replaced by a subclass
 *   (constructor options, applyMiddleware), since openreader constructs it without options of ours;
 * - @subsquid/apollo-server-core: ApolloServerPluginCacheControlDisabled;
 * - body-parser (Apollo's own copy) with its dependencies bytes and http-errors;
 * - @subsquid/openreader/lib/util/error-handling: logGraphQLErrors is switched off.
 * None is public API. Without this patch the server would answer with uncleaned errors (SQL text and
 * parameters in `extensions.exception`), so a failure here is an error the server must not start with.
 */
import * as path from 'path'
import {mountEmbeds} from '../embed'
import {HTTP_RESPONSE} from '../server/admission'
import {cleanGraphqlError} from '../server/errors'
import {mountOps} from '../server/ops'
import {answerUnreadableRequests, jsonRequestErrors, notFound, requestErrorHandler} from '../server/request-errors'
import {ResponseCache, responseCacheFastPath, responseCacheMiddleware} from '../server/response-cache'

/** the Apollo server could not be configured: the server must not start */
export class ApolloPatchError extends Error {
    constructor(cause: unknown) {
        super(`could not configure the Apollo server (${(cause as any)?.message ?? cause}); not starting without its error cleaning`)
        this.name = 'ApolloPatchError'
    }
}

/**
 * `f` for every HTTP server this process creates from now on: openreader creates its server with
 * http.createServer(app) before it applies the middleware, so the hook is set before it runs
 */
function onEveryServer(f: (server: any) => void): void {
    const http = require('http')
    const create = http.createServer
    if (create.__phalaHooked) return
    const hooked = function (this: unknown, ...args: unknown[]) {
        const server = create.apply(this, args)
        f(server)
        return server
    }
    hooked.__phalaHooked = true
    http.createServer = hooked
}

/**
 * `admission`: the plugin of src/server/admission.ts (cost, lanes, response size), put before every other
 * plugin; the HTTP response of each request is kept in its context (HTTP_RESPONSE) for it.
 */
export function patchApollo(introspection: boolean, keepErrors: boolean, responseCache: ResponseCache, admission?: object): void {
    try {
        // Node's own empty 400 for a request its HTTP parser cannot read: the JSON line instead
        onEveryServer(answerUnreadableRequests)
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
                const plugins: any[] = [...(admission ? [admission] : []), ...(config.plugins ?? [])]
                const hasCacheControl = plugins.some(p => typeof p?.__internal_plugin_id__ === 'function' && p.__internal_plugin_id__() === 'CacheControl')
                if (!hasCacheControl && typeof ApolloServerPluginCacheControlDisabled === 'function') plugins.push(ApolloServerPluginCacheControlDisabled())
                // openreader passes `cache: undefined` unless the dumb cache is on: Apollo would then keep
                // persisted queries in an unbounded map (and warn about it); its bounded LRU cache instead
                const context = config.context
                super({
                    introspection,
                    ...(keepErrors ? {} : {formatError: (e: any) => cleanGraphqlError(e)}),
                    ...config,
                    ...(admission && typeof context === 'function'
                        ? {
                              context: async (args: any) => {
                                  const c = await context(args)
                                  // a symbol key: copied with the context (Apollo clones it per request), never serialized
                                  if (c && typeof c === 'object') c[HTTP_RESPONSE] = args?.res
                                  return c
                              },
                          }
                        : {}),
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
                // /metrics, /health, /ready, and the latency of every GraphQL request (hits of the fast path too)
                if (opts?.app) mountOps(opts.app, {gqlPath, responseCache})
                const result = super.applyMiddleware(opts)
                if (opts?.app) {
                    mountEmbeds(opts.app, (query, variables) => this.executeOperation({query, variables}))
                    // after every route: unknown paths and express's errors (malformed or oversized
                    // bodies…) as a JSON line instead of express's HTML page and its logged stack
                    opts.app.use(notFound(gqlPath))
                    opts.app.use(requestErrorHandler())
                }
                return result
            }
        }
    } catch (e) {
        throw new ApolloPatchError(e)
    }
}
