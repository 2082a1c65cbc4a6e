/**
 * The devnet's v1 stake-pool rewards (stakepool.rs at 0005a36c3, the MasterChef accumulator) against hand
 * computations from the pallet's formulas, and the v1 delegator ground truth of `tiny` and `small`.
 *
 * The pallet's formulas, written out here from the pallet (not from the devnet):
 *   to_fixed(b)   = U64F64::from_num(b) / 1e12          → bits floor(b · 2^64 / 10^12)
 *   from_fixed(v) = (v · 1e12).to_num()                   → floor(bits · 10^12 / 2^64) (saturating)
 *   distribute:   reward_acc += to_fixed(r) / to_fixed(S) → bits += floor(tf(r) · 2^64 / tf(S))
 *   pending       = from_fixed(to_fixed(shares) · reward_acc) − reward_debt
 */
import {Engine} from '../../devnet/sim/engine'
import {scenarioSpec} from '../../devnet/sim/scenarios'
import {buildScenario} from '../../devnet/sim/index'
import {distribute} from '../../devnet/sim/rewards'
import {toFixedV1, fromFixedV1, mulV1, pendingRewardV1, accIncrementV1} from '../../devnet/sim/masterchef'
import type {GroundTruth} from '../../devnet/sim/truth'
import type {Pool} from '../../devnet/sim/core'
import type {DevBlock} from '../../devnet/model'

const PHA = 1_000_000_000_000n
const TWO64 = 18446744073709551616n

// hand versions of the pallet's formulas (independent of devnet/sim/masterchef.ts)
const tf = (b: bigint) => (b * TWO64) / PHA
const ff = (bits: bigint) => (bits * PHA) / TWO64
const accAdd = (r: bigint, s: bigint) => (tf(r) * TWO64) / tf(s)
const owed = (shares: bigint, acc: bigint) => ff((tf(shares) * acc) / TWO64)

const OWNER = '0x' + '11'.repeat(32)
const A = '0x' + 'aa'.repeat(32)
const B = '0x' + 'bb'.repeat(32)
const T = '0x' + 'cc'.repeat(32)

function v1Engine(): Engine {
    const spec = scenarioSpec('tiny')
    return new Engine({...spec.engine, upgradeAt: null, name: 'v1-unit', seed: 3})
}

/** a v1 pool with the given stakers (owner first), no workers */
function poolWith(e: Engine, stakes: Array<[string, bigint]>): Pool {
    let pool: Pool | null = null
    e.step(eng => {
        pool = eng.createStakePool(OWNER)
        for (const [u, a] of stakes) if (!eng.contribute(pool, u, a)) throw new Error('contribution failed')
    })
    return pool!
}

const pendingOf = (pool: Pool, user: string) => {
    const d = pool.delegs.get(user)!
    return d.pending + pendingRewardV1(pool, user, d)
}

describe('2022 balance ⇄ U64F64 (balance_convert.rs before January 2023)', () => {
    test('1 PHA is exactly 1.0; 1 planck is floor(2^64 / 10^12) = 18446744 bits', () => {
        expect(toFixedV1(PHA)).toBe(TWO64)
        expect(toFixedV1(1n)).toBe(18446744n)
        expect(fromFixedV1(TWO64)).toBe(PHA)
        // 18446744 bits · 10^12 / 2^64 = 0.99999…: a planck does not survive the round trip
        expect(fromFixedV1(toFixedV1(1n))).toBe(0n)
        expect(fromFixedV1(toFixedV1(1_000_001n))).toBe(1_000_000n)
    })

    test('from_fixed saturates at u128::MAX bits (the overflow the 2023 rewrite fixed)', () => {
        expect(fromFixedV1(1n << 127n)).toBe((1n << 64n) - 1n)
    })

    test("the pallet's own cases: reward 50 over 100 shares gives reward_acc 0.5; shares 100 at acc 1 owe 100", () => {
        // stakepool.rs test_force_assign_reward / test_reward_management
        expect(accIncrementV1(50n * PHA, 100n * PHA)).toBe(TWO64 / 2n)
        expect(mulV1(100n * PHA, TWO64)).toBe(100n * PHA)
    })
})

