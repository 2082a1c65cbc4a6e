/**
 * emission: what the subsidy pool has paid so far against the 700,000,000 PHA computation allocation, how
 * the budget per block evolved (halvings, budget-balancer updates), emission per bucket from the network
 * rollups, and projections of when the allocation would run out.
 *
 * Projections (exact integer arithmetic in plancks; see docs/api.md):
 * - CONSTANT_BUDGET: the current budget per block forever: blocks = ⌈remaining / budget⌉.
 * - DECAY: the current budget until the next decay height, then ×0.75 every `halvingPeriodBlocks`
 *   (1,296,000 blocks = 180 days at 12 s): budget_k = ⌊budget · 3^k / 4^k⌋ during the k-th period after it.
 *   The decay heights are anchored at the last SubsidyBudgetHalved (else the first budget record). Such a
 *   schedule pays at most budget · (blocks to the next decay) + 3 · budget · period in total; when that is
 *   less than what remains, the allocation is never exhausted (`exhausts: false`, `projectedTotal` says
 *   how much would be emitted in the end).
 * - OBSERVED_RATE: the emission per block actually observed over the last closed day, constant.
 * Heights convert to dates with the average block time of the chain (NetworkState.avgBlockTimeMs).
 */
import {InputError} from './address'
import {checkBuckets, DAY_MS, Granularity, pgBucket, truncUtc} from './params'
import {big} from './pha'
import {one, Query, toDate} from './sql'

export const DEFAULT_HALVING_PERIOD_BLOCKS = 1_296_000
export const DEFAULT_BLOCK_TIME_MS = 12_000
/** buckets before this are the genesis block's (timestamp 0) and ignored */
const FIRST_REAL_TIME = '1971-01-01T00:00:00Z'
const MAX_DATE_MS = Date.UTC(9999, 11, 31)

export interface EmissionState {
    height: number
    timestamp: Date | null
    emittedPayout: bigint
    emittedTreasury: bigint
    emitted: bigint
    cap: bigint
    remaining: bigint
    droppedPayout: bigint
    dismissedRewards: bigint
    budgetPerBlock: bigint | null
    budgetPerBlockBits: bigint | null
    treasuryRatio: number | null
    halvingCount: number
    avgBlockTimeMs: number | null
    hourBucketStart: Date | null
    hourBucketHeight: number | null
    dayBucketStart: Date | null
    dayBucketHeight: number | null
}

export async function emissionState(q: Query): Promise<EmissionState> {
    const r = await one(
        q,
        `SELECT height, timestamp, emitted_payout::text, emitted_treasury::text, emitted_total::text, emission_cap::text,
                emission_remaining::text, dropped_payout::text, dismissed_rewards::text, budget_per_block::text,
                budget_per_block_bits::text, treasury_ratio, halving_count, avg_block_time_ms,
                hour_bucket_start, hour_bucket_height, day_bucket_start, day_bucket_height
         FROM network_state WHERE id = 'network'`
    )
    if (!r) throw new InputError('emission', 'nothing is indexed yet')
    return {
        height: r.height,
        timestamp: toDate(r.timestamp),
        emittedPayout: big(r.emitted_payout),
        emittedTreasury: big(r.emitted_treasury),
        emitted: big(r.emitted_total),
        cap: big(r.emission_cap),
        remaining: big(r.emission_remaining),
        droppedPayout: big(r.dropped_payout),
        dismissedRewards: big(r.dismissed_rewards),
        budgetPerBlock: r.budget_per_block == null ? null : big(r.budget_per_block),
        budgetPerBlockBits: r.budget_per_block_bits == null ? null : big(r.budget_per_block_bits),
        treasuryRatio: r.treasury_ratio == null ? null : Number(r.treasury_ratio),
        halvingCount: r.halving_count,
        avgBlockTimeMs: r.avg_block_time_ms == null ? null : Number(r.avg_block_time_ms),
        hourBucketStart: toDate(r.hour_bucket_start),
        hourBucketHeight: r.hour_bucket_height,
        dayBucketStart: toDate(r.day_bucket_start),
        dayBucketHeight: r.day_bucket_height,
    }
}

/** percent with 7 decimals, from exact integers */
export function percent(part: bigint, whole: bigint): number {
    if (whole <= 0n) return 0
    return Number((part * 1_000_000_000n) / whole) / 10_000_000
}

