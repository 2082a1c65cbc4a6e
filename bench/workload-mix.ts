/**
 * The realistic API workload (bench/workload.ts runs it): which requests, in which proportions, over which
 * ids and ranges, sent when. Pure: no I/O, a seeded random source, so tests can check the mix itself.
 *
 * - Subjects: every account, worker and pool of the database is a candidate, drawn Zipf-like (rank r with
 *   probability ∝ 1 / r^s, s = 1.1 by default): a few are asked for very often, most rarely, none never.
 *   Ranks are a seeded shuffle of the ids, so popularity is not tied to id order.
 * - Ranges: windows of 1, 7, 30 or 90 days (or the whole history), ending at the head ("up to now") or at a
 *   UTC midnight drawn toward the recent past; audits page with offsets 0 (mostly) to 1,000.
 * - Open loop (`openLoop`): request i is sent at t0 + i / rate whatever the answers do; its latency counts
 *   from that scheduled time, so a server that falls behind shows it (no coordinated omission).
 */
import {mulberry32} from '../devnet/prng'

export type RequestKind = 'auditAccount' | 'auditWorker' | 'auditPool' | 'workerTimeline' | 'poolLeaderboard' | 'emission' | 'networkStats' | 'csvPayouts'

/** share of each kind in the mix */
export const DEFAULT_MIX: Record<RequestKind, number> = {
    auditAccount: 0.22,
    auditWorker: 0.2,
    auditPool: 0.05,
    workerTimeline: 0.15,
    poolLeaderboard: 0.1,
    emission: 0.05,
    networkStats: 0.13,
    csvPayouts: 0.1,
}

export interface Population {
    accounts: string[]
    workers: string[]
    pools: string[]
    /** first indexed payout and the chain head, ms */
    firstMs: number
    headMs: number
}

export interface WorkloadRequest {
    kind: RequestKind
    /** GraphQL: the JSON body; CSV: empty */
    body: string
    /** CSV: the path and query of the export server; GraphQL: empty */
    path: string
    /** the subject drawn (account / worker key), if any */
    subject?: string
}

/** a seeded PRNG, uniform in [0, 1): the repository's one mulberry32 (devnet/prng.ts) */
export const seededRandom = mulberry32

/** a sampler of ranks 0 … n−1 with P(r) ∝ 1 / (r + 1)^s (inverse CDF by binary search) */
export function zipfSampler(n: number, s: number, rand: () => number): () => number {
    if (n <= 0) throw new Error('zipf over an empty set')
    const cdf = new Float64Array(n)
    let acc = 0
    for (let r = 0; r < n; r++) {
        acc += 1 / (r + 1) ** s
        cdf[r] = acc
    }
    return () => {
        const u = rand() * acc
        let lo = 0
        let hi = n - 1
        while (lo < hi) {
            const mid = (lo + hi) >>> 1
            if (cdf[mid] < u) lo = mid + 1
            else hi = mid
        }
        return lo
    }
}

/** the ids in a seeded random order (rank 0 = most popular) */
export function shuffled<T>(ids: readonly T[], rand: () => number): T[] {
    const a = ids.slice()
    for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1))
        ;[a[i], a[j]] = [a[j], a[i]]
    }
    return a
}

const DAY = 86_400_000
const HOUR = 3_600_000

export interface WorkloadOptions {
    seed?: number
    zipfS?: number
    mix?: Record<RequestKind, number>
}

export class Workload {
    private readonly rand: () => number
    private readonly pick: Record<'accounts' | 'workers' | 'pools', () => string>
    private readonly kinds: RequestKind[]
    private readonly cumulative: number[]

    constructor(
        readonly pop: Population,
        opts: WorkloadOptions = {}
    ) {
        this.rand = seededRandom(opts.seed ?? 1)
        const s = opts.zipfS ?? 1.1
        const pickFrom = (ids: string[]) => {
            if (ids.length === 0) return () => ''
            const order = shuffled(ids, this.rand)
            const z = zipfSampler(order.length, s, this.rand)
            return () => order[z()]
        }
        this.pick = {accounts: pickFrom(pop.accounts), workers: pickFrom(pop.workers), pools: pickFrom(pop.pools)}
        const mix = opts.mix ?? DEFAULT_MIX
        this.kinds = (Object.keys(mix) as RequestKind[]).filter(k => mix[k] > 0)
        const total = this.kinds.reduce((n, k) => n + mix[k], 0)
        let acc = 0
        this.cumulative = this.kinds.map(k => (acc += mix[k] / total))
    }

    private kind(): RequestKind {
        const u = this.rand()
        const i = this.cumulative.findIndex(c => u < c)
        return this.kinds[i < 0 ? this.kinds.length - 1 : i]
    }

    private choose<T>(items: readonly T[], weights?: readonly number[]): T {
        if (!weights) return items[Math.floor(this.rand() * items.length)]
        const total = weights.reduce((a, b) => a + b, 0)
        let u = this.rand() * total
        for (let i = 0; i < items.length; i++) {
            u -= weights[i]
            if (u < 0) return items[i]
        }
        return items[items.length - 1]
    }

    /** [from, to) of `days` days: up to the head (half the time) or up to a midnight, recent ones likelier */
    private window(days: number | 'all'): {from: string; to: string} {
        const {firstMs, headMs} = this.pop
        const firstDay = Math.floor(firstMs / DAY) * DAY
        if (days === 'all') return {from: new Date(firstDay).toISOString(), to: new Date(headMs + 1000).toISOString()}
        let to: number
        if (this.rand() < 0.5) to = headMs + 1000
        else {
            const span = Math.max(1, Math.floor((headMs - firstDay) / DAY))
            // days back from the head's midnight, cubed toward 0: recent ends are the most asked for
            to = Math.floor(headMs / DAY) * DAY - Math.floor(this.rand() ** 3 * span) * DAY
        }
        const from = Math.max(firstDay, to - days * DAY)
        return {from: new Date(from).toISOString(), to: new Date(Math.max(to, from + HOUR)).toISOString()}
    }

