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
 * constructs (@subsquid/apollo-server-express, src/sdk/apollo.ts), before the server starts. Should that
 * fail (an SDK upgrade moved it), the server stops with one line: it never answers with uncleaned errors.
 *
 * Every query is costed before it runs and admitted through a cheap, an analytics or an expensive lane, and its answer's
 * size is bounded (src/server/admission.ts, src/server/cost.ts; plugin added by the same subclass).
 *
 * Before it starts, the port and the database are checked (src/server/startup.ts): a port in use, a missing,
 * unreachable or empty database, a refused login end it with one line on stderr and exit code 1.
 *
 * GQL_WORKERS=n (default 1) runs n server processes sharing the port (node:cluster), for machines with
 * more cores than one process can use; each keeps its own caches and connection pool.
 *
 * `/metrics`, `/health` and `/ready` are served beside the GraphQL path (src/server/ops.ts, mounted in the
 * Apollo hook); with several workers `/metrics` answers the sum over all of them.
 *
 * The response cache (src/server/response-cache.ts, GQL_RESPONSE_CACHE_MB) is an express middleware mounted
 * on the GraphQL path just before Apollo's (applyMiddleware of the same subclass): a repeated request at
 * the same chain head is answered with the stored bytes, and Apollo does no work at all. It parses JSON
 * bodies with the very body parser and limits Apollo would use; Apollo's own parser then skips them.
 */
import cluster from 'cluster'
import {patchApollo} from '../sdk/apollo'
import {explainResponseSizeLimit, limitApiStatements} from '../sdk/graphql-server'
import {graphqlServerDbConfig} from '../sdk/typeorm-config'
import {admissionPlugin, createAdmission} from './admission'
import {headQuery} from './head'
import {checkDatabase, checkPortFree, describeListenError, StartupError} from './startup'
import {ResponseCache} from './response-cache'
import {ConfigError, loadDbConfig} from '../config'
import {loadOpsSettings} from '../config/ops'
import {configureOps} from './ops'
import {serveClusterMetrics} from './ops-cluster'
import {exportServerEnvironment, installServerSettings, loadServerSettings, ServerSettings} from '../config/server'
import {resolveDatabase, useDatabase} from '../db/connection'
import {graphqlServerArgs} from './limits'

/** every setting, validated before anything else (src/config/server.ts); a bad one stops the server here */
function loadSettings(): ServerSettings {
    try {
        // /metrics, /health, /ready (src/server/ops.ts)
        configureOps(loadOpsSettings())
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
    try {
        patchApollo(
            settings.introspection,
            settings.debug,
            new ResponseCache({maxBytes: settings.responseCacheBytes, headTtlMs: settings.cacheHeadMs, headQuery}),
            admissionPlugin(createAdmission(settings.admission), limits.maxResponseNodes)
        )
    } catch (e: any) {
        // without the patch, errors would reach clients uncleaned (SQL text and parameters): never start so
        process.stderr.write(`[serve] ${e?.message ?? e}\n`)
        process.exit(1)
    }
    explainResponseSizeLimit()
    const timeoutArgs = limitApiStatements(limits.sqlStatementTimeoutMs)
    process.argv.push(...graphqlServerArgs(limits), ...timeoutArgs)
    require('@subsquid/graphql-server/bin/run.js')
}

function runPrimary(n: number): void {
    let stopping = false
    // a worker's /metrics answers the sum over all workers, gathered here (src/server/ops-cluster.ts)
    serveClusterMetrics()
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
