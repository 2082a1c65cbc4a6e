/**
 * The devnet's own exact arithmetic, written from Phala's pallet definitions (github.com/Phala-Network/
 * phala-blockchain) and not shared with the indexer, so that a conversion bug in the indexer cannot cancel
 * out against the ground truth.
 *
 * - U64F64 (`fixed::types::U64F64`, the pallets' `FixedPoint`): an unsigned 128-bit integer `bits` with value
 *   bits / 2^64. Storage and events carry the bits (pallets/phala/src/utils/fixed_point.rs, `CodecFixedPoint`
 *   encodes `to_bits()` as a u128). Here a value is a bigint holding the bits.
 * - Permill (`sp_arithmetic::Permill`): parts per million, `Permill * balance` rounds to the nearest with
 *   ties rounding down.
 * - balance ⇄ U64F64 (pallets/phala/src/utils/balance_convert.rs, `impl FixedPointConvert for u128`): through
 *   U80F48, so only 48 fraction bits survive either way.
 *
 * Rounding of the `fixed` crate for unsigned values: products and quotients keep the low bits' floor (the
 * extra fraction bits are discarded), conversions to an integer or to a type with fewer fraction bits
 * discard the extra bits (rounds towards −∞), integers convert exactly, and decimal literals (`fp!(…)`,
 * `FromStr`) and floats round to the nearest, ties to even.
 */

/** fraction bits of U64F64 */
export const FRAC_BITS = 64n
/** U64F64 1.0 as bits (`FixedPoint::from_num(1)`) */
export const ONE_FIXED = 1n << FRAC_BITS
/** plancks per PHA: balance_convert.rs `const PHA: u128 = 1_000_000_000_000` (12 decimals) */
export const PLANCKS_PER_PHA = 1_000_000_000_000n
/** parts of a Permill (`Permill::ACCURACY`) */
export const PERMILL = 1_000_000

// ---- U64F64 -------------------------------------------------------------------------------------------------

/** `FixedPoint::from_num(n)` for an integer n: exact (bits = n · 2^64) */
export function fixedFromInt(n: number | bigint): bigint {
    return BigInt(n) << FRAC_BITS
}

/** `fixed.to_num::<u128>()`: the integer part, fraction bits discarded (floor) */
export function fixedToInt(bits: bigint): bigint {
    return bits >> FRAC_BITS
}

/** `a * b` of two U64F64 (`impl Mul for FixedU128<U64>`): the double-width product, low 64 bits discarded */
export function fixedMul(a: bigint, b: bigint): bigint {
    return (a * b) >> FRAC_BITS
}

/** `a / b` of two U64F64 (`impl Div`, `checked_div` when b ≠ 0): floor(a · 2^64 / b) */
export function fixedDiv(a: bigint, b: bigint): bigint {
    if (b === 0n) throw new RangeError('fixed-point division by zero')
    return (a << FRAC_BITS) / b
}

/**
 * `x.sqrt()` of a U64F64 as the pallet gets it from the `fixed-sqrt` crate (computation.rs
 * `Tokenomic::minimal_stake`: `k * p.sqrt()`): the integer square root of the bits, shifted left by 32 (the
 * root of 2^64 is 2^32), so only 32 fraction bits are computed. computation.rs `test_tokenomic` pins it:
 * minimal_stake(1000) with k = 100 is 3162_277660146355 plancks; a full-precision root gives …168379.
 */
export function fixedSqrt(bits: bigint): bigint {
    return isqrt(bits) << 32n
}

/** floor(sqrt(n)) of a non-negative integer: Newton's method from above */
export function isqrt(n: bigint): bigint {
    if (n < 0n) throw new RangeError('square root of a negative number')
    if (n < 2n) return n
    let x = 1n << (BigInt(n.toString(2).length + 1) >> 1n) // 2^ceil(bits/2) > sqrt(n)
    for (;;) {
        const y = (x + n / x) >> 1n
        if (y >= x) return x
        x = y
    }
}

/** `FixedPoint * int` (`impl Mul<u128>`): exact */
export function fixedMulInt(bits: bigint, n: number | bigint): bigint {
    return bits * BigInt(n)
}

/** `FixedPoint / int` (`impl Div<u128>`, `div_int`): the bits divided, floor */
export function fixedDivInt(bits: bigint, n: number | bigint): bigint {
    const d = BigInt(n)
    if (d === 0n) throw new RangeError('fixed-point division by zero')
    return bits / d
}

