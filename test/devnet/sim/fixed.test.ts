/**
 * The devnet's own fixed-point arithmetic (devnet/sim/fixed.ts) against hand-computed values and
 * pallets/phala/src/utils/balance_convert.rs `max_supply_not_overflow`. The pallets' tokenomic test vectors
 * are in test/devnet/arith.test.ts.
 */
import {
    FRAC_BITS,
    ONE_FIXED,
    PLANCKS_PER_PHA,
    balanceMulFixed,
    balanceToFixed,
    fixedDiv,
    fixedDivInt,
    fixedFromDecimal,
    fixedFromInt,
    fixedMul,
    fixedMulInt,
    fixedToBalance,
    fixedToFloat,
    fixedToInt,
    fixedToNumber,
    payoutBitsToPlancks,
    permillMul,
} from '../../../devnet/sim/fixed'

const fp = fixedFromDecimal
const PHA = PLANCKS_PER_PHA

describe('U64F64 basics (the fixed crate)', () => {
    test('representation: bits / 2^64; integers convert exactly, back by flooring', () => {
        expect(FRAC_BITS).toBe(64n)
        expect(ONE_FIXED).toBe(18446744073709551616n)
        expect(fixedFromInt(30000)).toBe(30000n * 2n ** 64n)
        expect(fixedToInt(fixedFromInt(7) + ONE_FIXED - 1n)).toBe(7n)
    })

    test('products and quotients drop the low bits', () => {
        // 1.5 · 1.5 = 2.25 exactly
        expect(fixedMul(3n << 63n, 3n << 63n)).toBe(9n << 62n)
        // 2^-64 · 0.5 = 2^-65 → 0
        expect(fixedMul(1n, 1n << 63n)).toBe(0n)
        // 1 / 3 = 0x5555…5 (floor)
        expect(fixedDiv(ONE_FIXED, fixedFromInt(3))).toBe(0x5555555555555555n)
        // 2 / 3 = 0xAAAA…A (floor, not rounded to …B)
        expect(fixedDiv(fixedFromInt(2), fixedFromInt(3))).toBe(0xaaaaaaaaaaaaaaaan)
        expect(fixedMulInt(ONE_FIXED / 4n, 6)).toBe((3n << 64n) / 2n)
        expect(fixedDivInt(fixedFromInt(2), 3)).toBe(0xaaaaaaaaaaaaaaaan)
        expect(() => fixedDiv(1n, 0n)).toThrow(RangeError)
    })

    test('decimal literals round to the nearest (fp!): 0.3 · 2^64 = 5534023222112865484.8 → …485', () => {
        expect(fp('0.5')).toBe(1n << 63n)
        expect(fp('0.3')).toBe(5534023222112865485n)
        expect(fp('0.2')).toBe(3689348814741910323n) // 3689348814741910323.2 → down
        expect(fp('0.8')).toBe(14757395258967641293n) // …292.8 → up
        expect(fp('1.3')).toBe(23980767295822417101n)
        expect(fp('187.8783')).toBe(187n * ONE_FIXED + 16201775319939099184n) // 0.8783·2^64 = …184.33
        expect(fp('30000')).toBe(fixedFromInt(30000))
        expect(() => fp('-1')).toThrow(RangeError)
    })

    test('float views', () => {
        expect(fixedToNumber(3n << 63n)).toBe(1.5)
        expect(fixedToFloat(3n << 63n)).toBe(1.5)
        // 1788.8205026540943 (correctly rounded) vs 1788.820502654094 (integer and fraction added)
        const bits = 0x6fcd20c76419da0028bn
        expect(fixedToNumber(bits)).toBe(1788.8205026540943)
        expect(fixedToFloat(bits)).toBe(1788.820502654094)
    })
})

describe('balance ⇄ U64F64 (balance_convert.rs)', () => {
    test('max_supply_not_overflow: 10^9 PHA → 1000000000 and back', () => {
        const balance = 1_000_000_000n * PHA
        expect(balanceToFixed(balance)).toBe(fixedFromInt(1_000_000_000))
        expect(fixedToBalance(balanceToFixed(balance))).toBe(balance)
    })

    test('to_fixed keeps 48 fraction bits: 1 planck = floor(2^48 / 10^12) · 2^16', () => {
        expect(balanceToFixed(1n)).toBe(281n << 16n) // 2^48 / 10^12 = 281.47…
        expect(balanceToFixed(PHA / 2n)).toBe(1n << 63n)
    })

    test('from_fixed drops the low 16 bits, then floors plancks', () => {
        expect(fixedToBalance(ONE_FIXED)).toBe(PHA)
        expect(fixedToBalance((1n << 16n) - 1n)).toBe(0n)
        // 2^-48 PHA = 0.00355… planck → 0; 2^-38 PHA = 3.637… plancks → 3
        expect(fixedToBalance(1n << 16n)).toBe(0n)
        expect(fixedToBalance(1n << 26n)).toBe(3n)
        // a round trip may lose a planck: 1 planck → 281·2^16 bits → 0.99…
        expect(fixedToBalance(balanceToFixed(1n))).toBe(0n)
        expect(payoutBitsToPlancks(3n << 63n)).toBe((3n * PHA) / 2n)
    })

    test('mul(x, y) = from_fixed(to_fixed(x) · y)', () => {
        expect(balanceMulFixed(10n * PHA, ONE_FIXED / 4n)).toBe((10n * PHA) / 4n)
    })
})

describe('Permill · balance (nearest, ties down)', () => {
    test.each([
        [500_000, 1n, 0n], // 0.5 → 0 (tie, down)
        [500_001, 1n, 1n], // 0.500001 → 1
        [100_000, 15n, 1n], // 1.5 → 1 (tie, down)
        [100_000, 25n, 2n], // 2.5 → 2 (tie, down)
        [100_000, 26n, 3n], // 2.6 → 3
        [1, 499_999n, 0n], // 0.499999 → 0
        [1, 500_001n, 1n], // 0.500001 → 1
        [0, 123n, 0n],
        [1_000_000, 123n, 123n],
        [200_000, 187_878_300_000_000n, 37_575_660_000_000n],
    ])('%i ppm · %s = %s', (ppm, x, want) => {
        expect(permillMul(ppm, x)).toBe(want)
    })

    test('rejects non-Permill values', () => {
        expect(() => permillMul(1_000_001, 1n)).toThrow(RangeError)
        expect(() => permillMul(0.5, 1n)).toThrow(RangeError)
    })
})