describe('the accumulator against hand computations', () => {
    test('single staker: reward 1 PHA + 7 plancks over 1000 PHA of shares', () => {
        const e = v1Engine()
        const pool = poolWith(e, [[A, 1000n * PHA]])
        const r = PHA + 7n
        distribute(e, pool, r)
        const acc = accAdd(r, 1000n * PHA)
        expect(pool.rewardAcc).toBe(acc)
        const hand = owed(1000n * PHA, acc)
        expect(pendingOf(pool, A)).toBe(hand)
        // the floors lose at most a planck of the reward
        expect(hand).toBeLessThanOrEqual(r)
        expect(r - hand).toBeLessThanOrEqual(1n)
    })

    test('tiny shares: 1500 plancks buy 1499 shares next to 10,000 PHA; they earn 0 on one reward, 1 after ten', () => {
        const e = v1Engine()
        const pool = poolWith(e, [
            [A, 10_000n * PHA],
            [T, 1_500n],
        ])
        // add_stake at price 1.0: bdiv(1500, 1.0) = from_fixed(to_fixed(1500)) = floor(27670116 · 10^12 / 2^64)
        const tiny = ff(tf(1_500n))
        expect(tiny).toBe(1_499n)
        const total = pool.totalShares
        expect(total).toBe(10_000n * PHA + tiny)
        distribute(e, pool, PHA)
        let acc = accAdd(PHA, total)
        expect(pendingOf(pool, T)).toBe(owed(tiny, acc))
        expect(pendingOf(pool, T)).toBe(0n) // 0.15 planck
        for (let k = 1; k < 10; k++) {
            distribute(e, pool, PHA)
            acc += accAdd(PHA, total)
        }
        expect(pool.rewardAcc).toBe(acc)
        expect(pendingOf(pool, T)).toBe(owed(tiny, acc))
        expect(pendingOf(pool, T)).toBe(1n) // 1.4999… plancks: the fraction stays in reward_acc until it is a planck
        expect(pendingOf(pool, A)).toBe(owed(10_000n * PHA, acc))
    })

    test('a claim moves pending to the staker; the next reward starts from the new reward_debt', () => {
        const e = v1Engine()
        const pool = poolWith(e, [
            [A, 300n * PHA],
            [B, 100n * PHA],
        ])
        distribute(e, pool, 4n * PHA + 3n)
        const acc1 = accAdd(4n * PHA + 3n, 400n * PHA)
        const first = owed(300n * PHA, acc1)
        e.step(eng => expect(eng.claimStakerRewards(pool, A)).toBe(true))
        expect(e.truth.v1Delegators[`${pool.pid}/${A}`].claimed).toBe(first)
        distribute(e, pool, 2n * PHA)
        const acc2 = acc1 + accAdd(2n * PHA, 400n * PHA)
        expect(pendingOf(pool, A)).toBe(owed(300n * PHA, acc2) - owed(300n * PHA, acc1))
        expect(pendingOf(pool, B)).toBe(owed(100n * PHA, acc2))
    })

    test('queued shares earn until paid, then stop', () => {
        const e = v1Engine()
        const pool = poolWith(e, [
            [A, 3_000n * PHA],
            [B, 3_000n * PHA],
        ])
        // a worker takes all the free stake
        const w = e.newWorker(2000, 1)
        e.step(eng => {
            expect(eng.register(w)).toBe(true)
            expect(eng.bind(w, pool)).toBe(true)
        })
        e.step(eng => expect(eng.start(w, 6_000n * PHA)).toBe(true))
        expect(pool.free).toBe(0n)
        const blk = e.step(eng => expect(eng.withdraw(pool, A, 3_000n * PHA)).toBe(true))
        expect(blk.events.map(x => x.name).filter(n => n.startsWith('Withdrawal'))).toEqual(['WithdrawalQueued'])
        const acc0 = pool.rewardAcc
        distribute(e, pool, 10n * PHA)
        const acc1 = acc0 + accAdd(10n * PHA, 6_000n * PHA)
        // A's 3000 queued shares still earn half
        expect(pendingOf(pool, A) - owed(3_000n * PHA, acc0)).toBe(owed(3_000n * PHA, acc1) - owed(3_000n * PHA, acc0))
        // B's contribution frees stake: A is paid
        const paid = e.step(eng => expect(eng.contribute(pool, B, 3_000n * PHA)).toBe(true))
        expect(paid.events.some(x => x.name === 'Withdrawal')).toBe(true)
        const before = pendingOf(pool, A)
        distribute(e, pool, 10n * PHA)
        expect(pendingOf(pool, A)).toBe(before)
    })
})

