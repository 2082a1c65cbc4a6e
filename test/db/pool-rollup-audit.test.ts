/**
 * A pool's or an account's audit reads rewardedCount, firstAt, lastAt and the commission's dust and
 * rewardCount from the closed pool rollups plus the ledger at the edges (src/queries/audit/totals.ts
 * ledgerStats, commission.ts commissionDetail). On a database the real processor indexed from the devnet
 * `small` scenario:
 * - every pool rollup row holds exactly the ledger rows of its bucket;
 * - the migration's backfill (db/migrations/…-PoolRollupAuditTotals.js) gives the processor's values;
 * - over ranges with partial hours and days at both ends, the API's answers equal the ledger's own sums;
 *   over the whole history, the ground truth's rewarded settle count of every pool.
 */
import * as path from 'path'
import {Client} from 'pg'
import {indexedDatabase, IndexedDb, rolledBack, ROOT, withClient} from '../helpers/indexed'
import {GraphqlServer} from '../helpers/graphql-server'
import {b, busiestOwner, days, ownedPools} from '../helpers/truth'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Migration = require(path.join(ROOT, 'db/migrations/1797200000000-PoolRollupAuditTotals.js'))

let db: IndexedDb
let gql: GraphqlServer

beforeAll(async () => {
    db = await indexedDatabase('small', {log: m => console.log(`[pool-rollup-audit test] ${m}`)})
    gql = await GraphqlServer.start(db.url)
}, 1_200_000)

afterAll(async () => {
    await gql?.stop()
})

const ROLLUP_COLUMNS = `id, rewarded_count, first_payout_at, last_payout_at, owner_dust::text AS owner_dust, commission_count`

async function rollupRows(c: Client): Promise<any[]> {
    return (await c.query(`SELECT ${ROLLUP_COLUMNS} FROM pool_rollup ORDER BY id`)).rows
}

describe('pool rollups: the audit totals of their bucket', () => {
    test('every row holds exactly the ledger rows of its bucket', async () => {
        await withClient(db.url, async c => {
            const diff = await c.query(
                `WITH pay AS (
                     SELECT pool_id, p.period, date_trunc(lower(p.period), timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket_start,
                            (count(*) FILTER (WHERE amount > 0))::int AS rewarded, min(timestamp) AS first_at, max(timestamp) AS last_at
                     FROM payout, (VALUES ('Hour'), ('Day')) p(period) WHERE NOT dropped AND pool_id IS NOT NULL GROUP BY 1, 2, 3
                 ), rew AS (
                     SELECT pool_id, p.period, date_trunc(lower(p.period), timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket_start,
                            sum(owner_dismissed) AS dust, (count(*) FILTER (WHERE to_owner > 0))::int AS n
                     FROM pool_reward, (VALUES ('Hour'), ('Day')) p(period) GROUP BY 1, 2, 3
                 )
                 SELECT r.id FROM pool_rollup r
                 LEFT JOIN pay ON pay.pool_id = r.pool_id AND pay.period = r.period AND pay.bucket_start = r.bucket_start
                 LEFT JOIN rew ON rew.pool_id = r.pool_id AND rew.period = r.period AND rew.bucket_start = r.bucket_start
                 WHERE r.rewarded_count <> coalesce(pay.rewarded, 0) OR r.first_payout_at IS DISTINCT FROM pay.first_at
                    OR r.last_payout_at IS DISTINCT FROM pay.last_at OR r.owner_dust <> coalesce(rew.dust, 0)
                    OR r.commission_count <> coalesce(rew.n, 0)`
            )
            expect(diff.rows).toEqual([])
            const busy = await c.query(
                `SELECT count(*) FILTER (WHERE rewarded_count > 0)::int AS rewarded, count(*) FILTER (WHERE commission_count > 0)::int AS commissions,
                        count(*) FILTER (WHERE owner_dust > 0)::int AS dust FROM pool_rollup`
            )
            expect(busy.rows[0].rewarded).toBeGreaterThan(0)
            expect(busy.rows[0].commissions).toBeGreaterThan(0)
        })
    })

    test('the migration’s backfill gives the processor’s values (in a transaction rolled back)', async () => {
        await withClient(db.url, async c => {
            const processor = await rollupRows(c)
            await rolledBack(c, async () => {
                await c.query(`UPDATE pool_rollup SET rewarded_count = 0, first_payout_at = NULL, last_payout_at = NULL, owner_dust = 0, commission_count = 0`)
                for (const sql of Migration.BACKFILL) await c.query(sql)
                expect(await rollupRows(c)).toEqual(processor)
            })
        })
    })
})

