/**
 * Undo records of the last REWIND_WINDOW blocks (src/rewind/record.ts), so that the index can be rolled back
 * past finality after a deep fork (`npm run rewind`, src/rewind/rewind.ts). Processor bookkeeping, next to the
 * SDK's status and hot-block tables in the squid_processor schema. Hand-written.
 *
 * rewind_batch: one row per handler call recorded: the database went from block base (start_height − 1,
 *   base_hash) to block end_height (end_hash) in that call.
 * rewind_log: per write of that call, in order (seq): the ids written to table_name and the rows those ids
 *   had before (to_jsonb of each row that existed): undoing deletes the ids and puts the rows back.
 */
module.exports = class RewindLog1797000000000 {
    name = 'RewindLog1797000000000'

    async up(db) {
        await db.query(`CREATE SCHEMA IF NOT EXISTS "squid_processor"`)
        await db.query(
            `CREATE TABLE "squid_processor"."rewind_batch" ("start_height" int4 PRIMARY KEY, "end_height" int4 NOT NULL, "end_hash" text NOT NULL, "base_hash" text NOT NULL)`
        )
        await db.query(`CREATE INDEX "rewind_batch_end" ON "squid_processor"."rewind_batch" ("end_height")`)
        await db.query(
            `CREATE TABLE "squid_processor"."rewind_log" ("start_height" int4 NOT NULL REFERENCES "squid_processor"."rewind_batch" ON DELETE CASCADE, "seq" int4 NOT NULL, "table_name" text NOT NULL, "ids" text[] NOT NULL, "before" jsonb NOT NULL, PRIMARY KEY ("start_height", "seq"))`
        )
    }

    async down(db) {
        await db.query(`DROP TABLE "squid_processor"."rewind_log"`)
        await db.query(`DROP TABLE "squid_processor"."rewind_batch"`)
    }
}