    private auditWindow() {
        const days = this.choose([1, 7, 30, 90, 'all'] as const, [0.25, 0.3, 0.3, 0.1, 0.05])
        const w = this.window(days)
        const granularity = days === 1 ? 'HOUR' : days === 'all' || days === 90 ? this.choose(['DAY', 'MONTH']) : 'DAY'
        return {...w, granularity}
    }

    private offset(): number {
        return this.rand() < 0.7 ? 0 : 100 * Math.ceil(this.rand() * 10)
    }

    next(): WorkloadRequest {
        const kind = this.kind()
        const gql = (query: string) => ({kind, body: JSON.stringify({query}), path: ''})
        switch (kind) {
            case 'auditAccount':
            case 'auditWorker':
            case 'auditPool': {
                const by = kind === 'auditAccount' ? 'account' : kind === 'auditWorker' ? 'worker' : 'pool'
                const subject = this.pick[`${by}s`]()
                const w = this.auditWindow()
                const off = this.offset()
                const extra = by === 'account' ? 'commission { amount withdrawn }' : ''
                return {
                    ...gql(`{ payoutAudit(${by}: "${subject}", from: "${w.from}", to: "${w.to}", granularity: ${w.granularity}, limit: 100, offset: ${off}) {
                        count total { amount treasury toOwner toStakers } buckets { start amount count }
                        payouts { id blockHeight timestamp workerId amount toOwner toStakers } ${extra} } }`),
                    subject,
                }
            }
            case 'workerTimeline': {
                const subject = this.pick.workers()
                const days = this.choose([1, 7, 30] as const, [0.4, 0.4, 0.2])
                const w = this.window(days)
                return {
                    ...gql(`{ workerTimeline(worker: "${subject}", from: "${w.from}", to: "${w.to}", granularity: ${days === 1 ? 'HOUR' : 'DAY'}) {
                        coveredTo uptimePercent times { idleMs unresponsiveMs computingMs } intervals { state start end }
                        series { start payout settleCount v } payoutsPerDay { day amount settleCount } totalPayout
                        sessions { sessionId totalPayout payoutInRange } } }`),
                    subject,
                }
            }
            case 'poolLeaderboard': {
                const orderBy = this.choose(['APR', 'TOTAL_VALUE', 'REWARDS', 'WORKERS'])
                const window = this.choose(['HOUR', 'DAY', 'WEEK', 'MONTH', 'ALL'], [0.1, 0.4, 0.25, 0.15, 0.1])
                const limit = this.choose([20, 50, 100])
                return gql(`{ poolLeaderboard(orderBy: ${orderBy}, window: ${window}, limit: ${limit}) {
                        entries { pid apr commissionPermill totalValue delegatorCount idleWorkers rewards } } }`)
            }
            case 'emission': {
                const g = this.choose(['DAY', 'MONTH'])
                const w = this.rand() < 0.5 ? null : this.window(this.choose([7, 30, 90] as const))
                const range = w ? `, from: "${w.from}", to: "${w.to}"` : ''
                return gql(`{ emission(granularity: ${g}${range}) { emitted allocationEmittedPercent remaining budgetPerBlock
                        series { start emitted cumulative } projections { method exhausts } } }`)
            }
            case 'networkStats': {
                const {firstMs, headMs} = this.pop
                // now, or a past hour (aligned: a dashboard's "at" is a round time)
                const at = this.rand() < 0.4 ? null : new Date(Math.floor((firstMs + this.rand() * (headMs - firstMs)) / HOUR) * HOUR).toISOString()
                return gql(`{ networkStats${at ? `(at: "${at}")` : ''} { source asOf height workers { total idle unresponsive } idleShare
                        averageApr totalValue pools delegations emitted allocationEmittedPercent } }`)
            }
            case 'csvPayouts': {
                const by = this.choose(['account', 'worker', 'pool'] as const, [0.45, 0.45, 0.1])
                const subject = this.pick[`${by}s`]()
                const w = this.window(this.choose([7, 30, 90] as const))
                const q = new URLSearchParams({[by]: subject, from: w.from, to: w.to})
                return {kind, body: '', path: `/export/payouts.csv?${q}`, subject}
            }
        }
    }
}

export interface Clock {
    now(): number
    /** resolves after `ms` */
    sleep(ms: number): Promise<void>
}

export const realClock: Clock = {
    now: () => performance.now(),
    sleep: ms => new Promise(r => setTimeout(r, ms)),
}

/**
 * Open loop: `send(i, scheduledAt)` for i = 0 … count−1 at `start + i × 1000 / rate` ms, without waiting for
 * any earlier send to finish. Resolves with the sends' promises once all are started.
 */
export async function openLoop<T>(
    rate: number,
    count: number,
    send: (i: number, scheduledAt: number) => Promise<T>,
    clock: Clock = realClock
): Promise<Promise<T>[]> {
    const start = clock.now()
    const started: Promise<T>[] = []
    for (let i = 0; i < count; i++) {
        const at = start + (i * 1000) / rate
        const wait = at - clock.now()
        if (wait > 1) await clock.sleep(wait)
        started.push(send(i, at))
    }
    return started
}
