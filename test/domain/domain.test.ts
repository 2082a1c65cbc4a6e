/**
 * The pure domain, with hand-computed values: state machine, share price and holdings from integers, the
 * chain's fixed-point conversions, payout / pool-reward pairing and the per-settle self-check.
 */
import {balanceMul, balanceToFixed, fixedDiv, fixedToBalance} from '../../src/domain/balance'
import {palletAccount, SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT} from '../../src/domain/constants'
import {payoutBitsToPlancks} from '../../src/domain/fixed'
import {groupOutcome, RewardPairer} from '../../src/domain/pairing'
import {shareValue, sharePrice, vaultRewardCut} from '../../src/domain/pool-math'
import {computeShare, confidenceScore, shareToMicro} from '../../src/domain/share'
import {canUnbind, nextSessionState, WorkerState} from '../../src/domain/worker-state'
import {aprPerShare, poolApr, realizedApr} from '../../src/domain/apr'
import {bucketId, dayStart, hourStart} from '../../src/rollup'
import {RollupPeriod} from '../../src/model'

const PHA = 10n ** 12n

describe('well-known accounts', () => {
    it('derives PalletId accounts as "modl" + id, zero-padded', () => {
        expect(SUBSIDY_POOL_ACCOUNT).toBe('0x' + Buffer.from('modlphala/pp').toString('hex') + '00'.repeat(20))
        expect(SUBSIDY_POOL_ACCOUNT).toBe('0x6d6f646c7068616c612f70700000000000000000000000000000000000000000')
        expect(TREASURY_ACCOUNT).toBe('0x6d6f646c70792f74727372790000000000000000000000000000000000000000')
        expect(() => palletAccount('short')).toThrow(/8 bytes/)
    })
})

describe('worker state machine', () => {
    const S = WorkerState
    it('follows bind → start → unresponsive → idle → stop → reclaim', () => {
        expect(nextSessionState(null, 'SessionBound')).toEqual({to: S.Ready, expected: true})
        expect(nextSessionState(S.Ready, 'WorkerStarted')).toEqual({to: S.WorkerIdle, expected: true})
        expect(nextSessionState(S.WorkerIdle, 'WorkerEnterUnresponsive')).toEqual({to: S.WorkerUnresponsive, expected: true})
        expect(nextSessionState(S.WorkerUnresponsive, 'WorkerExitUnresponsive')).toEqual({to: S.WorkerIdle, expected: true})
        expect(nextSessionState(S.WorkerUnresponsive, 'WorkerStopped')).toEqual({to: S.WorkerCoolingDown, expected: true})
        expect(nextSessionState(S.WorkerCoolingDown, 'WorkerReclaimed')).toEqual({to: S.Ready, expected: true})
    })

    it('flags illegal source states but still follows the chain', () => {
        expect(nextSessionState(S.WorkerCoolingDown, 'WorkerStarted')).toEqual({to: S.WorkerIdle, expected: false})
        expect(nextSessionState(S.Ready, 'WorkerStopped')).toEqual({to: S.WorkerCoolingDown, expected: false})
        expect(nextSessionState(S.WorkerIdle, 'WorkerReclaimed')).toEqual({to: S.Ready, expected: false})
        expect(nextSessionState(S.WorkerIdle, 'SessionBound').expected).toBe(false)
    })

    it('allows unbinding only from Ready or CoolingDown', () => {
        expect(canUnbind(S.Ready)).toBe(true)
        expect(canUnbind(S.WorkerCoolingDown)).toBe(true)
        expect(canUnbind(S.WorkerIdle)).toBe(false)
        expect(canUnbind(S.WorkerUnresponsive)).toBe(false)
    })
})

describe('fixed point as the chain does it', () => {
    it('converts payout bits to plancks by truncating to U80F48 then to plancks', () => {
        expect(payoutBitsToPlancks(10n << 64n)).toBe(10n * PHA)
        expect(payoutBitsToPlancks((1n << 64n) + (1n << 63n))).toBe(1_500_000_000_000n)
        // 1/3 PHA: floor(floor(2^64/3 / 2^16) * 10^12 / 2^48) = 333333333333
        expect(payoutBitsToPlancks((1n << 64n) / 3n)).toBe(333_333_333_333n)
        // below 2^-48 PHA nothing survives
        expect(payoutBitsToPlancks((1n << 16n) - 1n)).toBe(0n)
    })

    it('balance → fixed → balance (to_fixed / from_fixed)', () => {
        expect(balanceToFixed(PHA)).toBe(1n << 64n)
        expect(balanceToFixed(3n * PHA)).toBe(3n << 64n)
        expect(fixedToBalance(balanceToFixed(123n * PHA))).toBe(123n * PHA)
        expect(fixedDiv(1n << 64n, 0n)).toBeUndefined()
        expect(fixedDiv(1n << 64n, 4n << 64n)).toBe(1n << 62n)
        expect(balanceMul(8n * PHA, 1n << 62n)).toBe(2n * PHA)
    })
})

