/**
 * A bucket's sums read back from its ledger rows in the database (after a restart or a state reload in
 * the middle of the bucket, when no in-memory tally holds all of it).
 */
import type {BucketSpec} from './bucket'
import {heightKey} from './bucket'
import type {BucketSums} from './sums'

/** one SQL query on the batch's connection; a row's columns as PostgreSQL returns them */
export type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>

const big = (x: unknown): bigint => (x == null ? 0n : BigInt(x as string))
const int = (x: unknown): number => (x == null ? 0 : Number(x))
const str = (x: unknown): string => String(x)
const strOrNull = (x: unknown): string | null => (x == null ? null : String(x))
const msOrNull = (x: unknown): number | null => (x == null ? null : new Date(x as string | Date).getTime())

/** the bucket's ledger rows must be written already; one connection, so the queries run one after the other */
export async function readBucketSums(q: Query, b: BucketSpec): Promise<BucketSums> {
    // ledger ids start with the zero-padded block height (the event id), so a height range is an id range
    // and the primary key serves it, whatever other indexes exist (src/store/deferred-indexes.ts)
    const range = [heightKey(b.startHeight), heightKey(b.endHeight)]
    const payByWorker = await q(
        `SELECT worker_id, sum(amount)::text AS amount, sum(treasury)::text AS treasury, count(*)::int AS n
           FROM payout WHERE id >= $1 AND id < $2 AND NOT dropped AND worker_id IS NOT NULL GROUP BY worker_id`,
        range
    )
    const payByPool = await q(
        `SELECT pool_id, coalesce(sum(amount) FILTER (WHERE NOT dropped), 0)::text AS amount,
                coalesce(sum(treasury) FILTER (WHERE NOT dropped), 0)::text AS treasury,
                coalesce(sum(dismissed) FILTER (WHERE NOT dropped), 0)::text AS dismissed,
                sum(credited)::text AS credited, sum(paid_to_pool)::text AS paid_to_pool, (count(*) FILTER (WHERE NOT dropped))::int AS n,
                (count(*) FILTER (WHERE NOT dropped AND amount > 0))::int AS rewarded,
                min(timestamp) FILTER (WHERE NOT dropped) AS first_at, max(timestamp) FILTER (WHERE NOT dropped) AS last_at
           FROM payout WHERE id >= $1 AND id < $2 AND pool_id IS NOT NULL AND (NOT dropped OR credited > 0 OR paid_to_pool > 0)
           GROUP BY pool_id`,
        range
    )
    const payTotals = await q(
        `SELECT coalesce(sum(amount) FILTER (WHERE NOT dropped), 0)::text AS amount,
                  coalesce(sum(treasury) FILTER (WHERE NOT dropped), 0)::text AS treasury,
                  coalesce(sum(dismissed) FILTER (WHERE NOT dropped), 0)::text AS dismissed,
                  coalesce(sum(amount) FILTER (WHERE dropped), 0)::text AS dropped,
                  coalesce(sum(credited), 0)::text AS credited,
                  coalesce(sum(paid_to_pool), 0)::text AS paid_to_pool,
                  (count(*) FILTER (WHERE NOT dropped))::int AS n
           FROM payout WHERE id >= $1 AND id < $2`,
        range
    )
    const rewardByPool = await q(
        `SELECT pool_id, sum(to_owner)::text AS to_owner, sum(to_stakers)::text AS to_stakers,
                sum(owner_dismissed)::text AS owner_dust, (count(*) FILTER (WHERE to_owner > 0))::int AS commission_n
           FROM pool_reward WHERE id >= $1 AND id < $2 GROUP BY pool_id`,
        range
    )
    const rewardByOwner = await q(
        `SELECT pool_owner_id, sum(to_owner - owner_dismissed)::text AS to_owner
           FROM pool_reward WHERE id >= $1 AND id < $2 AND pool_owner_id IS NOT NULL GROUP BY pool_owner_id`,
        range
    )
    const moveByPool = await q(
        `SELECT pool_id, kind, sum(amount)::text AS amount
           FROM stake_movement WHERE id >= $1 AND id < $2 GROUP BY pool_id, kind`,
        range
    )
    const moveByAccount = await q(
        `SELECT account_id, kind, sum(amount)::text AS amount
           FROM stake_movement WHERE id >= $1 AND id < $2 AND account_id IS NOT NULL GROUP BY account_id, kind`,
        range
    )
    const changes = await q(
        `SELECT worker_id, timestamp, from_state, to_state
           FROM worker_state_change WHERE id >= $1 AND id < $2 AND worker_id IS NOT NULL
           ORDER BY block_height, event_index`,
        range
    )
    const tot = payTotals[0] ?? {}
    return {
        payByWorker: payByWorker.map(r => ({workerId: str(r.worker_id), amount: big(r.amount), treasury: big(r.treasury), n: int(r.n)})),
        payByPool: payByPool.map(r => ({
            poolId: str(r.pool_id),
            amount: big(r.amount),
            treasury: big(r.treasury),
            dismissed: big(r.dismissed),
            credited: big(r.credited),
            paidToPool: big(r.paid_to_pool),
            n: int(r.n),
            rewarded: int(r.rewarded),
            firstAt: msOrNull(r.first_at),
            lastAt: msOrNull(r.last_at),
        })),
        payTotals: {
            amount: big(tot.amount),
            treasury: big(tot.treasury),
            dismissed: big(tot.dismissed),
            dropped: big(tot.dropped),
            credited: big(tot.credited),
            paidToPool: big(tot.paid_to_pool),
            n: int(tot.n),
        },
        rewardByPool: rewardByPool.map(r => ({
            poolId: str(r.pool_id),
            toOwner: big(r.to_owner),
            toStakers: big(r.to_stakers),
            ownerDust: big(r.owner_dust),
            commissionN: int(r.commission_n),
        })),
        rewardByOwner: rewardByOwner.map(r => ({ownerId: str(r.pool_owner_id), toOwner: big(r.to_owner)})),
        moveByPool: moveByPool.map(r => ({id: str(r.pool_id), kind: str(r.kind), amount: big(r.amount)})),
        moveByAccount: moveByAccount.map(r => ({id: str(r.account_id), kind: str(r.kind), amount: big(r.amount)})),
        changes: changes.map(r => ({
            workerId: str(r.worker_id),
            ts: new Date(r.timestamp as string | Date).getTime(),
            from: strOrNull(r.from_state),
            to: strOrNull(r.to_state),
        })),
    }
}