export interface BudgetEvent {
    id: string
    kind: string
    blockHeight: number
    timestamp: Date
    nonce: bigint | null
    budgetPerBlock: bigint | null
    previousBudgetPerBlock: bigint | null
}

export async function budgetHistory(q: Query): Promise<BudgetEvent[]> {
    const rows = await q(
        `SELECT id, kind, block_height, timestamp, nonce::text AS nonce, budget_per_block::text AS budget,
                (lag(budget_per_block) OVER (ORDER BY block_height, id))::text AS previous
         FROM budget_change ORDER BY block_height, id`
    )
    return rows.map((r: any) => ({
        id: r.id,
        kind: r.kind,
        blockHeight: r.block_height,
        timestamp: toDate(r.timestamp)!,
        nonce: r.nonce == null ? null : big(r.nonce),
        budgetPerBlock: r.budget == null ? null : big(r.budget),
        previousBudgetPerBlock: r.previous == null ? null : big(r.previous),
    }))
}

export interface EmissionBucket {
    start: Date
    end: Date
    /** the bucket is still open: its sums come from the ledger so far */
    partial: boolean
    blocks: number
    settleCount: number
    payout: bigint
    treasury: bigint
    emitted: bigint
    /** emitted since the beginning, at the bucket's close (or now, for the open bucket) */
    cumulative: bigint
    remaining: bigint
    budgetPerBlock: bigint | null
}

/**
 * Emission per bucket: closed buckets from NetworkRollup (Hour rows for HOUR, Day rows for DAY and MONTH),
 * the open bucket from the ledger rows since it opened. Dense over [from, to).
 */
