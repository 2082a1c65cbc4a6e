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
 * the shares; see `migratePool`.
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
    pid: string
    /** `PoolInfo.reward_acc` bits */
    rewardAcc: bigint
    /** `PoolInfo.total_shares` as the reward book sees it */
    totalShares: bigint
    /** reward distributions added to the accumulator */
    distributions: number
    /** Σ to_stakers added to the accumulator */
    distributed: bigint
}

export interface V1StakerAcc {
    pid: string
    account: string
    shares: bigint
    availableRewards: bigint
    rewardDebt: bigint
    /** Σ staker rewards paid to this account by claims */
    claimed: bigint
}

/** what a claim event paid against what the book holds */
export interface V1ClaimCheck {
    /** the staker's part of the claim (its available rewards, settled) */
    stakerPart: bigint
    /** the rest of the event's amount (the owner's commission for `RewardsWithdrawn` by the owner) */
    ownerPart: bigint
}

export interface V1Migrated {
    account: string
    /** pending rewards folded into the pool's value */
    pending: bigint
    /** shares carried over (queued shares included, as in UserStakeInfo) */
    shares: bigint
    /** Σ rewards claimed in v1 */
    claimed: bigint
}

export const stakerKey = (pid: string, account: string): string => `${pid}/${account}`

/** `available + mul(shares, acc) − debt`: what the delegator could claim now */
export function v1Pending(pool: V1PoolAcc, s: V1StakerAcc, conv: V1Conversion): bigint {
    return s.availableRewards + v1Mul(s.shares, pool.rewardAcc, conv) - s.rewardDebt
}

/**
 * The reward book of every v1 pool and staker, in memory. The caller loads it once and hands events in
 * order; `dirty` names the stakers whose accrued / pending moved since the last `takeDirty`.
 */
export class V1StakerBook {
    readonly pools = new Map<string, V1PoolAcc>()
    readonly stakers = new Map<string, V1StakerAcc>()
    private readonly byPool = new Map<string, Set<string>>()
    private readonly dirtyStakers = new Set<string>()
    private readonly dirtyPools = new Set<string>()

    constructor(readonly conv: V1Conversion = 'u64f64') {}

    pool(pid: string): V1PoolAcc {
        let p = this.pools.get(pid)
        if (!p) {
            p = {pid, rewardAcc: 0n, totalShares: 0n, distributions: 0, distributed: 0n}
            this.pools.set(pid, p)
        }
        return p
    }

    staker(pid: string, account: string): V1StakerAcc {
        const key = stakerKey(pid, account)
        let s = this.stakers.get(key)
        if (!s) {
            s = {pid, account, shares: 0n, availableRewards: 0n, rewardDebt: 0n, claimed: 0n}
            this.add(s)
        }
        return s
    }

    /** put a loaded staker in the book */
    add(s: V1StakerAcc): void {
        const key = stakerKey(s.pid, s.account)
        this.stakers.set(key, s)
        let set = this.byPool.get(s.pid)
        if (!set) {
            set = new Set()
            this.byPool.set(s.pid, set)
        }
        set.add(key)
    }

    pending(s: V1StakerAcc): bigint {
        return v1Pending(this.pool(s.pid), s, this.conv)
    }

    /** claimed + pending: everything the staker has earned */
    accrued(s: V1StakerAcc): bigint {
        return s.claimed + this.pending(s)
    }

    private settle(p: V1PoolAcc, s: V1StakerAcc): void {
        const acc = v1Mul(s.shares, p.rewardAcc, this.conv)
        s.availableRewards += acc - s.rewardDebt
        s.rewardDebt = acc
    }

    private reset(p: V1PoolAcc, s: V1StakerAcc): void {
        s.rewardDebt = v1Mul(s.shares, p.rewardAcc, this.conv)
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
        p.rewardAcc = v1Distribute(p.rewardAcc, p.totalShares, toStakers, this.conv)
        p.distributions++
        p.distributed += toStakers
        this.dirtyPools.add(pid)
        return true
    }

