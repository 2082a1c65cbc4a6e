/**
 * The rows of a closed bucket, in named steps: the bucket's sums (tally or database), the time each worker
 * spent in each state, the APR inputs, then the worker, pool, account and network rows.
 */
import {aprPerShare, plancksToFloat, poolApr, realizedApr} from '../domain/apr'
import {decimal, shareValue, sharePrice} from '../domain/pool-math'
import type {MiningState, RollupRows} from '../domain/state'
import {AccountRollup, NetworkRollup, PoolKind, PoolRollup, RollupPeriod, StakeMovementKind, WorkerRollup} from '../model'
import type {BucketSpec} from './bucket'
import {bucketId} from './bucket'
import {Query, readBucketSums} from './read'
import {stateKey} from '../domain/worker-state'
import type {BucketSums, WorkerStateChangeAt} from './sums'
import type {BucketTally} from './tally'

/**
 * The rows of a closed bucket. The ledger sums come from `tally` when it holds the whole bucket, else from
 * the database through `q` (the bucket's ledger rows must be written already).
 */
export async function closeBucket(q: Query, state: MiningState, b: BucketSpec, tally?: BucketTally): Promise<RollupRows> {
    const sums = await bucketSums(q, b, tally)
    const times = stateTimes(state, b, sums.changes)
    const apr = aprInputs(state, b)
    const workers = workerRows(state, b, sums, times)
    const pools = poolRows(state, b, sums, times, apr)
    const accounts = accountRows(state, b, sums, apr)
    const network = networkRow(state, b, sums, times, apr)
    if (b.period === RollupPeriod.Day) Object.assign(network, dayAtClose(state, workers, pools, accounts))
    return {workers, pools, accounts, network: [network]}
}

async function bucketSums(q: Query, b: BucketSpec, tally: BucketTally | undefined): Promise<BucketSums> {
    if (tally == null) return readBucketSums(q, b)
    if (tally.startHeight !== b.startHeight) {
        throw new Error(`rollup tally from #${tally.startHeight} does not cover the bucket from #${b.startHeight}`)
    }
    return tally.sums()
}

// ------------------------------------------------------------------ time in each state

interface StateTimesMs {
    ready: number
    idle: number
    unresponsive: number
    coolingDown: number
}

function zeroTimes(): StateTimesMs {
    return {ready: 0, idle: 0, unresponsive: 0, coolingDown: 0}
}

function credit(t: StateTimesMs, state: string | null, ms: number): void {
    if (ms <= 0) return
    const k = stateKey(state)
    if (k) t[k] += ms
}

function addTimes(into: StateTimesMs, t: StateTimesMs): void {
    into.ready += t.ready
    into.idle += t.idle
    into.unresponsive += t.unresponsive
    into.coolingDown += t.coolingDown
}

interface BucketTimes {
    /** workers whose state changed in the bucket: their times (the others spent it all in their state at close) */
    changed: Map<string, StateTimesMs>
    byPool: Map<string, StateTimesMs>
    network: StateTimesMs
}

/** the times of a worker whose state did not change in the bucket */
function timesThroughout(state: string | null | undefined, ms: number): StateTimesMs {
    const t = zeroTimes()
    credit(t, state ?? null, ms)
    return t
}

/** every worker's time in each state over the bucket (from its state changes, else its state throughout) */
function stateTimes(state: MiningState, b: BucketSpec, changes: WorkerStateChangeAt[]): BucketTimes {
    const byWorkerChanges = new Map<string, WorkerStateChangeAt[]>()
    for (const c of changes) {
        let l = byWorkerChanges.get(c.workerId)
        if (l == null) byWorkerChanges.set(c.workerId, (l = []))
        l.push(c)
    }
    const out: BucketTimes = {changed: new Map(), byPool: new Map(), network: zeroTimes()}
    const bucketMs = b.end - b.start
    for (const w of state.workers.values()) {
        const l = byWorkerChanges.get(w.id)
        let t: StateTimesMs | undefined
        if (l != null) {
            t = zeroTimes()
            let at = b.start
            let cur = l[0].from
            for (const c of l) {
                credit(t, cur, c.ts - at)
                at = c.ts
                cur = c.to
            }
            credit(t, cur, b.end - at)
            out.changed.set(w.id, t)
        } else if (w.state == null) {
            continue // not bound throughout: no time to count
        }
        if (t == null) credit(out.network, w.state ?? null, bucketMs)
        else addTimes(out.network, t)
        if (w.poolId) {
            let pt = out.byPool.get(w.poolId)
            if (pt == null) out.byPool.set(w.poolId, (pt = zeroTimes()))
            if (t == null) credit(pt, w.state ?? null, bucketMs)
            else addTimes(pt, t)
        }
    }
    return out
}

