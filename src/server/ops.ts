/**
 * The GraphQL server's operations routes, mounted by one call (mountOps) in the Apollo hook
 * (src/sdk/apollo.ts): `/metrics` (Prometheus text format), `/health`, `/ready` (src/ops/readiness.ts).
 * docs/operations.md lists every metric.
 *
 * - Latency of every request to the GraphQL path, cache hits included, labelled with its operation name.
 *   The label's values are bounded: the first GQL_METRICS_OPERATIONS distinct valid names a process sees
 *   keep their own; anonymous operations, batches, names past the limit and requests that are not GraphQL
 *   share `_other`.
 * - The response cache's hits and misses (counters: the hit ratio is rate(hit) / rate(hit + miss)).
 * - SQL time: every statement the process sends through `pg` (OpenReader's and the resolvers' pools, the
 *   caches' head reads), from the call to its answer; the readiness checks are left out.
 * - /ready: the database answers (one statement on a connection of its own, within READY_DB_TIMEOUT_MS,
 *   at every request) and the indexed height (network_state) lags the chain head by at most READY_MAX_LAG
 *   blocks. The head is read from RPC_ENDPOINT every READY_CHECK_MS; without RPC_ENDPOINT the lag is not
 *   checked (the body says so).
 * - GQL_WORKERS > 1: each worker keeps its own registry; `/metrics` of any worker answers the sum over all
 *   workers, gathered by the primary process (src/server/ops-cluster.ts).
 */
import cluster from 'cluster'
import type {IncomingMessage, ServerResponse} from 'http'
import {Client} from 'pg'
import {collectDefaultMetrics, Counter, Gauge, Histogram, Registry} from 'prom-client'
import {loadOpsSettings, OpsSettings} from '../config/ops'
import {databaseUrl} from '../db/connection'
import {ChainHeadPoller} from '../ops/chain-head'
import {DbProbe, judge, sendHealth, sendReady, UNTIMED} from '../ops/readiness'
import {clusterMetrics, joinClusterMetrics} from './ops-cluster'
import type {ResponseCache} from './response-cache'

type Req = IncomingMessage & {body?: any; query?: any; _rcOperationName?: string}
type App = {use(path: string, handler: (req: Req, res: ServerResponse, next: () => void) => void): unknown; handle: Function}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
const SQL_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15]
export const OTHER_OPERATION = '_other'
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/

let settings: OpsSettings | undefined

/** the validated settings (src/server/main.ts, before the server starts) */
export function configureOps(s: OpsSettings): void {
    settings = s
}

/** operation names as label values: the first `max` distinct valid names, the rest `_other` */
export class OperationLabels {
    private readonly names = new Set<string>()
    constructor(private readonly max: number) {}

    label(name: unknown): string {
        if (typeof name !== 'string' || !GRAPHQL_NAME.test(name)) return OTHER_OPERATION
        if (this.names.has(name)) return name
        if (this.names.size >= this.max) return OTHER_OPERATION
        this.names.add(name)
        return name
    }
}

const registry = new Registry()
let sqlTimed = false
let sqlHistogram: Histogram<string> | undefined

/** times every statement of `pg` clients in this process (the readiness probes aside) */
function timeSql(): void {
    if (sqlTimed) return
    sqlTimed = true
    const proto = Client.prototype as any
    const query = proto.query
    proto.query = function (this: any, ...args: any[]) {
        const first = args[0]
        // cursors and other submittables stream: their time is not one statement's
        if (this[UNTIMED] || (first != null && typeof first.submit === 'function')) return query.apply(this, args)
        const t0 = performance.now()
        const h = sqlHistogram
        const observe = () => h?.observe((performance.now() - t0) / 1000)
        const cb = args[args.length - 1]
        if (typeof cb === 'function') {
            args[args.length - 1] = function (this: unknown, ...r: unknown[]) {
                observe()
                return cb.apply(this, r)
            }
            return query.apply(this, args)
        }
        const result = query.apply(this, args)
        if (result != null && typeof result.then === 'function') result.then(observe, observe)
        return result
    }
}

