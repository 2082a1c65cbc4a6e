/**
 * The stable JSON of /api/v1: each answer is assembled from GraphQL operations run in-process through the
 * server's own Apollo (the resolvers of /graphql over src/queries/), so every figure is the GraphQL one, to
 * the planck. Amounts are plancks as decimal strings, each with its exact PHA rendering (`…Pha`, 12 decimals).
 * The shapes are documented in docs/embed.md; fields are only ever added.
 */
import {parseAccount, parseWorker, toSs58} from '../queries/address'
import {parsePool} from '../queries/params'
import {pha} from '../queries/pha'
import {EmbedError, GraphqlExec, gql, parsed} from './http'

const DAY_MS = 86_400_000

export interface Head {
    height: number
    timestamp: string
}

/** the indexed head: its height and block time (windows "last 24 h" end there) */
export async function head(exec: GraphqlExec): Promise<Head> {
    const d = await gql(exec, `{ networkStateById(id: "network") { height timestamp } }`)
    const s = d.networkStateById
    if (!s?.timestamp) throw new EmbedError(503, 'nothing is indexed yet')
    return {height: s.height, timestamp: new Date(s.timestamp).toISOString()}
}

/** [head − ms, just after the head block]: the range of a rolling window, as GraphQL `from` / `to` */
export function windowRange(h: Head, ms: number): {from: string; to: string} {
    const t = Date.parse(h.timestamp)
    return {from: new Date(t - ms).toISOString(), to: new Date(t + 1).toISOString()}
}

/** the UTC days [head day − (days − 1), head day + 1) as dates */
export function dayRange(h: Head, days: number): {from: string; to: string} {
    const day = Math.floor(Date.parse(h.timestamp) / DAY_MS) * DAY_MS
    return {from: new Date(day - (days - 1) * DAY_MS).toISOString().slice(0, 10), to: new Date(day + DAY_MS).toISOString().slice(0, 10)}
}

export const WINDOWS: [string, number][] = [
    ['24h', DAY_MS],
    ['7d', 7 * DAY_MS],
    ['30d', 30 * DAY_MS],
]

export async function workerStats(exec: GraphqlExec, idIn: string): Promise<any> {
    const id = parsed(() => parseWorker('worker', idIn))
    const h = await head(exec)
    const days = dayRange(h, 30)
    const wins = WINDOWS.map(([name, ms]) => ({name, ...windowRange(h, ms)}))
    const audits = wins
        .map((w, i) => `w${i}: payoutAudit(worker: $id, from: "${w.from}", to: "${w.to}", limit: 0) { total { count amount amountPha treasury } }`)
        .join('\n')
    const d = await gql(
        exec,
        `query ($id: String!) {
            workerById(id: $id) { id state stateSince poolId sessionId stake v totalPayout totalTreasury settleCount registeredAt lastSettledAt }
            workerTimeline(worker: $id, from: "${days.from}", to: "${days.to}", granularity: DAY) {
                uptimePercent times { idleMs unresponsiveMs readyMs coolingDownMs }
                payoutsPerDay { day amount amountPha settleCount } totalPayout totalPayoutPha
                vSeries { timestamp v }
            }
            ${audits}
        }`,
        {id}
    )
    const w = d.workerById
    if (!w) throw new EmbedError(404, `worker: no worker ${id} is known to the indexer`, 'worker')
    const tl = d.workerTimeline
    const lastV = tl.vSeries.length ? tl.vSeries[tl.vSeries.length - 1] : null
    const session = w.sessionId
        ? (await gql(exec, `query ($s: String!) { sessionById(id: $s) { vFloat pInstant share } }`, {s: w.sessionId})).sessionById
        : null
    return {
        head: h,
        worker: id,
        workerSs58: toSs58(id),
        state: w.state ?? null,
        stateSince: w.stateSince,
        poolId: w.poolId,
        sessionId: w.sessionId,
        stake: w.stake,
        stakePha: pha(w.stake),
        v: session ? session.vFloat : (lastV?.v ?? null),
        pInstant: session ? session.pInstant : null,
        share: session ? session.share : null,
        totalPayout: w.totalPayout,
        totalPayoutPha: pha(w.totalPayout),
        settleCount: w.settleCount,
        registeredAt: w.registeredAt,
        lastSettledAt: w.lastSettledAt,
        uptime: {from: days.from, to: days.to, percent: tl.uptimePercent, ...tl.times},
        payouts: Object.fromEntries(wins.map((win, i) => [win.name, {from: win.from, to: win.to, ...d[`w${i}`].total}])),
        daily: {from: days.from, to: days.to, days: tl.payoutsPerDay, total: tl.totalPayout, totalPha: tl.totalPayoutPha},
    }
}

const LEADERBOARD_FIELDS = `rank pid kind ownerId commissionPermill commissionPercent apr totalValue totalValuePha totalShares freeValue
    delegatorCount workerCount idleWorkers unresponsiveWorkers readyWorkers coolingDownWorkers rewards rewardsPha settleCount`

