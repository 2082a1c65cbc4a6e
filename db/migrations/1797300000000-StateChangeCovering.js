/**
 * A worker's state changes straight from the index: (worker_id, timestamp) now also carries session_id and
 * pool_id, so workerTimeline's sessions (src/queries/timeline.ts workerSessions) read them with an
 * index-only scan. A worker's state changes are spread over the whole table, one heap page each: at 2e7
 * payouts that query read ~235 pages per request, the most of any request of the workload (bench/RESULTS.md,
 * "API at scale"). The index keeps its name and its key columns, so every query it served it still serves.
 *
 * Hand-written, as PayoutPoolOrder: an index dropped for a catch-up (src/store/deferred-indexes.ts) is not
 * there to drop, and its deferred definition must not come back.
 */
const NAME = 'IDX_2bdd84aa3ed1e3ab0be3686cdb'

module.exports = class StateChangeCovering1797300000000 {
    name = 'StateChangeCovering1797300000000'

    async up(db) {
        await db.query(`DROP INDEX IF EXISTS "public"."${NAME}"`)
        await db.query(`DELETE FROM "deferred_index" WHERE "name" = '${NAME}'`)
        await db.query(`CREATE INDEX "${NAME}" ON "worker_state_change" ("worker_id", "timestamp") INCLUDE ("session_id", "pool_id")`)
    }

    async down(db) {
        await db.query(`DROP INDEX IF EXISTS "public"."${NAME}"`)
        await db.query(`DELETE FROM "deferred_index" WHERE "name" = '${NAME}'`)
        await db.query(`CREATE INDEX "${NAME}" ON "worker_state_change" ("worker_id", "timestamp") `)
    }
}
