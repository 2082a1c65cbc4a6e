/**
 * Hour / day rollups, computed when a bucket closes (the first block after it is being processed):
 * sums come from the ledger rows of the bucket, time spent in each state from the WorkerStateChange rows,
 * and "at close" values from the in-memory state, which at that moment is the state after the bucket's last
 * block. A closed bucket never changes, so each rollup row is inserted once.
 *
 * The ledger rows' sums are tallied in memory as the rows are made (`BucketTally`) when this process saw the
 * bucket open; otherwise (a restart or a state reload in the middle of a bucket) they are read back from the
 * database by block-height range. Both give the same numbers: nothing about open buckets lives only in
 * memory (a restart loses nothing).
 *
 * Hourly worker / pool / account rows exist only for entities with ledger activity in the hour (a missing
 * hour means: no payout, no movement, and the whole hour in the state of the previous row's close). Daily
 * rows are dense: every bound worker, every pool, every account holding shares or owning a pool.
 */
import {AccountRollup, NetworkRollup, PoolRollup, RollupPeriod, WorkerRollup, WorkerState} from '../model'
import {DAY_MS, HOUR_MS} from '../domain/constants'
import {shareValue, sharePrice} from '../domain/pool-math'
import type {LedgerRows, MiningState} from '../domain/state'
import {aprPerShare, plancksToFloat, poolApr, realizedApr} from '../domain/apr'

export type Query = (sql: string, params?: unknown[]) => Promise<any[]>

export interface BucketSpec {
    period: RollupPeriod
    /** bucket [start, end) in ms */
    start: number
    end: number
    /** heights of the bucket's blocks: [startHeight, endHeight) */
    startHeight: number
    endHeight: number
    /** timestamp of the first and last processed block in the bucket */
    firstTimestamp: number | null
    lastTimestamp: number | null
    /** height of the last processed block in the bucket */
    lastHeight: number
}

export interface RollupRows {
    workers: WorkerRollup[]
    pools: PoolRollup[]
    accounts: AccountRollup[]
    network: NetworkRollup[]
}

export function emptyRollupRows(): RollupRows {
    return {workers: [], pools: [], accounts: [], network: []}
}

export function hourStart(ts: number): number {
    return ts - (((ts % HOUR_MS) + HOUR_MS) % HOUR_MS)
}

export function dayStart(ts: number): number {
    return ts - (((ts % DAY_MS) + DAY_MS) % DAY_MS)
}

/** the id prefix of every ledger row of block `height` (ids are `<10-digit height>-<hash>-<index>`) */
export function heightKey(height: number): string {
    return String(height).padStart(10, '0')
}

/** time first: a close inserts its rows at the end of the primary key's index, not all over it */
export function bucketId(entity: string, period: RollupPeriod, start: number): string {
    return bucketPrefix(period, start) + entity
}

/** `<hour or day>-<period>-` of a bucket's ids (the ISO rendering cached: one per bucket, not per row) */
let lastPrefix = {period: '' as RollupPeriod | '', start: NaN, text: ''}
function bucketPrefix(period: RollupPeriod, start: number): string {
    if (lastPrefix.period !== period || lastPrefix.start !== start) {
        const iso = new Date(start).toISOString()
        lastPrefix = {period, start, text: `${period === RollupPeriod.Hour ? iso.slice(0, 13) : iso.slice(0, 10)}-${period}-`}
    }
    return lastPrefix.text
}

interface StateTimes {
    ready: number
    idle: number
    unresponsive: number
    coolingDown: number
}

function zeroTimes(): StateTimes {
    return {ready: 0, idle: 0, unresponsive: 0, coolingDown: 0}
}

function credit(t: StateTimes, state: string | null, ms: number): void {
    if (ms <= 0 || state == null) return
    switch (state) {
        case WorkerState.Ready:
            t.ready += ms
            break
        case WorkerState.WorkerIdle:
            t.idle += ms
            break
        case WorkerState.WorkerUnresponsive:
            t.unresponsive += ms
            break
        case WorkerState.WorkerCoolingDown:
            t.coolingDown += ms
            break
    }
}

const big = (x: unknown): bigint => (x == null ? 0n : BigInt(x as string))
const int = (x: unknown): number => (x == null ? 0 : Number(x))

async function sequential(queries: (() => Promise<any[]>)[]): Promise<any[][]> {
    const out: any[][] = []
    for (const q of queries) out.push(await q())
    return out
}

