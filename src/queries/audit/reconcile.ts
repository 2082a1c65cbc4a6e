/** Reconciliation of the ledger rows against the running totals the indexer keeps on the entities. */
import {DAY_MS, TimeRange} from '../params'
import {big} from '../pha'
import {one, Query, toDate} from '../sql'
import {AuditArgs, rangeParams, subjectSql} from './subject'

export interface ReconciliationCheck {
    name: string
    description: string
    /** "lifetime" (running totals on entities vs all ledger rows) or "range" */
    scope: string
    ledger: bigint
    recorded: bigint
    difference: bigint
    ok: boolean
}

export interface SettleRewardInvariant {
    /** rewarded (amount > 0, not dropped) payouts in the range */
    checked: number
    matched: number
    /** pool-side amount (RewardReceived to_owner + to_stakers, or the dismissals) ≠ payout plancks */
    mismatched: number
    /** rewarded payouts with no pool reward event and no dismissal */
    unpaired: number
    /** payout rows whose own to_owner + to_stakers + dismissed ≠ amount */
    rowMismatched: number
    toOwner: bigint
    toStakers: bigint
    dismissed: bigint
    amount: bigint
    /** ids of up to 20 payouts that failed */
    failedPayoutIds: string[]
}

export interface Reconciliation {
    checks: ReconciliationCheck[]
    invariant: SettleRewardInvariant
    /** failed checks + mismatched + unpaired + row-mismatched settles */
    differences: number
    ok: boolean
}

function check(name: string, description: string, scope: 'lifetime' | 'range', ledger: unknown, recorded: unknown): ReconciliationCheck {
    const l = big(ledger)
    const r = big(recorded)
    return {name, description, scope, ledger: l, recorded: r, difference: l - r, ok: l === r}
}

/** the settle ↔ pool-reward invariant over the subject's rewarded payouts in the range */
export async function settleRewardInvariant(q: Query, a: AuditArgs): Promise<SettleRewardInvariant> {
    const rows = await q(
        `WITH s AS (
             SELECT p.id, p.amount, p.to_owner, p.to_stakers, p.dismissed,
                    CASE WHEN r.id IS NOT NULL THEN r.to_owner + r.to_stakers
                         ELSE (SELECT sum(d.amount) FROM dismissed_reward d WHERE d.payout_id = p.id) END AS pool_side
             FROM payout p LEFT JOIN pool_reward r ON r.id = p.reward_event_id
             WHERE ${subjectSql(a)} AND p.timestamp >= $2 AND p.timestamp < $3
               AND NOT p.dropped AND p.amount > 0
         ), f AS (
             SELECT *, pool_side IS NULL AS unpaired,
                    (pool_side IS NOT NULL AND pool_side <> amount) AS mismatched,
                    (to_owner + to_stakers + dismissed <> amount) AS row_mismatched
             FROM s
         )
         SELECT count(*)::int AS checked,
                count(*) FILTER (WHERE unpaired)::int AS unpaired,
                count(*) FILTER (WHERE mismatched)::int AS mismatched,
                count(*) FILTER (WHERE row_mismatched)::int AS row_mismatched,
                count(*) FILTER (WHERE NOT unpaired AND NOT mismatched AND NOT row_mismatched)::int AS matched,
                coalesce(sum(amount), 0)::text AS amount, coalesce(sum(to_owner), 0)::text AS to_owner,
                coalesce(sum(to_stakers), 0)::text AS to_stakers, coalesce(sum(dismissed), 0)::text AS dismissed,
                (array_agg(id ORDER BY id) FILTER (WHERE unpaired OR mismatched OR row_mismatched))[1:20] AS failed
         FROM f`,
        rangeParams(a)
    )
    const r = rows[0]
    return {
        checked: r.checked,
        matched: r.matched,
        mismatched: r.mismatched,
        unpaired: r.unpaired,
        rowMismatched: r.row_mismatched,
        amount: big(r.amount),
        toOwner: big(r.to_owner),
        toStakers: big(r.to_stakers),
        dismissed: big(r.dismissed),
        failedPayoutIds: r.failed ?? [],
    }
}

/** whole closed UTC days inside the range: [from, to) in ms, or null */
async function closedDays(q: Query, range: TimeRange): Promise<{from: string; to: string} | null> {
    const net = await one(q, `SELECT day_bucket_start FROM network_state WHERE id = 'network'`)
    const openDay = net?.day_bucket_start ? toDate(net.day_bucket_start)!.getTime() : null
    const from = Math.ceil(range.from.getTime() / DAY_MS) * DAY_MS
    let to = Math.floor(range.to.getTime() / DAY_MS) * DAY_MS
    if (openDay == null) return null
    if (to > openDay) to = openDay
    if (!(from < to)) return null
    return {from: new Date(from).toISOString(), to: new Date(to).toISOString()}
}

