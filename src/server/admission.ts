/**
 * What a query may cost and when it runs: an Apollo plugin, added by src/sdk/apollo.ts in front of every
 * other plugin.
 *
 * 1. Cost (src/server/cost.ts), counted once the operation is known and before anything runs: a query over
 *    GQL_MAX_QUERY_COST or with more than GQL_MAX_FILTER_NODES filter nodes is refused with HTTP 400 and
 *    `extensions.code = "QUERY_TOO_COSTLY"`, the message naming the cost, the limit and the heaviest root
 *    field. Nothing is executed, and a refused persisted query is not registered.
 * 2. Admission: three lanes. A query costing at most GQL_CHEAP_QUERY_COST without analytics root fields
 *    (`squidStatus`, a lookup by id, a small page) takes the cheap lane, which runs as many queries as the
 *    request pool has connections. A query of the project's analytics resolvers (beside them at most a
 *    cheap part, and no `reconciliation`) takes the analytics lane: GQL_ANALYTICS_CONCURRENCY at once (two
 *    per core), since their SQL reads indexed ranges and rollups. Every other one (open-ended entity lists
 *    and connections with any filter and sort, the reconciliation's lifetime sums) takes the expensive lane,
 *    GQL_EXPENSIVE_CONCURRENCY at once (one per core but one). Each lane has a queue (GQL_ANALYTICS_QUEUE,
 *    GQL_EXPENSIVE_QUEUE; the cheap one 50 per connection); a query finding its lane's queue full is
 *    answered at once with HTTP 503, `Retry-After` and `extensions.code = "SERVER_BUSY"`. A turn ends once the request's transaction is closed (its
 *    connection back in the pool); a client leaving while queued gives up its place.
 * 3. Response size: the answer's JSON size is measured before Apollo serializes it, stopping at
 *    GQL_MAX_RESPONSE_MB; an answer over it is replaced by HTTP 400, `extensions.code = "RESPONSE_TOO_LARGE"`.
 *
 * Answers carry `x-query-cost` and `x-query-lane`. Cache hits of the response cache (src/server/response-cache.ts)
 * are answered before Apollo: they take no lane.
 */
import type {FragmentDefinitionNode, GraphQLSchema} from 'graphql'
import {getOperationAST, Kind} from 'graphql'
import type {AdmissionSettings} from '../config/server'
import {ApiError} from './errors'
import {queryCost, QueryCost} from './cost'

/** the HTTP response of a request, kept in its GraphQL context by src/sdk/apollo.ts */
export const HTTP_RESPONSE = Symbol('httpResponse')

type Release = () => void

interface Waiter {
    grant: (r: Release) => void
    fail: (e: Error) => void
}

export class LaneFullError extends Error {
    constructor(readonly lane: string) {
        // refused by the hundred per second under a flood: no stack trace to capture (it is never shown)
        const limit = Error.stackTraceLimit
        Error.stackTraceLimit = 0
        super(`lane ${lane} is full`)
        Error.stackTraceLimit = limit
    }
}

/** at most `concurrency` holders at once, at most `maxQueue` waiting; beyond that acquire() refuses */
export class Lane {
    running = 0
    private readonly queue: Waiter[] = []
    /** holders granted since start (for tests and logs) */
    granted = 0
    refused = 0

    constructor(
        readonly name: string,
        readonly concurrency: number,
        readonly maxQueue: number
    ) {}

    get waiting(): number {
        return this.queue.length
    }

    /**
     * A turn: resolves with its release function when one is free; throws LaneFullError at once when the
     * queue is full. `gone`, when given, is called with a function that withdraws the request from the queue.
     */
    acquire(onWithdraw?: (withdraw: (e: Error) => void) => void): Promise<Release> {
        if (this.running < this.concurrency) return Promise.resolve(this.grant())
        if (this.queue.length >= this.maxQueue) {
            this.refused++
            return Promise.reject(new LaneFullError(this.name))
        }
        return new Promise<Release>((resolve, reject) => {
            const w: Waiter = {grant: resolve, fail: reject}
            this.queue.push(w)
            onWithdraw?.(e => {
                const i = this.queue.indexOf(w)
                if (i >= 0) {
                    this.queue.splice(i, 1)
                    reject(e)
                }
            })
        })
    }

    private grant(): Release {
        this.running++
        this.granted++
        let done = false
        return () => {
            if (done) return
            done = true
            this.running--
            const next = this.queue.shift()
            if (next) next.grant(this.grant())
        }
    }
}