export async function emissionSeries(q: Query, st: EmissionState, g: Granularity, fromIn: Date | null, toIn: Date | null): Promise<EmissionBucket[]> {
    const first = await one(q, `SELECT min(bucket_start) AS t FROM network_rollup WHERE bucket_start >= $1`, [FIRST_REAL_TIME])
    const openStart = g === 'HOUR' ? st.hourBucketStart : st.dayBucketStart
    const startDefault = toDate(first?.t) ?? openStart
    if (startDefault == null && fromIn == null) return []
    const from = fromIn ?? startDefault!
    const headEnd = openStart ? truncUtc(openStart.getTime(), g) + (g === 'HOUR' ? 3_600_000 : g === 'DAY' ? DAY_MS : 0) : from.getTime() + 1
    let to = toIn ?? new Date(g === 'MONTH' && openStart ? Date.UTC(openStart.getUTCFullYear(), openStart.getUTCMonth() + 1, 1) : headEnd)
    if (to.getTime() <= from.getTime()) to = new Date(truncUtc(from.getTime(), g) + 1)
    checkBuckets({from, to}, g, toIn ? 'to' : 'granularity')
    const {field, interval} = pgBucket(g)
    const period = g === 'HOUR' ? 'Hour' : 'Day'
    const openHeight = g === 'HOUR' ? st.hourBucketHeight : st.dayBucketHeight
    const rows = await q(
        `WITH b AS (
             SELECT generate_series(date_trunc('${field}', $1::timestamptz AT TIME ZONE 'UTC'),
                                    $2::timestamptz AT TIME ZONE 'UTC' - interval '1 microsecond',
                                    interval '${interval}') AS start
         ), closed AS (
             SELECT date_trunc('${field}', r.bucket_start AT TIME ZONE 'UTC') AS start,
                    sum(r.blocks)::int AS blocks, sum(r.settle_count)::int AS settles, sum(r.payout) AS payout,
                    sum(r.treasury) AS treasury, sum(r.emitted) AS emitted,
                    (array_agg(r.emitted_cumulative ORDER BY r.bucket_start DESC))[1] AS cumulative,
                    (array_agg(r.emission_remaining ORDER BY r.bucket_start DESC))[1] AS remaining,
                    (array_agg(r.budget_per_block_at_close ORDER BY r.bucket_start DESC))[1] AS budget
             FROM network_rollup r
             WHERE r.period = '${period}' AND r.bucket_start >= date_trunc('${field}', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
               AND r.bucket_start < $2 AND r.bucket_start >= '${FIRST_REAL_TIME}'
             GROUP BY 1
         ), open AS (
             -- the open bucket: closed hours inside it (DAY / MONTH) plus the ledger rows of the open hour
             SELECT date_trunc('${field}', $3::timestamptz AT TIME ZONE 'UTC') AS start,
                    ($5::int - $4::int + 1) AS blocks,
                    h.settles + l.settles AS settles, h.payout + l.payout AS payout, h.treasury + l.treasury AS treasury,
                    h.emitted + l.emitted AS emitted
             FROM (SELECT coalesce(sum(settle_count), 0)::int AS settles, coalesce(sum(payout), 0) AS payout,
                          coalesce(sum(treasury), 0) AS treasury, coalesce(sum(emitted), 0) AS emitted
                   FROM network_rollup WHERE period = 'Hour' AND ${period === 'Day' ? 'TRUE' : 'FALSE'} AND bucket_start >= $3) h,
                  (SELECT count(*) FILTER (WHERE NOT p.dropped)::int AS settles,
                          coalesce(sum(p.amount) FILTER (WHERE NOT p.dropped), 0) AS payout,
                          coalesce(sum(p.treasury) FILTER (WHERE NOT p.dropped), 0) AS treasury,
                          -- emitted: rewards credited (dropped settles included) + treasury shares
                          coalesce(sum(p.credited), 0) + coalesce(sum(p.treasury), 0) AS emitted
                   FROM payout p WHERE p.block_height >= $9) l
             WHERE $3::timestamptz IS NOT NULL
         )
         SELECT b.start AT TIME ZONE 'UTC' AS start, (b.start + interval '${interval}') AT TIME ZONE 'UTC' AS "end",
                (o.start IS NOT NULL AND $3::timestamptz IS NOT NULL) AS partial,
                (coalesce(c.blocks, 0) + coalesce(o.blocks, 0))::int AS blocks,
                (coalesce(c.settles, 0) + coalesce(o.settles, 0))::int AS settles,
                (coalesce(c.payout, 0) + coalesce(o.payout, 0))::text AS payout,
                (coalesce(c.treasury, 0) + coalesce(o.treasury, 0))::text AS treasury,
                (coalesce(c.emitted, 0) + coalesce(o.emitted, 0))::text AS emitted,
                CASE WHEN o.start IS NOT NULL THEN $6::numeric ELSE c.cumulative END::text AS cumulative,
                CASE WHEN o.start IS NOT NULL THEN $7::numeric ELSE c.remaining END::text AS remaining,
                CASE WHEN o.start IS NOT NULL THEN $8::numeric ELSE c.budget END::text AS budget
         FROM b LEFT JOIN closed c ON c.start = b.start LEFT JOIN open o ON o.start = b.start
         ORDER BY b.start`,
        [
            from.toISOString(),
            to.toISOString(),
            openStart?.toISOString() ?? null,
            openHeight ?? 0,
            st.height,
            st.emitted.toString(),
            st.remaining.toString(),
            st.budgetPerBlock?.toString() ?? null,
            st.hourBucketHeight ?? openHeight ?? 0,
        ]
    )
    // carry cumulative / remaining / budget over empty buckets (window over the dense series, in JS order)
    let lastCum: bigint | null = null
    let lastRem: bigint | null = null
    let lastBudget: bigint | null = null
    return rows.map((r: any) => {
        if (r.cumulative != null) lastCum = big(r.cumulative)
        if (r.remaining != null) lastRem = big(r.remaining)
        if (r.budget != null) lastBudget = big(r.budget)
        return {
            start: toDate(r.start)!,
            end: toDate(r.end)!,
            partial: r.partial,
            blocks: r.blocks,
            settleCount: r.settles,
            payout: big(r.payout),
            treasury: big(r.treasury),
            emitted: big(r.emitted),
            cumulative: lastCum ?? 0n,
            remaining: lastRem ?? st.cap,
            budgetPerBlock: lastBudget,
        }
    })
}

// ------------------------------------------------------------------ projections

export interface Projection {
    method: 'CONSTANT_BUDGET' | 'DECAY' | 'OBSERVED_RATE'
    /** plancks per block the projection starts from */
    perBlock: bigint
    blockTimeMs: number
    exhausts: boolean
    blocksUntilExhausted: bigint | null
    exhaustionHeight: bigint | null
    exhaustionDate: Date | null
    /** emitted + what the schedule would still pay in total (capped at the allocation) */
    projectedTotal: bigint
    /** DECAY: decays applied before exhaustion (or until the budget rounds to 0) */
    decays: number
    nextDecayHeight: bigint | null
}

