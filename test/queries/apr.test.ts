/**
 * One APR definition (src/domain/apr.ts) in two languages: the TypeScript functions the indexer uses and
 * the SQL the API's leaderboard and network statistics run (src/queries/leaderboard.ts). Both are
 * evaluated here on the rows of a database the real processor indexed, and must agree.
 */
import {aprPerShare, plancksToFloat, poolApr} from '../../src/domain/apr'
import {MULTIPLIER_CTES, PER_SHARE_SQL} from '../../src/queries/leaderboard'
import {indexedDatabase, IndexedDb, withClient} from '../helpers/indexed'

let db: IndexedDb

beforeAll(async () => {
    db = await indexedDatabase('small', {log: m => console.log(`[apr test] ${m}`)})
}, 1_200_000)

/** equal to 12 significant digits (numeric in SQL, float8 in TypeScript) */
function expectSame(sql: number | null, ts: number | null) {
    if (ts == null || sql == null) return expect(sql).toBe(ts)
    expect(Math.abs(sql - ts)).toBeLessThanOrEqual(Math.abs(ts) * 1e-12)
}

test('the SQL APR per share equals aprPerShare on the network row', async () => {
    await withClient(db.url, async c => {
        const {rows} = await c.query(
            `SELECT n.budget_per_block::text AS budget, n.treasury_ratio::float8 AS ratio, n.avg_block_time_ms::float8 AS block_ms,
                    n.idle_share::float8 AS idle_share, per.per_share::float8 AS per_share
             FROM network_state n, (${PER_SHARE_SQL}) per WHERE n.id = 'network'`
        )
        expect(rows).toHaveLength(1)
        const n = rows[0]
        const ts = aprPerShare(n.budget == null ? null : plancksToFloat(BigInt(n.budget)), n.ratio, n.block_ms, n.idle_share)
        expect(ts).not.toBeNull()
        expectSame(n.per_share, ts)
    })
})

test("the SQL pool APR equals poolApr on every stake pool's row", async () => {
    await withClient(db.url, async c => {
        const {rows} = await c.query(
            `WITH per AS (${PER_SHARE_SQL}), ${MULTIPLIER_CTES}
             SELECT bp.id, bp.idle_share::float8 AS idle_share, bp.commission, bp.total_value::text AS total_value,
                    n.budget_per_block::text AS budget, n.treasury_ratio::float8 AS ratio, n.avg_block_time_ms::float8 AS block_ms,
                    n.idle_share::float8 AS net_idle_share, (sp.mult * per.per_share)::float8 AS apr
             FROM base_pool bp JOIN sp ON sp.id = bp.id, per, network_state n WHERE n.id = 'network' ORDER BY bp.id`
        )
        let compared = 0
        for (const r of rows) {
            const perShare = aprPerShare(r.budget == null ? null : plancksToFloat(BigInt(r.budget)), r.ratio, r.block_ms, r.net_idle_share)
            const ts = poolApr(perShare, r.idle_share, r.commission, BigInt(r.total_value))
            if (ts == null && BigInt(r.total_value) <= 0n) {
                // a pool without value: no APR in TypeScript, a multiplier of 0 in SQL (see stakePoolMultiplierSql)
                expect(r.apr === 0 || r.apr == null).toBe(true)
                continue
            }
            expectSame(r.apr, ts)
            if (ts! > 0) compared++
        }
        expect(compared).toBeGreaterThan(0)
    })
})
