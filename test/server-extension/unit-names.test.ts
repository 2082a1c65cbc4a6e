/**
 * Ratios and percentages of the analytics schema say their unit in their name: a plain name is a fraction
 * (0.25 = 25 %), a name ending in `Percent` is 0–100, in `Permill` parts per million. Fields that broke
 * the rule are deprecated beside the correctly named field that replaces them, with the same value.
 */
import {indexedDatabase} from '../helpers/indexed'
import {GraphqlServer} from '../helpers/graphql-server'

let gql: GraphqlServer

beforeAll(async () => {
    const db = await indexedDatabase('small', {log: m => console.log(`[api test] ${m}`)})
    gql = await GraphqlServer.start(db.url)
}, 1_200_000)

afterAll(async () => {
    await gql?.stop()
})

/** percent() of src/queries/emission.ts, from the plancks the answer gives */
function pct(part: string, whole: string): number {
    return Number((BigInt(part) * 1_000_000_000n) / BigInt(whole)) / 10_000_000
}

test('poolLeaderboard: commissionPermill is the deprecated commission, commissionPercent = it / 10,000', async () => {
    const r = await gql.data(`{ poolLeaderboard(orderBy: TOTAL_VALUE, limit: 1000) { entries { pid commission commissionPermill commissionPercent } } }`)
    const entries = r.poolLeaderboard.entries
    expect(entries.length).toBeGreaterThan(0)
    const pools = await gql.data(`{ basePools(limit: 1000) { id commission } }`)
    const stored = new Map(pools.basePools.map((p: any) => [p.id, p.commission]))
    for (const e of entries) {
        expect(e.commissionPermill).toBe(e.commission)
        expect(e.commissionPermill).toBe(stored.get(e.pid))
        expect(e.commissionPercent).toBe(e.commissionPermill / 10_000)
        expect(e.commissionPercent).toBeGreaterThanOrEqual(0)
        expect(e.commissionPercent).toBeLessThanOrEqual(100)
    }
    expect(entries.some((e: any) => e.commissionPermill > 0)).toBe(true)
})

test('networkStats and emission: allocationEmittedPercent / allocationProjectedPercent are the deprecated percentOf… fields', async () => {
    const r = await gql.data(`{
        now: networkStats { emitted allocationEmittedPercent percentOfAllocation }
        past: networkStats(at: "2022-12-03T06:30:00Z") { emitted allocationEmittedPercent percentOfAllocation }
        emission { allocation emitted allocationEmittedPercent percentOfAllocation
                   projections { method projectedTotal allocationProjectedPercent projectedPercentOfAllocation } } }`)
    const cap = r.emission.allocation
    for (const s of [r.now, r.past, r.emission]) {
        expect(s.allocationEmittedPercent).toBe(pct(s.emitted, cap))
        expect(s.allocationEmittedPercent).toBe(s.percentOfAllocation)
        expect(s.allocationEmittedPercent).toBeGreaterThan(0)
        expect(s.allocationEmittedPercent).toBeLessThan(100)
    }
    expect(r.past.allocationEmittedPercent).toBeLessThan(r.now.allocationEmittedPercent)
    expect(r.emission.projections.length).toBe(3)
    for (const p of r.emission.projections) {
        expect(p.allocationProjectedPercent).toBe(pct(p.projectedTotal, cap))
        expect(p.allocationProjectedPercent).toBe(p.projectedPercentOfAllocation)
    }
})

test('the rule holds over the analytics types; the fields that broke it are deprecated, with the reason', async () => {
    const types = [
        'PoolLeaderboard',
        'PoolLeaderboardEntry',
        'NetworkStatsOut',
        'EmissionReport',
        'EmissionProjectionOut',
        'CombinedEmissionOut',
        'ChainEmissionOut',
        'CombinedProjectionOut',
        'WorkerTimeline',
        'StateTimesOut',
        'TimelineBucketOut',
    ]
    const deprecated: string[] = []
    for (let i = 0; i < types.length; i++) {
        const t = (await gql.data(`{ __type(name: "${types[i]}") { name fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }`)).__type
        expect([types[i], t != null]).toEqual([types[i], true])
        for (const f of t.fields) {
            if (f.isDeprecated) {
                deprecated.push(`${t.name}.${f.name}`)
                expect(f.deprecationReason).toMatch(/^use \w+/)
                continue
            }
            // a percentage says so at the end of its name
            if (/percent/i.test(f.name)) expect([t.name, f.name]).toEqual([t.name, expect.stringMatching(/Percent$/)])
        }
    }
    expect(deprecated.sort()).toEqual(
        [
            'ChainEmissionOut.percentOfAllocation',
            'ChainEmissionOut.percentOfCombined',
            'CombinedEmissionOut.percentOfAllocation',
            'CombinedProjectionOut.projectedPercentOfAllocation',
            'EmissionProjectionOut.projectedPercentOfAllocation',
            'EmissionReport.percentOfAllocation',
            'NetworkStatsOut.percentOfAllocation',
            'PoolLeaderboardEntry.commission',
        ].sort()
    )
})