// ------------------------------------------------------------------ APR inputs

interface AprInputs {
    avgBlockTimeMs: number | null
    perShare: number | null
    byPool: Map<string, number | null>
}

function aprInputs(state: MiningState, b: BucketSpec): AprInputs {
    const n = state.network
    const avgBlockTimeMs =
        b.firstTimestamp != null && b.lastTimestamp != null && b.lastHeight > b.startHeight
            ? (b.lastTimestamp - b.firstTimestamp) / (b.lastHeight - b.startHeight)
            : (n.avgBlockTimeMs ?? null)
    const perShare = aprPerShare(n.budgetPerBlock == null ? null : plancksToFloat(n.budgetPerBlock), n.treasuryRatio ?? null, avgBlockTimeMs, n.idleShare)
    const byPool = new Map<string, number | null>()
    for (const p of state.pools.values()) byPool.set(p.id, poolApr(perShare, p.idleShare, p.commission, p.totalValue))
    return {avgBlockTimeMs, perShare, byPool}
}

/** the pool APR of the official formula at the current state (for BasePool.apr) */
export function currentPoolAprs(state: MiningState, avgBlockTimeMs: number | null): Map<string, number | null> {
    const n = state.network
    const perShare = aprPerShare(n.budgetPerBlock == null ? null : plancksToFloat(n.budgetPerBlock), n.treasuryRatio ?? null, avgBlockTimeMs, n.idleShare)
    const out = new Map<string, number | null>()
    for (const p of state.pools.values()) out.set(p.id, poolApr(perShare, p.idleShare, p.commission, p.totalValue))
    return out
}

// ------------------------------------------------------------------ rows

/** hourly: workers with payouts or state changes; daily: also every bound worker */
function workerRows(state: MiningState, b: BucketSpec, sums: BucketSums, times: BucketTimes): WorkerRollup[] {
    const dense = b.period === RollupPeriod.Day
    const bucketStart = new Date(b.start)
    const pays = new Map(sums.payByWorker.map(r => [r.workerId, r]))
    const rows: WorkerRollup[] = []
    for (const w of state.workers.values()) {
        const pay = pays.get(w.id)
        const changed = times.changed.get(w.id)
        const active = pay != null || changed != null
        if (!active && !(dense && w.state != null)) continue
        const t = changed ?? timesThroughout(w.state, b.end - b.start)
        const s = w.sessionId ? state.sessions.get(w.sessionId) : undefined
        const payout = pay?.amount ?? 0n
        rows.push({
            id: bucketId(w.id, b.period, b.start),
            period: b.period,
            bucketStart,
            workerId: w.id,
            sessionId: w.sessionId ?? null,
            poolId: w.poolId ?? null,
            payout,
            treasury: pay?.treasury ?? 0n,
            settleCount: pay?.n ?? 0,
            readyMs: t.ready,
            idleMs: t.idle,
            unresponsiveMs: t.unresponsive,
            coolingDownMs: t.coolingDown,
            stateAtClose: w.state ?? null,
            stakeAtClose: s?.stake ?? 0n,
            vAtClose: s?.v ?? 0n,
            shareAtClose: s?.share ?? 0,
            pInstantAtClose: s?.pInstant ?? null,
            apr: realizedApr(payout, s?.stake ?? 0n, b.end - b.start),
        } satisfies WorkerRollup)
    }
    return rows
}

