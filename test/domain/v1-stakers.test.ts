/**
 * The v1 stakers' reward book (src/domain/ledger/v1-stakers.ts) against the chain: the scenario of
 * stakepool.rs's own unit test `test_reward_management` (0005a36c3: its asserted reward_acc, pending
 * and debts), and rounding cases whose results are worked out by hand below from the `fixed` crate's rules
 * (balance → U64F64 = ⌊b · 2^64 / 10^12⌋, products and quotients floor, U64F64 → balance floors).
 */
import {permillMul} from '../../src/domain/fixed'
import {MemoryV1Store, V1_DUST, V1StakerBook, v1FromFixed, v1ToFixed} from '../../src/domain/ledger/v1-stakers'

const PHA = 10n ** 12n
const ONE = 1n << 64n

describe('v1 stakers: the pallet test test_reward_management', () => {
    it('gives the reward_acc, pending and debts the pallet asserts', () => {
        const b = new V1StakerBook(new MemoryV1Store(), 'u64f64')
        b.contribute('0', 'A', 100n * PHA)
        b.contribute('0', 'B', 400n * PHA)
        expect(b.pool('0').rewardAccBits).toBe(0n)
        // mined 500 PHA, no commission
        expect(b.reward('0', 500n * PHA)).toBe(true)
        const s1 = b.staker('0', 'A')
        const s2 = b.staker('0', 'B')
        expect(b.pool('0').rewardAccBits).toBe(ONE) // fp!(1)
        expect(b.pending(s1)).toBe(100n * PHA)
        expect(b.pending(s2)).toBe(400n * PHA)
        // staker 1 claims 100 PHA (RewardsWithdrawn, not the owner's commission: none)
        expect(b.claim('0', 'A', 100n * PHA, true)).toEqual({stakerPart: 100n * PHA, ownerPart: 0n})
        expect(s1.rewardDebt).toBe(100n * PHA)
        expect(b.pending(s1)).toBe(0n)
        b.reward('0', 500n * PHA)
        expect(b.pool('0').rewardAccBits).toBe(2n * ONE)
        expect(b.pending(s1)).toBe(100n * PHA)
        expect(b.pending(s2)).toBe(800n * PHA)
        b.claim('0', 'B', 800n * PHA, true)
        expect(s2.rewardDebt).toBe(800n * PHA)
        // staker 1 adds 300 PHA at price 1: 300 PHA of shares; the contribution settles 100 PHA pending
        b.contribute('0', 'A', 300n * PHA)
        expect(s1.shares).toBe(400n * PHA)
        expect(s1.rewardDebt).toBe(800n * PHA)
        b.reward('0', 800n * PHA)
        b.claim('0', 'A', 500n * PHA, true)
        expect(b.pool('0').rewardAccBits).toBe(3n * ONE)
        expect(b.pending(s1)).toBe(0n)
        expect(b.pending(s2)).toBe(400n * PHA)
        // the reconciliation: claimed + pending = Σ distributed
        expect(s1.claimed + s2.claimed + b.pending(s1) + b.pending(s2)).toBe(1800n * PHA)
    })
})

