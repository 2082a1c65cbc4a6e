/**
 * The v1 stake pool's arithmetic, as Khala ran it in 2022 (phala-blockchain 0005a36c3,
 * pallets/phala/src/stakepool.rs and utils/{accumulator,balance_convert}.rs):
 *
 * - balance ⇄ U64F64 of that time (balance_convert.rs before its January 2023 rewrite to U80F48):
 *   `to_fixed(b) = U64F64::from_num(b).saturating_div(1e12)` keeps all 64 fraction bits,
 *   `from_fixed(v) = v.saturating_mul(1e12).to_num()` saturates at u128::MAX bits, then floors;
 * - `mul(x, y) = from_fixed(to_fixed(x) · y)`, `div(x, y) = from_fixed(to_fixed(x) / y)` (the pallet's
 *   `bmul` / `bdiv`);
 * - the MasterChef accumulator (accumulator.rs `Accumulator`): `distribute` adds
 *   `to_fixed(reward) / to_fixed(total_shares)` to `reward_acc`; `pending = mul(shares, reward_acc) − debt`;
 *   `clear_pending` sets `debt = mul(shares, reward_acc)`;
 * - the share price `to_fixed(total_stake) / to_fixed(total_shares)` (`PoolInfo::share_price`, None without
 *   shares).
 *
 * The staker's shares here are `UserStakeInfo.shares`: they include the shares of a queued withdrawal until
 * it is paid (stakepool.rs `try_withdraw` only queues them), so queued shares go on earning.
 */
import {FRAC_BITS, PLANCKS_PER_PHA, fixedMul, fixedDiv} from './fixed'
import {type Pool, type Delegation} from './core'

const U128_MAX = (1n << 128n) - 1n

/** stakepool.rs `balance_close_to_zero` / `is_nondust_balance`: ≤ 1000 plancks is dust */
export const DUST_V1 = 1000n

/** 2022 balance_convert.rs `to_fixed`: floor(b · 2^64 / 10^12) (from_num panics beyond U64F64's range) */
export function toFixedV1(plancks: bigint): bigint {
    if (plancks < 0n || plancks >= 1n << 64n) throw new RangeError(`balance out of U64F64 range: ${plancks}`)
    return (plancks << FRAC_BITS) / PLANCKS_PER_PHA
}

/** 2022 balance_convert.rs `from_fixed`: saturating_mul(1e12) (bits · 10^12, capped), then the integer part */
export function fromFixedV1(bits: bigint): bigint {
    const p = bits * PLANCKS_PER_PHA
    return (p > U128_MAX ? U128_MAX : p) >> FRAC_BITS
}

function checked(bits: bigint): bigint {
    if (bits > U128_MAX) throw new RangeError('U64F64 overflow')
    return bits
}

/** balance_convert.rs `mul` (the pallet's `bmul`) */
export function mulV1(plancks: bigint, y: bigint): bigint {
    return fromFixedV1(checked(fixedMul(toFixedV1(plancks), y)))
}

/** balance_convert.rs `div` (the pallet's `bdiv`) */
export function divV1(plancks: bigint, y: bigint): bigint {
    return fromFixedV1(checked(fixedDiv(toFixedV1(plancks), y)))
}

/** accumulator.rs `distribute`: the increment of reward_acc for `reward` over `totalShares` */
export function accIncrementV1(reward: bigint, totalShares: bigint): bigint {
    return fixedDiv(toFixedV1(reward), toFixedV1(totalShares))
}

/** stakepool.rs `PoolInfo::share_price` (null: no shares, or to_fixed(total_shares) = 0) */
export function sharePriceV1(pool: Pool): bigint | null {
    const s = toFixedV1(pool.totalShares)
    return s === 0n ? null : fixedDiv(toFixedV1(pool.totalValue), s)
}

/** the staker's `UserStakeInfo.shares`: its shares plus those of its queued withdrawal */
export function stakerSharesV1(pool: Pool, user: string, d: Delegation): bigint {
    let s = d.shares
    for (const q of pool.queue) if (q.user === user) s += q.shares
    return s
}

/** stakepool.rs `pending_reward` (accumulator.rs `pending`) */
export function pendingRewardV1(pool: Pool, user: string, d: Delegation): bigint {
    return mulV1(stakerSharesV1(pool, user, d), pool.rewardAcc) - d.rewardDebt
}

/** stakepool.rs `settle_user_pending_reward`: pending → available_rewards, then `reset_pending_reward` */
export function settlePendingV1(pool: Pool, user: string, d: Delegation): void {
    d.pending += pendingRewardV1(pool, user, d)
    resetPendingV1(pool, user, d)
}

/** stakepool.rs `reset_pending_reward` (accumulator.rs `clear_pending`) */
export function resetPendingV1(pool: Pool, user: string, d: Delegation): void {
    d.rewardDebt = mulV1(stakerSharesV1(pool, user, d), pool.rewardAcc)
}
