/**
 * Compare an indexed database with the devnet simulator's ground truth: every total per worker, session,
 * pool, account and UTC day, the network totals and emission, the tokenomics, and (when recorded) every
 * single payout. Returns human-readable differences (empty = equal to the planck).
 */
import {Client} from 'pg'
import type {GroundTruth} from '../../devnet/sim/truth'

type Row = Record<string, any>

export interface CompareOptions {
    /** report at most this many differences per section */
    limit?: number
    /** sections to skip (documented gaps) */
    skip?: string[]
}

export async function compareWithTruth(url: string, truth: GroundTruth, opts: CompareOptions = {}): Promise<string[]> {
    const limit = opts.limit ?? 20
    const skip = new Set(opts.skip ?? [])
    const c = new Client({connectionString: url})
    await c.connect()
    const q = async (text: string, params: unknown[] = []): Promise<Row[]> => (await c.query(text, params)).rows
    const diffs: string[] = []
    const counts = new Map<string, number>()
    const eq = (section: string, what: string, want: unknown, got: unknown) => {
        if (skip.has(section)) return
        const w = want == null ? null : String(want)
        const g = got == null ? null : String(got)
        if (w === g) return
        const n = (counts.get(section) ?? 0) + 1
        counts.set(section, n)
        if (n <= limit) diffs.push(`${section} ${what}: truth ${w}, db ${g}`)
        else if (n === limit + 1) diffs.push(`${section}: more differences…`)
    }
    try {
        // ---------------------------------------------------------------- totals
        const n = (await q(`SELECT * FROM network_state`))[0]
        if (n == null) return ['network_state: no row']
        const sum = async (table: string, col: string, where = 'true') =>
            (await q(`SELECT coalesce(sum(${col}), 0)::text AS s FROM ${table} WHERE ${where}`))[0].s
        const cnt = async (table: string, where = 'true') => (await q(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0].n
        const T = truth.totals
        eq('totals', 'payout', T.payout, n.emitted_payout)
        eq('totals', 'payout (ledger)', T.payout, await sum('payout', 'amount', 'NOT dropped'))
        eq('totals', 'treasury', T.treasury, n.emitted_treasury)
        eq('totals', 'treasury (ledger)', T.treasury, await sum('payout', 'treasury', 'NOT dropped'))
        // emission = rewards credited (dropped settles included, v1 dust excluded) + treasury
        eq('totals', 'emission', T.emission, n.emitted_total)
        eq('totals', 'rewardsCredited', T.rewardsCredited, n.rewards_credited)
        eq('totals', 'rewardsClaimedV1', T.rewardsClaimedV1, n.rewards_claimed)
        eq('totals', 'settleCount', T.settleCount, n.settle_count)
        eq('totals', 'rewardedSettleCount', T.rewardedSettleCount, n.rewarded_settle_count)
        eq('totals', 'toOwner', T.toOwner, await sum('pool_reward', 'to_owner'))
        eq('totals', 'toStakers', T.toStakers, await sum('pool_reward', 'to_stakers'))
        eq('totals', 'dismissed', T.dismissed, n.dismissed_rewards)
        eq('totals', 'dismissedNotInPool', T.dismissedNotInPool, n.dismissed_not_in_pool)
        eq('totals', 'dismissedNoShare', T.dismissedNoShare, await sum('dismissed_reward', 'amount', `kind = 'NoShare'`))
        eq('totals', 'dismissedDust', T.dismissedDust, await sum('dismissed_reward', 'amount', `kind = 'Dust'`))
        eq('totals', 'dustInReward', T.dustInReward, n.dust_in_reward)
        eq('totals', 'contributions', T.contributions, await sum('stake_movement', 'amount', `kind = 'Contribution'`))
        eq('totals', 'withdrawals', T.withdrawals, await sum('stake_movement', 'amount', `kind = 'Withdrawal'`))
        eq('totals', 'ownerRewardsWithdrawn', T.ownerRewardsWithdrawn, await sum('stake_movement', 'amount', `kind = 'OwnerRewardsWithdrawn'`))
        eq('totals', 'droppedSettlements', T.droppedSettlements, n.dropped_settle_count)
        eq('totals', 'failedSettlements', T.failedSettlements, n.failed_settle_count)
        eq('totals', 'payoutCount', truth.payoutCount, await cnt('payout', 'NOT dropped'))

        // ---------------------------------------------------------------- tokenomics
        eq('tokenomics', 'budgetPerBlock bits', truth.tokenomics.budgetPerBlock, n.budget_per_block_bits)
        eq('tokenomics', 'halvings', truth.tokenomics.halvings, n.halving_count)
        eq('tokenomics', 'budgetUpdates', truth.tokenomics.budgetUpdates, await cnt('budget_change', `kind = 'BudgetUpdated'`))
        eq('tokenomics', 'coolDownPeriod', truth.tokenomics.coolDownPeriodSecs, n.cool_down_period ?? truth.tokenomics.coolDownPeriodSecs)

        // ---------------------------------------------------------------- workers
        const workers = new Map((await q(`SELECT * FROM worker`)).map(r => [r.id, r]))
        for (const [id, wt] of Object.entries(truth.workers)) {
            const w = workers.get(id)
            if (w == null) {
                if (wt.state !== 'Unregistered') eq('workers', `${id} exists`, true, false)
                continue
            }
            const s = `worker ${id.slice(0, 10)}`
            eq('workers', `${s} payout`, wt.payout, w.total_payout)
            eq('workers', `${s} treasury`, wt.treasury, w.total_treasury)
            eq('workers', `${s} settleCount`, wt.settleCount, w.settle_count)
            eq('workers', `${s} rewardedSettleCount`, wt.rewardedSettleCount, w.rewarded_settle_count)
            eq('workers', `${s} sessions`, wt.sessions.length, w.session_count)
            eq('workers', `${s} state`, wt.state, w.state ?? (w.registered_at ? 'Registered' : 'Unregistered'))
            eq('workers', `${s} pid`, wt.pid, w.pool_id)
            eq('workers', `${s} session`, wt.session, w.session_id)
            eq('workers', `${s} stake`, wt.stake, w.stake)
            eq('workers', `${s} vBits`, wt.vBits, w.v)
            eq('workers', `${s} startCount`, wt.startCount, w.start_count)
            eq('workers', `${s} stopCount`, wt.stopCount, w.stop_count)
            eq('workers', `${s} reclaimCount`, wt.reclaimCount, w.reclaim_count)
            eq('workers', `${s} unresponsiveCount`, wt.unresponsiveCount, w.unresponsive_count)
            // v1-era registrations carry no confidence level and no InitialScoreSet exists before spec 1251:
            // such workers have null until a v2 WorkerUpdated / InitialScoreSet (a documented gap)
            if (w.confidence_level != null) eq('workers', `${s} confidenceLevel`, wt.confidenceLevel, w.confidence_level)
            else eq('workers-v1-registry', `${s} confidenceLevel`, wt.confidenceLevel, null)
            if (w.initial_score != null) eq('workers', `${s} initScore`, wt.initScore, w.initial_score)
            else eq('workers-v1-registry', `${s} initScore`, wt.initScore, null)
        }

        // ---------------------------------------------------------------- sessions
        const sessions = new Map((await q(`SELECT * FROM session`)).map(r => [r.id, r]))
        for (const [id, st] of Object.entries(truth.sessions)) {
            const s = sessions.get(id)
            const k = `session ${id.slice(0, 10)}`
            if (s == null) {
                eq('sessions', `${k} exists`, true, false)
                continue
            }
            eq('sessions', `${k} worker`, st.worker, s.worker_id)
            eq('sessions', `${k} pid`, st.pid, s.pool_id)
            eq('sessions', `${k} payout`, st.payout, s.total_payout)
            eq('sessions', `${k} treasury`, st.treasury, s.total_treasury)
            eq('sessions', `${k} settleCount`, st.settleCount, s.settle_count)
            eq('sessions', `${k} startCount`, st.startCount, s.start_count)
            eq('sessions', `${k} state`, st.state, s.bound ? s.state : 'Unbound')
        }

        // ---------------------------------------------------------------- pools
        const pools = new Map(
            (
                await q(`SELECT p.*, s.capacity, v.owner_shares, v.last_share_price_checkpoint, v.total_owner_shares_gained, v.total_owner_shares_claimed
                                        FROM base_pool p LEFT JOIN stake_pool s ON s.id = p.id LEFT JOIN vault v ON v.id = p.id`)
            ).map(r => [r.id, r])
        )
        for (const [pid, pt] of Object.entries(truth.pools)) {
            const p = pools.get(pid)
            const k = `pool ${pid}`
            if (p == null) {
                eq('pools', `${k} exists`, true, false)
                continue
            }
            const kind = pt.kind === 'StakePoolV1' && pt.migrated ? 'StakePool' : pt.kind
            eq('pools', `${k} kind`, kind, p.kind)
            eq('pools', `${k} owner`, pt.owner, p.owner_id)
            if (pt.poolAccount) eq('pools', `${k} poolAccount`, pt.poolAccount, p.pool_account_id)
            if (pt.cid != null) eq('pools', `${k} cid`, pt.cid, p.cid)
            eq('pools', `${k} commission`, pt.commission ?? 0, p.commission)
            if (pt.kind !== 'Vault') eq('pools', `${k} cap`, pt.cap, p.capacity)
            eq('pools', `${k} payout`, pt.payout, p.total_payout)
            eq('pools', `${k} settleCount`, pt.settleCount, p.settle_count)
            eq('pools', `${k} rewardedSettleCount`, pt.rewardedSettleCount, p.rewarded_settle_count)
            eq('pools', `${k} rewardsToOwner`, pt.rewardsToOwner, p.total_owner_rewards)
            eq('pools', `${k} rewardsToStakers`, pt.rewardsToStakers, p.total_staker_rewards)
            eq('pools', `${k} dismissed`, pt.dismissed, p.total_dismissed)
            eq('pools', `${k} dismissedNoShare`, pt.dismissedNoShare, p.dismissed_no_share)
            eq('pools', `${k} dismissedDust`, pt.dismissedDust, p.dismissed_dust)
            eq('pools', `${k} dustInReward`, pt.dustInReward, p.dust_in_reward)
            eq('pools', `${k} contributions`, pt.contributions, p.total_contributed)
            eq('pools', `${k} contributionCount`, pt.contributionCount, p.contribution_count)
            eq('pools', `${k} withdrawals`, pt.withdrawals, p.total_withdrawn)
            eq('pools', `${k} withdrawalCount`, pt.withdrawalCount, p.withdrawal_count)
            eq('pools', `${k} ownerRewardsWithdrawn`, pt.ownerRewardsWithdrawn, p.owner_rewards_withdrawn)
            eq('pools', `${k} stakerRewardsWithdrawn`, pt.stakerRewardsWithdrawn, p.staker_rewards_withdrawn)
            eq('pools', `${k} ownerRewardPending`, pt.ownerRewardPending, p.owner_rewards)
            eq('pools', `${k} workerCount`, pt.workerCount, p.worker_count)
            eq('pools', `${k} delegatorCount`, pt.delegatorCount, p.delegator_count)
            eq('pools', `${k} queuedWithdrawals`, pt.queuedWithdrawals, p.queued_withdrawals)
            eq('pools-value', `${k} totalShares`, pt.totalShares, p.total_shares)
            // a vault's value moves with the stake pools it holds shares of, which no event reports: the
            // indexer follows the chain's formula (see src/domain/pool-math.ts vaultRewardCut)
            const valueSection = pt.kind === 'Vault' ? 'vault-value' : 'pools-value'
            eq(valueSection, `${k} totalValue`, pt.totalValue, p.total_value)
            eq(valueSection, `${k} freeStake`, pt.freeStake, p.free_value)
            if (pt.kind === 'Vault') {
                eq('pools', `${k} ownerSharesGained`, pt.ownerSharesGained, p.total_owner_shares_gained)
                eq('pools', `${k} ownerSharesClaimed`, pt.ownerSharesClaimed, p.total_owner_shares_claimed)
                eq('pools', `${k} ownerShares`, pt.ownerShares, p.owner_shares)
                eq('pools', `${k} lastSharePriceCheckpoint`, pt.lastSharePriceCheckpoint, p.last_share_price_checkpoint)
            }
        }

        // ---------------------------------------------------------------- accounts
        const accounts = new Map((await q(`SELECT * FROM account`)).map(r => [r.id, r]))
        const shares = new Map<string, Record<string, string>>()
        for (const d of await q(`SELECT account_id, pool_id, shares::text FROM delegation WHERE shares > 0`)) {
            let m = shares.get(d.account_id)
            if (m == null) shares.set(d.account_id, (m = {}))
            m[d.pool_id] = d.shares
        }
        for (const [id, at] of Object.entries(truth.accounts)) {
            const a = accounts.get(id)
            const k = `account ${id.slice(0, 10)}`
            if (a == null) {
                if (at.contributed > 0n || at.commission > 0n) eq('accounts', `${k} exists`, true, false)
                continue
            }
            eq('accounts', `${k} commission`, at.commission, a.owner_rewards)
            eq('accounts', `${k} ownerRewardsWithdrawn`, at.ownerRewardsWithdrawn, a.owner_rewards_withdrawn)
            eq('accounts', `${k} ownerSharesClaimed`, at.ownerSharesClaimed, a.vault_owner_shares_claimed)
            eq('accounts', `${k} contributed`, at.contributed, a.total_contributed)
            eq('accounts', `${k} withdrawn`, at.withdrawn, a.total_withdrawn)
            eq('accounts', `${k} stakerRewardsWithdrawn`, at.stakerRewardsWithdrawn, a.staker_rewards_withdrawn)
            const want = Object.fromEntries(Object.entries(at.shares).map(([p, s]) => [p, s.toString()]))
            eq('accounts', `${k} shares`, JSON.stringify(sortKeys(want)), JSON.stringify(sortKeys(shares.get(id) ?? {})))
        }

        // ---------------------------------------------------------------- days (from the ledger, and the closed day rollups)
        const dayRows = await q(`SELECT to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
                                        (sum(amount) FILTER (WHERE NOT dropped))::text AS payout,
                                        (sum(treasury) FILTER (WHERE NOT dropped))::text AS treasury,
                                        (count(*) FILTER (WHERE NOT dropped))::int AS n,
                                        (count(*) FILTER (WHERE amount > 0 AND NOT dropped))::int AS rewarded,
                                        -- on_reward sees a dropped settle's info too: its pool is paid (stake_pool_v2.rs on_reward)
                                        sum(to_owner)::text AS to_owner, sum(to_stakers)::text AS to_stakers, sum(dismissed)::text AS dismissed
                                 FROM payout GROUP BY 1`)
        const days = new Map(dayRows.map(r => [r.day, r]))
        const rollups = new Map(
            (await q(`SELECT to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, * FROM network_rollup WHERE period = 'Day'`)).map(r => [r.day, r])
        )
        const wDays = new Map<string, Row>()
        for (const r of await q(`SELECT to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, worker_id,
                                        sum(amount)::text AS payout, sum(treasury)::text AS treasury, count(*)::int AS n
                                 FROM payout WHERE NOT dropped AND worker_id IS NOT NULL GROUP BY 1, 2`))
            wDays.set(`${r.day}/${r.worker_id}`, r)
        const pDays = new Map<string, Row>()
        for (const r of await q(`SELECT to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, pool_id,
                                        (sum(amount) FILTER (WHERE NOT dropped))::text AS payout,
                                        sum(to_owner)::text AS to_owner, sum(to_stakers)::text AS to_stakers,
                                        sum(dismissed)::text AS dismissed, (count(*) FILTER (WHERE NOT dropped))::int AS n
                                 FROM payout WHERE pool_id IS NOT NULL GROUP BY 1, 2`))
            pDays.set(`${r.day}/${r.pool_id}`, r)
        const lastDay = Object.keys(truth.days).sort().pop()
        for (const [day, dt] of Object.entries(truth.days)) {
            const d = days.get(day) ?? {}
            eq('days', `${day} payout`, dt.payout, d.payout ?? 0)
            eq('days', `${day} treasury`, dt.treasury, d.treasury ?? 0)
            eq('days', `${day} settleCount`, dt.settleCount, d.n ?? 0)
            eq('days', `${day} rewardedSettleCount`, dt.rewardedSettleCount, d.rewarded ?? 0)
            eq('days', `${day} toOwner`, dt.toOwner, d.to_owner ?? 0)
            eq('days', `${day} toStakers`, dt.toStakers, d.to_stakers ?? 0)
            eq('days', `${day} dismissed`, dt.dismissed, d.dismissed ?? 0)
            if (day !== lastDay) {
                // a closed day has its rollup row (the last day is still open when indexing stops)
                const r = rollups.get(day)
                eq('day-rollups', `${day} payout`, dt.payout, r?.payout)
                eq('day-rollups', `${day} treasury`, dt.treasury, r?.treasury)
                // emitted = credited + treasury: the truth has no daily credited rewards, so the day's rollup is
                // checked to be its own credited + treasury (the credited total is checked against the truth above)
                eq('day-rollups', `${day} emitted`, (r?.credited == null ? 0n : BigInt(r.credited)) + dt.treasury, r?.emitted)
                eq('day-rollups', `${day} settleCount`, dt.settleCount, r?.settle_count)
            }
            for (const [w, x] of Object.entries(dt.workers)) {
                const r = wDays.get(`${day}/${w}`)
                eq('days', `${day} worker ${w.slice(0, 10)} payout`, x.payout, r?.payout ?? 0)
                eq('days', `${day} worker ${w.slice(0, 10)} treasury`, x.treasury, r?.treasury ?? 0)
                eq('days', `${day} worker ${w.slice(0, 10)} settleCount`, x.settleCount, r?.n ?? 0)
            }
            for (const [p, x] of Object.entries(dt.pools)) {
                const r = pDays.get(`${day}/${p}`)
                eq('days', `${day} pool ${p} payout`, x.payout, r?.payout ?? 0)
                eq('days', `${day} pool ${p} toOwner`, x.toOwner, r?.to_owner ?? 0)
                eq('days', `${day} pool ${p} toStakers`, x.toStakers, r?.to_stakers ?? 0)
                eq('days', `${day} pool ${p} dismissed`, x.dismissed, r?.dismissed ?? 0)
                eq('days', `${day} pool ${p} settleCount`, x.settleCount, r?.n ?? 0)
            }
        }

        // ---------------------------------------------------------------- every payout
        if (truth.payouts) {
            // the truth's eventIndex counts the simulator's events only; the chain adds system events
            // (the timestamp extrinsic's), so settles are matched by block and order within the block
            const rows = await q(`SELECT * FROM payout WHERE NOT dropped ORDER BY block_height, event_index`)
            eq('payouts', 'count', truth.payouts.length, rows.length)
            const ordinal = (list: {block: number}[]) => {
                const seen = new Map<number, number>()
                return list.map(x => {
                    const k = (seen.get(x.block) ?? 0) + 1
                    seen.set(x.block, k)
                    return `${x.block}/${k}`
                })
            }
            const rowKeys = ordinal(rows.map(r => ({block: r.block_height})))
            const byKey = new Map(rows.map((r, i) => [rowKeys[i], r]))
            const truthKeys = ordinal(truth.payouts)
            for (const [i, p] of truth.payouts.entries()) {
                const r = byKey.get(truthKeys[i])
                const k = `payout #${p.block}/${p.eventIndex}`
                if (r == null) {
                    eq('payouts', `${k} exists`, true, false)
                    continue
                }
                eq('payouts', `${k} session`, p.session, r.session_id)
                eq('payouts', `${k} worker`, p.worker, r.worker_id)
                eq('payouts', `${k} pid`, p.pid, r.pool_id)
                eq('payouts', `${k} vBits`, p.vBits, r.v_bits)
                eq('payouts', `${k} payoutBits`, p.payoutBits, r.payout_bits)
                eq('payouts', `${k} payout`, p.payout, r.amount)
                eq('payouts', `${k} treasury`, p.treasury, r.treasury)
                eq('payouts', `${k} toOwner`, p.toOwner, r.to_owner)
                eq('payouts', `${k} toStakers`, p.toStakers, r.to_stakers)
                eq('payouts', `${k} dismissed`, p.dismissed, r.dismissed)
            }
        }
        return diffs
    } finally {
        await c.end()
    }
}

function sortKeys(o: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))
}

/** the self-check counters the processor keeps in network_state */
export async function selfCheck(url: string): Promise<{settles: number; mismatches: number; unpaired: number; anomalies: number; failures: Row[]}> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        const n = (await c.query(`SELECT * FROM network_state`)).rows[0]
        const failures = (await c.query(`SELECT * FROM self_check_failure ORDER BY block_height, id LIMIT 20`)).rows
        return {
            settles: n.self_check_settles,
            mismatches: n.self_check_mismatches,
            unpaired: n.self_check_unpaired,
            anomalies: n.self_check_anomalies,
            failures,
        }
    } finally {
        await c.end()
    }
}
