/**
 * The v1 stakers' reward book (v1-stakers.ts) kept in the ledger's state: V1PoolAccumulator and V1Staker
 * entities, a V1StakerDay row per delegator whose rewards moved during a UTC day, and the carry-over into
 * v2 at the pool migration.
 *
 * Cost: a reward to a pool changes one row (its accumulator) however many stakers it has; a staker's own
 * row changes on its contributions, withdrawals and claims; at a day's end each staker of a pool rewarded
 * that day gets one V1StakerDay row (cumulative accrued / claimed / pending) and its V1Staker row refreshed.
 */
import {PoolKind, V1PoolAccumulator, V1Staker, V1StakerDay} from '../../model'
import {balanceMul, balanceToFixed, fixedDiv} from '../balance'
import type {MiningState} from '../state'
import type {LedgerContext} from './context'
import {stakerKey, V1BookStore, V1StakerBook} from './v1-stakers'

/** the book over the state's entity maps, with a pid → stakers index rebuilt on load */
export class EntityV1Store implements V1BookStore<V1PoolAccumulator, V1Staker> {
    private readonly byPool = new Map<string, V1Staker[]>()

    constructor(private readonly state: MiningState) {
        for (const s of state.v1Stakers.values()) this.index(s)
    }

    private index(s: V1Staker): void {
        let list = this.byPool.get(s.poolId)
        if (!list) this.byPool.set(s.poolId, (list = []))
        list.push(s)
    }

    getPool(pid: string): V1PoolAccumulator | undefined {
        return this.state.v1Pools.get(pid)
    }

    newPool(pid: string): V1PoolAccumulator {
        return this.state.v1Pools.add(new V1PoolAccumulator({id: pid, rewardAccBits: 0n, totalShares: 0n, distributions: 0, distributed: 0n}))
    }

    getStaker(pid: string, account: string): V1Staker | undefined {
        return this.state.v1Stakers.get(stakerKey(pid, account))
    }

    newStaker(pid: string, account: string): V1Staker {
        const s = this.state.v1Stakers.add(
            new V1Staker({
                id: stakerKey(pid, account),
                poolId: pid,
                accountId: account,
                shares: 0n,
                availableRewards: 0n,
                rewardDebt: 0n,
                claimed: 0n,
                pending: 0n,
                accrued: 0n,
                updatedAt: null,
                migratedAtHeight: null,
                pendingAtUpgrade: null,
                sharesAtUpgrade: null,
                v2ValueAtUpgrade: null,
            })
        )
        this.index(s)
        return s
    }

    poolStakers(pid: string): Iterable<V1Staker> {
        return this.byPool.get(pid) ?? []
    }

    touchPool(p: V1PoolAccumulator): void {
        this.state.v1Pools.touch(p)
    }

    touchStaker(s: V1Staker): void {
        this.state.v1Stakers.touch(s)
    }
}

export type LedgerV1Book = V1StakerBook<V1PoolAccumulator, V1Staker>

export function newV1Book(state: MiningState): LedgerV1Book {
    // the v1 era runs balance_convert.rs as of 0005a36c3 (U64F64 conversions)
    const book = new V1StakerBook(new EntityV1Store(state), 'u64f64')
    // loaded in the middle of a v1 day: which stakers moved earlier that day is not stored, so every staker
    // gets a row at that day's end (a row that repeats the previous one is harmless: the values are cumulative)
    if (state.network.poolMigrationHeight == null) {
        for (const s of state.v1Stakers.values()) if (s.migratedAtHeight == null) book.markDirty(s)
    }
    return book
}

const isV1 = (kind: PoolKind): boolean => kind === PoolKind.StakePoolV1

/** the staker's derived columns as of now */
function refresh(cx: LedgerContext, s: V1Staker): void {
    s.pending = cx.v1Book.pending(s)
    s.accrued = s.claimed + s.pending
    s.updatedAt = cx.blockTime
}

export function v1Contribution(cx: LedgerContext, kind: PoolKind, pid: string, account: string, shares: bigint): void {
    if (!isV1(kind)) return
    refresh(cx, cx.v1Book.contribute(pid, account, shares))
}

export function v1Withdrawal(cx: LedgerContext, kind: PoolKind, pid: string, account: string, shares: bigint): void {
    if (!isV1(kind)) return
    refresh(cx, cx.v1Book.withdraw(pid, account, shares))
}

export function v1Reward(cx: LedgerContext, kind: PoolKind, pid: string, toStakers: bigint): void {
    if (!isV1(kind)) return
    cx.v1Book.reward(pid, toStakers)
}

/**
 * A v1 claim (StakerRewardsWithdrawn, or RewardsWithdrawn which the decoder names so): the owner's
 * `claim_rewards` also pays its commission; anyone else's claim must be exactly its staker rewards.
 */
export function v1Claim(cx: LedgerContext, eventId: string, pid: string, account: string, amount: bigint, isOwner: boolean): void {
    try {
        cx.v1Book.claim(pid, account, amount, isOwner)
    } catch (e) {
        cx.anomaly(eventId, `StakerRewardsWithdrawn: ${e instanceof Error ? e.message : String(e)}`)
        return
    }
    const s = cx.v1Book.store.getStaker(pid, account)
    if (s) refresh(cx, s)
}

/** UTC date of a block time */
export function utcDate(t: Date): string {
    return t.toISOString().slice(0, 10)
}

/** the end of UTC day `date` (its last block `height`): a day row for every staker whose rewards moved */
export function closeV1Day(cx: LedgerContext, date: string, height: number, at: Date): void {
    for (const s of cx.v1Book.takeDirty()) {
        s.pending = cx.v1Book.pending(s)
        s.accrued = s.claimed + s.pending
        s.updatedAt = at
        cx.state.v1Stakers.touch(s)
        cx.rows.v1StakerDays.push(
            new V1StakerDay({
                id: `${s.id}-${date}`,
                poolId: s.poolId,
                accountId: s.accountId,
                date,
                blockHeight: height,
                accrued: s.accrued,
                claimed: s.claimed,
                pending: s.pending,
            })
        )
    }
}

/**
 * The v1→v2 migration of pool `pid` (stake_pool_v2.rs `migrate_pool_stakers`, Dec 2022): each staker's
 * pending rewards went into the pool's value; its NFT holds its shares less those of its queued withdrawal
 * (which became a withdrawal NFT of the pallet); its v2 value right after is base_pool.rs
 * `bmul(shares, share_price)` of the migrated pool. Returns Σ pending (what the pool's value grew by).
 */
export function migrateV1Stakers(cx: LedgerContext, pid: string, totalValue: bigint, totalShares: bigint): bigint {
    const price = fixedDiv(balanceToFixed(totalValue), balanceToFixed(totalShares))
    let sum = 0n
    for (const s of cx.v1Book.store.poolStakers(pid)) {
        const pending = cx.v1Book.pending(s)
        sum += pending
        const shares = s.shares
        s.pending = pending
        s.accrued = s.claimed + pending
        s.migratedAtHeight = cx.mustBlock().height
        s.pendingAtUpgrade = pending
        s.sharesAtUpgrade = shares
        s.v2ValueAtUpgrade = price === undefined ? 0n : balanceMul(shares, price)
        s.updatedAt = cx.blockTime
        cx.state.v1Stakers.touch(s)
    }
    return sum
}
