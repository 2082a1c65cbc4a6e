/**
 * The daily NetworkRollup row carries the network at the day's close (src/rollup/close.ts dayAtClose), which
 * networkStats(at) reads instead of summing every worker's, pool's and account's row of the day. On a
 * database the real processor indexed from the devnet `small` scenario:
 * - every daily row equals the sums over that day's own worker, pool and account rows;
 * - the migration's backfill (db/migrations/…-NetworkDayAtClose.js), run over the same rows, gives the same;
 * - networkStats(at) at each day's close reports that row, and hourly rows leave the columns null.
 */
import * as path from 'path'
import {Client} from 'pg'
import {indexedDatabase, IndexedDb, rolledBack, ROOT, withClient} from '../helpers/indexed'
import {GraphqlServer} from '../helpers/graphql-server'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Migration = require(path.join(ROOT, 'db/migrations/1797100000000-NetworkDayAtClose.js'))

let db: IndexedDb

beforeAll(async () => {
    db = await indexedDatabase('small', {log: m => console.log(`[network-day test] ${m}`)})
}, 1_200_000)

const COLUMNS = `bucket_start, stake_at_close::text AS stake, stake_pool_value_at_close::text AS sp_value,
                 vault_value_at_close::text AS vault_value, pool_count_at_close AS pools,
                 average_apr_at_close::float8 AS avg_apr, delegator_count_at_close AS delegators,
                 delegation_count_at_close AS delegations`

async function dayRows(c: Client): Promise<any[]> {
    return (await c.query(`SELECT ${COLUMNS} FROM network_rollup WHERE period = 'Day' ORDER BY bucket_start`)).rows
}

/** what networkStats(at) summed before: the day's worker, pool and account rows */
async function summedFromRows(c: Client): Promise<any[]> {
    const r = await c.query(
        `SELECT n.bucket_start,
                (SELECT coalesce(sum(stake_at_close), 0)::text FROM worker_rollup w WHERE w.period = 'Day' AND w.bucket_start = n.bucket_start) AS stake,
                (SELECT coalesce(sum(r.total_value_at_close) FILTER (WHERE b.kind <> 'Vault'), 0)::text
                   FROM pool_rollup r JOIN base_pool b ON b.id = r.pool_id WHERE r.period = 'Day' AND r.bucket_start = n.bucket_start) AS sp_value,
                (SELECT coalesce(sum(r.total_value_at_close) FILTER (WHERE b.kind = 'Vault'), 0)::text
                   FROM pool_rollup r JOIN base_pool b ON b.id = r.pool_id WHERE r.period = 'Day' AND r.bucket_start = n.bucket_start) AS vault_value,
                (SELECT count(*)::int FROM pool_rollup r WHERE r.period = 'Day' AND r.bucket_start = n.bucket_start) AS pools,
                (SELECT (sum(r.total_value_at_close * r.apr) / nullif(sum(r.total_value_at_close), 0))::float8
                   FROM pool_rollup r JOIN base_pool b ON b.id = r.pool_id
                   WHERE r.period = 'Day' AND r.bucket_start = n.bucket_start AND b.kind <> 'Vault' AND r.apr IS NOT NULL) AS avg_apr,
                (SELECT count(*)::int FROM account_rollup a WHERE a.period = 'Day' AND a.bucket_start = n.bucket_start AND a.delegation_count_at_close > 0) AS delegators,
                (SELECT coalesce(sum(delegation_count_at_close), 0)::int FROM account_rollup a WHERE a.period = 'Day' AND a.bucket_start = n.bucket_start) AS delegations
         FROM network_rollup n WHERE n.period = 'Day' ORDER BY n.bucket_start`
    )
    return r.rows
}

/** exact for the integers and plancks; the APR is a float mean, equal to 12 digits */
function expectSameDays(got: any[], want: any[]) {
    expect(got.length).toBe(want.length)
    for (let i = 0; i < want.length; i++) {
        const {avg_apr: ga, ...g} = got[i]
        const {avg_apr: wa, ...w} = want[i]
        expect(g).toEqual(w)
        if (wa == null) expect(ga).toBeNull()
        else expect(Math.abs(ga - wa)).toBeLessThanOrEqual(Math.abs(wa) * 1e-12)
    }
}

describe('daily network rollup at close', () => {
    test('every daily row equals the sums over its own day’s worker, pool and account rows', async () => {
        await withClient(db.url, async c => {
            const got = await dayRows(c)
            expect(got.length).toBeGreaterThanOrEqual(2)
            expect(got.some(r => BigInt(r.stake) > 0n && r.pools > 0 && r.delegators > 0)).toBe(true)
            expectSameDays(got, await summedFromRows(c))
            const hourly = await c.query(
                `SELECT count(*)::int AS n FROM network_rollup WHERE period = 'Hour'
                   AND (stake_at_close IS NOT NULL OR pool_count_at_close IS NOT NULL OR delegator_count_at_close IS NOT NULL)`
            )
            expect(hourly.rows[0].n).toBe(0)
        })
    })

    test('the migration’s backfill gives the processor’s values (in a transaction rolled back)', async () => {
        await withClient(db.url, async c => {
            const processor = await dayRows(c)
            await rolledBack(c, async () => {
                await c.query(
                    `UPDATE network_rollup SET stake_at_close = NULL, stake_pool_value_at_close = NULL, vault_value_at_close = NULL,
                            pool_count_at_close = NULL, average_apr_at_close = NULL, delegator_count_at_close = NULL, delegation_count_at_close = NULL`
                )
                expect((await dayRows(c)).every(r => r.stake == null && r.pools == null)).toBe(true)
                await c.query(Migration.BACKFILL)
                expectSameDays(await dayRows(c), processor)
            })
        })
    })

    test('networkStats(at) at each day’s close reports the day’s row', async () => {
        const gql = await GraphqlServer.start(db.url)
        try {
            const days = await withClient(db.url, dayRows)
            const head = await withClient(db.url, async c => (await c.query(`SELECT timestamp FROM network_state WHERE id = 'network'`)).rows[0].timestamp)
            // networkStats(at) skips the genesis block's epoch-0 bucket (src/queries/network.ts FIRST_REAL_TIME)
            const closed = days.filter(d => d.bucket_start.getUTCFullYear() > 1970 && d.bucket_start.getTime() + 86_400_000 < new Date(head).getTime())
            expect(closed.length).toBeGreaterThanOrEqual(1)
            for (const d of closed) {
                const at = new Date(d.bucket_start.getTime() + 86_400_000 + 30 * 60_000).toISOString()
                const s = (
                    await gql.data(
                        `{ networkStats(at: "${at}") { source poolsAsOf totalStake totalValue vaultValue pools delegators delegations averageApr } }`
                    )
                ).networkStats
                expect(s.source).toBe('rollup')
                expect(s.poolsAsOf).toBe(new Date(d.bucket_start.getTime() + 86_400_000).toISOString())
                expect([s.totalStake, s.totalValue, s.vaultValue, s.pools, s.delegators, s.delegations]).toEqual([
                    d.stake,
                    d.sp_value,
                    d.vault_value,
                    d.pools,
                    d.delegators,
                    d.delegations,
                ])
                expect(s.averageApr).toBe(d.avg_apr)
            }
        } finally {
            await gql.stop()
        }
    })
})
