/**
 * The devnet's tokenomic arithmetic against the pallets' own test vectors, bit for bit:
 * - v2: pallets/phala/src/compute/computation.rs `mod test` (phala-blockchain bdf9c4053), `test_tokenomic`;
 * - v1: pallets/phala/src/mining.rs `mod test` (phala-blockchain 0005a36c3), `test_tokenomic` (the same vectors
 *   plus the halvings) and `khala_tokenomics` (the parameters of `migrations::initialize`);
 * and the Khala budget timeline: the Gemini parameters as the runtime encoded them, the block halving rule and
 * the budget balancer's formula.
 * Every expected value is written as the pallet test writes it (an `fp!` literal or a planck count).
 */
import {ONE_FIXED, PLANCKS_PER_PHA, fixedDivInt, fixedFromDecimal, fixedFromInt, fixedMul, fixedMulInt, fixedSqrt} from '../../devnet/sim/fixed'
import {
    BALANCER_HALVING_START,
    KHALA_GEMINI_START_BLOCK,
    KHALA_HALVING_INTERVAL,
    balancerBudget,
    balancerHalvingIndex,
    fixedPow,
    geminiBudgetAfter,
    isHalvingBlock,
    khalaHalvingBlock,
} from '../../devnet/sim/timeline'
import {
    TOKENOMIC_FIELDS,
    type TokenomicParams,
    confidenceScoreBits,
    geminiParams,
    genesisParams,
    initVBits,
    khalaInitialParams,
    minimalStake,
    rigCost,
    settleBudget,
    share,
    shareBits,
    veBits,
} from '../../devnet/sim/tokenomics'

const fp = fixedFromDecimal
const DOLLARS = PLANCKS_PER_PHA

/** `op_cost` of the pallets' `Tokenomic` (test-only there): cost_k·P + cost_b */
const opCost = (t: TokenomicParams, p: number): bigint => fixedMul(t.cost_k, fixedFromInt(p)) + t.cost_b

describe.each([
    ['computation.rs (v2)', 'test_tokenomic'],
    ['mining.rs (v1)', 'test_tokenomic'],
])('%s %s, genesis parameters', () => {
    const t = genesisParams()

    test('v_max = fp!(30000)', () => {
        expect(t.v_max).toBe(fp('30000'))
    })

    test('minimal_stake(1000) = 3162_277660146355 (k·sqrt(P) with the fixed-sqrt root)', () => {
        expect(minimalStake(t, 1000)).toBe(3162_277660146355n)
    })

    test('ve(1000 PHA, 1000, level 1..5)', () => {
        for (const level of [1, 2, 3]) expect(veBits(t, 1000n * DOLLARS, 1000, level)).toBe(fp('1690.0000000000000000282'))
        expect(veBits(t, 1000n * DOLLARS, 1000, 4)).toBe(fp('1612.0000000000000000247'))
        expect(veBits(t, 1000n * DOLLARS, 1000, 5)).toBe(fp('1572.9999999999999999877'))
    })

    test('rig_cost(500 | 2000 | 2800)', () => {
        expect(rigCost(t, 500)).toBe(fp('150.0000000000000000054'))
        expect(rigCost(t, 2000)).toBe(fp('600.0000000000000000217'))
        expect(rigCost(t, 2800)).toBe(fp('840.00000000000000003036'))
    })

    test('slash decay and rho over an hour (HOUR_BLOCKS = 300, the test`s pow)', () => {
        expect(fixedPow(ONE_FIXED - t.slash_rate, 300)).toBe(fp('0.9990004981683704595'))
        expect(fixedPow(t.rho, 300)).toBe(fp('1.00019999999998037056'))
    })

    test('budget per day: budget_per_block · 3600 · 24 / 12 = fp!(720000)', () => {
        expect(fixedDivInt(fixedMulInt(fixedMulInt(t.budget_per_block, 3600), 24), 12)).toBe(fp('720000'))
    })

    test('op_cost(2000) / 12 · 3600 · 24 · 365 = fp!(171.71874999975847951583)', () => {
        const perYear = fixedMulInt(fixedMulInt(fixedMulInt(fixedDivInt(opCost(t, 2000), 12), 3600), 24), 365)
        expect(perYear).toBe(fp('171.71874999975847951583'))
    })
})

