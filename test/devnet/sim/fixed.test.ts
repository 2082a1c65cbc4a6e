/**
 * The devnet's own fixed-point arithmetic (devnet/sim/fixed.ts) against Phala's pallet test vectors
 * (pallets/phala/src/compute/computation.rs `test_tokenomic`, pallets/phala/src/utils/balance_convert.rs
 * `max_supply_not_overflow`) and hand-computed values.
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
    fixedSqrt,
    fixedToBalance,
    fixedToFloat,
    fixedToInt,
    fixedToNumber,
    payoutBitsToPlancks,
    permillMul,
} from '../../../devnet/sim/fixed'
import {genesisParams, legacyTruncatedConstant, minimalStake, rigCost, veBits} from '../../../devnet/sim/tokenomics'

const fp = fixedFromDecimal
const PHA = PLANCKS_PER_PHA

/** computation.rs test_tokenomic's `pow`: repeated squaring with U64F64 products */
function pow(x: bigint, n: number): bigint {
    let z = ONE_FIXED
    let x2 = x
    for (let i = n; i > 0; i >>= 1) {
        if (i & 1) z = fixedMul(z, x2)
        x2 = fixedMul(x2, x2)
    }
    return z
}

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

describe('computation.rs test_tokenomic (genesis parameters: re 1.3, rig_k 0.3, k 100)', () => {
    // the pallet's constants (fp!, rounded to the nearest), not the simulator's truncated ones
    const p = genesisParams(fixedFromDecimal)

    test('v_max = fp!(30000)', () => {
        expect(p.v_max).toBe(fp('30000'))
    })

    test('sqrt keeps 32 fraction bits (fixed-sqrt): sqrt(1000) = isqrt(1000·2^64)·2^32', () => {
        expect(fixedSqrt(fixedFromInt(1000))).toBe(135818791312n << 32n)
        expect(fixedSqrt(fixedFromInt(4))).toBe(fixedFromInt(2))
        expect(fixedSqrt(ONE_FIXED / 4n)).toBe(ONE_FIXED / 2n)
    })

    test('minimal_stake(1000) = 3162_277660146355 (a full-precision root would give …168379)', () => {
        expect(minimalStake(p, 1000)).toBe(3162_277660146355n)
    })

    test('ve(1000 PHA, P 1000, confidence 1..5)', () => {
        for (const level of [1, 2, 3]) expect(veBits(p, 1000n * PHA, 1000, level, fixedFromDecimal)).toBe(fp('1690.0000000000000000282'))
        expect(veBits(p, 1000n * PHA, 1000, 4, fixedFromDecimal)).toBe(fp('1612.0000000000000000247'))
        expect(veBits(p, 1000n * PHA, 1000, 5, fixedFromDecimal)).toBe(fp('1572.9999999999999999877'))
    })

    test('rig_cost(500 | 2000 | 2800)', () => {
        expect(rigCost(p, 500)).toBe(fp('150.0000000000000000054'))
        expect(rigCost(p, 2000)).toBe(fp('600.0000000000000000217'))
        expect(rigCost(p, 2800)).toBe(fp('840.00000000000000003036'))
    })

    test('slash and rho per hour (300 blocks of 12 s)', () => {
        expect(pow(ONE_FIXED - p.slash_rate, 300)).toBe(fp('0.9990004981683704595'))
        expect(pow(p.rho, 300)).toBe(fp('1.00019999999998037056'))
    })

    test('budget per day and operating cost per year', () => {
        expect(fixedDivInt(fixedMulInt(p.budget_per_block, 3600 * 24), 12)).toBe(fp('720000'))
        const opCost = fixedMul(p.cost_k, fixedFromInt(2000)) + p.cost_b
        expect(fixedMulInt(fixedMulInt(fixedMulInt(fixedDivInt(opCost, 12), 3600), 24), 365)).toBe(fp('171.71874999975847951583'))
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

describe("the simulator's constants: truncated until the chain-fidelity change (see legacyTruncatedConstant)", () => {
    test('rho, 0.001, 0.3, 1.3 and 0.8 are one bit below fp!; the other constants agree', () => {
        for (const c of ['1.000000666600231', '0.001', '0.3', '1.3', '0.8']) expect(fixedFromDecimal(c) - legacyTruncatedConstant(c)).toBe(1n)
        for (const c of ['187.8783', '0.0415625', '88.59375', '0.2', '0.449775', '1.5', '0.7', '30000'])
            expect(legacyTruncatedConstant(c)).toBe(fixedFromDecimal(c))
    })

    test('the default parameters use the truncated constants', () => {
        const sim = genesisParams()
        const pallet = genesisParams(fixedFromDecimal)
        expect(pallet.rho - sim.rho).toBe(1n)
        expect(pallet.rig_k - sim.rig_k).toBe(1n)
        expect(pallet.re - sim.re).toBe(1n)
        expect(pallet.budget_per_block).toBe(sim.budget_per_block)
    })
})
