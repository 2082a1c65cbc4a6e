/**
 * The v1 stake pool's per-delegator reward book (MasterChef accumulator), rebuilt with the chain's
 * arithmetic: pallets/phala/src/stakepool.rs at 0005a36c3 (2022-09-09) with utils/accumulator.rs and
 * utils/balance_convert.rs.
 *
 * Chain state mirrored:
 * - `PoolInfo.reward_acc` (U64F64 bits) and `PoolInfo.total_shares`;
 * - `UserStakeInfo.{shares, available_rewards, reward_debt}` per (pid, account). Shares queued for
 *   withdrawal stay in `shares` (they keep earning until a `Withdrawal` pays them out).
 *
 * What changes them, and where the chain rounds:
 * - `RewardReceived.to_stakers` (`handle_pool_new_reward`): added to `reward_acc` only when it is not dust
 *   (> 1000 plancks, `is_nondust_balance`): `acc += to_fixed(v) / to_fixed(total_shares)` (both conversions
 *   and the quotient truncate). A dust `to_stakers` is reported and then dismissed: the accumulator is left.
 * - `Contribution.shares` / `Withdrawal.shares` (`add_stake` / `remove_stake`, the shares the event reports
 *   include the dust shares removed with them): the pending reward is settled into `available_rewards`
 *   before (`settle_user_pending_reward`) and the debt reset after (`reset_pending_reward`:
 *   `reward_debt = mul(shares, acc)`), so the per-delegator rounding happens here and at every read:
 *   `pending = mul(shares, acc) − reward_debt` with `mul(x, y) = from_fixed(to_fixed(x) · y)`.
 * - `StakerRewardsWithdrawn` / `RewardsWithdrawn` (`claim_staker_rewards` / `claim_rewards`): settle, pay
 *   `available_rewards` (plus the owner's commission for `claim_rewards` by the owner), zero it.
 * - settles without a change of shares (`WithdrawalQueued`, slashes) leave `available + pending` unchanged
 *   and need no action here.
 *
 * The migration to v2 (stake_pool_v2.rs `migrate_pool_stakers`, Dec 2022) pays each staker
 * `mul(shares, acc) − reward_debt + available_rewards` into the pool's value (total_value += it) and keeps
 * the shares; see `poolPending`.
 *
 * balance ⇄ U64F64: until 2023-01-04 (46e8096b4 "Fix overflow in FixedPointConvert") through U64F64 itself
 * (`from_num(b).saturating_div(1e12)`, 64 fraction bits; `saturating_mul(1e12).to_num()`), after it through
 * U80F48 (48 fraction bits). `V1Conversion` selects which; the v1 era of 2022 runs 'u64f64'.
 */
import {FRAC_BITS, PLANCKS_PER_PHA, payoutBitsToPlancks} from '../fixed'

export type V1Conversion = 'u64f64' | 'u80f48'

const U128_MAX = (1n << 128n) - 1n
const U64_LIMIT = 1n << 64n
/** stakepool.rs `balance_close_to_zero`: n ≤ 1000 plancks is dust */
export const V1_DUST = 1000n

/** balance_convert.rs `to_fixed` */
export function v1ToFixed(plancks: bigint, conv: V1Conversion): bigint {
    if (plancks < 0n) throw new RangeError(`negative balance ${plancks}`)
    if (conv === 'u80f48') return ((plancks << 48n) / PLANCKS_PER_PHA) << 16n
    // U64F64::from_num panics past the 64 integer bits
    if (plancks >= U64_LIMIT) throw new RangeError(`balance ${plancks} overflows U64F64::from_num`)
    // (plancks · 2^64) / (10^12 · 2^64) at 64 fraction bits, truncated
    return (plancks << FRAC_BITS) / PLANCKS_PER_PHA
}

/** balance_convert.rs `from_fixed` */
export function v1FromFixed(bits: bigint, conv: V1Conversion): bigint {
    if (bits < 0n) throw new RangeError(`negative fixed-point bits ${bits}`)
    if (conv === 'u80f48') return payoutBitsToPlancks(bits)
    // saturating_mul(FIXED_1E12) saturates the bits at u128::MAX, to_num drops the fraction
    const prod = bits * PLANCKS_PER_PHA
    return (prod > U128_MAX ? U128_MAX : prod) >> FRAC_BITS
}

function fixedMul(a: bigint, b: bigint): bigint {
    const r = (a * b) >> FRAC_BITS
    if (r > U128_MAX) throw new RangeError('U64F64 multiplication overflow')
    return r
}