/**
 * A decimal literal as U64F64 bits, like `fixed_macro::fp!(…)` / `FixedPoint::from_str` (used for every
 * constant of the pallet's genesis tokenomics, computation.rs `GenesisConfig::default`): the exact decimal
 * value rounded to the nearest multiple of 2^-64, ties to even.
 */
export function fixedFromDecimal(s: string): bigint {
    const m = /^(\d+)(?:\.(\d*))?$/.exec(s.trim())
    if (!m) throw new RangeError(`not an unsigned decimal: "${s}"`)
    const int = BigInt(m[1])
    const digits = m[2] ?? ''
    const den = 10n ** BigInt(digits.length)
    const num = (digits === '' ? 0n : BigInt(digits)) << FRAC_BITS
    let frac = num / den
    const rem2 = (num % den) * 2n
    if (rem2 > den || (rem2 === den && (frac & 1n) === 1n)) frac += 1n
    return (int << FRAC_BITS) + frac
}

/** `fixed.to_num::<f64>()`: the nearest double, ties to even (Number(bigint) rounds so; ÷2^64 is exact) */
export function fixedToNumber(bits: bigint): number {
    return Number(bits) / 2 ** 64
}

const FRAC_MASK = ONE_FIXED - 1n

/**
 * The simulator's float view of a U64F64 (V, growth parameters): the integer part and the fraction converted
 * separately and added. Not a pallet conversion (the runtime has no floats); it can differ from the correctly
 * rounded `fixedToNumber` by one ulp, and the simulator's float model (and so every scenario) is defined
 * with this one.
 */
export function fixedToFloat(bits: bigint): number {
    return Number(bits >> FRAC_BITS) + Number(bits & FRAC_MASK) / 2 ** 64
}

// ---- Permill ------------------------------------------------------------------------------------------------

/**
 * `Permill * balance` (sp_arithmetic per_things.rs, `impl Mul<N> for Permill` → `overflow_prune_mul` with
 * `Rounding::NearestPrefDown`): balance · ppm / 10^6 rounded to the nearest, an exact half rounding down.
 * The stake pools take their commission so (stake_pool_v2.rs `handle_pool_new_reward`:
 * `payout_commission.unwrap_or_default() * rewards`; the v1 stakepool.rs does the same).
 */
export function permillMul(ppm: number, balance: bigint): bigint {
    if (!Number.isInteger(ppm) || ppm < 0 || ppm > PERMILL) throw new RangeError(`not a Permill: ${ppm}`)
    const prod = balance * BigInt(ppm)
    const den = BigInt(PERMILL)
    const q = prod / den
    return (prod % den) * 2n > den ? q + 1n : q
}

// ---- balance ⇄ U64F64 ---------------------------------------------------------------------------------------

/**
 * `balance.to_fixed()` (balance_convert.rs `FixedPointConvert::to_fixed` for u128): the plancks as U80F48
 * (exact), `div_int(PHA)` (floor at 48 fraction bits), widened to U64F64 (exact: 16 zero bits appended).
 */
export function balanceToFixed(plancks: bigint): bigint {
    return ((plancks << 48n) / PLANCKS_PER_PHA) << 16n
}

/**
 * `u128::from_fixed(v)` (balance_convert.rs `FixedPointConvert::from_fixed`): U64F64 → U80F48 (the low 16
 * fraction bits discarded), `mul_int(PHA)` (exact), `to_num` (fraction discarded).
 */
export function fixedToBalance(bits: bigint): bigint {
    return ((bits >> 16n) * PLANCKS_PER_PHA) >> 48n
}

/**
 * `FixedPointConvert::from_bits(payout_bits)`: the plancks a settlement moves (computation.rs
 * `try_handle_settle`: `treasury_deposit = FixedPointConvert::from_bits(info.treasury)`; `SessionStats::on_reward`
 * for the payout; v1 mining.rs the same).
 */
export function payoutBitsToPlancks(bits: bigint): bigint {
    return fixedToBalance(bits)
}

/** balance_convert.rs `mul(x, y)`: from_fixed(to_fixed(x) · y) */
export function balanceMulFixed(plancks: bigint, y: bigint): bigint {
    return fixedToBalance(fixedMul(balanceToFixed(plancks), y))
}
