/**
 * Economy simulator: unit mechanics against hand-computed values.
 */
import {payoutBitsToPlancks, fixedToNumber, ONE_FIXED, PLANCKS_PER_PHA} from '../../devnet/sim/fixed'
import {Rng} from '../../devnet/sim/rng'
import {
    geminiParams,
    genesisParams,
    veBits,
    initVBits,
    share,
    minimalStake,
    settleBudget,
    growV,
    growthParams,
    isqrt,
    mulFixed,
    numberToFixed,
    intToFixed,
    vaultRewardCut,
    balanceToFixedBits,
} from '../../devnet/sim/tokenomics'
import {splitReward, DUST} from '../../devnet/sim/engine'
import {SUBSIDY_POOL, TREASURY, sessionAccount} from '../../devnet/sim/accounts'

const PHA = PLANCKS_PER_PHA

describe('Ve = f·(S + C), capped at v_max', () => {
    const g = geminiParams()
    // Khala's Gemini rig_k as the runtime encoded it: 0.3 / 0.667 = 0.44977511244377805…
    const rigK = g.rig_k

    test('conf level 1: S = 1000 PHA, P = 1000 → 1.5 · (1000 + 449.7751…) = 2174.6626…', () => {
        // exact: tweaked re = (1.5 − 1)·1 + 1 = 1.5 (exact in U64F64); S = 1000·2^64; C = 1000·rig_k bits;
        // Ve = (S + C)·3/2, truncated
        const expected = ((1000n * ONE_FIXED + 1000n * rigK) * 3n) / 2n
        expect(rigK).toBe(8296886389974309947n)
        expect(veBits(g, 1000n * PHA, 1000, 1)).toBe(expected)
        expect(fixedToNumber(expected)).toBeCloseTo(1.5 * (1000 + 300 / 0.667), 9)
    })

    test('conf levels 4 and 5: f = 1 + 0.8·0.5 = 1.4; f = 1 + 0.7·0.5 = 1.35', () => {
        expect(fixedToNumber(veBits(g, 1000n * PHA, 1000, 4))).toBeCloseTo(1.4 * (1000 + 300 / 0.667), 9)
        expect(fixedToNumber(veBits(g, 1000n * PHA, 1000, 5))).toBeCloseTo(1.35 * (1000 + 300 / 0.667), 9)
        // levels 2 and 3 count as 1
        expect(veBits(g, 1000n * PHA, 1000, 2)).toBe(veBits(g, 1000n * PHA, 1000, 1))
        expect(veBits(g, 1000n * PHA, 1000, 3)).toBe(veBits(g, 1000n * PHA, 1000, 1))
    })

    test('Khala genesis parameters (re 1.3, rig_k 0.3): S = 1000 PHA, P = 1000 → 1.3 · 1300 = 1690', () => {
        expect(fixedToNumber(veBits(genesisParams(), 1000n * PHA, 1000, 1))).toBeCloseTo(1690, 9)
        // level 4: (0.3·0.8 + 1)·1300 = 1612; level 5: (0.3·0.7 + 1)·1300 = 1573
        expect(fixedToNumber(veBits(genesisParams(), 1000n * PHA, 1000, 4))).toBeCloseTo(1612, 9)
        expect(fixedToNumber(veBits(genesisParams(), 1000n * PHA, 1000, 5))).toBeCloseTo(1573, 9)
    })

    test('cap: S = 25000 PHA, P = 4000 → 1.5 · (25000 + 1799.1…) = 40198.65… > 30000 → init_v = v_max', () => {
        expect(fixedToNumber(veBits(g, 25_000n * PHA, 4000, 1))).toBeCloseTo(1.5 * (25000 + 1200 / 0.667), 8)
        expect(initVBits(g, 25_000n * PHA, 4000, 1)).toBe(30000n * ONE_FIXED)
        expect(initVBits(g, 1000n * PHA, 1000, 1)).toBe(veBits(g, 1000n * PHA, 1000, 1))
    })

    test('minimum stake k·sqrt(P): k = 50, P = 2500 → 2500 PHA; P = 1000 → 1581.138830084 PHA', () => {
        expect(minimalStake(g, 2500)).toBe(2500n * PHA)
        const m = minimalStake(g, 1000)
        expect(m / 1_000_000n).toBe(1581138830n) // 50·31.6227766017 = 1581.138830084
    })
})

