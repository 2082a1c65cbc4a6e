/**
 * Storage tuning for the current-state tables (hand-written; runs after the generated schema).
 *
 * These rows are rewritten every batch (a session on every settle and benchmark, its worker, the pool,
 * the owner's account, …). With free space left in each page, PostgreSQL can keep the new row version in
 * the same page and skip index maintenance when no indexed column changed ("HOT" updates), which is the
 * common case here.
 */
const TABLES = ['worker', 'session', 'base_pool', 'stake_pool', 'vault', 'delegation', 'account', 'network_state']

module.exports = class StorageTuning1795884789174 {
    name = 'StorageTuning1795884789174'

    async up(db) {
        for (const t of TABLES) await db.query(`ALTER TABLE "${t}" SET (fillfactor = 70)`)
    }

    async down(db) {
        for (const t of TABLES) await db.query(`ALTER TABLE "${t}" RESET (fillfactor)`)
    }
}