describe('mining.rs (v1) test_tokenomic: trigger_subsidy_halving twice', () => {
    test('budget 100 → fp!(75) → fp!(56.25)', () => {
        const t = genesisParams()
        const once = fixedMul(t.budget_per_block, fp('0.75'))
        expect(once).toBe(fp('75'))
        expect(fixedMul(once, fp('0.75'))).toBe(fp('56.25'))
    })
})

describe('mining.rs (v1) khala_tokenomics: migrations::initialize (PHA rate 0.84, re 1.5, k 50)', () => {
    const t = khalaInitialParams()

    test('minimal_stake(1000) = 1581_138830073177', () => {
        expect(minimalStake(t, 1000)).toBe(1581_138830073177n)
    })

    test('ve(1000 PHA, 1000, level 1..5) and ve(5000 PHA, 2000, 4)', () => {
        for (const level of [1, 2, 3]) expect(veBits(t, 1000n * DOLLARS, 1000, level)).toBe(fp('2035.71428571428571430895'))
        expect(veBits(t, 1000n * DOLLARS, 1000, 4)).toBe(fp('1899.99999999999999999225'))
        expect(veBits(t, 1000n * DOLLARS, 1000, 5)).toBe(fp('1832.14285714285714283387'))
        expect(veBits(t, 5000n * DOLLARS, 2000, 4)).toBe(fp('7999.99999999999999991944'))
    })
})

describe('the constants round as fp! does (nearest, ties to even), not by truncation', () => {
    test('rho, 0.001, 0.3, 1.3 and 0.8 round up; 0.2, 0.7 and 1.5 need no rounding up', () => {
        const trunc = (s: string): bigint => {
            const [i, f = ''] = s.split('.')
            return (BigInt(i) << 64n) + (BigInt(f || '0') << 64n) / 10n ** BigInt(f.length)
        }
        for (const c of ['1.000000666600231', '0.001', '0.3', '1.3', '0.8']) expect(fp(c) - trunc(c)).toBe(1n)
        for (const c of ['0.2', '0.7', '1.5', '0.75', '30000']) expect(fp(c)).toBe(trunc(c))
    })

    test('the confidence scores are fp!(1), fp!(1), fp!(1), fp!(0.8), fp!(0.7); other levels count as 1', () => {
        expect([1, 2, 3, 4, 5, 0, 6].map(l => confidenceScoreBits(l))).toEqual([ONE_FIXED, ONE_FIXED, ONE_FIXED, fp('0.8'), fp('0.7'), ONE_FIXED, ONE_FIXED])
    })

    test('the genesis parameters are the fp! literals and the pallet`s integer scaling', () => {
        const t = genesisParams()
        expect(t.rho).toBe(fp('1.000000666600231'))
        expect(t.rig_k).toBe(fp('0.3'))
        expect(t.re).toBe(fp('1.3'))
        expect(t.slash_rate).toBe((fp('0.001') * 12n) / 3600n)
        expect(t.budget_per_block).toBe(fixedFromInt(100))
        expect(t.k).toBe(fixedFromInt(100))
    })
})