describe('share = sqrt(V² + (2·p·conf)²)', () => {
    test('hand values', () => {
        // V = 3000, p = 2000, conf 1: sqrt(9e6 + 16e6) = 5000
        expect(share(3000, 2000, 1)).toBe(5000)
        // V = 1200, p = 1000, conf 0.8 (level 4): 2·1000·0.8 = 1600, sqrt(1.44e6 + 2.56e6) = 2000
        expect(share(1200, 1000, 0.8)).toBeCloseTo(2000, 9)
        // V = 1690, p = 1000, conf 1: sqrt(2856100 + 4000000) = sqrt(6856100) ≈ 2618.4155
        expect(share(1690, 1000, 1)).toBeCloseTo(2618.41552, 4)
        expect(share(0, 0, 1)).toBe(0)
    })
})

describe('reward split by commission (Permill, rounded to nearest, ties down)', () => {
    test('1 PHA at 20% → 0.2 PHA to the owner, 0.8 PHA to the stakers', () => {
        expect(splitReward(200_000, PHA)).toEqual({toOwner: 200_000_000_000n, toStakers: 800_000_000_000n})
    })
    test('7 plancks at 50% → 3.5 rounds down to 3 (tie), stakers get 4', () => {
        expect(splitReward(500_000, 7n)).toEqual({toOwner: 3n, toStakers: 4n})
    })
    test('3 plancks at 33.3333% → 0.999999 rounds to 1', () => {
        expect(splitReward(333_333, 3n)).toEqual({toOwner: 1n, toStakers: 2n})
    })
    test('no commission and 100%', () => {
        expect(splitReward(null, 12345n)).toEqual({toOwner: 0n, toStakers: 12345n})
        expect(splitReward(1_000_000, 12345n)).toEqual({toOwner: 12345n, toStakers: 0n})
    })
    test('always sums to the reward', () => {
        const rng = new Rng(5)
        for (let i = 0; i < 2000; i++) {
            const r = BigInt(rng.int(0, 2 ** 31)) * BigInt(rng.int(1, 2 ** 20))
            const c = rng.int(0, 1_000_000)
            const {toOwner, toStakers} = splitReward(c, r)
            expect(toOwner + toStakers).toBe(r)
            expect(toOwner >= 0n && toStakers >= 0n).toBe(true)
        }
    })
})

describe('payout bits → plancks (U64F64 → U80F48, ×10^12, truncated)', () => {
    test('1.5 PHA', () => {
        expect(payoutBitsToPlancks((3n * ONE_FIXED) / 2n)).toBe(1_500_000_000_000n)
    })
    test('the smallest payout worth one planck is 282·2^16 bits', () => {
        // floor(b / 2^16) must reach ceil(2^48 / 10^12) = 282
        expect(payoutBitsToPlancks(282n << 16n)).toBe(1n)
        expect(payoutBitsToPlancks((282n << 16n) - 1n)).toBe(0n)
        // a direct floor(b·10^12 / 2^64) would give 1 here: the chain's two-step truncation gives 0
        expect((((282n << 16n) - 1n) * PHA) >> 64n).toBe(1n)
    })
    test('dust threshold is 1000 plancks', () => {
        expect(DUST).toBe(1000n)
    })
})

describe("a vault's cut of a stake pool reward (the chain's fixed-point conversions)", () => {
    test('30000 of 50000 shares, reward 10 PHA → 5.999999999989 PHA (not 6: four truncations)', () => {
        // to_fixed(30000 PHA) = 30000·2^64 and to_fixed(50000 PHA) = 50000·2^64 exactly;
        // ratio = floor(0.6·2^64) = 11068046444225730969; stake_ratio = from_fixed(ratio):
        //   floor(ratio / 2^16) = 168884986026393, ·10^12 / 2^48 → 599999999999 plancks;
        // to_fixed(599999999999) = floor(599999999999·2^48 / 10^12) = 168884986026112 (·2^16);
        // ·to_fixed(10 PHA) = ·10 → 1688849860261120·2^16; from_fixed → floor(1688849860261120·10^12 / 2^48)
        expect(balanceToFixedBits(30000n * PHA)).toBe(30000n << 64n)
        expect(balanceToFixedBits(599_999_999_999n)).toBe(168884986026112n << 16n)
        expect(vaultRewardCut(30000n * PHA, 50000n * PHA, 10n * PHA)).toBe(5_999_999_999_989n)
    })
    test('no shares, no cut', () => {
        expect(vaultRewardCut(0n, 50000n * PHA, 10n * PHA)).toBe(0n)
        expect(vaultRewardCut(5n, 0n, 10n * PHA)).toBe(0n)
    })
})