/**
 * The sums of one bucket's ledger rows, added block by block as the ledger makes them: the same results, in
 * the same shapes, as the bucket's SQL reads in `closeBucket` (which it replaces when it holds the whole bucket).
 */
export class BucketTally {
    private readonly payByWorker = new Map<string, {worker_id: string; amount: bigint; treasury: bigint; n: number}>()
    private readonly payByPool = new Map<string, {pool_id: string; amount: bigint; treasury: bigint; dismissed: bigint; n: number}>()
    private readonly payTotals = {amount: 0n, treasury: 0n, dismissed: 0n, dropped: 0n, n: 0}
    private readonly rewardByPool = new Map<string, {pool_id: string; to_owner: bigint; to_stakers: bigint}>()
    private readonly rewardByOwner = new Map<string, {pool_owner_id: string; to_owner: bigint}>()
    private readonly moveByPool = new Map<string, {pool_id: string; kind: string; amount: bigint}>()
    private readonly moveByAccount = new Map<string, {account_id: string; kind: string; amount: bigint}>()
    private readonly changes: {worker_id: string; timestamp: Date; from_state: string | null; to_state: string | null; h: number; i: number}[] = []

    /** `startHeight`: the bucket's first block, whose rows must be the first added */
    constructor(readonly startHeight: number) {}

    add(rows: LedgerRows): void {
        for (const p of rows.payouts) {
            if (p.dropped) {
                this.payTotals.dropped += p.amount
                continue
            }
            this.payTotals.amount += p.amount
            this.payTotals.treasury += p.treasury
            this.payTotals.dismissed += p.dismissed
            this.payTotals.n++
            if (p.workerId != null) {
                let w = this.payByWorker.get(p.workerId)
                if (w == null) this.payByWorker.set(p.workerId, (w = {worker_id: p.workerId, amount: 0n, treasury: 0n, n: 0}))
                w.amount += p.amount
                w.treasury += p.treasury
                w.n++
            }
            if (p.poolId != null) {
                let o = this.payByPool.get(p.poolId)
                if (o == null) this.payByPool.set(p.poolId, (o = {pool_id: p.poolId, amount: 0n, treasury: 0n, dismissed: 0n, n: 0}))
                o.amount += p.amount
                o.treasury += p.treasury
                o.dismissed += p.dismissed
                o.n++
            }
        }
        for (const r of rows.poolRewards) {
            let o = this.rewardByPool.get(r.poolId)
            if (o == null) this.rewardByPool.set(r.poolId, (o = {pool_id: r.poolId, to_owner: 0n, to_stakers: 0n}))
            o.to_owner += r.toOwner
            o.to_stakers += r.toStakers
            if (r.poolOwnerId != null) {
                let a = this.rewardByOwner.get(r.poolOwnerId)
                if (a == null) this.rewardByOwner.set(r.poolOwnerId, (a = {pool_owner_id: r.poolOwnerId, to_owner: 0n}))
                a.to_owner += r.toOwner - r.ownerDismissed
            }
        }
        for (const m of rows.stakeMovements) {
            const key = `${m.poolId}\u0000${m.kind}`
            let o = this.moveByPool.get(key)
            if (o == null) this.moveByPool.set(key, (o = {pool_id: m.poolId, kind: m.kind, amount: 0n}))
            o.amount += m.amount ?? 0n
            if (m.accountId != null) {
                const akey = `${m.accountId}\u0000${m.kind}`
                let a = this.moveByAccount.get(akey)
                if (a == null) this.moveByAccount.set(akey, (a = {account_id: m.accountId, kind: m.kind, amount: 0n}))
                a.amount += m.amount ?? 0n
            }
        }
        for (const c of rows.stateChanges) {
            if (c.workerId == null) continue
            this.changes.push({
                worker_id: c.workerId,
                timestamp: c.timestamp,
                from_state: c.fromState ?? null,
                to_state: c.toState ?? null,
                h: c.blockHeight,
                i: c.eventIndex,
            })
        }
    }