/** the fragments of a document by name */
function fragmentsOf(document: any): Record<string, FragmentDefinitionNode> {
    const out: Record<string, FragmentDefinitionNode> = {}
    for (const d of document?.definitions ?? []) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d
    return out
}

function fmt(n: number): string {
    return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'unbounded'
}

/** the refusal of a query over the budget, naming the cost, the limit and what to do */
export function costError(c: QueryCost, s: Pick<AdmissionSettings, 'maxQueryCost' | 'maxFilterNodes'>): ApiError | undefined {
    if (c.filterNodes > s.maxFilterNodes) {
        return new ApiError(
            `query too costly: its filters have ${fmt(c.filterNodes)} nodes, more than the limit of ${fmt(s.maxFilterNodes)} (GQL_MAX_FILTER_NODES); ` +
                'use fewer conditions (an `_in` list instead of OR-ed `_eq`s, a range instead of single values) or split the query',
            'QUERY_TOO_COSTLY'
        )
    }
    if (c.cost > s.maxQueryCost) {
        const h = c.heaviest
        const heaviest =
            h == null
                ? ''
                : h.cost >= c.cost / 2
                  ? `, most of it in \`${h.field}\` (${fmt(h.cost)})`
                  : `, spread over ${fmt(c.rootFields)} root fields (the heaviest: \`${h.field}\`, ${fmt(h.cost)})`
        return new ApiError(
            `query too costly: its estimated cost is ${fmt(c.cost)}, more than the limit of ${fmt(s.maxQueryCost)} (GQL_MAX_QUERY_COST)${heaviest}; ` +
                'every alias and every field of every row counts (rows: `limit` / `first`): ask for fewer rows, fields or aliases, or split the query',
            'QUERY_TOO_COSTLY'
        )
    }
    return undefined
}

/**
 * JSON size of `value` in bytes (UTF-16 code units for strings, close enough for a budget), or -1 as soon
 * as it is over `max`: the answer is never serialized to find out
 */
export function jsonSizeWithin(value: unknown, max: number): number {
    let size = 0
    const stack: unknown[] = [value]
    while (stack.length > 0) {
        const v = stack.pop()
        if (v === null || v === undefined) size += 4
        else if (typeof v === 'string') size += v.length + 2
        else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') size += String(v).length
        else if (Array.isArray(v)) {
            size += 2 + v.length
            for (let i = v.length - 1; i >= 0; i--) stack.push(v[i])
        } else if (typeof v === 'object') {
            if (typeof (v as any).toJSON === 'function') stack.push(String((v as any).toJSON()))
            else {
                size += 2
                for (const k in v as object) {
                    size += k.length + 4
                    stack.push((v as any)[k])
                }
            }
        }
        if (size > max) return -1
    }
    return size
}

export interface Admission {
    cheap: Lane
    analytics: Lane
    expensive: Lane
    settings: AdmissionSettings
}

export function createAdmission(settings: AdmissionSettings): Admission {
    return {
        settings,
        cheap: new Lane('cheap', settings.cheapConcurrency, settings.cheapQueue),
        analytics: new Lane('analytics', settings.analyticsConcurrency, settings.analyticsQueue),
        expensive: new Lane('expensive', settings.expensiveConcurrency, settings.expensiveQueue),
    }
}

/** the lane of a query of cost `c` (see the head of this file) */
export function admissionLane(a: Admission, c: QueryCost): Lane {
    if (!c.analytics) return c.cost <= a.settings.cheapQueryCost ? a.cheap : a.expensive
    return !c.heavyAnalytics && c.otherCost <= a.settings.cheapQueryCost ? a.analytics : a.expensive
}

/** no turn free and no place in the queue */
function full(l: Lane): boolean {
    return l.running >= l.concurrency && l.waiting >= l.maxQueue
}

/** Apollo's own HTTP error class: an error of it thrown by a plugin is sent as it is (status, headers, body) */
function httpQueryError(status: number, body: string, headers: Record<string, string>): Error {
    const {HttpQueryError} = require('@subsquid/apollo-server-core')
    return new HttpQueryError(status, body, true, headers)
}