describe('settlement budget and treasury', () => {
    test('share 1/4 of 187.8783 PHA/block over 10 blocks = 469.69575 PHA; 20% treasury', () => {
        const g = geminiParams()
        const {budget, treasury, payout} = settleBudget(g, 0.25, 10)
        // 2^53·0.25 is exact: budget = floor(budget_per_block_bits·10/4)
        expect(budget).toBe((g.budget_per_block * 10n) / 4n)
        expect(treasury).toBe(mulFixed(budget, g.treasury_ratio))
        // payout and treasury are separate floored products (gk.rs update_v_heartbeat): up to 2 bits short
        expect(budget - payout - treasury >= 0n && budget - payout - treasury <= 2n).toBe(true)
        // 0.8 · 469.69575 = 375.7566 PHA, 0.2 · 469.69575 = 93.93915 PHA (within a planck)
        const p = payoutBitsToPlancks(payout)
        const t = payoutBitsToPlancks(treasury)
        expect(p - 375_756_600_000_000n <= 1n && 375_756_600_000_000n - p <= 1n).toBe(true)
        expect(t - 93_939_150_000_000n <= 1n && 93_939_150_000_000n - t <= 1n).toBe(true)
    })
    test('treasury : payout = 0.2 : 0.8 for random shares', () => {
        const g = geminiParams()
        const rng = new Rng(9)
        for (let i = 0; i < 200; i++) {
            const {treasury, payout} = settleBudget(g, rng.next() * 0.01, rng.int(1, 2000))
            if (payout === 0n) continue
            const ratio = Number((treasury * 1_000_000_000n) / payout) / 1e9
            expect(ratio).toBeCloseTo(0.25, 6)
        }
    })
})

describe('V growth', () => {
    test('closed form equals the per-block recurrence V += r·((rho−1)·V + cost_k·p_bench + cost_b)', () => {
        const gp = growthParams(geminiParams())
        let v = 12000
        const pBench = 2000
        const pInst = 2100
        const r = pInst / pBench
        for (let i = 0; i < 500; i++) v += r * (gp.rhoMinus1 * v + gp.costK * pBench + gp.costB)
        expect(growV(gp, 12000, 500, pBench, pInst)).toBeCloseTo(v, 6)
        // one block: rho − 1 = 6.666e-7 → 12000 · 6.666e-7 ≈ 0.008 PHA
        expect(growV(gp, 12000, 1, 2000, 2000) - 12000).toBeCloseTo(12000 * gp.rhoMinus1 + gp.costK * 2000 + gp.costB, 9)
    })
    test('capped at v_max', () => {
        const gp = growthParams(geminiParams())
        expect(growV(gp, 29999.99, 100000, 2000, 2000)).toBe(30000)
    })
})

describe('fixed-point helpers', () => {
    test('isqrt is the floor square root', () => {
        const rng = new Rng(3)
        for (let i = 0; i < 500; i++) {
            const n = BigInt(rng.u32()) * BigInt(rng.u32()) * BigInt(rng.u32()) * BigInt(rng.u32()) + BigInt(i)
            const r = isqrt(n)
            expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true)
        }
        expect(isqrt(0n)).toBe(0n)
        expect(isqrt(15n)).toBe(3n)
        expect(isqrt(16n)).toBe(4n)
    })
    test('numberToFixed is exact for dyadic values', () => {
        expect(numberToFixed(1.5)).toBe((3n * ONE_FIXED) / 2n)
        expect(numberToFixed(30000)).toBe(intToFixed(30000))
        expect(numberToFixed(2 ** -20)).toBe(1n << 44n)
    })
})

describe('deterministic PRNG and accounts', () => {
    test('same seed, same stream; different seed, different stream', () => {
        const a = new Rng(42)
        const b = new Rng(42)
        const c = new Rng(43)
        const sa = Array.from({length: 50}, () => a.u32())
        expect(Array.from({length: 50}, () => b.u32())).toEqual(sa)
        expect(Array.from({length: 50}, () => c.u32())).not.toEqual(sa)
        const r = new Rng(0)
        for (let i = 0; i < 1000; i++) {
            const x = r.next()
            expect(x >= 0 && x < 1).toBe(true)
        }
    })
    test('pallet accounts and derived sessions', () => {
        // "modl" + "phala/pp", zero padded
        expect(SUBSIDY_POOL).toBe('0x6d6f646c7068616c612f7070' + '0'.repeat(40))
        expect(TREASURY).toBe('0x6d6f646c70792f7472737279' + '0'.repeat(40))
        const s = sessionAccount(3, '0x' + '11'.repeat(32))
        expect(s.startsWith('0x73706d2f')).toBe(true) // "spm/"
        expect(s).toHaveLength(66)
        expect(sessionAccount(3, '0x' + '11'.repeat(32))).toBe(s)
        expect(sessionAccount(4, '0x' + '11'.repeat(32))).not.toBe(s)
    })
})