async function workerChecks(q: Query, a: AuditArgs): Promise<ReconciliationCheck[]> {
    const id = a.subject.id
    const [w, sess] = await Promise.all([
        one(
            q,
            `WITH l AS (SELECT coalesce(sum(amount), 0) AS amount, coalesce(sum(treasury), 0) AS treasury, count(*) AS n,
                               count(*) FILTER (WHERE amount > 0) AS rewarded
                        FROM payout WHERE worker_id = $1 AND NOT dropped)
             SELECT w.total_payout::text AS e_amount, w.total_treasury::text AS e_treasury, w.settle_count AS e_n,
                    w.rewarded_settle_count AS e_rewarded,
                    l.amount::text AS l_amount, l.treasury::text AS l_treasury, l.n AS l_n, l.rewarded AS l_rewarded
             FROM worker w, l WHERE w.id = $1`,
            [id]
        ),
        one(
            q,
            // by the worker's rows only (the (worker_id, timestamp) index): a session pays one worker
            // (StakePool v2 derives it from (pid, worker)), so its total is the worker's payouts through it
            `WITH s AS (SELECT session_id, sum(amount) AS amount FROM payout WHERE worker_id = $1 AND NOT dropped GROUP BY session_id)
             SELECT (SELECT coalesce(sum(total_payout), 0)::text FROM session WHERE id IN (SELECT session_id FROM s)) AS e_amount,
                    (SELECT coalesce(sum(amount), 0)::text FROM s) AS l_amount,
                    (SELECT count(*)::int FROM s) AS sessions`,
            [id]
        ),
    ])
    const out = [
        check('worker.totalPayout', 'Worker.totalPayout vs Σ Payout.amount of the worker (all sessions, all time)', 'lifetime', w.l_amount, w.e_amount),
        check('worker.totalTreasury', 'Worker.totalTreasury vs Σ Payout.treasury of the worker', 'lifetime', w.l_treasury, w.e_treasury),
        check('worker.settleCount', 'Worker.settleCount vs the number of its Payout rows', 'lifetime', w.l_n, w.e_n),
        check('worker.rewardedSettleCount', 'Worker.rewardedSettleCount vs its Payout rows with amount > 0', 'lifetime', w.l_rewarded, w.e_rewarded),
        check(
            'sessions.totalPayout',
            `Σ Session.totalPayout of the ${sess.sessions} session(s) the worker was paid through vs its Payout rows through them`,
            'lifetime',
            sess.l_amount,
            sess.e_amount
        ),
    ]
    const days = await closedDays(q, a.range)
    if (days) {
        const r = await one(
            q,
            `SELECT (SELECT coalesce(sum(payout), 0)::text FROM worker_rollup
                      WHERE worker_id = $1 AND period = 'Day' AND bucket_start >= $2 AND bucket_start < $3) AS rollup,
                    (SELECT coalesce(sum(amount), 0)::text FROM payout
                      WHERE worker_id = $1 AND timestamp >= $2 AND timestamp < $3 AND NOT dropped) AS ledger`,
            [id, days.from, days.to]
        )
        out.push(
            check(
                'rollup.day.payout',
                `Σ daily WorkerRollup.payout vs Σ Payout.amount over the whole days ${days.from.slice(0, 10)} … ${days.to.slice(0, 10)} (exclusive)`,
                'range',
                r.ledger,
                r.rollup
            )
        )
    }
    return out
}