describe('share price and holdings from integers', () => {
    it('renders total value / total shares exactly, truncated to 18 decimals', () => {
        expect(sharePrice(1500n * PHA, 1000n * PHA)).toBe('1.5')
        expect(sharePrice(4012_600_000_000_000n, 4000n * PHA)).toBe('1.00315')
        expect(sharePrice(1000n, 3n)).toBe('333.333333333333333333')
        expect(sharePrice(2n, 3n)).toBe('0.666666666666666666')
        expect(sharePrice(5n, 0n)).toBe('1')
    })

    it('values a holding as floor(shares × value / shares)', () => {
        expect(shareValue(300n * PHA, 1500n * PHA, 1000n * PHA)).toBe(450n * PHA)
        // 1000 shares of a 4012.6 PHA pool with 4000 shares = 1003.15 PHA
        expect(shareValue(1000n * PHA, 4012_600_000_000_000n, 4000n * PHA)).toBe(1003_150_000_000_000n)
        expect(shareValue(1n, 2n, 3n)).toBe(0n)
        expect(shareValue(2n, 2n, 3n)).toBe(1n)
        expect(shareValue(10n, 10n, 0n)).toBe(0n)
    })

    it("computes a vault's cut of a stake-pool reward with the chain's truncations", () => {
        // 1/4 of the shares, 100 PHA distributed: all exact in binary → 25 PHA
        expect(vaultRewardCut(250n * PHA, 1000n * PHA, 100n * PHA)).toBe(25n * PHA)
        // 1/3 of the shares, 3 PHA: stake_ratio = 0.333333333333 (truncated), so 0.999999999998 PHA
        expect(vaultRewardCut(1n * PHA, 3n * PHA, 3n * PHA)).toBe(999_999_999_998n)
        expect(vaultRewardCut(1n, 0n, 3n * PHA)).toBe(0n)
    })
})

describe('share and APR', () => {
    it('share = sqrt(V² + (2·p·conf)²)', () => {
        expect(confidenceScore(1)).toBe(1)
        expect(confidenceScore(4)).toBe(0.8)
        expect(confidenceScore(5)).toBe(0.7)
        // V = 3000, p = 2000, conf 1: sqrt(3000² + 4000²) = 5000
        expect(computeShare(3000n << 64n, 2000, 1)).toBe(5000)
        // conf 0.8: 2·2000·0.8 = 3200; sqrt(3000² + 3200²) = 4386.3424…
        expect(computeShare(3000n << 64n, 2000, 4)).toBeCloseTo(Math.sqrt(3000 ** 2 + 3200 ** 2), 9)
        expect(shareToMicro(5000.0000004)).toBe(5_000_000_000n)
    })

    it('official APR formula', () => {
        // 100 PHA per block, 20% treasury, 12 s blocks, 1,000,000 idle shares
        const perShare = aprPerShare(100, 0.2, 12_000, 1_000_000)!
        expect(perShare).toBeCloseTo((100 * 0.8 * 365 * 86_400_000) / 12_000 / 1_000_000, 9)
        // pool: 10,000 idle shares, 10% commission, 50,000 PHA
        expect(poolApr(perShare, 10_000, 100_000, 50_000n * PHA)).toBeCloseTo(((10_000 * 0.9) / 50_000) * perShare, 9)
        expect(poolApr(perShare, 10_000, 0, 0n)).toBeNull()
        expect(aprPerShare(100, 0.2, 12_000, 0)).toBeNull()
        // 1 PHA over a day on 365 PHA of stake = 100% a year
        expect(realizedApr(PHA, 365n * PHA, 86_400_000)).toBeCloseTo(1, 12)
    })

    it('buckets by UTC hour and day', () => {
        const t = Date.UTC(2024, 4, 6, 13, 59, 59, 999)
        expect(hourStart(t)).toBe(Date.UTC(2024, 4, 6, 13))
        expect(dayStart(t)).toBe(Date.UTC(2024, 4, 6))
        expect(bucketId('w', RollupPeriod.Hour, Date.UTC(2024, 4, 6, 13))).toBe('2024-05-06T13-Hour-w')
        expect(bucketId('w', RollupPeriod.Day, Date.UTC(2024, 4, 6))).toBe('2024-05-06-Day-w')
    })
})

