/**
 * What payoutAudit's totals and commission read from the ledger alone until now, kept on the pool rollups
 * (src/rollup/close.ts): per bucket, the payouts that paid more than 0, the first and last accepted payout,
 * the commission dust (Σ PoolReward.ownerDismissed) and the rewards with a commission. A pool's or an
 * account's audit then sums closed hours and days from the rollups and reads the ledger at the edges only,
 * as its amounts already did; over 30 days of a busy pool at 2e7 payouts the two ledger scans read about
 * 280k heap pages (docs/plans/2e7).
 *
 * Dropped settlements stay in the ledger (they are few): a partial index finds a pool's dropped payouts
 * without reading its others.
 *
 * Existing rows are filled from the ledger rows of their bucket. Hand-written.
 */
class PoolRollupAuditTotals1797200000000 {
    name = 'PoolRollupAuditTotals1797200000000'

    async up(db) {
        await db.query(
            `ALTER TABLE "pool_rollup" ADD "rewarded_count" integer NOT NULL DEFAULT 0, ADD "first_payout_at" TIMESTAMP WITH TIME ZONE,
                 ADD "last_payout_at" TIMESTAMP WITH TIME ZONE, ADD "owner_dust" numeric NOT NULL DEFAULT 0,
                 ADD "commission_count" integer NOT NULL DEFAULT 0`
        )
        for (const sql of PoolRollupAuditTotals1797200000000.BACKFILL) await db.query(sql)
        await db.query(
            `ALTER TABLE "pool_rollup" ALTER "rewarded_count" DROP DEFAULT, ALTER "owner_dust" DROP DEFAULT, ALTER "commission_count" DROP DEFAULT`
        )
        await db.query(`CREATE INDEX "payout_dropped_by_pool" ON "payout" ("pool_id", "timestamp") WHERE "dropped"`)
    }

    async down(db) {
        await db.query(`DROP INDEX IF EXISTS "payout_dropped_by_pool"`)
        await db.query(
            `ALTER TABLE "pool_rollup" DROP COLUMN "rewarded_count", DROP COLUMN "first_payout_at", DROP COLUMN "last_payout_at",
                 DROP COLUMN "owner_dust", DROP COLUMN "commission_count"`
        )
    }
}

/** the bucket of a ledger row: its UTC hour or day, as the rollups close them */
const bucket = period => `date_trunc('${period.toLowerCase()}', "timestamp" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`

/** fills every existing row from the ledger rows of its bucket (test/db checks it against the processor's) */
PoolRollupAuditTotals1797200000000.BACKFILL = ['Hour', 'Day'].flatMap(period => [
    `UPDATE "pool_rollup" r SET rewarded_count = x.rewarded, first_payout_at = x.first_at, last_payout_at = x.last_at
     FROM (SELECT pool_id, ${bucket(period)} AS bucket_start, (count(*) FILTER (WHERE amount > 0))::int AS rewarded,
                  min("timestamp") AS first_at, max("timestamp") AS last_at
           FROM "payout" WHERE NOT dropped AND pool_id IS NOT NULL GROUP BY 1, 2) x
     WHERE r.period = '${period}' AND r.pool_id = x.pool_id AND r.bucket_start = x.bucket_start`,
    `UPDATE "pool_rollup" r SET owner_dust = x.dust, commission_count = x.n
     FROM (SELECT pool_id, ${bucket(period)} AS bucket_start, sum(owner_dismissed) AS dust, (count(*) FILTER (WHERE to_owner > 0))::int AS n
           FROM "pool_reward" GROUP BY 1, 2) x
     WHERE r.period = '${period}' AND r.pool_id = x.pool_id AND r.bucket_start = x.bucket_start`,
])

module.exports = PoolRollupAuditTotals1797200000000