describe('v1 stakers: rounding', () => {
    it('converts balances to U64F64 at 64 fraction bits before 2023 and at 48 after', () => {
        // 1 planck = 2^64 / 10^12 = 18446744.073709551616 → 18446744; through U80F48: ⌊2^48 / 10^12⌋ = 281, << 16
        expect(v1ToFixed(1n, 'u64f64')).toBe(18446744n)
        expect(v1ToFixed(1n, 'u80f48')).toBe(281n << 16n)
        expect(v1ToFixed(PHA, 'u64f64')).toBe(ONE)
        // 2^64 plancks do not fit U64F64's integer part: the chain's from_num panics
        expect(() => v1ToFixed(1n << 64n, 'u64f64')).toThrow(/overflows/)
        // back: ⌊bits · 10^12 / 2^64⌋
        expect(v1FromFixed(ONE - 1n, 'u64f64')).toBe(PHA - 1n)
        expect(v1FromFixed(ONE, 'u64f64')).toBe(PHA)
    })

    it('a single staker gets one planck less than a reward a third of the stake', () => {
        const b = new V1StakerBook(new MemoryV1Store())
        b.contribute('1', 'S', 3n * PHA)
        b.reward('1', PHA)
        // acc = ⌊2^64 / 3⌋ = 6148914691236517205 (2^64 = 3 · that + 1)
        expect(b.pool('1').rewardAccBits).toBe(6148914691236517205n)
        // mul(3 PHA, acc) = from_fixed(3 · acc = 2^64 − 1) = ⌊(2^64 − 1) · 10^12 / 2^64⌋ = 10^12 − 1
        expect(b.pending(b.staker('1', 'S'))).toBe(PHA - 1n)
    })

    it('three equal stakers of a reward that does not divide lose a planck each', () => {
        const b = new V1StakerBook(new MemoryV1Store())
        for (const a of ['X', 'Y', 'Z']) b.contribute('2', a, PHA)
        b.reward('2', PHA)
        // each: ⌊10^12 · ⌊2^64/3⌋ / 2^64⌋ = ⌊333333333333.33…⌋
        for (const a of ['X', 'Y', 'Z']) expect(b.pending(b.staker('2', a))).toBe(333_333_333_333n)
    })

    it('a staker of one planck of shares rounds half a planck down to nothing', () => {
        const b = new V1StakerBook(new MemoryV1Store())
        b.contribute('3', 'big', 2n * PHA - 1n)
        b.contribute('3', 'tiny', 1n)
        b.reward('3', PHA)
        // to_fixed(2 PHA) = 2 · 2^64, so acc = 2^63; to_fixed(1) = 18446744; 18446744 · 2^63 >> 64 = 9223372;
        // ⌊9223372 · 10^12 / 2^64⌋ = ⌊0.49999…⌋ = 0
        expect(b.pool('3').rewardAccBits).toBe(1n << 63n)
        expect(b.pending(b.staker('3', 'tiny'))).toBe(0n)
    })

    it('dismisses a to_stakers of 1000 plancks as dust and distributes 1001', () => {
        const b = new V1StakerBook(new MemoryV1Store())
        b.contribute('4', 'A', PHA)
        expect(b.reward('4', V1_DUST)).toBe(false)
        expect(b.pool('4').rewardAccBits).toBe(0n)
        expect(b.reward('4', V1_DUST + 1n)).toBe(true)
        // acc = to_fixed(1001) / to_fixed(10^12) = ⌊1001 · 2^64 / 10^12⌋, a little under 1001 plancks per PHA:
        // back to a balance it floors to 1000
        expect(b.pending(b.staker('4', 'A'))).toBe(1000n)
    })

    it('follows a commission change between rewards through to_stakers', () => {
        const b = new V1StakerBook(new MemoryV1Store())
        b.contribute('8', 'A', PHA)
        b.contribute('8', 'B', 2n * PHA)
        // 10% of 10 PHA to the owner (handle_pool_new_reward: commission * rewards), 9 PHA over 3 PHA of shares:
        // acc = 3 exactly, A 3 PHA, B 6 PHA
        b.reward('8', 10n * PHA - permillMul(100_000, 10n * PHA))
        expect(b.pending(b.staker('8', 'A'))).toBe(3n * PHA)
        expect(b.pending(b.staker('8', 'B'))).toBe(6n * PHA)
        // the owner sets 50%: 5 PHA to the stakers; acc += ⌊5 · 2^64 / 3⌋ = (5 · 2^64 − 2) / 3, so
        // A: ⌊3 PHA + (5 PHA − ε) / 3⌋ = 4666666666666, B: ⌊6 PHA + 2 · (5 PHA − ε) / 3⌋ = 9333333333333
        expect(permillMul(500_000, 10n * PHA)).toBe(5n * PHA)
        b.reward('8', 10n * PHA - permillMul(500_000, 10n * PHA))
        expect(b.pending(b.staker('8', 'A'))).toBe(4_666_666_666_666n)
        expect(b.pending(b.staker('8', 'B'))).toBe(9_333_333_333_333n)
    })

    it('keeps what a staker earned across a contribution and a withdrawal (settle, then reset)', () => {
        const b = new V1StakerBook(new MemoryV1Store())
        b.contribute('5', 'A', 3n * PHA)
        b.reward('5', PHA) // A: 10^12 − 1 (the single-staker case)
        b.contribute('5', 'B', 3n * PHA)
        b.withdraw('5', 'A', PHA)
        const a = b.staker('5', 'A')
        expect(b.pending(a)).toBe(PHA - 1n)
        expect(a.availableRewards).toBe(PHA - 1n)
        // the next reward of 5 PHA over 5 PHA of shares: acc grows by exactly 1, A has 2 PHA of shares
        b.reward('5', 5n * PHA)
        expect(b.pending(a)).toBe(3n * PHA - 1n)
        expect(() => b.withdraw('5', 'A', 3n * PHA)).toThrow(/holds/)
    })

    it('pays a commission with the staker part in RewardsWithdrawn and refuses a wrong staker claim', () => {
        const b = new V1StakerBook(new MemoryV1Store())
        b.contribute('6', 'owner', PHA)
        b.reward('6', 2n * PHA)
        // the owner claims its 2 PHA as staker and 7 plancks of commission
        expect(b.claim('6', 'owner', 2n * PHA + 7n, true)).toEqual({stakerPart: 2n * PHA, ownerPart: 7n})
        b.reward('6', 2n * PHA)
        expect(() => b.claim('6', 'owner', 2n * PHA + 1n, false)).toThrow(/book holds/)
    })

    it('carries each staker’s pending into the migration and lists the pool’s dirty stakers', () => {
        const b = new V1StakerBook(new MemoryV1Store())
        b.contribute('7', 'A', PHA)
        b.contribute('7', 'B', 2n * PHA)
        expect(
            b
                .takeDirty()
                .map(s => s.accountId)
                .sort()
        ).toEqual(['A', 'B'])
        b.reward('7', 3n * PHA)
        expect(
            b
                .takeDirty()
                .map(s => s.accountId)
                .sort()
        ).toEqual(['A', 'B'])
        expect(b.takeDirty()).toEqual([])
        b.claim('7', 'A', PHA, false)
        const [a, c] = [b.staker('7', 'A'), b.staker('7', 'B')]
        expect([b.pending(a), a.claimed, b.accrued(a)]).toEqual([0n, PHA, PHA])
        expect([b.pending(c), c.claimed, b.accrued(c)]).toEqual([2n * PHA, 0n, 2n * PHA])
        expect(b.poolPending('7')).toBe(2n * PHA)
    })
})
