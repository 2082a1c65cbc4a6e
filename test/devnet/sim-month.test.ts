/**
 * khala-month / khala-days:N: the shape of the month scenario on a shortened, scaled-down variant — the network
 * grows (more workers, denser blocks, new pools and delegators), the balancer's budget steps down ×0.75 mid-run,
 * pools are wound down, workers leave, are reclaimed and removed, delegations come and go.
 */
import {buildScenario} from '../../devnet/sim'

const DAY = 7200

describe('khala-month', () => {
    test('names: khala-month is 30 days, khala-days:N is N days centred on the budget step; bad N is refused', () => {
        const m = buildScenario('khala-month')
        expect(m.blockCount).toBe(30 * DAY)
        expect(Array.isArray(m.blocks)).toBe(false)
        expect(new Date(m.startTimestamp).toISOString()).toBe('2023-11-24T00:00:00.000Z')
        const q = buildScenario('khala-days:90')
        expect(q.blockCount).toBe(90 * DAY)
        expect(new Date(q.startTimestamp).toISOString()).toBe('2023-10-25T00:00:00.000Z')
        for (const bad of ['khala-days:0', 'khala-days:x', 'khala-days:', 'khala-days:1.5', 'khala-days:99999']) {
            expect(() => buildScenario(bad)).toThrow(/expected khala-days:<days> with 1 ≤ days ≤ 3650/)
        }
    })

    test('a 4-day variant: growth, a budget step, pool and delegation churn', () => {
        const s = buildScenario('khala-days:4', {
            seed: 1,
            workers: 500,
            stakePools: 30,
            vaults: 3,
            delegators: 300,
            // a 1-day cool-down so that stopped workers are reclaimed within the run; faster churn than the month's
            engine: {coolDownSecs: 86_400},
            policy: {workerGrowthPerDay: 0.1, poolRetirementsPerDay: 1, newPoolsPerDay: 3, delegatorGrowthPerDay: 0.1},
        })
        expect(s.blockCount).toBe(4 * DAY)
        const perDay = Array.from({length: 4}, () => new Map<string, number>())
        const contributorsDay1 = new Set<string>()
        const newContributors = new Set<string>()
        const budgets: {block: number; budget: bigint}[] = []
        let height = 0
        for (const b of s.blocks) {
            height++
            const day = Math.floor((height - 1) / DAY)
            const m = perDay[day]
            for (const e of b.events) {
                const k = `${e.pallet}.${e.name}`
                m.set(k, (m.get(k) ?? 0) + 1)
                if (k === 'PhalaStakePoolv2.Contribution') {
                    const user = (e.args as any).user as string
                    if (day === 0) contributorsDay1.add(user)
                    else if (!contributorsDay1.has(user)) newContributors.add(user)
                }
                if (k === 'PhalaComputation.BudgetUpdated') budgets.push({block: height, budget: (e.args as any).budget as bigint})
            }
        }
        const n = (day: number, k: string) => perDay[day].get(k) ?? 0
        const laterDays = (k: string) => n(1, k) + n(2, k) + n(3, k)

        // growth: the heartbeat target follows the computing workers, so the last day is denser than the second
        expect(n(3, 'PhalaComputation.BenchmarkUpdated')).toBeGreaterThan(1.1 * n(1, 'PhalaComputation.BenchmarkUpdated'))
        expect(laterDays('PhalaRegistry.WorkerAdded')).toBeGreaterThan(50)
        expect(laterDays('PhalaStakePoolv2.PoolCreated')).toBeGreaterThan(3)
        expect(newContributors.size).toBeGreaterThan(20)

        // the budget: one BudgetUpdated a day and the step at the start of day 3 (2023-12-09), ×0.75 ± the jitter
        const step = budgets.find(x => x.block === 2 * DAY + 1)!
        expect(step).toBeDefined()
        const before = budgets.filter(x => x.block < step.block).pop()!
        const ratio = Number((step.budget * 1000n) / before.budget) / 1000
        expect(ratio).toBeGreaterThan(0.7)
        expect(ratio).toBeLessThan(0.8)
        expect(new Date(s.startTimestamp + 2 * DAY * 12_000).toISOString()).toBe('2023-12-09T00:00:00.000Z')

        // churn: workers stopped, reclaimed and removed (wound-down pools), delegations withdrawn
        expect(laterDays('PhalaComputation.WorkerStopped')).toBeGreaterThan(20)
        expect(laterDays('PhalaComputation.WorkerReclaimed')).toBeGreaterThan(10)
        expect(laterDays('PhalaComputation.SessionUnbound')).toBeGreaterThan(5)
        expect(laterDays('PhalaBasePool.WithdrawalQueued') + laterDays('PhalaBasePool.Withdrawal')).toBeGreaterThan(50)

        // the truth stays O(workers + days): no per-day worker entries
        const t = s.truth
        expect(t.complete).toBe(true)
        expect(Object.keys(t.days)).toEqual(['2023-12-07', '2023-12-08', '2023-12-09', '2023-12-10'])
        for (const d of Object.values(t.days)) expect(Object.keys(d.workers)).toHaveLength(0)
        expect(Object.values(t.days).reduce((a, d) => a + d.payout, 0n)).toBe(t.totals.payout)
    })
})