const FIELDS = `total { rewardedCount droppedCount droppedAmount firstAt lastAt }`

/** the same figures straight from the ledger rows of [from, to) */
async function ledgerFigures(pools: string[], from: string, to: string, includeDropped: boolean) {
    return withClient(db.url, async c => {
        const inc = includeDropped ? 'TRUE' : 'NOT dropped'
        const p = (
            await c.query(
                `SELECT (count(*) FILTER (WHERE NOT dropped AND amount > 0))::int AS rewarded, (count(*) FILTER (WHERE dropped))::int AS dropped_n,
                        coalesce(sum(amount) FILTER (WHERE dropped), 0)::text AS dropped_amount,
                        min(timestamp) FILTER (WHERE ${inc}) AS first_at, max(timestamp) FILTER (WHERE ${inc}) AS last_at
                 FROM payout WHERE pool_id = ANY($1) AND timestamp >= $2 AND timestamp < $3`,
                [pools, from, to]
            )
        ).rows[0]
        const r = (
            await c.query(
                `SELECT coalesce(sum(owner_dismissed), 0)::text AS dust, (count(*) FILTER (WHERE to_owner > 0))::int AS n
                 FROM pool_reward WHERE pool_id = ANY($1) AND timestamp >= $2 AND timestamp < $3`,
                [pools, from, to]
            )
        ).rows[0]
        return {
            total: {
                rewardedCount: p.rewarded,
                droppedCount: p.dropped_n,
                droppedAmount: p.dropped_amount,
                firstAt: p.first_at?.toISOString() ?? null,
                lastAt: p.last_at?.toISOString() ?? null,
            },
            commission: {dust: r.dust, rewardCount: r.n},
        }
    })
}

describe('payoutAudit over rollups and edges', () => {
    test('accounts and pools: ranges with partial hours and days equal the ledger', async () => {
        const truth = db.truth
        const owner = busiestOwner(truth)
        const ds = days(truth)
        const start = Date.parse(ds[0])
        const end = Date.parse(ds[ds.length - 1]) + 86_400_000
        const iso = (ms: number) => new Date(ms).toISOString()
        const ranges = [
            [start, end],
            // inside hours at both ends, across a whole day or more
            [start + 90 * 60_000 + 7_000, end - 3 * 3_600_000 + 13_000],
            [start + 86_400_000 + 1_000, start + 2 * 86_400_000 + 3 * 3_600_000 - 1_000],
            // within one hour
            [start + 5 * 3_600_000 + 60_000, start + 5 * 3_600_000 + 30 * 60_000],
        ].map(([f, t]) => [iso(f), iso(t)])
        const pools = ownedPools(truth, owner)
        expect(pools.length).toBeGreaterThan(0)
        for (const [from, to] of ranges) {
            for (const includeDropped of [false, true]) {
                const a = (
                    await gql.data(
                        `{ payoutAudit(account: "${owner}", from: "${from}", to: "${to}", includeDropped: ${includeDropped}, limit: 0) {
                            ${FIELDS} commission { dust rewardCount } } }`
                    )
                ).payoutAudit
                expect({range: [from, to, includeDropped], ...a}).toEqual({
                    range: [from, to, includeDropped],
                    ...(await ledgerFigures(pools, from, to, includeDropped)),
                })
                const p = (
                    await gql.data(
                        `{ payoutAudit(pool: "${pools[0]}", from: "${from}", to: "${to}", includeDropped: ${includeDropped}, limit: 0) { ${FIELDS} } }`
                    )
                ).payoutAudit
                expect(p.total).toEqual((await ledgerFigures([pools[0]], from, to, includeDropped)).total)
            }
        }
    })

    test('every pool over the whole history: rewarded settles equal the ground truth', async () => {
        const truth = db.truth
        const ds = days(truth)
        const to = new Date(Date.parse(ds[ds.length - 1]) + 86_400_000).toISOString()
        let dropped = 0
        for (const p of Object.values<any>(truth.pools)) {
            const a = (await gql.data(`{ payoutAudit(pool: "${p.pid}", from: "${ds[0]}", to: "${to}", limit: 0) { ${FIELDS} } }`)).payoutAudit
            expect([p.pid, a.total.rewardedCount]).toEqual([p.pid, p.rewardedSettleCount])
            dropped += a.total.droppedCount
            if (b(p.payout) > 0n) expect(a.total.firstAt).not.toBeNull()
        }
        // the scenario has dropped settlements, so the partial index's path is exercised
        expect(dropped).toBeGreaterThan(0)
    })
})