export async function poolStats(exec: GraphqlExec, pidIn: string): Promise<any> {
    const pid = parsed(() => parsePool('pid', pidIn))
    const d = await gql(
        exec,
        `query ($pid: String!) {
            basePoolById(id: $pid) { id pid kind ownerId commission totalValue totalShares delegatorCount workerCount idleWorkerCount apr createdAt }
            poolLeaderboard(orderBy: APR, window: DAY, limit: 1000) { height at windowStart aprPerShare entries { ${LEADERBOARD_FIELDS} } }
        }`,
        {pid}
    )
    const p = d.basePoolById
    if (!p) throw new EmbedError(404, `pid: no pool with pid ${pid} is known to the indexer`, 'pid')
    const lb = d.poolLeaderboard
    const e = lb.entries.find((x: any) => x.pid === pid)
    return {
        head: {height: lb.height, timestamp: lb.at},
        pid,
        kind: p.kind,
        owner: p.ownerId,
        ownerSs58: toSs58(p.ownerId),
        createdAt: p.createdAt,
        // from the leaderboard (APR, workers by state, rewards over the last 24 h) when the pool is among
        // its first 1000 by APR; otherwise from the pool's own row (apr: null)
        rank: e?.rank ?? null,
        apr: e ? e.apr : null,
        aprPercent: e?.apr == null ? null : e.apr * 100,
        commissionPermill: p.commission,
        commissionPercent: p.commission / 10_000,
        totalValue: p.totalValue,
        totalValuePha: pha(p.totalValue),
        totalShares: p.totalShares,
        workers: e ? e.workerCount : p.workerCount,
        idleWorkers: e ? e.idleWorkers : p.idleWorkerCount,
        delegators: e ? e.delegatorCount : p.delegatorCount,
        rewards24h: e ? e.rewards : null,
        rewards24hPha: e ? e.rewardsPha : null,
        rewardsWindowStart: lb.windowStart,
    }
}

export async function topPools(exec: GraphqlExec, limit: number, orderBy: string): Promise<any> {
    if (!['APR', 'TOTAL_VALUE', 'REWARDS', 'WORKERS'].includes(orderBy)) {
        throw new EmbedError(400, `orderBy: one of APR, TOTAL_VALUE, REWARDS, WORKERS, got ${JSON.stringify(orderBy)}`, 'orderBy')
    }
    const d = await gql(
        exec,
        `{ poolLeaderboard(orderBy: ${orderBy}, window: DAY, limit: ${limit}) { height at windowStart entries { ${LEADERBOARD_FIELDS} } } }`
    )
    const lb = d.poolLeaderboard
    return {head: {height: lb.height, timestamp: lb.at}, orderBy, windowStart: lb.windowStart, pools: lb.entries}
}

export type SubjectKind = 'account' | 'worker' | 'pool'

export function parseSubjectId(kind: SubjectKind, input: string): string {
    return parsed(() => (kind === 'account' ? parseAccount('account', input) : kind === 'worker' ? parseWorker('worker', input) : parsePool('pool', input)))
}

export const AUDIT_FIELDS = `subjectKind subject subjectSs58 pools from to granularity count hasMore
    total { count rewardedCount droppedCount amount amountPha treasury treasuryPha toOwner toOwnerPha toStakers toStakersPha dismissed firstAt lastAt }
    buckets { start end count amount amountPha treasury cumulative cumulativePha }
    payouts { id blockHeight timestamp sessionId workerId poolId amount amountPha treasury treasuryPha toOwner toStakers dismissed dropped v }
    reconciliation { ok differences
        checks { name description scope ledger recorded difference ok }
        invariant { checked matched mismatched unpaired rowMismatched amount toOwner toStakers dismissed failedPayoutIds } }`

export interface AuditParams {
    from?: string
    to?: string
    limit: number
    offset: number
}

/** payoutAudit of an account, worker or pool over [from, to) (default: the last 30 UTC days to the head) */
export async function payoutAudit(exec: GraphqlExec, kind: SubjectKind, idIn: string, p: AuditParams): Promise<any> {
    const id = parseSubjectId(kind, idIn)
    const h = await head(exec)
    const dflt = dayRange(h, 30)
    const from = p.from ?? dflt.from
    const to = p.to ?? dflt.to
    const d = await gql(
        exec,
        `query ($id: String!, $from: String!, $to: String!, $limit: Int!, $offset: Int!) {
            payoutAudit(${kind}: $id, from: $from, to: $to, granularity: DAY, limit: $limit, offset: $offset) { ${AUDIT_FIELDS} }
        }`,
        {id, from, to, limit: p.limit, offset: p.offset}
    )
    const a = d.payoutAudit
    const csv = `/export/payouts.csv?${new URLSearchParams({[kind]: kind === 'pool' ? id : toSs58(id), from, to}).toString()}`
    return {head: h, limit: p.limit, offset: p.offset, ...a, csv}
}