/** hourly: pools with payouts, rewards or movements; daily: every pool */
function poolRows(state: MiningState, b: BucketSpec, sums: BucketSums, times: BucketTimes, apr: AprInputs): PoolRollup[] {
    const dense = b.period === RollupPeriod.Day
    const bucketStart = new Date(b.start)
    const pays = new Map(sums.payByPool.map(r => [r.poolId, r]))
    const rewards = new Map(sums.rewardByPool.map(r => [r.poolId, r]))
    const moves = new Map<string, {contributed: bigint; withdrawn: bigint}>()
    for (const r of sums.moveByPool) {
        let m = moves.get(r.id)
        if (m == null) moves.set(r.id, (m = {contributed: 0n, withdrawn: 0n}))
        if (r.kind === StakeMovementKind.Contribution) m.contributed += r.amount
        else if (r.kind === StakeMovementKind.Withdrawal) m.withdrawn += r.amount
    }
    const rows: PoolRollup[] = []
    for (const p of state.pools.values()) {
        const pay = pays.get(p.id)
        const rew = rewards.get(p.id)
        const mv = moves.get(p.id)
        const pt = times.byPool.get(p.id) ?? zeroTimes()
        const active = pay != null || rew != null || mv != null
        if (!active && !dense) continue
        rows.push({
            id: bucketId(p.id, b.period, b.start),
            period: b.period,
            bucketStart,
            poolId: p.id,
            payout: pay?.amount ?? 0n,
            treasury: pay?.treasury ?? 0n,
            settleCount: pay?.n ?? 0,
            toOwner: rew?.toOwner ?? 0n,
            toStakers: rew?.toStakers ?? 0n,
            dismissed: pay?.dismissed ?? 0n,
            credited: pay?.credited ?? 0n,
            paidToPool: pay?.paidToPool ?? 0n,
            contributed: mv?.contributed ?? 0n,
            withdrawn: mv?.withdrawn ?? 0n,
            readyMs: BigInt(pt.ready),
            idleMs: BigInt(pt.idle),
            unresponsiveMs: BigInt(pt.unresponsive),
            coolingDownMs: BigInt(pt.coolingDown),
            commissionAtClose: p.commission,
            totalValueAtClose: p.totalValue,
            totalSharesAtClose: p.totalShares,
            sharePriceAtClose: decimal(sharePrice(p.totalValue, p.totalShares)),
            freeValueAtClose: p.freeValue,
            releasingValueAtClose: p.releasingValue,
            withdrawingSharesAtClose: p.withdrawingShares,
            ownerRewardsAtClose: p.ownerRewards,
            workerCountAtClose: p.workerCount,
            idleWorkerCountAtClose: p.idleWorkerCount,
            idleShareAtClose: p.idleShare,
            delegatorCountAtClose: p.delegatorCount,
            apr: apr.byPool.get(p.id) ?? null,
            rewardedCount: pay?.rewarded ?? 0,
            firstPayoutAt: pay?.firstAt == null ? null : new Date(pay.firstAt),
            lastPayoutAt: pay?.lastAt == null ? null : new Date(pay.lastAt),
            ownerDust: rew?.ownerDust ?? 0n,
            commissionCount: rew?.commissionN ?? 0,
        } satisfies PoolRollup)
    }
    return rows
}

/** hourly: accounts with owner rewards or movements; daily: also every holder and every pool owner */
function accountRows(state: MiningState, b: BucketSpec, sums: BucketSums, apr: AprInputs): AccountRollup[] {
    const dense = b.period === RollupPeriod.Day
    const bucketStart = new Date(b.start)
    interface Activity {
        ownerRewards: bigint
        ownerRewardsWithdrawn: bigint
        contributed: bigint
        withdrawn: bigint
    }
    const activity = new Map<string, Activity>()
    const activityOf = (id: string): Activity => {
        let a = activity.get(id)
        if (a == null) activity.set(id, (a = {ownerRewards: 0n, ownerRewardsWithdrawn: 0n, contributed: 0n, withdrawn: 0n}))
        return a
    }
    for (const r of sums.rewardByOwner) activityOf(r.ownerId).ownerRewards += r.toOwner
    for (const r of sums.moveByAccount) {
        const a = activityOf(r.id)
        if (r.kind === StakeMovementKind.Contribution) a.contributed += r.amount
        else if (r.kind === StakeMovementKind.Withdrawal) a.withdrawn += r.amount
        else if (r.kind === StakeMovementKind.OwnerRewardsWithdrawn) a.ownerRewardsWithdrawn += r.amount
    }
    // hourly rows exist only for accounts active in the hour: only their holdings are needed
    const held = holdings(state, dense ? undefined : activity, apr)
    const owned = new Map<string, {count: number; value: bigint}>()
    for (const p of state.pools.values()) {
        let o = owned.get(p.ownerId)
        if (o == null) owned.set(p.ownerId, (o = {count: 0, value: 0n}))
        o.count++
        o.value += p.totalValue
    }
    const accountIds = new Set<string>(activity.keys())
    if (dense) {
        for (const id of held.keys()) accountIds.add(id)
        for (const id of owned.keys()) if (state.accounts.has(id)) accountIds.add(id)
    }
    const rows: AccountRollup[] = []
    for (const id of accountIds) {
        const a = activity.get(id)
        const h = held.get(id)
        const o = owned.get(id)
        rows.push({
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
        } satisfies AccountRollup)
    }
    return rows
}

interface Held {
    count: number
    value: bigint
    cost: bigint
    /** value-weighted pool APR: Σ value·apr / Σ value (values as floats) */
    aprWeight: number
    aprValue: number
}