describe('payout ↔ pool reward pairing and the self-check', () => {
    const settle = (id: string, amount: bigint, workerId: string | null, poolId: string | null) => ({payout: {id}, amount, workerId, poolId})

    it('pairs FIFO per pool and checks to_owner + to_stakers = payout', () => {
        const p = new RewardPairer<{id: string}>()
        p.addSettle(settle('s1', 10n * PHA, 'w1', '0'))
        p.addSettle(settle('s2', 4n * PHA, 'w2', '0'))
        p.addSettle(settle('s3', 7n * PHA, 'w3', '1'))
        expect(p.addReward({kind: 'RewardReceived', eventId: 'r3', pid: '1', toOwner: 0n, toStakers: 7n * PHA})!.settle.payout.id).toBe('s3')
        expect(p.addReward({kind: 'RewardReceived', eventId: 'r1', pid: '0', toOwner: PHA, toStakers: 9n * PHA})!.settle.payout.id).toBe('s1')
        // the second reward of pool 0 is short by one planck
        expect(p.addReward({kind: 'RewardReceived', eventId: 'r2', pid: '0', toOwner: 400_000_000_000n, toStakers: 3_599_999_999_999n})!.settle.payout.id).toBe(
            's2'
        )
        const {closed, open} = p.endBlock()
        expect(open).toEqual([])
        const outcomes = Object.fromEntries(closed.map(g => [g.settle.payout.id, groupOutcome(g)]))
        expect(outcomes.s1).toMatchObject({toOwner: PHA, toStakers: 9n * PHA, dismissed: 0n, accounted: 10n * PHA, ok: true})
        expect(outcomes.s3.ok).toBe(true)
        expect(outcomes.s2).toMatchObject({accounted: 3_999_999_999_999n, ok: false})
    })

    it('pairs dismissals: not in pool by worker, whole-payout dust / no share by pool', () => {
        const p = new RewardPairer<{id: string}>()
        p.addSettle(settle('a', 5n, 'w1', null))
        p.addSettle(settle('b', 900n, 'w2', '3'))
        p.addSettle(settle('c', 2n * PHA, 'w3', '4'))
        expect(p.addReward({kind: 'Dismissal', eventId: 'd1', dismissal: 'NotInPool', pid: null, worker: 'w1', amount: 5n})!.settle.payout.id).toBe('a')
        expect(p.addReward({kind: 'Dismissal', eventId: 'd2', dismissal: 'Dust', pid: '3', worker: null, amount: 900n})!.settle.payout.id).toBe('b')
        expect(p.addReward({kind: 'Dismissal', eventId: 'd3', dismissal: 'NoShare', pid: '4', worker: null, amount: 2n * PHA})!.settle.payout.id).toBe('c')
        const {closed, open} = p.endBlock()
        expect(open).toEqual([])
        for (const g of closed) expect(groupOutcome(g)).toMatchObject({toOwner: 0n, toStakers: 0n, dismissed: g.settle.amount, ok: true})
    })

    it('groups dust reported next to a RewardReceived with it (already inside to_owner / to_stakers)', () => {
        const p = new RewardPairer<{id: string}>()
        p.addSettle(settle('x', 1_000_000n, 'w', '7'))
        p.addSettle(settle('y', 3_000n, 'w2', '7'))
        // x: owner commission 500 could not be minted; RewardReceived still reports it
        p.addReward({kind: 'Dismissal', eventId: 'od', dismissal: 'OwnerDust', pid: '7', worker: null, amount: 500n})
        p.addReward({kind: 'RewardReceived', eventId: 'rx', pid: '7', toOwner: 500n, toStakers: 999_500n})
        // y: neither part minted: two dust events cover the whole payout, no RewardReceived
        p.addReward({kind: 'Dismissal', eventId: 'od2', dismissal: 'OwnerDust', pid: '7', worker: null, amount: 300n})
        p.addReward({kind: 'Dismissal', eventId: 'dd2', dismissal: 'DistributionDust', pid: '7', worker: null, amount: 2_700n})
        const {closed, open} = p.endBlock()
        expect(open).toEqual([])
        const [x, y] = closed.map(groupOutcome)
        expect(x).toMatchObject({toOwner: 500n, toStakers: 999_500n, ownerDismissed: 500n, stakersDismissed: 0n, dismissed: 0n, ok: true})
        expect(y).toMatchObject({toOwner: 0n, toStakers: 0n, dismissed: 3_000n, ok: true})
    })

    it('ignores zero payouts in a pool, reports rewarded settles left without events and unpaired rewards', () => {
        const p = new RewardPairer<{id: string}>()
        p.addSettle(settle('z', 0n, 'w', '1'))
        p.addSettle(settle('r', 10n, 'w2', '1'))
        // the zero payout takes no event: the reward goes to 'r'
        expect(p.addReward({kind: 'RewardReceived', eventId: 'e', pid: '1', toOwner: 1n, toStakers: 9n})!.settle.payout.id).toBe('r')
        expect(p.addReward({kind: 'RewardReceived', eventId: 'e2', pid: '1', toOwner: 1n, toStakers: 9n})).toBeUndefined()
        p.addSettle(settle('lonely', 10n, 'w3', '2'))
        const {closed, open} = p.endBlock()
        expect(closed.map(g => g.settle.payout.id)).toEqual(['r'])
        expect(open.map(g => g.settle.payout.id)).toEqual(['lonely'])
        expect(p.pending).toBe(0)
    })
})