    /** `Contribution` (add_stake): settle, add the shares, reset the debt */
    contribute(pid: string, account: string, shares: bigint): void {
        const p = this.pool(pid)
        const s = this.staker(pid, account)
        this.settle(p, s)
        s.shares += shares
        p.totalShares += shares
        this.reset(p, s)
        this.dirtyStakers.add(stakerKey(pid, account))
    }

    /** `Withdrawal` (remove_stake): settle, remove the shares (their dust included), reset the debt */
    withdraw(pid: string, account: string, shares: bigint): void {
        const p = this.pool(pid)
        const s = this.staker(pid, account)
        if (shares > s.shares) throw new Error(`pool ${pid}: ${account} withdraws ${shares} shares but holds ${s.shares}`)
        if (shares > p.totalShares) throw new Error(`pool ${pid}: withdrawal of ${shares} shares exceeds the pool's ${p.totalShares}`)
        this.settle(p, s)
        s.shares -= shares
        p.totalShares -= shares
        this.reset(p, s)
        this.dirtyStakers.add(stakerKey(pid, account))
    }

    /**
     * `StakerRewardsWithdrawn` (ownerMayClaim false) or `RewardsWithdrawn` (true: the owner's commission may
     * be part of `amount`). Pays out the staker's available rewards; returns the split. Throws when the
     * amount is less than the staker's rewards, or (staker claim) differs from them.
     */
    claim(pid: string, account: string, amount: bigint, ownerMayClaim: boolean): V1ClaimCheck {
        const p = this.pool(pid)
        const key = stakerKey(pid, account)
        const s = this.stakers.get(key)
        let stakerPart = 0n
        if (s) {
            this.settle(p, s)
            stakerPart = s.availableRewards
        }
        const ownerPart = amount - stakerPart
        if (ownerPart < 0n || (!ownerMayClaim && ownerPart !== 0n)) {
            throw new Error(`pool ${pid}: ${account} is paid ${amount} staker rewards, the book holds ${stakerPart}`)
        }
        if (s) {
            s.availableRewards = 0n
            s.claimed += stakerPart
            this.dirtyStakers.add(key)
        }
        return {stakerPart, ownerPart}
    }

    /**
     * The v1→v2 migration of one pool (stake_pool_v2.rs `migrate_pool_stakers`): every staker's
     * `mul(shares, acc) − reward_debt + available_rewards` goes into the pool's value; the book of the pool
     * is closed. Returns the stakers with their carried-over pending and shares.
     */
    migratePool(pid: string): V1Migrated[] {
        const p = this.pools.get(pid)
        const keys = this.byPool.get(pid)
        const out: V1Migrated[] = []
        if (!p || !keys) return out
        for (const key of keys) {
            const s = this.stakers.get(key)
            if (!s) continue
            out.push({account: s.account, pending: this.pending(s), shares: s.shares, claimed: s.claimed})
        }
        return out
    }

    /** stakers whose pending may have moved since the last call (touched, or in a rewarded pool) */
    takeDirty(): V1StakerAcc[] {
        const keys = new Set(this.dirtyStakers)
        for (const pid of this.dirtyPools) for (const k of this.byPool.get(pid) ?? []) keys.add(k)
        this.dirtyStakers.clear()
        this.dirtyPools.clear()
        const out: V1StakerAcc[] = []
        for (const k of keys) {
            const s = this.stakers.get(k)
            if (s) out.push(s)
        }
        return out
    }

    /** Σ pending of a pool's stakers (what the migration adds to the pool's value) */
    poolPending(pid: string): bigint {
        let sum = 0n
        for (const k of this.byPool.get(pid) ?? []) {
            const s = this.stakers.get(k)
            if (s) sum += this.pending(s)
        }
        return sum
    }
}