describe('the fixed-sqrt root (fixed-sqrt 0.2.5 `FixedSqrt for FixedU128`: integer_sqrt(bits) << 32)', () => {
    test('only 32 fraction bits: sqrt(1000) and sqrt(2)', () => {
        // floor(sqrt(1000·2^64)) = 135818791312.…; floor(sqrt(2·2^64)) = 6074000999.…
        expect(fixedSqrt(fixedFromInt(1000))).toBe(135818791312n << 32n)
        expect(fixedSqrt(fixedFromInt(2))).toBe(6074000999n << 32n)
        expect(fixedSqrt(fixedFromInt(9))).toBe(fixedFromInt(3))
        expect(fixedSqrt(0n)).toBe(0n)
    })

    test('the share (gk.rs TokenomicInfo::share): sqrt(3000² + (2·2000·1)²) = 5000, and the float wrapper', () => {
        expect(shareBits(fixedFromInt(3000), fixedFromInt(2000), ONE_FIXED)).toBe(fixedFromInt(5000))
        // V = 1200, p = 1000, conf = fp!(0.8): x = V² + (2·p·conf)², each product floored; the result is
        // floor(sqrt(x bits)) · 2^32
        const v = fixedFromInt(1200)
        const q = fixedMul(fixedMul(fixedFromInt(2), fixedFromInt(1000)), fp('0.8'))
        const x = fixedMul(v, v) + fixedMul(q, q)
        const s = shareBits(v, fixedFromInt(1000), fp('0.8'))
        const r = s >> 32n
        expect(s).toBe(r << 32n)
        expect(r * r <= x && (r + 1n) * (r + 1n) > x).toBe(true)
        expect(fixedFromInt(2000) - s < 1n << 32n && s <= fixedFromInt(2000) + (1n << 32n)).toBe(true)
        expect(share(3000, 2000, 1)).toBe(5000)
        expect(share(0, 0, 1)).toBe(0)
    })
})

describe('settlement split (gk.rs update_v_heartbeat): payout and treasury are separate floored products', () => {
    test('payout = budget·(1 − 0.2), treasury = budget·0.2, both floored', () => {
        const g = geminiParams()
        const {budget, treasury, payout} = settleBudget(g, 0.5, 10)
        expect(budget).toBe(fixedMul(fixedMul(ONE_FIXED / 2n, g.budget_per_block), fixedFromInt(10)))
        expect(treasury).toBe((budget * g.treasury_ratio) >> 64n)
        expect(payout).toBe((budget * (ONE_FIXED - g.treasury_ratio)) >> 64n)
        // fp!(0.2) is below 0.2: the two floors lose at most 2 bits together
        expect(budget - treasury - payout >= 0n && budget - treasury - payout <= 2n).toBe(true)
    })
})

describe('Khala Gemini parameters (mining.rs migrations::enable_phala_tokenomic, khala-parachain 8b6b53e4)', () => {
    // the SCALE bytes the migration decodes (TokenomicParameters: 13 u128 and a u32 heartbeat window)
    const HEX =
        'b81e85eb51b81e450000000000000000fd7eb4062f0b00000100000000000000482aa913d044d8e0bb000000000000000000000000000000' +
        '3075000000000000255a8ed66500000000000000000000009d3473f8f34f030000000000000000000000000000000000000000000000' +
        '000033333333333333330000000000000000140000003b1c318036762473000000000000000000000000000000000000000000000000' +
        '000000000000008001000000000000000000000000000000320000000000000000000000000000000100000000000000'

    function decode(hex: string): Record<string, bigint | number> {
        const b = Buffer.from(hex, 'hex')
        let o = 0
        const out: Record<string, bigint | number> = {}
        for (const f of TOKENOMIC_FIELDS) {
            if (f === 'heartbeat_window') {
                out[f] = b.readUInt32LE(o)
                o += 4
            } else {
                out[f] = b.readBigUInt64LE(o) + (b.readBigUInt64LE(o + 8) << 64n)
                o += 16
            }
        }
        expect(o).toBe(b.length)
        return out
    }

    test('geminiParams() is the encoded parameter set, bit for bit', () => {
        expect(geminiParams()).toEqual(decode(HEX))
    })

    test('what the bits say: budget 187.8783 (not fp!(187.8783)), rho as fp!, re 1.5, k 50, no slashing', () => {
        const g = geminiParams()
        expect(fixedDivInt(fixedMulInt(g.budget_per_block, 10_000), 1) >> 64n).toBe(1_878_783n)
        expect(g.budget_per_block - fp('187.8783')).toBe(24n)
        expect(g.rho).toBe(fp('1.000000666600231'))
        expect(g.re).toBe(fp('1.5'))
        expect(g.k).toBe(fixedFromInt(50))
        expect(g.slash_rate).toBe(0n)
        expect(g.heartbeat_window).toBe(20)
    })

    test('a Gemini worker: ve(1000 PHA, 1000, level 1) = 1.5 · (1000 + rig_k·1000), capped at v_max', () => {
        const g = geminiParams()
        const want = fixedMul(fp('1.5'), fixedFromInt(1000) + g.rig_k * 1000n)
        expect(veBits(g, 1000n * DOLLARS, 1000, 1)).toBe(want)
        expect(initVBits(g, 100_000n * DOLLARS, 1000, 1)).toBe(g.v_max)
    })
})