function check(name: 'tiny' | 'small'): void {
    describe(`${name}: v1 delegator truth`, () => {
        let t: GroundTruth
        let blocks: DevBlock[]
        beforeAll(() => {
            const s = buildScenario(name)
            blocks = [...s.blocks]
            t = s.truth
        })

        test('every record: accrued = claimed + pending, at the end and at every day end; cumulative days', () => {
            const recs = Object.entries(t.v1Delegators)
            expect(recs.length).toBeGreaterThan(5)
            for (const [k, r] of recs) {
                expect(k).toMatch(/^\d+\/0x[0-9a-f]{64}$/)
                expect(r.accrued).toBe(r.claimed + r.pending)
                let prev = {accrued: 0n, claimed: 0n}
                for (const d of Object.keys(r.days).sort()) {
                    const p = r.days[d]
                    expect(p.accrued).toBe(p.claimed + p.pending)
                    expect(p.accrued).toBeGreaterThanOrEqual(prev.accrued)
                    expect(p.claimed).toBeGreaterThanOrEqual(prev.claimed)
                    prev = p
                }
            }
        })

        test("claimed = the staker account's StakerRewardsWithdrawn, summed over its pools", () => {
            const byUser = new Map<string, bigint>()
            for (const [k, r] of Object.entries(t.v1Delegators)) {
                const u = k.split('/')[1]
                byUser.set(u, (byUser.get(u) ?? 0n) + r.claimed)
            }
            let claims = 0
            for (const [u, c] of byUser) {
                expect(c).toBe(t.accounts[u].stakerRewardsWithdrawn)
                if (c > 0n) claims++
            }
            expect(claims).toBeGreaterThan(0)
        })

        test('per pool: Σ (claimed + pending) = Σ to_stakers distributed − the floors (less than a planck per staker per reward)', () => {
            const upgrade = t.chain.upgradeBlock ?? Number.MAX_SAFE_INTEGER
            const distributed = new Map<string, bigint>()
            const rewards = new Map<string, number>()
            // v1 RewardReceived events: to_stakers is added to reward_acc when it is not dust (> 1000 plancks)
            blocks.forEach((b, i) => {
                if (i + 1 >= upgrade) return
                for (const ev of b.events) {
                    if (ev.pallet !== 'PhalaStakePool' || ev.name !== 'RewardReceived') continue
                    const pid = String(ev.args.pid)
                    const d = ev.args.to_stakers as bigint
                    if (d <= 1000n) continue
                    distributed.set(pid, (distributed.get(pid) ?? 0n) + d)
                    rewards.set(pid, (rewards.get(pid) ?? 0) + 1)
                }
            })
            const got = new Map<string, bigint>()
            const stakers = new Map<string, number>()
            for (const [k, r] of Object.entries(t.v1Delegators)) {
                const pid = k.split('/')[0]
                got.set(pid, (got.get(pid) ?? 0n) + r.claimed + r.pending)
                stakers.set(pid, (stakers.get(pid) ?? 0) + 1)
            }
            expect(distributed.size).toBeGreaterThan(1)
            for (const [pid, d] of distributed) {
                const g = got.get(pid) ?? 0n
                const residue = d - g
                // every floor rounds down: to_fixed, the reward_acc division and from_fixed of each staker's
                // mul(shares, acc) at each settlement; a staker loses < 1 planck per settlement and the
                // accumulator < 1 planck per reward, so the residue is ≥ 0 and below stakers × rewards
                expect(residue).toBeGreaterThanOrEqual(0n)
                expect(residue).toBeLessThanOrEqual(BigInt((stakers.get(pid) ?? 0) * (rewards.get(pid) ?? 0)))
                expect(residue).toBeLessThan(d / 1_000_000n + 1n)
            }
        })

        if (name === 'small') {
            test('the edge cases happen in the v1 era: a single-staker pool, tiny shares, a queued withdrawal', () => {
                const perPool = new Map<string, number>()
                for (const k of Object.keys(t.v1Delegators)) perPool.set(k.split('/')[0], (perPool.get(k.split('/')[0]) ?? 0) + 1)
                expect([...perPool.values()]).toContain(1)
                // tiny shares: a staker whose whole v1 accrual is under a thousand plancks, yet not zero
                expect(Object.values(t.v1Delegators).some(r => r.accrued > 0n && r.accrued < 1000n)).toBe(true)
                expect(t.eventCounts['PhalaStakePool.WithdrawalQueued'] ?? 0).toBeGreaterThan(0)
                expect(t.eventCounts['PhalaStakePool.RewardDismissedDust'] ?? 0).toBeGreaterThan(0)
            })
        }

        test('commission changes between rewards: to_owner = Permill(commission in force) · reward, rounded half down', () => {
            const upgrade = t.chain.upgradeBlock ?? Number.MAX_SAFE_INTEGER
            const ppm = new Map<string, bigint>()
            const seen = new Map<string, Set<bigint>>()
            blocks.forEach((b, i) => {
                if (i + 1 >= upgrade) return
                for (const ev of b.events) {
                    if (ev.pallet !== 'PhalaStakePool') continue
                    const pid = String(ev.args.pid)
                    if (ev.name === 'PoolCommissionSet') ppm.set(pid, BigInt(ev.args.commission as number))
                    if (ev.name !== 'RewardReceived') continue
                    const c = ppm.get(pid) ?? 0n
                    const reward = (ev.args.to_owner as bigint) + (ev.args.to_stakers as bigint)
                    const q = (reward * c) / 1_000_000n
                    const rem = (reward * c) % 1_000_000n
                    expect(ev.args.to_owner).toBe(rem * 2n > 1_000_000n ? q + 1n : q)
                    if (!seen.has(pid)) seen.set(pid, new Set())
                    seen.get(pid)!.add(c)
                }
            })
            // some pool was rewarded under two commissions
            expect([...seen.values()].some(x => x.size >= 2)).toBe(true)
        })

        test('at the upgrade: pending carried into the pool value; v2 value of the shares', () => {
            for (const [k, r] of Object.entries(t.v1Delegators)) {
                expect(r.atUpgrade).not.toBeNull()
                const u = r.atUpgrade!
                // nothing happens to a v1 staker between the last v1 block and the migration
                expect(u.pending).toBe(r.pending)
                const pool = t.pools[k.split('/')[0]]
                expect(pool.migrated).toBe(true)
                if (u.shares === 0n) expect(u.v2Value).toBe(0n)
            }
        })
    })
}

check('tiny')
check('small')
