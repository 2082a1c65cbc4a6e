/**
 * Exact PHA rendering of planck amounts: 12 decimals, always all of them ("1.500000000000"), no rounding.
 */
import {fixedToNumber, plancksToPha} from '../domain/fixed'

export const PHA_DECIMALS = 12

/**
 * plancks (bigint, or a decimal integer string as PostgreSQL returns numeric) → "123.456000000000"; the
 * rendering is the one of src/domain/fixed.ts (plancksToPha), this only checks and converts the input
 */
export function formatPha(plancks: bigint | string | number | null | undefined): string | null {
    if (plancks == null) return null
    const s = typeof plancks === 'bigint' ? plancks.toString() : String(plancks).trim()
    if (typeof plancks === 'number' && !Number.isSafeInteger(plancks)) throw new RangeError(`not an exact planck amount: ${plancks}`)
    if (!/^-?\d+$/.test(s)) throw new RangeError(`not an integer planck amount: ${JSON.stringify(s)}`)
    return plancksToPha(BigInt(s))
}

/** the same, never null (0 for a missing value) */
export function pha(plancks: bigint | string | number | null | undefined): string {
    return formatPha(plancks ?? 0n)!
}

export function big(v: unknown): bigint {
    if (v == null) return 0n
    if (typeof v === 'bigint') return v
    return BigInt(String(v))
}

export function bigOrNull(v: unknown): bigint | null {
    return v == null ? null : big(v)
}

/** U64F64 raw bits → float (display only), null-safe: src/domain/fixed.ts's fixedToNumber */
export function fixedToFloat(bits: bigint | string | null | undefined): number | null {
    return bits == null ? null : fixedToNumber(big(bits))
}
