/**
 * The chain's balance <-> U64F64 conversions and fixed-point products (pallets/phala utils/balance_convert.rs
 * with the `fixed` crate), reproduced bit for bit on bigints. Used where the chain derives a balance through
 * fixed-point arithmetic that no event reports (vault value propagation).
 *
 * - to_fixed(b)   = U64F64::from(U80F48(b) / 10^12)  (the division truncates at 48 fraction bits)
 * - from_fixed(v) = (U80F48(v) * 10^12).to_int()     (= payoutBitsToPlancks)
 * - U64F64 * U64F64 and / truncate (unsigned: floor).
 */
import {FRAC_BITS, PLANCKS_PER_PHA, payoutBitsToPlancks} from './fixed'

const U128_MAX = (1n << 128n) - 1n

export function balanceToFixed(plancks: bigint): bigint {
    if (plancks < 0n) throw new RangeError(`negative balance ${plancks}`)
    return ((plancks << 48n) / PLANCKS_PER_PHA) << 16n
}

export function fixedToBalance(bits: bigint): bigint {
    return payoutBitsToPlancks(bits)
}

export function fixedMul(a: bigint, b: bigint): bigint {
    const r = (a * b) >> FRAC_BITS
    if (r > U128_MAX) throw new RangeError('U64F64 multiplication overflow')
    return r
}

/** a / b, or undefined when b is zero (checked_div) */
export function fixedDiv(a: bigint, b: bigint): bigint | undefined {
    if (b === 0n) return undefined
    const r = (a << FRAC_BITS) / b
    if (r > U128_MAX) throw new RangeError('U64F64 division overflow')
    return r
}

/** bmul(x, y) = from_fixed(to_fixed(x) * y) */
export function balanceMul(x: bigint, y: bigint): bigint {
    return fixedToBalance(fixedMul(balanceToFixed(x), y))
}