describe('Khala budget timeline', () => {
    test('the block halving fires on the last block of each interval: the first at 2,763,069', () => {
        expect(khalaHalvingBlock(1)).toBe(2_763_069)
        expect(isHalvingBlock(2_763_069, KHALA_GEMINI_START_BLOCK, KHALA_HALVING_INTERVAL)).toBe(true)
        expect(isHalvingBlock(2_763_068, KHALA_GEMINI_START_BLOCK, KHALA_HALVING_INTERVAL)).toBe(false)
        expect(isHalvingBlock(2_763_070, KHALA_GEMINI_START_BLOCK, KHALA_HALVING_INTERVAL)).toBe(false)
        expect(khalaHalvingBlock(2)).toBe(4_059_069)
    })

    test('after the first halving: 187.8783 · 0.75 = 140.908725 PHA/block, floored once', () => {
        const b = geminiBudgetAfter(1)
        expect(b).toBe((geminiParams().budget_per_block * 3n) / 4n)
        expect((b * 1_000_000n) >> 64n).toBe(140_908_725n)
        expect(geminiBudgetAfter(0)).toBe(geminiParams().budget_per_block)
    })

    test('balancer halving index: 1 before 2023-06-12, 2 for the next 180 days, then 3', () => {
        expect(balancerHalvingIndex(Date.parse('2023-06-01T00:00:00Z') / 1000)).toBe(1)
        expect(balancerHalvingIndex(BALANCER_HALVING_START)).toBe(1)
        expect(balancerHalvingIndex(BALANCER_HALVING_START + 1)).toBe(2)
        expect(balancerHalvingIndex(Date.parse('2023-12-09T00:00:00Z') / 1000)).toBe(2)
        expect(balancerHalvingIndex(Date.parse('2023-12-10T00:00:00Z') / 1000)).toBe(3)
    })

    test('balancer budget: all shares on one chain at 7200 blocks a day = 720000 · 0.75^i / 7200', () => {
        const june20 = Date.parse('2023-06-20T00:00:00Z') / 1000
        const one = fixedFromInt(1)
        // 1/7200 is floored before the product, so the result falls a little short of the exact quotient
        const near = (got: bigint, want: string): void => {
            expect(got <= fp(want) && fp(want) - got < 1n << 20n).toBe(true)
        }
        // 720000 · 0.5625 / 7200 = 56.25; half the shares: 28.125
        near(balancerBudget(june20, one, one, 7200), '56.25')
        near(balancerBudget(june20, one, fixedFromInt(2), 7200), '28.125')
        // few blocks: capped at 720000 · 0.5625 / 2400 = 168.75 exactly
        expect(balancerBudget(june20, one, one, 1000)).toBe(fp('168.75'))
        // before 2023-06-12: 0.75 → 75 PHA/block
        near(balancerBudget(Date.parse('2023-06-01T00:00:00Z') / 1000, one, one, 7200), '75')
    })
})