    /** add another tally's sums (an hour's, into its day's) */
    merge(o: BucketTally): void {
        for (const [k, v] of o.payByWorker) {
            const w = this.payByWorker.get(k)
            if (w == null) this.payByWorker.set(k, {...v})
            else {
                w.amount += v.amount
                w.treasury += v.treasury
                w.n += v.n
            }
        }
        for (const [k, v] of o.payByPool) {
            const p = this.payByPool.get(k)
            if (p == null) this.payByPool.set(k, {...v})
            else {
                p.amount += v.amount
                p.treasury += v.treasury
                p.dismissed += v.dismissed
                p.n += v.n
            }
        }
        const t = this.payTotals
        t.amount += o.payTotals.amount
        t.treasury += o.payTotals.treasury
        t.dismissed += o.payTotals.dismissed
        t.dropped += o.payTotals.dropped
        t.n += o.payTotals.n
        for (const [k, v] of o.rewardByPool) {
            const r = this.rewardByPool.get(k)
            if (r == null) this.rewardByPool.set(k, {...v})
            else {
                r.to_owner += v.to_owner
                r.to_stakers += v.to_stakers
            }
        }
        for (const [k, v] of o.rewardByOwner) {
            const r = this.rewardByOwner.get(k)
            if (r == null) this.rewardByOwner.set(k, {...v})
            else r.to_owner += v.to_owner
        }
        for (const [k, v] of o.moveByPool) {
            const m = this.moveByPool.get(k)
            if (m == null) this.moveByPool.set(k, {...v})
            else m.amount += v.amount
        }
        for (const [k, v] of o.moveByAccount) {
            const m = this.moveByAccount.get(k)
            if (m == null) this.moveByAccount.set(k, {...v})
            else m.amount += v.amount
        }
        for (const c of o.changes) this.changes.push(c)
    }

    /** the results of closeBucket's eight reads */
    results(): any[][] {
        return [
            [...this.payByWorker.values()],
            [...this.payByPool.values()],
            [this.payTotals],
            [...this.rewardByPool.values()],
            [...this.rewardByOwner.values()],
            [...this.moveByPool.values()],
            [...this.moveByAccount.values()],
            // chain order, as the SQL read's ORDER BY block_height, event_index (a stable sort)
            [...this.changes].sort((a, b) => a.h - b.h || a.i - b.i),
        ]
    }
}

/**
 * The rows of a closed bucket. The ledger sums come from `tally` when it holds the whole bucket, else from
 * the database through `q` (the bucket's ledger rows must be written already).
 */