async function poolChecks(q: Query, a: AuditArgs): Promise<ReconciliationCheck[]> {
    const id = a.subject.id
    const r = await one(
        q,
        `WITH pay AS (-- the pool-side outcome of dropped settles counts too: on_reward pays them like the others
                      SELECT coalesce(sum(amount) FILTER (WHERE NOT dropped), 0) AS amount, count(*) FILTER (WHERE NOT dropped) AS n,
                             coalesce(sum(dismissed), 0) AS dismissed,
                             coalesce(sum(to_owner), 0) AS to_owner, coalesce(sum(to_stakers), 0) AS to_stakers
                      FROM payout WHERE pool_id = $1),
              rew AS (SELECT coalesce(sum(to_owner), 0) AS to_owner, coalesce(sum(to_stakers), 0) AS to_stakers
                      FROM pool_reward WHERE pool_id = $1),
              dis AS (SELECT coalesce(sum(amount), 0) AS amount FROM dismissed_reward WHERE pool_id = $1 AND payout_id IS NULL),
              mv AS (SELECT coalesce(sum(amount) FILTER (WHERE kind = 'Contribution'), 0) AS contributed,
                            coalesce(sum(amount) FILTER (WHERE kind = 'Withdrawal'), 0) AS withdrawn,
                            coalesce(sum(amount) FILTER (WHERE kind = 'OwnerRewardsWithdrawn'), 0) AS owner_withdrawn
                     FROM stake_movement WHERE pool_id = $1)
         SELECT bp.total_payout::text AS e_amount, bp.settle_count AS e_n, bp.total_dismissed::text AS e_dismissed,
                bp.total_owner_rewards::text AS e_owner, bp.total_staker_rewards::text AS e_stakers,
                bp.total_contributed::text AS e_contributed, bp.total_withdrawn::text AS e_withdrawn,
                bp.owner_rewards_withdrawn::text AS e_owner_withdrawn,
                pay.amount::text AS l_amount, pay.n AS l_n, (pay.dismissed + dis.amount)::text AS l_dismissed,
                pay.to_owner::text AS p_owner, pay.to_stakers::text AS p_stakers,
                rew.to_owner::text AS l_owner, rew.to_stakers::text AS l_stakers,
                mv.contributed::text AS l_contributed, mv.withdrawn::text AS l_withdrawn, mv.owner_withdrawn::text AS l_owner_withdrawn
         FROM base_pool bp, pay, rew, dis, mv WHERE bp.id = $1`,
        [id]
    )
    const out = [
        check('pool.totalPayout', 'BasePool.totalPayout vs Σ Payout.amount of the pool (all time)', 'lifetime', r.l_amount, r.e_amount),
        check('pool.settleCount', 'BasePool.settleCount vs the number of its Payout rows', 'lifetime', r.l_n, r.e_n),
        check('pool.totalOwnerRewards', 'BasePool.totalOwnerRewards vs Σ PoolReward.toOwner', 'lifetime', r.l_owner, r.e_owner),
        check('pool.totalStakerRewards', 'BasePool.totalStakerRewards vs Σ PoolReward.toStakers', 'lifetime', r.l_stakers, r.e_stakers),
        check('pool.totalDismissed', 'BasePool.totalDismissed vs Σ Payout.dismissed + unpaired DismissedReward rows', 'lifetime', r.l_dismissed, r.e_dismissed),
        check('payouts.toOwner', 'Σ Payout.toOwner (settle side) vs Σ PoolReward.toOwner (reward side)', 'lifetime', r.p_owner, r.l_owner),
        check('payouts.toStakers', 'Σ Payout.toStakers (settle side) vs Σ PoolReward.toStakers (reward side)', 'lifetime', r.p_stakers, r.l_stakers),
        check('pool.totalContributed', 'BasePool.totalContributed vs Σ Contribution movements', 'lifetime', r.l_contributed, r.e_contributed),
        check('pool.totalWithdrawn', 'BasePool.totalWithdrawn vs Σ Withdrawal movements', 'lifetime', r.l_withdrawn, r.e_withdrawn),
        check(
            'pool.ownerRewardsWithdrawn',
            'BasePool.ownerRewardsWithdrawn vs Σ OwnerRewardsWithdrawn movements',
            'lifetime',
            r.l_owner_withdrawn,
            r.e_owner_withdrawn
        ),
    ]
    const days = await closedDays(q, a.range)
    if (days) {
        const d = await one(
            q,
            `SELECT (SELECT coalesce(sum(payout), 0)::text FROM pool_rollup
                      WHERE pool_id = $1 AND period = 'Day' AND bucket_start >= $2 AND bucket_start < $3) AS r_amount,
                    (SELECT coalesce(sum(to_owner), 0)::text FROM pool_rollup
                      WHERE pool_id = $1 AND period = 'Day' AND bucket_start >= $2 AND bucket_start < $3) AS r_owner,
                    (SELECT coalesce(sum(amount), 0)::text FROM payout
                      WHERE pool_id = $1 AND timestamp >= $2 AND timestamp < $3 AND NOT dropped) AS l_amount,
                    (SELECT coalesce(sum(to_owner), 0)::text FROM pool_reward
                      WHERE pool_id = $1 AND timestamp >= $2 AND timestamp < $3) AS l_owner`,
            [id, days.from, days.to]
        )
        const span = `${days.from.slice(0, 10)} … ${days.to.slice(0, 10)} (exclusive)`
        out.push(check('rollup.day.payout', `Σ daily PoolRollup.payout vs Σ Payout.amount over the whole days ${span}`, 'range', d.l_amount, d.r_amount))
        out.push(check('rollup.day.toOwner', `Σ daily PoolRollup.toOwner vs Σ PoolReward.toOwner over the whole days ${span}`, 'range', d.l_owner, d.r_owner))
    }
    return out
}