function ceilDiv(a: bigint, b: bigint): bigint {
    return (a + b - 1n) / b
}

function dateAfter(head: Date | null, blocks: bigint, blockTimeMs: number): Date | null {
    if (head == null) return null
    const ms = head.getTime() + Number(blocks) * blockTimeMs
    return Number.isFinite(ms) && ms <= MAX_DATE_MS ? new Date(ms) : null
}

export function constantProjection(
    method: 'CONSTANT_BUDGET' | 'OBSERVED_RATE',
    remaining: bigint,
    emitted: bigint,
    perBlock: bigint,
    height: number,
    head: Date | null,
    blockTimeMs: number
): Projection {
    if (perBlock <= 0n) {
        return {
            method,
            perBlock,
            blockTimeMs,
            exhausts: remaining <= 0n,
            blocksUntilExhausted: remaining <= 0n ? 0n : null,
            exhaustionHeight: remaining <= 0n ? BigInt(height) : null,
            exhaustionDate: remaining <= 0n ? head : null,
            projectedTotal: emitted,
            decays: 0,
            nextDecayHeight: null,
        }
    }
    const blocks = remaining <= 0n ? 0n : ceilDiv(remaining, perBlock)
    return {
        method,
        perBlock,
        blockTimeMs,
        exhausts: true,
        blocksUntilExhausted: blocks,
        exhaustionHeight: BigInt(height) + blocks,
        exhaustionDate: dateAfter(head, blocks, blockTimeMs),
        projectedTotal: emitted + (remaining > 0n ? remaining : 0n),
        decays: 0,
        nextDecayHeight: null,
    }
}

/**
 * The decaying schedule: `budget` per block until `nextDecay`, then ⌊budget·3^k/4^k⌋ per block during the
 * k-th period of `period` blocks. Exact in plancks.
 */
export function decayProjection(
    remaining: bigint,
    emitted: bigint,
    budget: bigint,
    height: number,
    nextDecay: bigint,
    period: bigint,
    head: Date | null,
    blockTimeMs: number
): Projection {
    const base = {method: 'DECAY' as const, perBlock: budget, blockTimeMs, nextDecayHeight: nextDecay}
    if (remaining <= 0n) {
        return {...base, exhausts: true, blocksUntilExhausted: 0n, exhaustionHeight: BigInt(height), exhaustionDate: head, projectedTotal: emitted, decays: 0}
    }
    let left = remaining
    let blocks = 0n
    let b = budget
    let seg = nextDecay - BigInt(height)
    if (seg < 1n) seg = 1n
    let k = 0
    let num = 1n
    let den = 1n
    for (;;) {
        if (b <= 0n) {
            return {
                ...base,
                exhausts: false,
                blocksUntilExhausted: null,
                exhaustionHeight: null,
                exhaustionDate: null,
                projectedTotal: emitted + (remaining - left),
                decays: k,
            }
        }
        const pay = b * seg
        if (pay >= left) {
            const n = ceilDiv(left, b)
            blocks += n
            return {
                ...base,
                exhausts: true,
                blocksUntilExhausted: blocks,
                exhaustionHeight: BigInt(height) + blocks,
                exhaustionDate: dateAfter(head, blocks, blockTimeMs),
                projectedTotal: emitted + remaining,
                decays: k,
            }
        }
        left -= pay
        blocks += seg
        k++
        num *= 3n
        den *= 4n
        b = (budget * num) / den
        seg = period
    }
}

/** the first decay height after `height`: anchor + k·period */
export function nextDecayHeight(anchor: number, period: number, height: number): bigint {
    const a = BigInt(anchor)
    const p = BigInt(period)
    const h = BigInt(height)
    if (h < a) return a
    return a + ((h - a) / p + 1n) * p
}