/** the refusal of a query whose lane is full: its message, and what it names */
function busyMessage(a: Admission, lane: Lane, c: QueryCost): string {
    const s = a.settings
    const running = (n: number, kind: string) => `${n} ${kind}${n === 1 ? 'query is' : 'queries are'} running`
    const what =
        lane === a.cheap
            ? `${running(lane.concurrency, '')} and ${lane.maxQueue} waiting`
            : lane === a.analytics
              ? `${running(lane.concurrency, 'analytics ')} and ${lane.maxQueue} waiting (GQL_ANALYTICS_CONCURRENCY, GQL_ANALYTICS_QUEUE)`
              : `${running(lane.concurrency, 'expensive ')} and ${lane.maxQueue} waiting (GQL_EXPENSIVE_CONCURRENCY, GQL_EXPENSIVE_QUEUE)`
    return `server busy: ${what}; retry after ${s.retryAfterSec} s${lane === a.cheap ? '' : ', or ask for less (this query costs ' + fmt(c.cost) + ')'}`
}

/** the Apollo plugin (Apollo Server 3 plugin shape) */
export function admissionPlugin(a: Admission, maxResponseNodes: number) {
    const s = a.settings
    return {
        async requestDidStart() {
            let release: Release | undefined
            return {
                // under a flood, validating every query only to refuse it took most of the event loop (a
                // small probe's p99 went to ~200 ms): while a lane is full, a query the parser read is costed
                // as it is and, when it belongs to that lane, refused before validation. Anything unusual
                // (no operation, a cost that cannot be counted, over the budget) takes the normal path,
                // which answers it with its own error.
                async validationDidStart(rc: any) {
                    if (!full(a.analytics) && !full(a.expensive)) return
                    let c: QueryCost
                    try {
                        const op = getOperationAST(rc.document, rc.request?.operationName)
                        if (op == null || op.operation !== 'query') return
                        c = queryCost(rc.schema, op, fragmentsOf(rc.document), rc.request?.variables ?? {}, maxResponseNodes)
                    } catch {
                        return
                    }
                    if (costError(c, s)) return
                    const lane = admissionLane(a, c)
                    if (lane === a.cheap || !full(lane)) return
                    lane.refused++
                    const body = JSON.stringify({errors: [{message: busyMessage(a, lane, c), extensions: {code: 'SERVER_BUSY'}}]}) + '\n'
                    throw httpQueryError(503, body, {
                        'content-type': 'application/json',
                        'retry-after': String(s.retryAfterSec),
                        'x-query-cost': Number.isFinite(c.cost) ? String(Math.round(c.cost)) : 'unbounded',
                        'x-query-lane': lane.name,
                    })
                },
                async didResolveOperation(rc: any) {
                    if (rc.operation?.operation !== 'query') return
                    const schema: GraphQLSchema = rc.schema
                    const c = queryCost(schema, rc.operation, fragmentsOf(rc.document), rc.request?.variables ?? {}, maxResponseNodes)
                    const headers = rc.response?.http?.headers
                    headers?.set('x-query-cost', Number.isFinite(c.cost) ? String(Math.round(c.cost)) : 'unbounded')
                    const refusal = costError(c, s)
                    if (refusal) throw refusal
                    const lane = admissionLane(a, c)
                    headers?.set('x-query-lane', lane.name)
                    const res = rc.context?.[HTTP_RESPONSE]
                    try {
                        release = await lane.acquire(withdraw => {
                            res?.once?.('close', () => withdraw(new ApiError('the client went away while the query waited for its turn', 'BAD_REQUEST')))
                        })
                    } catch (e) {
                        if (!(e instanceof LaneFullError)) throw e
                        if (rc.response?.http) {
                            rc.response.http.status = 503
                            headers?.set('retry-after', String(s.retryAfterSec))
                        }
                        throw new ApiError(busyMessage(a, lane, c), 'SERVER_BUSY')
                    }
                },
                async willSendResponse(rc: any) {
                    // before anything awaits: this plugin runs first, so its close() is the one that waits
                    // for the transaction (OpenReader's own close() then finds nothing to do)
                    const closing = release ? rc.context?.openreader?.close?.() : undefined
                    try {
                        const r = rc.response
                        if (r?.data != null && jsonSizeWithin(r.data, s.maxResponseBytes) < 0) {
                            r.data = undefined
                            r.errors = [
                                {
                                    message:
                                        `response too large: the answer is over ${Number((s.maxResponseBytes / 1024 / 1024).toFixed(2))} MB (GQL_MAX_RESPONSE_MB); ` +
                                        'ask for fewer rows, fields or aliases, or page through them',
                                    extensions: {code: 'RESPONSE_TOO_LARGE'},
                                },
                            ]
                            if (r.http) r.http.status = 400
                        }
                    } finally {
                        if (release) {
                            const rel = release
                            release = undefined
                            Promise.resolve(closing)
                                .catch(() => {})
                                .finally(rel)
                        }
                    }
                },
            }
        },
    }
}
