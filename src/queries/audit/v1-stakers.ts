/**
 * A v1 delegator's stake-pool rewards (the MasterChef book the indexer rebuilds: V1Staker, V1StakerDay,
 * V1PoolAccumulator): per pool, what accrued each UTC day, the claims, what was pending at each day's end
 * and now, and what the v1→v2 migration carried into v2; with the reconciliation claimed + pending = Σ accrued.
 */
import {v1Pending} from '../../domain/ledger/v1-stakers'
import {big, bigOrNull} from '../pha'
import {Query, toDate} from '../sql'

export interface V1StakerDayOut {
    date: string
    /** accrued during the day (cumulative accrued less that of the previous row) */
    accrued: bigint
    /** claimed during the day */
    claimed: bigint
    /** cumulative at the day's end */
    accruedTotal: bigint
    claimedTotal: bigint
    pending: bigint
}

export interface V1StakerClaimOut {
    eventId: string
    blockHeight: number
    timestamp: Date
    amount: bigint
}

export interface V1StakerPoolOut {
    poolId: string
    shares: bigint
    /** Σ accrued (= claimed + pending), now or at the migration */
    accrued: bigint
    claimed: bigint
    pending: bigint
    /** the days on which the rewards moved, in order (a day absent from the list changed nothing) */
    days: V1StakerDayOut[]
    claims: V1StakerClaimOut[]
    migratedAtHeight: number | null
    pendingAtUpgrade: bigint | null
    sharesAtUpgrade: bigint | null
    v2ValueAtUpgrade: bigint | null
    /** at every day's end claimed + pending = Σ accrued and claimed = Σ claim events so far; Σ claims = claimed */
    reconciled: boolean
}

/** every v1 pool the account staked in, with its rewards; [] for an account that never staked in v1 */
export async function v1StakerRewards(q: Query, account: string): Promise<V1StakerPoolOut[]> {
    const stakers = await q(
        `SELECT s.*, a.reward_acc_bits::text AS acc FROM v1_staker s LEFT JOIN v1_pool_accumulator a ON a.id = s.pool_id
          WHERE s.account_id = $1 ORDER BY s.pool_id`,
        [account]
    )
    if (stakers.length === 0) return []
    const dayRows = await q(
        `SELECT pool_id, date, accrued::text, claimed::text, pending::text FROM v1_staker_day WHERE account_id = $1 ORDER BY pool_id, date`,
        [account]
    )
    const claimRows = await q(
        `SELECT id, pool_id, block_height, timestamp, amount::text FROM stake_movement
          WHERE account_id = $1 AND kind = 'StakerRewardsWithdrawn' ORDER BY block_height, event_index`,
        [account]
    )
    return stakers.map(s => {
        const claimed = big(s.claimed)
        // before the migration pending is live (the accumulator now); after it, the value the migration took
        const pending =
            s.migrated_at_height == null
                ? v1Pending(
                      {id: s.pool_id, rewardAccBits: big(s.acc), totalShares: 0n, distributions: 0, distributed: 0n},
                      {
                          poolId: s.pool_id,
                          accountId: s.account_id,
                          shares: big(s.shares),
                          availableRewards: big(s.available_rewards),
                          rewardDebt: big(s.reward_debt),
                          claimed,
                      },
                      'u64f64'
                  )
                : big(s.pending)
        const days: V1StakerDayOut[] = []
        let prevAccrued = 0n
        let prevClaimed = 0n
        for (const r of dayRows) {
            if (r.pool_id !== s.pool_id) continue
            const accruedTotal = big(r.accrued)
            const claimedTotal = big(r.claimed)
            days.push({
                date: r.date,
                accrued: accruedTotal - prevAccrued,
                claimed: claimedTotal - prevClaimed,
                accruedTotal,
                claimedTotal,
                pending: big(r.pending),
            })
            prevAccrued = accruedTotal
            prevClaimed = claimedTotal
        }
        const claims = claimRows
            .filter(c => c.pool_id === s.pool_id)
            .map(c => ({eventId: c.id, blockHeight: Number(c.block_height), timestamp: toDate(c.timestamp)!, amount: big(c.amount)}))
        const accrued = claimed + pending
        // every day's end: accrued = claimed + pending, and claimed = Σ the claim events up to that day
        let ok = claims.reduce((t, c) => t + c.amount, 0n) === claimed
        for (const d of days) {
            const claimedByEvents = claims.filter(c => c.timestamp.toISOString().slice(0, 10) <= d.date).reduce((t, c) => t + c.amount, 0n)
            if (d.accruedTotal !== d.claimedTotal + d.pending || d.claimedTotal !== claimedByEvents) ok = false
        }
        return {
            poolId: s.pool_id,
            shares: big(s.shares),
            accrued,
            claimed,
            pending,
            days,
            claims,
            migratedAtHeight: s.migrated_at_height == null ? null : Number(s.migrated_at_height),
            pendingAtUpgrade: bigOrNull(s.pending_at_upgrade),
            sharesAtUpgrade: bigOrNull(s.shares_at_upgrade),
            v2ValueAtUpgrade: bigOrNull(s.v2_value_at_upgrade),
            reconciled: ok,
        }
    })
}
