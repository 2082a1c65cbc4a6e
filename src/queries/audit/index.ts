/**
 * payoutAudit: every payout of an account / worker / pool in a time range, sums per bucket, totals, and a
 * reconciliation of the ledger rows against the running totals the indexer keeps on the entities.
 * Everything is computed in SQL (aggregates, generate_series buckets, window functions).
 *
 * What "payouts of X" means (docs/api.md):
 * - worker: the Payout rows (SessionSettled / MinerSettled) of the worker, across all its sessions;
 * - pool: the Payout rows of workers while they computed for the pool;
 * - account: the Payout rows of the pools it owns (the owner runs their workers), plus, beside them, the
 *   commission it received as owner (PoolReward.toOwner) and, as a delegator, its share-price gains from
 *   the daily account rollups.
 * Payouts the chain dropped as late (SessionSettlementDropped) moved no money: excluded unless
 * `includeDropped`. The range is [from, to) on block timestamps.
 */
export * from './subject'
export * from './totals'
export * from './rows'
export * from './commission'
export * from './gains'
export * from './reconcile'
export * from './v1-stakers'