export async function closeBucket(q: Query, state: MiningState, b: BucketSpec, tally?: BucketTally): Promise<RollupRows> {
    const dense = b.period === RollupPeriod.Day
    // ledger ids start with the zero-padded block height (the event id), so a height range is an id range
    // and the primary key serves it, whatever other indexes exist (src/store/deferred-indexes.ts)
    const range = [heightKey(b.startHeight), heightKey(b.endHeight)]
    const bucketMs = b.end - b.start
    const bucketStart = new Date(b.start)
    const n = state.network

    if (tally != null && tally.startHeight !== b.startHeight) {
        throw new Error(`rollup tally from #${tally.startHeight} does not cover the bucket from #${b.startHeight}`)
    }
    // one connection (the batch transaction): the queries run one after the other
    const [payByWorker, payByPool, payTotals, rewardByPool, rewardByOwner, moveByPool, moveByAccount, changes] = tally
        ? tally.results()
        : await sequential([
              () =>
                  q(
                      `SELECT worker_id, sum(amount)::text AS amount, sum(treasury)::text AS treasury, count(*)::int AS n
           FROM payout WHERE id >= $1 AND id < $2 AND NOT dropped AND worker_id IS NOT NULL GROUP BY worker_id`,
                      range
                  ),
              () =>
                  q(
                      `SELECT pool_id, sum(amount)::text AS amount, sum(treasury)::text AS treasury, sum(dismissed)::text AS dismissed, count(*)::int AS n
           FROM payout WHERE id >= $1 AND id < $2 AND NOT dropped AND pool_id IS NOT NULL GROUP BY pool_id`,
                      range
                  ),
              () =>
                  q(
                      `SELECT coalesce(sum(amount) FILTER (WHERE NOT dropped), 0)::text AS amount,
                  coalesce(sum(treasury) FILTER (WHERE NOT dropped), 0)::text AS treasury,
                  coalesce(sum(dismissed) FILTER (WHERE NOT dropped), 0)::text AS dismissed,
                  coalesce(sum(amount) FILTER (WHERE dropped), 0)::text AS dropped,
                  (count(*) FILTER (WHERE NOT dropped))::int AS n
           FROM payout WHERE id >= $1 AND id < $2`,
                      range
                  ),
              () =>
                  q(
                      `SELECT pool_id, sum(to_owner)::text AS to_owner, sum(to_stakers)::text AS to_stakers
           FROM pool_reward WHERE id >= $1 AND id < $2 GROUP BY pool_id`,
                      range
                  ),
              () =>
                  q(
                      `SELECT pool_owner_id, sum(to_owner - owner_dismissed)::text AS to_owner
           FROM pool_reward WHERE id >= $1 AND id < $2 AND pool_owner_id IS NOT NULL GROUP BY pool_owner_id`,
                      range
                  ),
              () =>
                  q(
                      `SELECT pool_id, kind, sum(amount)::text AS amount
           FROM stake_movement WHERE id >= $1 AND id < $2 GROUP BY pool_id, kind`,
                      range
                  ),
              () =>
                  q(
                      `SELECT account_id, kind, sum(amount)::text AS amount
           FROM stake_movement WHERE id >= $1 AND id < $2 AND account_id IS NOT NULL GROUP BY account_id, kind`,
                      range
                  ),
              () =>
                  q(
                      `SELECT worker_id, timestamp, from_state, to_state
           FROM worker_state_change WHERE id >= $1 AND id < $2 AND worker_id IS NOT NULL
           ORDER BY block_height, event_index`,
                      range
                  ),
          ])

    // ---- time in each state, per worker (all workers, for the pool / network sums)
    const changesByWorker = new Map<string, {ts: number; from: string | null; to: string | null}[]>()
    for (const r of changes) {
        let l = changesByWorker.get(r.worker_id)
        if (l == null) changesByWorker.set(r.worker_id, (l = []))
        l.push({ts: new Date(r.timestamp).getTime(), from: r.from_state, to: r.to_state})
    }
    const timesOf = (w: {id: string; state?: string | null}): StateTimes => {
        const l = changesByWorker.get(w.id)
        const t = zeroTimes()
        if (l == null) {
            credit(t, w.state ?? null, bucketMs)
        } else {
            let at = b.start
            let cur = l[0].from
            for (const c of l) {
                credit(t, cur, c.ts - at)
                at = c.ts
                cur = c.to
            }
            credit(t, cur, b.end - at)
        }
        return t
    }

    // ---- APR inputs
    const avgBlockTimeMs =
        b.firstTimestamp != null && b.lastTimestamp != null && b.lastHeight > b.startHeight
            ? (b.lastTimestamp - b.firstTimestamp) / (b.lastHeight - b.startHeight)
            : (n.avgBlockTimeMs ?? null)
    const perShare = aprPerShare(n.budgetPerBlock == null ? null : plancksToFloat(n.budgetPerBlock), n.treasuryRatio ?? null, avgBlockTimeMs, n.idleShare)
    const poolAprs = new Map<string, number | null>()
    for (const p of state.pools.values()) {
        poolAprs.set(p.id, poolApr(perShare, p.idleShare, p.commission, p.totalValue))
    }

    // ---- workers
    const workers: WorkerRollup[] = []
    const payW = new Map(payByWorker.map(r => [r.worker_id as string, r]))
    const poolTimes = new Map<string, StateTimes>()
    const netTimes = zeroTimes()
    for (const w of state.workers.values()) {
        const t = timesOf(w)
        netTimes.ready += t.ready
        netTimes.idle += t.idle
        netTimes.unresponsive += t.unresponsive
        netTimes.coolingDown += t.coolingDown
        if (w.poolId) {
            let pt = poolTimes.get(w.poolId)
            if (pt == null) poolTimes.set(w.poolId, (pt = zeroTimes()))
            pt.ready += t.ready
            pt.idle += t.idle
            pt.unresponsive += t.unresponsive
            pt.coolingDown += t.coolingDown
        }
        const pay = payW.get(w.id)
        const active = pay != null || changesByWorker.has(w.id)
        if (!active && !(dense && w.state != null)) continue
        const s = w.sessionId ? state.sessions.get(w.sessionId) : undefined
        const payout = big(pay?.amount)
        workers.push({
            id: bucketId(w.id, b.period, b.start),
            period: b.period,
            bucketStart,
            workerId: w.id,
            sessionId: w.sessionId ?? null,
            poolId: w.poolId ?? null,
            payout,
            treasury: big(pay?.treasury),
            settleCount: int(pay?.n),
            readyMs: t.ready,
            idleMs: t.idle,
            unresponsiveMs: t.unresponsive,
            coolingDownMs: t.coolingDown,
            stateAtClose: w.state ?? null,
            stakeAtClose: s?.stake ?? 0n,
            vAtClose: s?.v ?? 0n,
            shareAtClose: s?.share ?? 0,
            pInstantAtClose: s?.pInstant ?? null,
            apr: realizedApr(payout, s?.stake ?? 0n, bucketMs),
        } as WorkerRollup)
    }

    // ---- pools
    const pools: PoolRollup[] = []
    const payP = new Map(payByPool.map(r => [r.pool_id as string, r]))
    const rewP = new Map(rewardByPool.map(r => [r.pool_id as string, r]))
    const moveP = new Map<string, {contributed: bigint; withdrawn: bigint}>()
    for (const r of moveByPool) {
        let m = moveP.get(r.pool_id)
        if (m == null) moveP.set(r.pool_id, (m = {contributed: 0n, withdrawn: 0n}))
        if (r.kind === 'Contribution') m.contributed += big(r.amount)
        else if (r.kind === 'Withdrawal') m.withdrawn += big(r.amount)
    }
    for (const p of state.pools.values()) {
        const pay = payP.get(p.id)
        const rew = rewP.get(p.id)
        const mv = moveP.get(p.id)
        const pt = poolTimes.get(p.id) ?? zeroTimes()
        const active = pay != null || rew != null || moveP.has(p.id)
        if (!active && !dense) continue
        pools.push({
            id: bucketId(p.id, b.period, b.start),
            period: b.period,
            bucketStart,
            poolId: p.id,
            payout: big(pay?.amount),
            treasury: big(pay?.treasury),
            settleCount: int(pay?.n),
            toOwner: big(rew?.to_owner),
            toStakers: big(rew?.to_stakers),
            dismissed: big(pay?.dismissed),
            contributed: mv?.contributed ?? 0n,
            withdrawn: mv?.withdrawn ?? 0n,
            readyMs: BigInt(pt.ready),
            idleMs: BigInt(pt.idle),
            unresponsiveMs: BigInt(pt.unresponsive),
            coolingDownMs: BigInt(pt.coolingDown),
            commissionAtClose: p.commission,
            totalValueAtClose: p.totalValue,
            totalSharesAtClose: p.totalShares,
            sharePriceAtClose: sharePrice(p.totalValue, p.totalShares),
            freeValueAtClose: p.freeValue,
            releasingValueAtClose: p.releasingValue,
            withdrawingSharesAtClose: p.withdrawingShares,
            ownerRewardsAtClose: p.ownerRewards,
            workerCountAtClose: p.workerCount,
            idleWorkerCountAtClose: p.idleWorkerCount,
            idleShareAtClose: p.idleShare,
            delegatorCountAtClose: p.delegatorCount,
            apr: poolAprs.get(p.id) ?? null,
        } as any)
    }

    // ---- accounts
    interface Acc {
        ownerRewards: bigint
        ownerRewardsWithdrawn: bigint
        contributed: bigint
        withdrawn: bigint
        active: boolean
    }
    const acc = new Map<string, Acc>()
    const getAcc = (id: string): Acc => {
        let a = acc.get(id)
        if (a == null) acc.set(id, (a = {ownerRewards: 0n, ownerRewardsWithdrawn: 0n, contributed: 0n, withdrawn: 0n, active: false}))
        return a
    }
    for (const r of rewardByOwner) {
        const a = getAcc(r.pool_owner_id)
        a.ownerRewards += big(r.to_owner)
        a.active = true
    }
    for (const r of moveByAccount) {
        const a = getAcc(r.account_id)
        a.active = true
        if (r.kind === 'Contribution') a.contributed += big(r.amount)
        else if (r.kind === 'Withdrawal') a.withdrawn += big(r.amount)
        else if (r.kind === 'OwnerRewardsWithdrawn') a.ownerRewardsWithdrawn += big(r.amount)
    }
    interface Held {
        count: number
        value: bigint
        cost: bigint
        aprWeight: number
        aprValue: number
    }
    const held = new Map<string, Held>()
    // hourly rows exist only for accounts active in the hour: only their delegations are needed
    const wanted = dense ? undefined : acc
    const list: typeof state.delegations extends {values(): IterableIterator<infer D>} ? D[] : never = []
    for (const d of state.delegations.values()) if (wanted == null || wanted.has(d.accountId)) list.push(d)
    // float sums in a fixed order (by id): a restart reloads the state in another order
    const delegations = list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    for (const d of delegations) {
        if (d.shares + d.withdrawingShares <= 0n) continue
        const p = state.pools.get(d.poolId)
        if (p == null) continue
        let h = held.get(d.accountId)
        if (h == null) held.set(d.accountId, (h = {count: 0, value: 0n, cost: 0n, aprWeight: 0, aprValue: 0}))
        const value = shareValue(d.shares + d.withdrawingShares, p.totalValue, p.totalShares)
        h.count++
        h.value += value
        h.cost += d.costBasis
        const apr = poolAprs.get(p.id)
        if (apr != null && value > 0n) {
            const v = plancksToFloat(value)
            h.aprWeight += v
            h.aprValue += v * apr
        }
    }
    const owned = new Map<string, {count: number; value: bigint}>()
    for (const p of state.pools.values()) {
        let o = owned.get(p.ownerId)
        if (o == null) owned.set(p.ownerId, (o = {count: 0, value: 0n}))
        o.count++
        o.value += p.totalValue
    }
    const accountIds = new Set<string>(acc.keys())
    if (dense) {
        for (const id of held.keys()) accountIds.add(id)
        for (const id of owned.keys()) if (state.accounts.has(id)) accountIds.add(id)
    }
    const accounts: AccountRollup[] = []
    for (const id of accountIds) {
        const a = acc.get(id)
        const h = held.get(id)
        const o = owned.get(id)
        accounts.push({
            id: bucketId(id, b.period, b.start),
            period: b.period,
            bucketStart,
            accountId: id,
            ownerRewards: a?.ownerRewards ?? 0n,
            ownerRewardsWithdrawn: a?.ownerRewardsWithdrawn ?? 0n,
            ownedPoolCount: o?.count ?? 0,
            ownedPoolValueAtClose: o?.value ?? 0n,
            contributed: a?.contributed ?? 0n,
            withdrawn: a?.withdrawn ?? 0n,
            delegationCountAtClose: h?.count ?? 0,
            delegatedValueAtClose: h?.value ?? 0n,
            costBasisAtClose: h?.cost ?? 0n,
            apr: h && h.aprWeight > 0 ? h.aprValue / h.aprWeight : null,
        } as AccountRollup)
    }

    // ---- network
    const tot = payTotals[0] ?? {}
    const payout = big(tot.amount)
    const treasury = big(tot.treasury)
    const network: NetworkRollup[] = [
        {
            id: bucketId('network', b.period, b.start),
            period: b.period,
            bucketStart,
            blocks: b.endHeight - b.startHeight,
            firstHeight: b.startHeight,
            payout,
            treasury,
            emitted: payout + treasury,
            dismissed: big(tot.dismissed),
            droppedPayout: big(tot.dropped),
            settleCount: int(tot.n),
            readyMs: BigInt(netTimes.ready),
            idleMs: BigInt(netTimes.idle),
            unresponsiveMs: BigInt(netTimes.unresponsive),
            coolingDownMs: BigInt(netTimes.coolingDown),
            emittedCumulative: n.emittedTotal,
            emissionRemaining: n.emissionRemaining,
            budgetPerBlockAtClose: n.budgetPerBlock ?? null,
            treasuryRatioAtClose: n.treasuryRatio ?? null,
            idleShareAtClose: n.idleShare,
            workerCountAtClose: n.workerCount,
            idleCountAtClose: n.idleCount,
            unresponsiveCountAtClose: n.unresponsiveCount,
            coolingDownCountAtClose: n.coolingDownCount,
            readyCountAtClose: n.readyCount,
            avgBlockTimeMs,
            aprPerShare: perShare,
        } as NetworkRollup,
    ]
    return {workers, pools, accounts, network}
}

/** the pool APR of the official formula at the current state (for BasePool.apr) */
export function currentPoolAprs(state: MiningState, avgBlockTimeMs: number | null): Map<string, number | null> {
    const n = state.network
    const perShare = aprPerShare(n.budgetPerBlock == null ? null : plancksToFloat(n.budgetPerBlock), n.treasuryRatio ?? null, avgBlockTimeMs, n.idleShare)
    const out = new Map<string, number | null>()
    for (const p of state.pools.values()) out.set(p.id, poolApr(perShare, p.idleShare, p.commission, p.totalValue))
    return out
}
