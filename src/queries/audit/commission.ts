/** An account's commission as pool owner (PoolReward.toOwner of the pools it owns). */
import {big} from '../pha'
import {one, Query} from '../sql'
import {AuditArgs, rangeParams, subjectSql} from './subject'
import {EDGES_SQL, ROLLED_SQL, segmentParams, segments} from './totals'

export interface Commission {
    /** Σ PoolReward.toOwner of the account's pools in the range */
    amount: bigint
    /** OwnerRewardsWithdrawn by the account in the range */
    withdrawn: bigint
}

/** the account's pools as `owned(id)` ($1 the pid array, or $8 the account) */
function ownedPoolsSql(a: AuditArgs): string {
    return a.pools ? 'SELECT unnest($1::text[]) AS id' : 'SELECT id FROM base_pool WHERE owner_id = $8'
}

/**
 * The select list of the commission (amount, withdrawn) over CTE `owned`: $2 from, $3 to, $4 h0, $5 hEnd,
 * $6 d0, $7 d1, $8 the account.
 */
function commissionSelectSql(): string {
    return `(SELECT coalesce(sum(r.to_owner), 0) FROM pool_reward r
                  WHERE r.pool_id IN (SELECT id FROM owned) AND r.timestamp >= $2 AND r.timestamp < $4)
              + (SELECT coalesce(sum(r.to_owner), 0) FROM pool_reward r
                  WHERE r.pool_id IN (SELECT id FROM owned) AND r.timestamp >= $5 AND r.timestamp < $3)
              + (SELECT coalesce(sum(x.to_owner), 0) FROM pool_rollup x
                  WHERE x.pool_id IN (SELECT id FROM owned) AND x.period = 'Day' AND x.bucket_start >= $6 AND x.bucket_start < $7)
              + (SELECT coalesce(sum(x.to_owner), 0) FROM pool_rollup x
                  WHERE x.pool_id IN (SELECT id FROM owned) AND x.period = 'Hour' AND x.bucket_start >= $4 AND x.bucket_start < $6)
              + (SELECT coalesce(sum(x.to_owner), 0) FROM pool_rollup x
                  WHERE x.pool_id IN (SELECT id FROM owned) AND x.period = 'Hour' AND x.bucket_start >= $7 AND x.bucket_start < $5) AS amount,
                (SELECT coalesce(sum(m.amount), 0)::text FROM stake_movement m
                  WHERE m.account_id = $8 AND m.kind = 'OwnerRewardsWithdrawn' AND m.timestamp >= $2 AND m.timestamp < $3) AS withdrawn`
}

/** commission in the range: closed rollups (PoolRollup.toOwner = Σ PoolReward.toOwner) + PoolReward rows at the edges */
export async function accountCommission(q: Query, a: AuditArgs): Promise<Commission> {
    const seg = await segments(q, a)
    const r = await one(q, `WITH owned AS (${ownedPoolsSql(a)}) SELECT ${commissionSelectSql()}`, [...rangeParams(a), ...segmentParams(seg), a.subject.id])
    return {amount: big(r.amount), withdrawn: big(r.withdrawn)}
}

export interface CommissionDetail {
    /** of the commission, dust the chain could not mint (OwnerDust) */
    dust: bigint
    /** RewardReceived events with a commission */
    rewardCount: number
}

/** closed rollups (PoolRollup.ownerDust, commissionCount) + PoolReward rows at the edges, as the amount */
export async function commissionDetail(q: Query, a: AuditArgs): Promise<CommissionDetail> {
    const seg = await segments(q, a)
    const r = await one(
        q,
        `SELECT coalesce(sum(dust), 0)::text AS dust, coalesce(sum(n), 0)::int AS n FROM (
             SELECT sum(r.owner_dismissed) AS dust, count(*) FILTER (WHERE r.to_owner > 0) AS n
             FROM pool_reward r WHERE ${subjectSql(a, 'r')} AND ${EDGES_SQL('r.timestamp')}
             UNION ALL
             SELECT sum(x.owner_dust), sum(x.commission_count) FROM pool_rollup x WHERE ${subjectSql(a, 'x')} AND ${ROLLED_SQL('x')}
         ) s`,
        [...rangeParams(a), ...segmentParams(seg)]
    )
    return {dust: big(r.dust), rewardCount: r.n}
}
