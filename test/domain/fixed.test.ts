/**
 * The indexer's decimal → U64F64 conversion (src/domain/fixed.ts `decimalToFixed`) against the constants as the
 * runtime holds them: the pallets write them as `fp!(…)` literals (the `fixed` crate's FromStr: round to the
 * nearest 2^-64, ties to even). Expected bits come from Khala's own encoded TokenomicParameters (mining.rs
 * `migrations::enable_phala_tokenomic`, khala-parachain 8b6b53e4) and from the exact products written out.
 */
import {decimalToFixed, fixedToDecimal} from '../../src/domain/fixed'

const ONE = 1n << 64n

/** the exact decimal expansion of n · 2^-64 (every such value has at most 64 fraction digits) */
function exactDecimal(n: bigint): string {
    return fixedToDecimal(n)
}

describe('decimalToFixed rounds as fp! does', () => {
    test('constants as Khala encoded them: rho, treasury ratio 0.2, re 1.5, v_max 30000', () => {
        // the u128 fields of the TokenomicParameters bytes that enable_phala_tokenomic decodes
        expect(decimalToFixed('1.000000666600231')).toBe(18446756370313412349n)
        expect(decimalToFixed('0.2')).toBe(3689348814741910323n)
        expect(decimalToFixed('1.5')).toBe(27670116110564327424n)
        expect(decimalToFixed('30000')).toBe(553402322211286548480000n)
    })

    test('the genesis and confidence constants round up where the fraction is above one half', () => {
        // 0.3·2^64 = 5534023222112865484.8, 0.8·2^64 = 14757395258967641292.8, 0.001·2^64 = 18446744073709551.616
        expect(decimalToFixed('0.3')).toBe(5534023222112865485n)
        expect(decimalToFixed('1.3')).toBe(ONE + 5534023222112865485n)
        expect(decimalToFixed('0.8')).toBe(14757395258967641293n)
        expect(decimalToFixed('0.001')).toBe(18446744073709552n)
        // 0.7·2^64 = 12912720851596686131.2 → down; 0.75 is exact
        expect(decimalToFixed('0.7')).toBe(12912720851596686131n)
        expect(decimalToFixed('0.75')).toBe((3n * ONE) / 4n)
    })

    test('the pallets` test literals: 1690.0000000000000000282 is 1690 + 520.198 ulp → 520 ulp', () => {
        // 0.0000000000000000282·2^64 = 520.198…; 0.0000000000000000247·2^64 = 455.634… → 456 (truncation: 455)
        expect(decimalToFixed('1690.0000000000000000282')).toBe(1690n * ONE + 520n)
        expect(decimalToFixed('1612.0000000000000000247')).toBe(1612n * ONE + 456n)
    })

    test('an exact half rounds to even', () => {
        // 2^-65 is half an ulp: → 0; 3·2^-65 is 1.5 ulp: → 2; 5·2^-65 is 2.5 ulp: → 2
        const twoTo65 = (k: bigint): string => {
            // k·2^-65 = k·5^65 / 10^65
            const digits = (k * 5n ** 65n).toString().padStart(65, '0')
            return `0.${digits}`
        }
        expect(decimalToFixed(twoTo65(1n))).toBe(0n)
        expect(decimalToFixed(twoTo65(3n))).toBe(2n)
        expect(decimalToFixed(twoTo65(5n))).toBe(2n)
        expect(decimalToFixed(twoTo65(7n))).toBe(4n)
        // just above a half: up
        expect(decimalToFixed(`${twoTo65(1n)}1`)).toBe(1n)
    })

    test('negative values (I64F64) round their magnitude the same way', () => {
        expect(decimalToFixed('-0.3')).toBe(-5534023222112865485n)
        expect(decimalToFixed('-0.7')).toBe(-12912720851596686131n)
    })

    test('every U64F64 value survives the round trip through its exact decimal', () => {
        for (const bits of [1n, 3n, ONE - 1n, 3465742917103625251400n, 18446756370313412349n]) expect(decimalToFixed(exactDecimal(bits))).toBe(bits)
    })
})
