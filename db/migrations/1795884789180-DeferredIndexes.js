/**
 * Bookkeeping for indexes deferred during a catch-up (src/store/deferred-indexes.ts): one row per dropped
 * secondary index of a ledger or rollup table, with the statement that recreates it. Hand-written.
 */
module.exports = class DeferredIndexes1795884789180 {
    name = 'DeferredIndexes1795884789180'

    async up(db) {
        await db.query(`CREATE TABLE "deferred_index" ("name" text PRIMARY KEY, "table_name" text NOT NULL, "definition" text NOT NULL)`)
    }

    async down(db) {
        // put back whatever is still deferred before forgetting it
        const rows = await db.query(`SELECT definition FROM "deferred_index"`)
        for (const r of rows) await db.query(r.definition)
        await db.query(`DROP TABLE "deferred_index"`)
    }
}