export async function projections(
    q: Query,
    st: EmissionState,
    halvingPeriodBlocks: number
): Promise<{projections: Projection[]; anchorHeight: number | null; observedPerBlock: bigint | null}> {
    const blockTimeMs = st.avgBlockTimeMs ?? DEFAULT_BLOCK_TIME_MS
    const [anchorRow, observed] = await Promise.all([
        one(
            q,
            `SELECT coalesce((SELECT max(block_height) FROM budget_change WHERE kind = 'SubsidyBudgetHalved'),
                             (SELECT min(block_height) FROM budget_change)) AS anchor`
        ),
        one(
            q,
            `SELECT emitted::text AS emitted, blocks FROM network_rollup
             WHERE period = 'Day' AND bucket_start >= $1 AND blocks > 0 ORDER BY bucket_start DESC LIMIT 1`,
            [FIRST_REAL_TIME]
        ),
    ])
    const out: Projection[] = []
    const budget = st.budgetPerBlock ?? 0n
    out.push(constantProjection('CONSTANT_BUDGET', st.remaining, st.emitted, budget, st.height, st.timestamp, blockTimeMs))
    const anchor: number | null = anchorRow?.anchor ?? null
    const next = nextDecayHeight(anchor ?? st.height, halvingPeriodBlocks, st.height)
    out.push(decayProjection(st.remaining, st.emitted, budget, st.height, next, BigInt(halvingPeriodBlocks), st.timestamp, blockTimeMs))
    let observedPerBlock: bigint | null = null
    if (observed && observed.blocks > 0) {
        observedPerBlock = big(observed.emitted) / BigInt(observed.blocks)
        out.push(constantProjection('OBSERVED_RATE', st.remaining, st.emitted, observedPerBlock, st.height, st.timestamp, blockTimeMs))
    }
    return {projections: out, anchorHeight: anchor, observedPerBlock}
}

// ------------------------------------------------------------------ several chains, one allocation

/** one chain's part of a combined projection: its budget schedule, counted from its own head */
export interface ChainSchedule {
    chain: string
    height: number
    /** the head's timestamp; null: unknown (counted from the latest known head of the others) */
    head: Date | null
    /** average block time of the chain, ms (rounded to a whole ms ≥ 1 for the combined schedule) */
    blockTimeMs: number
    /** plancks per block the schedule starts from */
    perBlock: bigint
    /** DECAY: the first decay height and the period (blocks); null: the budget stays constant */
    decay: {next: bigint; period: bigint} | null
}

export interface ChainProjection {
    chain: string
    perBlock: bigint
    /** the whole milliseconds per block the combined schedule counts with */
    blockTimeMs: number
    /** blocks this chain produces until the allocation is exhausted (null: never exhausted) */
    blocksUntilExhausted: bigint | null
    exhaustionHeight: bigint | null
    /** what this chain's schedule pays from its head until then (never exhausted: in total) */
    paid: bigint
    decays: number
    nextDecayHeight: bigint | null
}

export interface CombinedProjection {
    method: Projection['method']
    /** Σ of the chains' budgets per block at their heads */
    perBlock: bigint
    exhausts: boolean
    exhaustionDate: Date | null
    /** Σ emitted + what the schedules would still pay (at most the allocation) */
    projectedTotal: bigint
    chains: ChainProjection[]
}

/** a run of blocks at one budget; blocks null: forever */
interface Segment {
    blocks: bigint | null
    rate: bigint
}

/** the segments of a schedule, the same steps as decayProjection / constantProjection */
function scheduleSegments(s: ChainSchedule): Segment[] {
    if (s.decay == null) return [{blocks: null, rate: s.perBlock > 0n ? s.perBlock : 0n}]
    const out: Segment[] = []
    let seg = s.decay.next - BigInt(s.height)
    if (seg < 1n) seg = 1n
    let num = 1n
    let den = 1n
    let b = s.perBlock
    while (b > 0n) {
        out.push({blocks: seg, rate: b})
        num *= 3n
        den *= 4n
        b = (s.perBlock * num) / den
        seg = s.decay.period
    }
    return out
}

/** what the first `n` blocks of a schedule pay */
function segmentsPay(segs: Segment[], n: bigint): bigint {
    let left = n
    let pay = 0n
    for (const g of segs) {
        if (left <= 0n) break
        const k = g.blocks == null || g.blocks > left ? left : g.blocks
        pay += k * g.rate
        left -= k
    }
    return pay
}

/** what the schedule pays in total; null: without end */
function segmentsTotal(segs: Segment[]): bigint | null {
    let total = 0n
    for (const g of segs) {
        if (g.blocks == null) {
            if (g.rate > 0n) return null
        } else total += g.blocks * g.rate
    }
    return total
}

