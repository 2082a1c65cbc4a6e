/**
 * The sums of one bucket's ledger rows, added block by block as the ledger makes them: the same
 * BucketSums as the bucket's SQL reads (read.ts), which it replaces when it holds the whole bucket.
 */
import type {LedgerRows} from '../domain/state'
import type {BucketSums, MovementSum, OwnerRewardSum, PayTotals, PoolPay, PoolRewardSum, WorkerPay, WorkerStateChangeAt} from './sums'

interface ChangeInChain extends WorkerStateChangeAt {
    h: number
    i: number
}

export class BucketTally {
    private readonly payByWorker = new Map<string, WorkerPay>()
    private readonly payByPool = new Map<string, PoolPay>()
    private readonly payTotals: PayTotals = {amount: 0n, treasury: 0n, dismissed: 0n, dropped: 0n, credited: 0n, paidToPool: 0n, n: 0}
    private readonly rewardByPool = new Map<string, PoolRewardSum>()
    private readonly rewardByOwner = new Map<string, OwnerRewardSum>()
    private readonly moveByPool = new Map<string, MovementSum>()
    private readonly moveByAccount = new Map<string, MovementSum>()
    private readonly changes: ChangeInChain[] = []

    /** `startHeight`: the bucket's first block, whose rows must be the first added */
    constructor(readonly startHeight: number) {}

    add(rows: LedgerRows): void {
        for (const p of rows.payouts) {
            this.payTotals.credited += p.credited
            this.payTotals.paidToPool += p.paidToPool
            if (p.poolId != null && (p.credited > 0n || p.paidToPool > 0n)) {
                const o = this.poolPay(p.poolId)
                o.credited += p.credited
                o.paidToPool += p.paidToPool
            }
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
                if (w == null) this.payByWorker.set(p.workerId, (w = {workerId: p.workerId, amount: 0n, treasury: 0n, n: 0}))
                w.amount += p.amount
                w.treasury += p.treasury
                w.n++
            }
            if (p.poolId != null) {
                const pool = this.poolPay(p.poolId)
                pool.amount += p.amount
                pool.treasury += p.treasury
                pool.dismissed += p.dismissed
                pool.n++
                if (p.amount > 0n) pool.rewarded++
                const ts = p.timestamp.getTime()
                if (pool.firstAt == null || ts < pool.firstAt) pool.firstAt = ts
                if (pool.lastAt == null || ts > pool.lastAt) pool.lastAt = ts
            }
        }
        for (const r of rows.poolRewards) {
            let o = this.rewardByPool.get(r.poolId)
            if (o == null) this.rewardByPool.set(r.poolId, (o = {poolId: r.poolId, toOwner: 0n, toStakers: 0n, ownerDust: 0n, commissionN: 0}))
            o.toOwner += r.toOwner
            o.toStakers += r.toStakers
            o.ownerDust += r.ownerDismissed
            if (r.toOwner > 0n) o.commissionN++
            if (r.poolOwnerId != null) {
                let a = this.rewardByOwner.get(r.poolOwnerId)
                if (a == null) this.rewardByOwner.set(r.poolOwnerId, (a = {ownerId: r.poolOwnerId, toOwner: 0n}))
                a.toOwner += r.toOwner - r.ownerDismissed
            }
        }
        for (const m of rows.stakeMovements) {
            const key = `${m.poolId}\u0000${m.kind}`
            let o = this.moveByPool.get(key)
            if (o == null) this.moveByPool.set(key, (o = {id: m.poolId, kind: m.kind, amount: 0n}))
            o.amount += m.amount ?? 0n
            if (m.accountId != null) {
                const akey = `${m.accountId}\u0000${m.kind}`
                let a = this.moveByAccount.get(akey)
                if (a == null) this.moveByAccount.set(akey, (a = {id: m.accountId, kind: m.kind, amount: 0n}))
                a.amount += m.amount ?? 0n
            }
        }
        for (const c of rows.stateChanges) {
            if (c.workerId == null) continue
            this.changes.push({
                workerId: c.workerId,
                ts: c.timestamp.getTime(),
                from: c.fromState ?? null,
                to: c.toState ?? null,
                h: c.blockHeight,
                i: c.eventIndex,
            })
        }
    }

    private poolPay(poolId: string): PoolPay {
        let o = this.payByPool.get(poolId)
        if (o == null) {
            o = {poolId, amount: 0n, treasury: 0n, dismissed: 0n, credited: 0n, paidToPool: 0n, n: 0, rewarded: 0, firstAt: null, lastAt: null}
            this.payByPool.set(poolId, o)
        }
        return o
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
                p.credited += v.credited
                p.paidToPool += v.paidToPool
                p.n += v.n
                p.rewarded += v.rewarded
                if (v.firstAt != null && (p.firstAt == null || v.firstAt < p.firstAt)) p.firstAt = v.firstAt
                if (v.lastAt != null && (p.lastAt == null || v.lastAt > p.lastAt)) p.lastAt = v.lastAt
            }
        }
        const t = this.payTotals
        t.amount += o.payTotals.amount
        t.treasury += o.payTotals.treasury
        t.dismissed += o.payTotals.dismissed
        t.dropped += o.payTotals.dropped
        t.credited += o.payTotals.credited
        t.paidToPool += o.payTotals.paidToPool
        t.n += o.payTotals.n
        for (const [k, v] of o.rewardByPool) {
            const r = this.rewardByPool.get(k)
            if (r == null) this.rewardByPool.set(k, {...v})
            else {
                r.toOwner += v.toOwner
                r.toStakers += v.toStakers
                r.ownerDust += v.ownerDust
                r.commissionN += v.commissionN
            }
        }
        for (const [k, v] of o.rewardByOwner) {
            const r = this.rewardByOwner.get(k)
            if (r == null) this.rewardByOwner.set(k, {...v})
            else r.toOwner += v.toOwner
        }
        mergeMovements(this.moveByPool, o.moveByPool)
        mergeMovements(this.moveByAccount, o.moveByAccount)
        for (const c of o.changes) this.changes.push(c)
    }

    sums(): BucketSums {
        return {
            payByWorker: [...this.payByWorker.values()],
            payByPool: [...this.payByPool.values()],
            payTotals: this.payTotals,
            rewardByPool: [...this.rewardByPool.values()],
            rewardByOwner: [...this.rewardByOwner.values()],
            moveByPool: [...this.moveByPool.values()],
            moveByAccount: [...this.moveByAccount.values()],
            // chain order, as the SQL read's ORDER BY block_height, event_index (a stable sort)
            changes: [...this.changes].sort((a, b) => a.h - b.h || a.i - b.i),
        }
    }
}

function mergeMovements(into: Map<string, MovementSum>, from: Map<string, MovementSum>): void {
    for (const [k, v] of from) {
        const m = into.get(k)
        if (m == null) into.set(k, {...v})
        else m.amount += v.amount
    }
}