/**
 * `/metrics`, `/health` and `/ready` on `app`, and the latency of every request to `gqlPath`. Called once,
 * from the Apollo hook, after the response cache's fast path is installed (so its hits are timed too).
 */
export function mountOps(app: App, opts: {gqlPath: string; responseCache: ResponseCache}): void {
    const s = (settings ??= loadOpsSettings())
    // one registry per process: a second mount (tests build several servers) starts it anew
    registry.clear()
    const registers = [registry]
    collectDefaultMetrics({register: registry})
    const latency = new Histogram({
        name: 'phala_squid_api_request_duration_seconds',
        help: `GraphQL requests, from arrival to the last byte of the answer (cache hits included), by operation name (${OTHER_OPERATION}: anonymous, batched, past the label limit)`,
        labelNames: ['operation'],
        buckets: LATENCY_BUCKETS,
        registers,
    })
    const sql = new Histogram({
        name: 'phala_squid_api_sql_duration_seconds',
        help: 'SQL statements of this server, from the call to the answer',
        buckets: SQL_BUCKETS,
        registers,
    })
    sqlHistogram = sql
    timeSql()
    const cache = opts.responseCache
    const seen = {hit: 0, miss: 0}
    new Counter({
        name: 'phala_squid_api_response_cache_requests_total',
        help: 'Requests the HTTP response cache looked up, by result (hit: answered from the cache)',
        labelNames: ['result'],
        registers,
        collect() {
            if (cache.hits > seen.hit) this.inc({result: 'hit'}, cache.hits - seen.hit)
            if (cache.misses > seen.miss) this.inc({result: 'miss'}, cache.misses - seen.miss)
            seen.hit = cache.hits
            seen.miss = cache.misses
        },
    }).inc({result: 'hit'}, 0)
    new Gauge({
        name: 'phala_squid_api_response_cache_bytes',
        help: 'Bytes held by the HTTP response cache',
        registers,
        collect() {
            this.set(cache.size.bytes)
        },
    })

    const labels = new OperationLabels(s.metricsOperations)
    const gqlPath = opts.gqlPath
    const handle = app.handle
    app.handle = function (this: unknown, req: Req, res: ServerResponse, callback: unknown) {
        const url = req.url ?? ''
        if (url === gqlPath || url.startsWith(gqlPath + '?')) {
            const t0 = performance.now()
            res.once('finish', () => {
                const name = req._rcOperationName ?? (req.body != null ? req.body.operationName : req.query?.operationName)
                latency.observe({operation: labels.label(name)}, (performance.now() - t0) / 1000)
            })
        }
        return handle.call(this, req, res, callback)
    }

    const probe = new DbProbe(databaseUrl(), `SELECT height FROM network_state WHERE id = 'network'`, s.readyDbTimeoutMs)
    const head = s.chainHead.rpcEndpoint ? new ChainHeadPoller(s.chainHead.rpcEndpoint, s.readyCheckMs) : undefined
    head?.start()
    joinClusterMetrics(registry)

    app.use('/metrics', (req, res) => {
        const text = cluster.isWorker ? clusterMetrics() : registry.metrics()
        text.then(
            t => {
                res.setHeader('content-type', registry.contentType)
                res.end(t)
            },
            e => {
                res.statusCode = 503
                res.setHeader('content-type', 'text/plain; charset=utf-8')
                res.end(`metrics unavailable: ${e?.message ?? e}\n`)
            }
        )
    })
    app.use('/health', (_req, res) => sendHealth(res))
    app.use('/ready', (_req, res) => {
        void probe.check().then(db => {
            const to = s.chainHead.toBlock
            const target = head?.height == null ? null : to == null ? head.height : Math.min(head.height, to)
            const note =
                head == null
                    ? 'lag not checked: RPC_ENDPOINT not set'
                    : head.height == null
                      ? `lag not checked: chain head unknown (${head.error ?? 'not read yet'})`
                      : head.error
                        ? `chain head as last read; the node fails now (${head.error})`
                        : undefined
            sendReady(res, judge({db, height: db.ok ? (db.height ?? null) : null, target, maxLag: s.readyMaxLag, note}))
        })
    })
}
