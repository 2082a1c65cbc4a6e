/**
 * Fixed-point (U64F64) and Permill arithmetic against values computed by hand.
 * 2^16 = 65_536, 2^48 = 281_474_976_710_656, 2^63 = 9_223_372_036_854_775_808, 2^64 = 18_446_744_073_709_551_616.
 */
import {decimalToFixed, fixedToDecimal, fixedToNumber, ONE_FIXED, payoutBitsToPlancks, permillMul, plancksToBits, plancksToPha} from '../../src/domain/fixed'
import {fixedToFloat} from '../../src/queries/pha'

const TWO_64 = 18_446_744_073_709_551_616n
const TWO_63 = 9_223_372_036_854_775_808n

describe('payoutBitsToPlancks (U64F64 → U80F48 → ×10^12, truncated, as the chain transfers)', () => {
    test('the constants', () => {
        expect(ONE_FIXED).toBe(TWO_64)
        expect(2n ** 63n).toBe(TWO_63)
    })

    test('3.5 PHA: bits = 3·2^64 + 2^63 → 3_500_000_000_000 plancks', () => {
        // bits >> 16 = 3·2^48 + 2^47; × 10^12 = 3.5·10^12·2^48; >> 48 = 3.5·10^12 exactly
        expect(payoutBitsToPlancks(3n * TWO_64 + TWO_63)).toBe(3_500_000_000_000n)
    })

    test('exactly 1 PHA and 0', () => {
        expect(payoutBitsToPlancks(TWO_64)).toBe(1_000_000_000_000n)
        expect(payoutBitsToPlancks(0n)).toBe(0n)
    })

    test('the 16 lowest fraction bits are dropped', () => {
        // 1 PHA + 0xffff·2^-64: the extra bits are below the U80F48 resolution → still exactly 10^12
        expect(payoutBitsToPlancks(TWO_64 + 0xffffn)).toBe(1_000_000_000_000n)
        // one bit more reaches the 2^-48 resolution: (2^48 + 1)·10^12 / 2^48 = 10^12 + 0.0035… → 10^12
        expect(payoutBitsToPlancks(TWO_64 + 0x10000n)).toBe(1_000_000_000_000n)
    })

    test('dropping the low bits changes the result where full precision would not', () => {
        // bits = 18_446_745 ≥ 2^64/10^12 (= 18_446_744.07…): at full precision that is 1 planck
        // (18_446_745·10^12 = 18_446_745_000_000_000_000 ≥ 2^64 = 18_446_744_073_709_551_616).
        // The chain first drops 16 bits: 18_446_745 >> 16 = 281, and 281·10^12 = 281_000_000_000_000
        // < 2^48 = 281_474_976_710_656 → 0 plancks.
        expect((18_446_745n * 10n ** 12n) / TWO_64).toBe(1n)
        expect(payoutBitsToPlancks(18_446_745n)).toBe(0n)
    })

    test('the floor: 1/3 PHA', () => {
        // bits = floor(2^64/3) = 6_148_914_691_236_517_205; >> 16 = 93_824_992_236_885 (= floor(2^48/3));
        // × 10^12 / 2^48 = 333_333_333_333.33… → 333_333_333_333
        expect(payoutBitsToPlancks(6_148_914_691_236_517_205n)).toBe(333_333_333_333n)
    })

    test('u128 max', () => {
        // (2^112 − 1)·10^12 / 2^48 = 2^64·10^12 − 10^12/2^48 → 18_446_744_073_709_551_616·10^12 − 1
        expect(payoutBitsToPlancks(2n ** 128n - 1n)).toBe(18_446_744_073_709_551_615_999_999_999_999n)
    })

    test('negative bits are rejected', () => {
        expect(() => payoutBitsToPlancks(-1n)).toThrow(RangeError)
    })
})

