/**
 * Exact fixed-point and money arithmetic, as the Phala runtime does it.
 *
 * U64F64 values travel as their raw bits in a u128: value = bits / 2^64.
 * PHA has 12 decimals: 1 PHA = 10^12 plancks.
 */

export const FRAC_BITS = 64n
export const ONE_FIXED = 1n << FRAC_BITS
export const PLANCKS_PER_PHA = 10n ** 12n
export const PERMILL = 1_000_000

/**
 * Payout bits (U64F64) → plancks exactly as the chain converts them before transferring:
 * U64F64 → U80F48 (drop the 16 lowest fraction bits), times 10^12, truncated.
 */
export function payoutBitsToPlancks(bits: bigint): bigint {
    if (bits < 0n) throw new RangeError(`fixed-point bits must be non-negative, got ${bits}`)
    return ((bits >> 16n) * PLANCKS_PER_PHA) >> 48n
}

/**
 * Plancks → U64F64 bits of the same PHA amount, truncated at 64 fraction bits. Not the chain's own
 * `to_fixed` (which truncates at 48 fraction bits): use it for display and tests, not to mimic the runtime.
 */
export function plancksToBits(plancks: bigint): bigint {
    return (plancks << FRAC_BITS) / PLANCKS_PER_PHA
}

/**
 * Exact decimal rendering of U64F64 bits. Every such value has a finite decimal expansion (at most 64
 * fraction digits); `digits` truncates (never rounds) to that many fraction digits.
 */
export function fixedToDecimal(bits: bigint, digits = 64): string {
    const neg = bits < 0n
    const abs = neg ? -bits : bits
    const int = abs >> FRAC_BITS
    let frac = abs & (ONE_FIXED - 1n)
    let out = ''
    for (let i = 0; i < digits && frac !== 0n; i++) {
        frac *= 10n
        out += (frac >> FRAC_BITS).toString()
        frac &= ONE_FIXED - 1n
    }
    return (neg ? '-' : '') + int.toString() + (out ? '.' + out : '')
}

/**
 * U64F64 bits as the nearest float, for display and rough analytics only (never for money): Number() of
 * the bigint rounds once to nearest and the division by 2^64 is exact, so this is the correctly rounded
 * value. The one conversion of fixed point to float in the project (the API's `v` fields use it too).
 */
export function fixedToNumber(bits: bigint): number {
    return Number(bits) / 2 ** 64
}

/**
 * Parse a decimal string (e.g. "187.8783") into U64F64 bits (I64F64 for a leading "-") as the runtime's
 * constants are built: the `fixed` crate's `FromStr` and the `fp!` macro round the exact decimal value to the
 * nearest multiple of 2^-64, ties to even; a negative value rounds its magnitude so. "0.3" is
 * 5534023222112865484.8 → …485 bits, "0.2" is …323.2 → …323.
 */
export function decimalToFixed(text: string): bigint {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim())
    if (!m) throw new Error(`not a decimal number: ${JSON.stringify(text)}`)
    const [, sign, ip, fp = ''] = m
    const scale = 10n ** BigInt(fp.length)
    const num = BigInt(fp || '0') << FRAC_BITS
    let frac = num / scale
    const twiceRem = (num % scale) * 2n
    if (twiceRem > scale || (twiceRem === scale && (frac & 1n) === 1n)) frac += 1n
    const bits = (BigInt(ip) << FRAC_BITS) + frac
    return sign ? -bits : bits
}

/** Plancks → "123.456000000000" PHA, exact, always 12 decimals. */
export function plancksToPha(plancks: bigint): string {
    const neg = plancks < 0n
    const abs = neg ? -plancks : plancks
    const int = abs / PLANCKS_PER_PHA
    const frac = (abs % PLANCKS_PER_PHA).toString().padStart(12, '0')
    return `${neg ? '-' : ''}${int}.${frac}`
}

/**
 * `Permill * amount` as Substrate computes it (sp_arithmetic: rounding to nearest, a tie rounds down).
 * The stake pool takes the owner's commission this way: `commission * rewards`.
 */
export function permillMul(ppm: number, amount: bigint): bigint {
    if (!Number.isInteger(ppm) || ppm < 0 || ppm > PERMILL) throw new RangeError(`not a Permill: ${ppm}`)
    const n = amount * BigInt(ppm)
    const q = n / BigInt(PERMILL)
    const r = n % BigInt(PERMILL)
    return r * 2n > BigInt(PERMILL) ? q + 1n : q
}
