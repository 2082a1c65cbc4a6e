/**
 * What networkStats(at) reports of a past day, kept on the day's NetworkRollup row: stake, pool values, pool
 * count, value-weighted APR, delegators and delegations at the day's close (src/rollup/close.ts dayAtClose).
 * Before, each past-time query summed every worker's, pool's and account's daily row of that day (~30k rows
 * on Khala, growing with the network); now it reads one row. Hourly rows keep them null.
 *
 * Existing daily rows are filled from the rollups of the same day, with the sums the query made, so the
 * answers do not change. Hand-written.
 */
const COLUMNS = [
    ['stake_at_close', 'numeric'],
    ['stake_pool_value_at_close', 'numeric'],
    ['vault_value_at_close', 'numeric'],
    ['pool_count_at_close', 'integer'],
    ['average_apr_at_close', 'numeric'],
    ['delegator_count_at_close', 'integer'],
    ['delegation_count_at_close', 'integer'],
]

class NetworkDayAtClose1797100000000 {
    name = 'NetworkDayAtClose1797100000000'

    async up(db) {
        for (const [name, type] of COLUMNS) await db.query(`ALTER TABLE "network_rollup" ADD "${name}" ${type}`)
        await db.query(NetworkDayAtClose1797100000000.BACKFILL)
    }

    async down(db) {
        for (const [name] of COLUMNS) await db.query(`ALTER TABLE "network_rollup" DROP COLUMN "${name}"`)
    }
}

/** fills every daily row's columns from the same day's worker, pool and account rows (test/db checks it) */
NetworkDayAtClose1797100000000.BACKFILL = `UPDATE "network_rollup" n
             SET stake_at_close = coalesce(w.stake, 0),
                 stake_pool_value_at_close = coalesce(p.sp_value, 0),
                 vault_value_at_close = coalesce(p.vault_value, 0),
                 pool_count_at_close = coalesce(p.pools, 0),
                 average_apr_at_close = p.avg_apr,
                 delegator_count_at_close = coalesce(a.delegators, 0),
                 delegation_count_at_close = coalesce(a.delegations, 0)
             FROM (SELECT bucket_start FROM "network_rollup" WHERE period = 'Day') d
             LEFT JOIN (SELECT bucket_start, sum(stake_at_close) AS stake FROM "worker_rollup" WHERE period = 'Day' GROUP BY bucket_start) w
               ON w.bucket_start = d.bucket_start
             LEFT JOIN (
                 SELECT r.bucket_start,
                        sum(r.total_value_at_close) FILTER (WHERE b.kind IS DISTINCT FROM 'Vault') AS sp_value,
                        sum(r.total_value_at_close) FILTER (WHERE b.kind = 'Vault') AS vault_value,
                        count(*)::int AS pools,
                        sum(r.total_value_at_close * r.apr) FILTER (WHERE b.kind IS DISTINCT FROM 'Vault' AND r.apr IS NOT NULL)
                          / nullif(sum(r.total_value_at_close) FILTER (WHERE b.kind IS DISTINCT FROM 'Vault' AND r.apr IS NOT NULL), 0) AS avg_apr
                 FROM "pool_rollup" r LEFT JOIN "base_pool" b ON b.id = r.pool_id
                 WHERE r.period = 'Day' GROUP BY r.bucket_start
             ) p ON p.bucket_start = d.bucket_start
             LEFT JOIN (
                 SELECT bucket_start, count(*) FILTER (WHERE delegation_count_at_close > 0)::int AS delegators,
                        sum(delegation_count_at_close)::int AS delegations
                 FROM "account_rollup" WHERE period = 'Day' GROUP BY bucket_start
             ) a ON a.bucket_start = d.bucket_start
             WHERE n.period = 'Day' AND n.bucket_start = d.bucket_start`

module.exports = NetworkDayAtClose1797100000000