describe('fixedToDecimal / decimalToFixed', () => {
    test('simple values', () => {
        expect(fixedToDecimal(3n * TWO_64 + TWO_63)).toBe('3.5')
        expect(fixedToDecimal(0n)).toBe('0')
        expect(fixedToDecimal(30000n * TWO_64)).toBe('30000')
        expect(fixedToDecimal(-(9n * 2n ** 62n))).toBe('-2.25')
    })

    test('2^-64 has exactly 64 fraction digits', () => {
        expect(fixedToDecimal(1n)).toBe('0.0000000000000000000542101086242752217003726400434970855712890625')
    })

    test('digits truncate, never round', () => {
        // floor(2^64/3) / 2^64 = 0.33333…
        expect(fixedToDecimal(6_148_914_691_236_517_205n, 5)).toBe('0.33333')
        // 2/3: 0.66666… truncates to 0.666, not 0.667
        expect(fixedToDecimal(12_297_829_382_473_034_410n, 3)).toBe('0.666')
        expect(fixedToDecimal(1n, 20)).toBe('0.00000000000000000005')
    })

    test('decimalToFixed by hand', () => {
        expect(decimalToFixed('0.5')).toBe(TWO_63)
        expect(decimalToFixed('1.5')).toBe(3n * TWO_63)
        expect(decimalToFixed('-2.25')).toBe(-(9n * 2n ** 62n))
        expect(decimalToFixed('30000')).toBe(30000n * TWO_64)
        // 0.2·2^64 = 3_689_348_814_741_910_323.2 → truncated
        expect(decimalToFixed('0.2')).toBe(3_689_348_814_741_910_323n)
        // 187.8783·2^64 = 3_465_742_917_103_625_251_376.4… → truncated
        expect(decimalToFixed('187.8783')).toBe(3_465_742_917_103_625_251_376n)
        expect(() => decimalToFixed('1e5')).toThrow(/not a decimal number/)
        expect(() => decimalToFixed('')).toThrow(/not a decimal number/)
    })

    test('a truncated parse renders just below the decimal it came from', () => {
        // floor(187.8783·2^64)/2^64 = 187.878299999999999999981958875849841206218115985393524169921875
        expect(fixedToDecimal(decimalToFixed('187.8783'))).toBe('187.878299999999999999981958875849841206218115985393524169921875')
        expect(fixedToDecimal(decimalToFixed('187.8783'), 4)).toBe('187.8782')
    })

    test('full-precision decimal → bits round-trips exactly for any bits', () => {
        const samples = [1n, 2n ** 64n - 1n, 3n * TWO_64 + TWO_63, 2n ** 127n + 12345n, 2n ** 128n - 1n, 18_446_745n]
        let x = 0x9e3779b97f4a7c15n
        for (let i = 0; i < 50; i++) {
            x = (x * 6364136223846793005n + 1442695040888963407n) & (2n ** 128n - 1n)
            samples.push(x)
        }
        for (const bits of samples) {
            expect([bits, decimalToFixed(fixedToDecimal(bits))]).toEqual([bits, bits])
        }
    })

    test('fixedToNumber is a float approximation', () => {
        expect(fixedToNumber(3n * TWO_64 + TWO_63)).toBe(3.5)
        expect(fixedToNumber(decimalToFixed('187.8783'))).toBeCloseTo(187.8783, 12)
    })

    test('fixedToNumber is the nearest float (and the API shows the same)', () => {
        // x as mantissa · 2^exponent, exactly
        const exact = (x: number): [bigint, number] => {
            const view = new DataView(new ArrayBuffer(8))
            view.setFloat64(0, x)
            const hi = view.getUint32(0)
            const lo = view.getUint32(4)
            const e = (hi >>> 20) & 0x7ff
            const m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
            return e === 0 ? [m, -1074] : [m | (1n << 52n), e - 1075]
        }
        // |x · 2^64 − bits| scaled by 2^1138 so that every term is a whole number
        const distance = (x: number, bits: bigint): bigint => {
            const [m, e] = exact(x)
            const d = (m << BigInt(e + 64 + 1074)) - (bits << 1074n)
            return d < 0n ? -d : d
        }
        const neighbours = (x: number): number[] => {
            const view = new DataView(new ArrayBuffer(8))
            view.setFloat64(0, x)
            const n = view.getBigUint64(0)
            return [n - 1n, n + 1n].map(k => {
                view.setBigUint64(0, k)
                return view.getFloat64(0)
            })
        }
        let seed = 0x2545f4914f6cdd1dn
        const samples = [0x6fcd20c76419da0028bn, (1n << 64n) - 1n, 1n]
        for (let i = 0; i < 2000; i++) {
            seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n)
            samples.push((BigInt(i * 7919) << 64n) | seed)
        }
        for (const bits of samples) {
            const x = fixedToNumber(bits)
            const d = distance(x, bits)
            for (const y of neighbours(x)) expect({bits, nearest: distance(y, bits) >= d}).toEqual({bits, nearest: true})
            expect(fixedToFloat(bits)).toBe(x)
            expect(fixedToFloat(bits.toString())).toBe(x)
        }
    })
})

describe('plancks', () => {
    test('plancksToBits', () => {
        expect(plancksToBits(1_000_000_000_000n)).toBe(TWO_64)
        // 2^64 / 10^12 = 18_446_744.07… → 18_446_744
        expect(plancksToBits(1n)).toBe(18_446_744n)
        expect(payoutBitsToPlancks(plancksToBits(3_500_000_000_000n))).toBe(3_500_000_000_000n)
    })

    test('plancksToPha always prints 12 decimals', () => {
        expect(plancksToPha(1n)).toBe('0.000000000001')
        expect(plancksToPha(3_500_000_000_000n)).toBe('3.500000000000')
        expect(plancksToPha(-1_500_000_000_000n)).toBe('-1.500000000000')
        expect(plancksToPha(0n)).toBe('0.000000000000')
    })
})

describe('permillMul (Permill × amount: nearest, a tie rounds down)', () => {
    test.each([
        [500_000, 3n, 1n], // 1.5 → tie → down → 1
        [500_000, 5n, 2n], // 2.5 → tie → down → 2
        [500_001, 3n, 2n], // 1.500003 → 2
        [499_999, 3n, 1n], // 1.499997 → 1
        [200_000, 7n, 1n], // 1.4 → 1
        [300_000, 7n, 2n], // 2.1 → 2
        [600_000, 1n, 1n], // 0.6 → 1
        [999_999, 1n, 1n], // 0.999999 → 1
        [1, 499_999n, 0n], // 0.499999 → 0
        [1, 500_000n, 0n], // 0.5 → tie → 0
        [1, 500_001n, 1n], // 0.500001 → 1
        [0, 10n ** 30n, 0n],
        [1_000_000, 12_345n, 12_345n],
        [123_456, 10n ** 24n, 123_456_000_000_000_000_000_000n], // exact: 0.123456·10^24
        [150_000, 1_000_000_000_001n, 150_000_000_000n], // 150_000_000_000.15 → 150_000_000_000
    ])('%i ppm × %s = %s', (ppm, amount, expected) => {
        expect(permillMul(ppm, amount)).toBe(expected)
    })

    test('invalid Permill values are rejected', () => {
        for (const ppm of [-1, 1_000_001, 1.5, Number.NaN]) {
            expect(() => permillMul(ppm, 1n)).toThrow(RangeError)
        }
    })
})
