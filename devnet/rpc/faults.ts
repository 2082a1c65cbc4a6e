/**
 * Seeded fault injection for the devnet's RPC server: error responses, added latency, dropped connections.
 */

export type FaultErrorKind = 'rate-limit' | 'internal' | 'http-503'

export interface FaultOptions {
    /** probability that a call (or a whole HTTP request for http-503) fails */
    errorRate?: number
    /**
     * rate-limit: JSON-RPC error -32029 "rate limit exceeded" (clients such as Subsquid's retry it);
     * internal: -32603 "Internal error" (the SDK's client does not retry it; the processor adds that); http-503: HTTP 503 for the whole request (WS: rate-limit)
     */
    errorKind?: FaultErrorKind
    /** maximum added latency per request in ms (uniform in [latencyMs/2, latencyMs]) */
    latencyMs?: number
    /** probability that a request gets the added latency (default 1 when latencyMs > 0) */
    latencyRate?: number
    /** probability that a WebSocket message makes the server drop the connection instead of answering */
    wsDropRate?: number
    /** probability that an HTTP request's connection is destroyed without a response */
    httpDropRate?: number
    seed?: number
}

import {mulberry32} from '../prng'

export {mulberry32}

export interface FaultCounters {
    errors: number
    delayed: number
    wsDropped: number
    httpDropped: number
}

export class Faults {
    private rnd: () => number
    readonly counters: FaultCounters = {errors: 0, delayed: 0, wsDropped: 0, httpDropped: 0}
    enabled = true

    constructor(readonly opts: FaultOptions = {}) {
        for (let k of ['errorRate', 'latencyRate', 'wsDropRate', 'httpDropRate'] as const) {
            let v = opts[k]
            if (v != null && !(v >= 0 && v <= 1)) throw new Error(`fault ${k} must be within [0, 1], got ${v}`)
        }
        if (opts.latencyMs != null && !(opts.latencyMs >= 0)) throw new Error(`fault latencyMs must be >= 0`)
        this.rnd = mulberry32((opts.seed ?? 1) ^ 0x5eed)
    }

    get active(): boolean {
        let o = this.opts
        return this.enabled && !!(o.errorRate || o.latencyMs || o.wsDropRate || o.httpDropRate)
    }

    private hit(rate: number | undefined): boolean {
        return !!rate && this.enabled && this.rnd() < rate
    }

    /** an error to answer a call with, or undefined */
    callError(transport: 'http' | 'ws'): {code: number; message: string} | undefined {
        if (!this.hit(this.opts.errorRate)) return undefined
        let kind = this.opts.errorKind ?? 'rate-limit'
        if (kind === 'http-503' && transport === 'http') return undefined // handled per request
        this.counters.errors++
        if (kind === 'internal') return {code: -32603, message: 'Internal error (injected by the devnet)'}
        return {code: -32029, message: 'rate limit exceeded (injected by the devnet)'}
    }

    http503(): boolean {
        if ((this.opts.errorKind ?? 'rate-limit') !== 'http-503') return false
        if (!this.hit(this.opts.errorRate)) return false
        this.counters.errors++
        return true
    }

    latency(): number {
        let o = this.opts
        if (!o.latencyMs || !this.enabled) return 0
        if (!this.hit(o.latencyRate ?? 1)) return 0
        this.counters.delayed++
        return Math.round(o.latencyMs / 2 + this.rnd() * (o.latencyMs / 2))
    }

    dropWs(): boolean {
        let d = this.hit(this.opts.wsDropRate)
        if (d) this.counters.wsDropped++
        return d
    }

    dropHttp(): boolean {
        let d = this.hit(this.opts.httpDropRate)
        if (d) this.counters.httpDropped++
        return d
    }
}
