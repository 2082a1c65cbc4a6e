/**
 * Hour / day rollups, computed when a bucket closes (the first block after it is being processed):
 * sums come from the ledger rows of the bucket, time spent in each state from the WorkerStateChange rows,
 * and "at close" values from the in-memory state, which at that moment is the state after the bucket's last
 * block. A closed bucket never changes, so each rollup row is inserted once.
 *
 * The ledger rows' sums are tallied in memory as the rows are made (tally.ts) when this process saw the
 * bucket open; otherwise (a restart or a state reload in the middle of a bucket) they are read back from the
 * database by block-height range (read.ts). Both give the same BucketSums (sums.ts): nothing about open
 * buckets lives only in memory (a restart loses nothing).
 *
 * Hourly worker / pool / account rows exist only for entities with ledger activity in the hour (a missing
 * hour means: no payout, no movement, and the whole hour in the state of the previous row's close). Daily
 * rows are dense: every bound worker, every pool, every account holding shares or owning a pool.
 */
export {emptyRollupRows, type RollupRows} from '../domain/state'
export {type BucketSpec, bucketId, dayStart, heightKey, hourStart} from './bucket'
export {closeBucket, currentPoolAprs} from './close'
export type {Query} from './read'
export type {BucketSums} from './sums'
export {BucketTally} from './tally'