async function accountChecks(q: Query, a: AuditArgs): Promise<ReconciliationCheck[]> {
    const id = a.subject.id
    const r = await one(
        q,
        `WITH owned AS (SELECT id, total_payout, total_owner_rewards FROM base_pool WHERE owner_id = $1),
              pay AS (SELECT coalesce(sum(amount), 0) AS amount FROM payout WHERE pool_id IN (SELECT id FROM owned) AND NOT dropped),
              rew AS (SELECT coalesce(sum(to_owner), 0) AS to_owner FROM pool_reward WHERE pool_id IN (SELECT id FROM owned)),
              mv AS (SELECT coalesce(sum(amount) FILTER (WHERE kind = 'Contribution'), 0) AS contributed,
                            coalesce(sum(amount) FILTER (WHERE kind = 'Withdrawal'), 0) AS withdrawn,
                            coalesce(sum(amount) FILTER (WHERE kind = 'OwnerRewardsWithdrawn'), 0) AS owner_withdrawn,
                            coalesce(sum(amount) FILTER (WHERE kind = 'StakerRewardsWithdrawn'), 0) AS staker_withdrawn
                     FROM stake_movement WHERE account_id = $1)
         SELECT (SELECT coalesce(sum(total_payout), 0)::text FROM owned) AS e_amount,
                (SELECT coalesce(sum(total_owner_rewards), 0)::text FROM owned) AS e_pool_owner,
                a.owner_rewards::text AS e_owner, a.owner_rewards_withdrawn::text AS e_owner_withdrawn,
                a.total_contributed::text AS e_contributed, a.total_withdrawn::text AS e_withdrawn,
                a.staker_rewards_withdrawn::text AS e_staker_withdrawn,
                pay.amount::text AS l_amount, rew.to_owner::text AS l_owner,
                mv.contributed::text AS l_contributed, mv.withdrawn::text AS l_withdrawn,
                mv.owner_withdrawn::text AS l_owner_withdrawn, mv.staker_withdrawn::text AS l_staker_withdrawn
         FROM pay, rew, mv LEFT JOIN account a ON a.id = $1`,
        [id]
    )
    const out = [
        check(
            'ownedPools.totalPayout',
            'Σ BasePool.totalPayout of the owned pools vs Σ Payout.amount of those pools (all time)',
            'lifetime',
            r.l_amount,
            r.e_amount
        ),
        check('account.ownerRewards', 'Account.ownerRewards (commission) vs Σ PoolReward.toOwner of the owned pools', 'lifetime', r.l_owner, r.e_owner ?? 0),
        check('ownedPools.totalOwnerRewards', 'Σ BasePool.totalOwnerRewards of the owned pools vs Σ PoolReward.toOwner', 'lifetime', r.l_owner, r.e_pool_owner),
        check(
            'account.ownerRewardsWithdrawn',
            'Account.ownerRewardsWithdrawn vs Σ OwnerRewardsWithdrawn movements',
            'lifetime',
            r.l_owner_withdrawn,
            r.e_owner_withdrawn ?? 0
        ),
        check('account.totalContributed', 'Account.totalContributed vs Σ Contribution movements', 'lifetime', r.l_contributed, r.e_contributed ?? 0),
        check('account.totalWithdrawn', 'Account.totalWithdrawn vs Σ Withdrawal movements', 'lifetime', r.l_withdrawn, r.e_withdrawn ?? 0),
        check(
            'account.stakerRewardsWithdrawn',
            'Account.stakerRewardsWithdrawn vs Σ StakerRewardsWithdrawn movements',
            'lifetime',
            r.l_staker_withdrawn,
            r.e_staker_withdrawn ?? 0
        ),
    ]
    const days = await closedDays(q, a.range)
    if (days) {
        const d = await one(
            q,
            `SELECT (SELECT coalesce(sum(owner_rewards), 0)::text FROM account_rollup
                      WHERE account_id = $1 AND period = 'Day' AND bucket_start >= $2 AND bucket_start < $3) AS rollup,
                    (SELECT coalesce(sum(to_owner - owner_dismissed), 0)::text FROM pool_reward
                      WHERE pool_id IN (SELECT id FROM base_pool WHERE owner_id = $1) AND timestamp >= $2 AND timestamp < $3) AS ledger`,
            [id, days.from, days.to]
        )
        out.push(
            check(
                'rollup.day.ownerRewards',
                `Σ daily AccountRollup.ownerRewards vs Σ PoolReward (toOwner − ownerDismissed) over the whole days ${days.from.slice(0, 10)} … ${days.to.slice(0, 10)} (exclusive)`,
                'range',
                d.ledger,
                d.rollup
            )
        )
    }
    return out
}

export async function reconcile(q: Query, a: AuditArgs): Promise<Reconciliation> {
    const [checks, invariant] = await Promise.all([
        a.subject.kind === 'worker' ? workerChecks(q, a) : a.subject.kind === 'pool' ? poolChecks(q, a) : accountChecks(q, a),
        settleRewardInvariant(q, a),
    ])
    const differences = checks.filter(c => !c.ok).length + invariant.mismatched + invariant.unpaired + invariant.rowMismatched
    return {checks, invariant, differences, ok: differences === 0}
}