/** each account's holdings at close (of the `wanted` accounts only, when given) */
function holdings(state: MiningState, wanted: Map<string, unknown> | undefined, apr: AprInputs): Map<string, Held> {
    const list = []
    for (const d of state.delegations.values()) if (wanted == null || wanted.has(d.accountId)) list.push(d)
    // float sums in a fixed order (by id): a restart reloads the state in another order
    list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    const held = new Map<string, Held>()
    for (const d of list) {
        if (d.shares + d.withdrawingShares <= 0n) continue
        const p = state.pools.get(d.poolId)
        if (p == null) continue
        let h = held.get(d.accountId)
        if (h == null) held.set(d.accountId, (h = {count: 0, value: 0n, cost: 0n, aprWeight: 0, aprValue: 0}))
        const value = shareValue(d.shares + d.withdrawingShares, p.totalValue, p.totalShares)
        h.count++
        h.value += value
        h.cost += d.costBasis
        const poolApr = apr.byPool.get(p.id)
        if (poolApr != null && value > 0n) {
            const v = plancksToFloat(value)
            h.aprWeight += v
            h.aprValue += v * poolApr
        }
    }
    return held
}

function networkRow(state: MiningState, b: BucketSpec, sums: BucketSums, times: BucketTimes, apr: AprInputs): NetworkRollup {
    const n = state.network
    const tot = sums.payTotals
    return {
        id: bucketId('network', b.period, b.start),
        period: b.period,
        bucketStart: new Date(b.start),
        blocks: b.endHeight - b.startHeight,
        firstHeight: b.startHeight,
        payout: tot.amount,
        treasury: tot.treasury,
        emitted: tot.credited + tot.treasury,
        credited: tot.credited,
        paidToPool: tot.paidToPool,
        dismissed: tot.dismissed,
        droppedPayout: tot.dropped,
        settleCount: tot.n,
        readyMs: BigInt(times.network.ready),
        idleMs: BigInt(times.network.idle),
        unresponsiveMs: BigInt(times.network.unresponsive),
        coolingDownMs: BigInt(times.network.coolingDown),
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
        avgBlockTimeMs: apr.avgBlockTimeMs,
        aprPerShare: apr.perShare,
        stakeAtClose: null,
        stakePoolValueAtClose: null,
        vaultValueAtClose: null,
        poolCountAtClose: null,
        averageAprAtClose: null,
        delegatorCountAtClose: null,
        delegationCountAtClose: null,
    } satisfies NetworkRollup
}

/**
 * The network at a day's close as networkStats(at) reports it, summed over that day's own rows (daily rows
 * are dense: every bound worker, every pool, every holder), so a past day is one row to read instead of
 * every worker's, pool's and account's row of the day.
 */
function dayAtClose(
    state: MiningState,
    workers: WorkerRollup[],
    pools: PoolRollup[],
    accounts: AccountRollup[]
): Pick<
    NetworkRollup,
    | 'stakeAtClose'
    | 'stakePoolValueAtClose'
    | 'vaultValueAtClose'
    | 'poolCountAtClose'
    | 'averageAprAtClose'
    | 'delegatorCountAtClose'
    | 'delegationCountAtClose'
> {
    let stake = 0n
    for (const w of workers) stake += w.stakeAtClose
    let spValue = 0n
    let vaultValue = 0n
    // value-weighted APR over stake pools with an APR, in pool-id order (a fixed order for the float sums)
    let weighted = 0
    let weight = 0n
    const byId = [...pools].sort((a, b) => (a.poolId < b.poolId ? -1 : a.poolId > b.poolId ? 1 : 0))
    for (const r of byId) {
        const vault = state.pools.get(r.poolId)?.kind === PoolKind.Vault
        if (vault) vaultValue += r.totalValueAtClose
        else {
            spValue += r.totalValueAtClose
            if (r.apr != null) {
                weighted += Number(r.totalValueAtClose) * r.apr
                weight += r.totalValueAtClose
            }
        }
    }
    let delegators = 0
    let delegations = 0
    for (const a of accounts) {
        if (a.delegationCountAtClose > 0) delegators++
        delegations += a.delegationCountAtClose
    }
    return {
        stakeAtClose: stake,
        stakePoolValueAtClose: spValue,
        vaultValueAtClose: vaultValue,
        poolCountAtClose: pools.length,
        averageAprAtClose: weight > 0n ? weighted / Number(weight) : null,
        delegatorCountAtClose: delegators,
        delegationCountAtClose: delegations,
    }
}