/** balance_convert.rs `mul(x, y)` = from_fixed(to_fixed(x) · y) */
export function v1Mul(plancks: bigint, acc: bigint, conv: V1Conversion): bigint {
    return v1FromFixed(fixedMul(v1ToFixed(plancks, conv), acc), conv)
}

/** accumulator.rs `distribute`: acc + to_fixed(v) / to_fixed(total_share) */
export function v1Distribute(acc: bigint, totalShares: bigint, v: bigint, conv: V1Conversion): bigint {
    const den = v1ToFixed(totalShares, conv)
    if (den === 0n) throw new RangeError(`distribute ${v} over ${totalShares} shares: division by zero`)
    const r = acc + (v1ToFixed(v, conv) << FRAC_BITS) / den
    if (r > U128_MAX) throw new RangeError('reward_acc overflow')
    return r
}

export interface V1PoolAcc {
    /** pid */
    id: string
    /** `PoolInfo.reward_acc` bits */
    rewardAccBits: bigint
    /** `PoolInfo.total_shares` as the reward book sees it */
    totalShares: bigint
    /** reward distributions added to the accumulator */
    distributions: number
    /** Σ to_stakers added to the accumulator */
    distributed: bigint
}

export interface V1StakerAcc {
    poolId: string
    accountId: string
    shares: bigint
    availableRewards: bigint
    rewardDebt: bigint
    /** Σ staker rewards paid to this account by claims */
    claimed: bigint
}

/** where the book keeps its pools and stakers (the ledger's entity maps, or plain maps) */
export interface V1BookStore<P extends V1PoolAcc = V1PoolAcc, S extends V1StakerAcc = V1StakerAcc> {
    getPool(pid: string): P | undefined
    newPool(pid: string): P
    getStaker(pid: string, account: string): S | undefined
    newStaker(pid: string, account: string): S
    poolStakers(pid: string): Iterable<S>
    /** a pool or staker changed */
    touchPool(p: P): void
    touchStaker(s: S): void
}

/** what a claim event paid against what the book holds */
export interface V1ClaimCheck {
    /** the staker's part of the claim (its available rewards, settled) */
    stakerPart: bigint
    /** the rest of the event's amount (the owner's commission for `RewardsWithdrawn` by the owner) */
    ownerPart: bigint
}

export const stakerKey = (pid: string, account: string): string => `${pid}-${account}`

/** `available + mul(shares, acc) − debt`: what the delegator could claim now */
export function v1Pending(pool: V1PoolAcc | undefined, s: V1StakerAcc, conv: V1Conversion): bigint {
    return s.availableRewards + v1Mul(s.shares, pool?.rewardAccBits ?? 0n, conv) - s.rewardDebt
}

/** plain maps: a book on its own (tests, audits) */
export class MemoryV1Store implements V1BookStore {
    readonly pools = new Map<string, V1PoolAcc>()
    readonly stakers = new Map<string, V1StakerAcc>()
    private readonly byPool = new Map<string, V1StakerAcc[]>()
    getPool(pid: string): V1PoolAcc | undefined {
        return this.pools.get(pid)
    }
    newPool(pid: string): V1PoolAcc {
        const p = {id: pid, rewardAccBits: 0n, totalShares: 0n, distributions: 0, distributed: 0n}
        this.pools.set(pid, p)
        return p
    }
    getStaker(pid: string, account: string): V1StakerAcc | undefined {
        return this.stakers.get(stakerKey(pid, account))
    }
    newStaker(pid: string, account: string): V1StakerAcc {
        const s = {poolId: pid, accountId: account, shares: 0n, availableRewards: 0n, rewardDebt: 0n, claimed: 0n}
        this.stakers.set(stakerKey(pid, account), s)
        let list = this.byPool.get(pid)
        if (!list) this.byPool.set(pid, (list = []))
        list.push(s)
        return s
    }
    poolStakers(pid: string): Iterable<V1StakerAcc> {
        return this.byPool.get(pid) ?? []
    }
    touchPool(): void {}
    touchStaker(): void {}
}

/**
 * The reward book of every v1 pool and staker. The caller hands events in chain order; `takeDirty` names
 * the stakers whose accrued / pending may have moved since its last call.
 */
export class V1StakerBook<P extends V1PoolAcc = V1PoolAcc, S extends V1StakerAcc = V1StakerAcc> {
    private readonly dirtyStakers = new Set<S>()
    private readonly dirtyPools = new Set<string>()

    constructor(
        readonly store: V1BookStore<P, S>,
        readonly conv: V1Conversion = 'u64f64'
    ) {}

    pool(pid: string): P {
        return this.store.getPool(pid) ?? this.store.newPool(pid)
    }

    staker(pid: string, account: string): S {
        return this.store.getStaker(pid, account) ?? this.store.newStaker(pid, account)
    }