/** decays applied by the time `n` blocks are produced (the index of the segment block n falls in) */
function segmentsDecays(segs: Segment[], s: ChainSchedule, n: bigint): number {
    if (s.decay == null) return 0
    let end = 0n
    for (let i = 0; i < segs.length; i++) {
        end += segs[i].blocks!
        if (n <= end) return i
    }
    return segs.length
}

/**
 * When would the chains together exhaust what remains of the shared allocation? Each chain follows its own
 * schedule from its own head, producing a block every `blockTimeMs` (whole ms): by time t it has produced
 * ⌊(t − head) / blockTime⌋ blocks and paid what its schedule pays over them. The exhaustion time is the
 * first millisecond at which the chains together have paid `remaining` (exact in plancks: a binary search
 * over integer milliseconds of a monotone sum). With one chain this is exactly constantProjection /
 * decayProjection. When every schedule ends (decay rounds the budget to zero) before `remaining` is paid,
 * the allocation is never exhausted and `projectedTotal` says what would have been emitted in the end.
 */
export function combinedProjection(method: Projection['method'], remaining: bigint, emitted: bigint, chains: ChainSchedule[]): CombinedProjection {
    const known = chains.filter(c => c.head != null).map(c => BigInt(c.head!.getTime()))
    const latest = known.length ? known.reduce((a, b) => (b > a ? b : a)) : 0n
    const items = chains.map(c => {
        const segs = scheduleSegments(c)
        const ms = Math.max(1, Math.round(c.blockTimeMs))
        return {c, segs, total: segmentsTotal(segs), origin: c.head ? BigInt(c.head.getTime()) : latest, ms, step: BigInt(ms)}
    })
    const perBlock = chains.reduce((s, c) => s + (c.perBlock > 0n ? c.perBlock : 0n), 0n)
    const blocksAt = (it: (typeof items)[number], t: bigint) => (t <= it.origin ? 0n : (t - it.origin) / it.step)
    const paidBy = (t: bigint) => items.reduce((s, it) => s + segmentsPay(it.segs, blocksAt(it, t)), 0n)
    const toDate = (t: bigint): Date | null => (known.length && t <= BigInt(MAX_DATE_MS) ? new Date(Number(t)) : null)
    const out = (
        exhausts: boolean,
        date: Date | null,
        total: bigint,
        per: (it: (typeof items)[number]) => {blocks: bigint | null; paid: bigint; decays: number}
    ): CombinedProjection => ({
        method,
        perBlock,
        exhausts,
        exhaustionDate: date,
        projectedTotal: total,
        chains: items.map(it => {
            const p = per(it)
            return {
                chain: it.c.chain,
                perBlock: it.c.perBlock,
                blockTimeMs: it.ms,
                blocksUntilExhausted: p.blocks,
                exhaustionHeight: p.blocks == null ? null : BigInt(it.c.height) + p.blocks,
                paid: p.paid,
                decays: p.decays,
                nextDecayHeight: it.c.decay?.next ?? null,
            }
        }),
    })
    if (remaining <= 0n || items.length === 0) return out(remaining <= 0n, toDate(latest), emitted, () => ({blocks: 0n, paid: 0n, decays: 0}))
    if (items.every(it => it.total != null)) {
        const all = items.reduce((s, it) => s + it.total!, 0n)
        if (all < remaining) {
            return out(false, null, emitted + all, it => ({blocks: null, paid: it.total!, decays: it.c.decay ? it.segs.length : 0}))
        }
    }
    // paidBy(lo) < remaining ≤ paidBy(hi); every schedule that pays at all has paid in full (or enough) far enough out
    let lo = items.reduce((m, it) => (it.origin < m ? it.origin : m), latest)
    let span = 86_400_000n
    let hi = latest + span
    while (paidBy(hi) < remaining) {
        lo = hi
        span *= 2n
        hi = latest + span
    }
    while (hi - lo > 1n) {
        const mid = (lo + hi) / 2n
        if (paidBy(mid) >= remaining) hi = mid
        else lo = mid
    }
    return out(true, toDate(hi), emitted + remaining, it => {
        const n = blocksAt(it, hi)
        return {blocks: n, paid: segmentsPay(it.segs, n), decays: segmentsDecays(it.segs, it.c, n)}
    })
}
