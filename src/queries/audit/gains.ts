/** An account's share-price gains as a delegator, from the daily account rollups. */
import {DAY_MS} from '../params'
import {big} from '../pha'
import {one, Query, toDate} from '../sql'
import {AuditArgs} from './subject'

export interface DelegatorGains {
    /** whole UTC days [from, to) the gains are measured over (closed daily rollups only) */
    from: Date
    to: Date
    valueAtStart: bigint
    valueAtEnd: bigint
    contributed: bigint
    withdrawn: bigint
    /** v1-era pools: staker rewards claimed (they never entered the delegation's value) */
    stakerRewardsWithdrawn: bigint
    /** valueAtEnd − valueAtStart − contributed + withdrawn + stakerRewardsWithdrawn */
    gain: bigint
    days: number
}

/**
 * An account's gains as a delegator over whole, closed UTC days of the range: the change of the value of
 * its shares (daily AccountRollup.delegatedValueAtClose, shares × pool price at each day's close) net of
 * what it put in and took out. null when the range holds no whole closed day.
 */
export async function delegatorGains(q: Query, a: AuditArgs): Promise<DelegatorGains | null> {
    const net = await one(q, `SELECT day_bucket_start FROM network_state WHERE id = 'network'`)
    const openDay = net?.day_bucket_start ? toDate(net.day_bucket_start)!.getTime() : null
    const from = Math.ceil(a.range.from.getTime() / DAY_MS) * DAY_MS
    let to = Math.floor(a.range.to.getTime() / DAY_MS) * DAY_MS
    if (openDay != null && to > openDay) to = openDay
    if (!(from < to)) return null
    const r = await one(
        q,
        `SELECT (SELECT delegated_value_at_close::text FROM account_rollup
                  WHERE account_id = $1 AND period = 'Day' AND bucket_start = $2::timestamptz - interval '1 day') AS v0,
                (SELECT delegated_value_at_close::text FROM account_rollup
                  WHERE account_id = $1 AND period = 'Day' AND bucket_start = $3::timestamptz - interval '1 day') AS v1,
                (SELECT coalesce(sum(m.amount) FILTER (WHERE m.kind = 'Contribution'), 0)::text FROM stake_movement m
                  WHERE m.account_id = $1 AND m.timestamp >= $2 AND m.timestamp < $3) AS contributed,
                (SELECT coalesce(sum(m.amount) FILTER (WHERE m.kind = 'Withdrawal'), 0)::text FROM stake_movement m
                  WHERE m.account_id = $1 AND m.timestamp >= $2 AND m.timestamp < $3) AS withdrawn,
                (SELECT coalesce(sum(m.amount) FILTER (WHERE m.kind = 'StakerRewardsWithdrawn'), 0)::text FROM stake_movement m
                  WHERE m.account_id = $1 AND m.timestamp >= $2 AND m.timestamp < $3) AS staker_rewards`,
        [a.subject.id, new Date(from).toISOString(), new Date(to).toISOString()]
    )
    const v0 = big(r.v0)
    const v1 = big(r.v1)
    const contributed = big(r.contributed)
    const withdrawn = big(r.withdrawn)
    const stakerRewardsWithdrawn = big(r.staker_rewards)
    return {
        from: new Date(from),
        to: new Date(to),
        valueAtStart: v0,
        valueAtEnd: v1,
        contributed,
        withdrawn,
        stakerRewardsWithdrawn,
        gain: v1 - v0 - contributed + withdrawn + stakerRewardsWithdrawn,
        days: Math.round((to - from) / DAY_MS),
    }
}