    pending(s: S): bigint {
        return v1Pending(this.store.getPool(s.poolId), s, this.conv)
    }

    /** claimed + pending: everything the staker has earned */
    accrued(s: S): bigint {
        return s.claimed + this.pending(s)
    }

    private settle(p: P, s: S): void {
        const acc = v1Mul(s.shares, p.rewardAccBits, this.conv)
        s.availableRewards += acc - s.rewardDebt
        s.rewardDebt = acc
    }

    private reset(p: P, s: S): void {
        s.rewardDebt = v1Mul(s.shares, p.rewardAccBits, this.conv)
    }

    private changed(s: S): void {
        this.dirtyStakers.add(s)
        this.store.touchStaker(s)
    }

    /**
     * `RewardReceived`: returns whether `to_stakers` went into the accumulator (false for dust, which the
     * chain dismissed with `RewardDismissedDust`).
     */
    reward(pid: string, toStakers: bigint): boolean {
        if (toStakers <= V1_DUST) return false
        const p = this.pool(pid)
        if (p.totalShares <= V1_DUST) {
            throw new Error(`pool ${pid}: RewardReceived to_stakers ${toStakers} with ${p.totalShares} shares (the chain dismisses it: RewardDismissedNoShare)`)
        }
        p.rewardAccBits = v1Distribute(p.rewardAccBits, p.totalShares, toStakers, this.conv)
        p.distributions++
        p.distributed += toStakers
        this.dirtyPools.add(pid)
        this.store.touchPool(p)
        return true
    }

    /** `Contribution` (add_stake): settle, add the shares, reset the debt */
    contribute(pid: string, account: string, shares: bigint): S {
        const p = this.pool(pid)
        const s = this.staker(pid, account)
        this.settle(p, s)
        s.shares += shares
        p.totalShares += shares
        this.reset(p, s)
        this.store.touchPool(p)
        this.changed(s)
        return s
    }

    /** `Withdrawal` (remove_stake): settle, remove the shares (their dust included), reset the debt */
    withdraw(pid: string, account: string, shares: bigint): S {
        const p = this.pool(pid)
        const s = this.staker(pid, account)
        if (shares > s.shares) throw new Error(`pool ${pid}: ${account} withdraws ${shares} shares but holds ${s.shares}`)
        if (shares > p.totalShares) throw new Error(`pool ${pid}: withdrawal of ${shares} shares exceeds the pool's ${p.totalShares}`)
        this.settle(p, s)
        s.shares -= shares
        p.totalShares -= shares
        this.reset(p, s)
        this.store.touchPool(p)
        this.changed(s)
        return s
    }

    /**
     * `StakerRewardsWithdrawn` (ownerMayClaim false) or `RewardsWithdrawn` by the pool's owner (true: the
     * owner's commission may be part of `amount`). Pays out the staker's available rewards; returns the
     * split. Throws when the amount is less than the staker's rewards, or (staker claim) differs from them.
     */
    claim(pid: string, account: string, amount: bigint, ownerMayClaim: boolean): V1ClaimCheck {
        const s = this.store.getStaker(pid, account)
        let stakerPart = 0n
        if (s) {
            this.settle(this.pool(pid), s)
            stakerPart = s.availableRewards
        }
        const ownerPart = amount - stakerPart
        if (ownerPart < 0n || (!ownerMayClaim && ownerPart !== 0n)) {
            throw new Error(`pool ${pid}: ${account} is paid ${amount} staker rewards, the book holds ${stakerPart}`)
        }
        if (s) {
            s.availableRewards = 0n
            s.claimed += stakerPart
            this.changed(s)
        }
        return {stakerPart, ownerPart}
    }

    /** count `s` among the stakers whose rewards moved (a reload that cannot know) */
    markDirty(s: S): void {
        this.dirtyStakers.add(s)
    }

    /** stakers whose pending may have moved since the last call (touched, or in a rewarded pool) */
    takeDirty(): S[] {
        const out = new Set(this.dirtyStakers)
        for (const pid of this.dirtyPools) for (const s of this.store.poolStakers(pid)) out.add(s)
        this.dirtyStakers.clear()
        this.dirtyPools.clear()
        return [...out]
    }

    /**
     * Σ pending of a pool's stakers: what the v1→v2 migration (stake_pool_v2.rs `migrate_pool_stakers`)
     * folds into the pool's value, `mul(shares, acc) − reward_debt + available_rewards` each.
     */
    poolPending(pid: string): bigint {
        let sum = 0n
        for (const s of this.store.poolStakers(pid)) sum += this.pending(s)
        return sum
    }
}