const EMISSION_FIELDS = `chain height at allocation allocationPha emitted emittedPha emittedPayout emittedTreasury allocationEmittedPercent
    remaining remainingPha budgetPerBlock budgetPerBlockPha treasuryRatio avgBlockTimeMs halvings budgetUpdates halvingPeriodBlocks
    budgetHistory { kind blockHeight timestamp budgetPerBlock budgetPerBlockPha previousBudgetPerBlock }
    series { start end partial blocks emitted emittedPha cumulative remaining }
    projections { method perBlock perBlockPha blockTimeMs exhausts blocksUntilExhausted exhaustionHeight exhaustionDate projectedTotal projectedTotalPha
        allocationProjectedPercent decays nextDecayHeight }`

export async function emission(exec: GraphqlExec): Promise<any> {
    const d = await gql(exec, `{ emission(granularity: DAY) { ${EMISSION_FIELDS} } }`)
    const e = d.emission
    return {head: {height: e.height, timestamp: e.at}, ...e}
}

const NETWORK_FIELDS = `source asOf poolsAsOf height workers { total ready idle unresponsive coolingDown unbound } idleShare
    budgetPerBlock budgetPerBlockPha treasuryRatio avgBlockTimeMs aprPerShare averageApr totalStake totalStakePha totalValue totalValuePha
    vaultValue pools delegators delegations emitted emittedPha allocationEmittedPercent emissionRemaining`

/**
 * networkStats now, and at `points` earlier times `step` apart (from the rollups; times before the indexed
 * history are left out)
 */
export async function network(exec: GraphqlExec, points: number, step: 'hour' | 'day'): Promise<any> {
    const h = await head(exec)
    const stepMs = step === 'hour' ? 3_600_000 : DAY_MS
    const end = Math.floor(Date.parse(h.timestamp) / stepMs) * stepMs
    const times = Array.from({length: points}, (_, i) => new Date(end - (points - 1 - i) * stepMs).toISOString())
    const now = await gql(exec, `{ networkStats { ${NETWORK_FIELDS} } }`)
    const history: any[] = []
    // at most 9 root fields an operation (GQL_MAX_ROOT_FIELDS is 10 by default)
    for (let i = 0; i < times.length; i += 9) {
        const chunk = times.slice(i, i + 9)
        const r = await exec(`{ ${chunk.map((t, j) => `p${j}: networkStats(at: "${t}") { ${NETWORK_FIELDS} }`).join('\n')} }`)
        const missing = (r.errors ?? []).filter((e: any) => e.extensions?.code !== 'BAD_USER_INPUT')
        if (missing.length) throw new EmbedError(500, 'internal error while reading the network history (logged on the server)')
        chunk.forEach((t, j) => {
            const s = r.data?.[`p${j}`]
            if (s) history.push({at: t, ...s})
        })
    }
    return {head: h, step, now: now.networkStats, history}
}

export async function recentPayouts(exec: GraphqlExec, limit: number): Promise<any> {
    const h = await head(exec)
    const d = await gql(
        exec,
        `query ($limit: Int!) { payouts(orderBy: [blockHeight_DESC, eventIndex_DESC], limit: $limit, where: {dropped_eq: false}) {
            id blockHeight timestamp workerId poolId amount treasury } }`,
        {limit}
    )
    return {head: h, payouts: d.payouts.map((p: any) => ({...p, amountPha: pha(p.amount), treasuryPha: pha(p.treasury)}))}
}

/** what `q` names: a pool (digits), a known worker, or an account (any other valid address) */
export async function search(exec: GraphqlExec, q: string): Promise<any> {
    const s = q.trim()
    if (s === '') throw new EmbedError(400, 'q: enter an account, a worker key or a pool id', 'q')
    if (/^\d{1,20}$/.test(s)) {
        const pid = parseSubjectId('pool', s)
        const d = await gql(exec, `query ($pid: String!) { basePoolById(id: $pid) { id } }`, {pid})
        if (!d.basePoolById) throw new EmbedError(404, `q: no pool with pid ${pid} is known to the indexer`, 'q')
        return {kind: 'pool', id: pid, page: `/audit/pool/${pid}`, audit: `/audit/pool/${pid}`}
    }
    const id = parsed(() => parseAccount('q', s))
    const d = await gql(exec, `query ($id: String!) { workerById(id: $id) { id } accountById(id: $id) { id } }`, {id})
    if (d.workerById) return {kind: 'worker', id, page: `/audit/worker/${id}`, audit: `/audit/worker/${id}`}
    if (d.accountById) return {kind: 'account', id: toSs58(id), page: `/audit/account/${toSs58(id)}`, audit: `/audit/account/${toSs58(id)}`}
    throw new EmbedError(404, `q: no account or worker ${s} is known to the indexer`, 'q')
}
