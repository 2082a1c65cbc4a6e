/**
 * The ground-truth recorder: the parts of `GroundTruth` (./truth) that are not a single counter next to the
 * action that changes it — the truth's initial state from the configuration, the per-account and per-day
 * entries (created on first use), and the final-state fields filled in at the end of a run (`finish`).
 * Separate from the engine's parts so that what the indexer must find is gathered in one place; the
 * counters an action bumps (starts, stops, contributions, …) stay next to the event they count.
 */
import {type Core, type EngineConfig, type Pool} from './core'
import {pendingRewardV1} from './masterchef'
import {type GroundTruth, type AccountTruth, type DayTruth, type V1DelegatorTruth, utcDay, emptyTruth, resetTruth} from './truth'

/** the truth of a new run (or `truth` reset in place), with what the configuration fixes */
export function initTruth(cfg: EngineConfig, truth?: GroundTruth): GroundTruth {
    let t: GroundTruth
    if (truth) {
        resetTruth(truth)
        truth.scenario = cfg.name
        truth.seed = cfg.seed
        t = truth
    } else t = emptyTruth(cfg.name, cfg.seed)
    t.chain.blockTimeMs = cfg.blockTimeMs
    t.chain.startEra = cfg.startEra
    t.chain.upgradeBlock = cfg.upgradeAt
    t.tokenomics.initial = {...cfg.params}
    t.tokenomics.coolDownPeriodSecs = cfg.coolDownSecs
    t.totals.subsidyPoolStart = cfg.subsidyPoolGenesis
    t.payouts = cfg.recordPayouts ? [] : null
    return t
}

export function account(e: Core, a: string): AccountTruth {
    let t = e.truth.accounts[a]
    if (!t) {
        t = {
            account: a,
            commission: 0n,
            ownerRewardsWithdrawn: 0n,
            ownerSharesClaimed: 0n,
            contributed: 0n,
            withdrawn: 0n,
            stakerRewardsWithdrawn: 0n,
            shares: {},
        }
        e.truth.accounts[a] = t
    }
    return t
}

export function day(e: Core): DayTruth {
    const d = utcDay(e.ts)
    let t = e.truth.days[d]
    if (!t) {
        t = {
            date: d,
            firstBlock: e.block,
            lastBlock: e.block,
            payout: 0n,
            treasury: 0n,
            settleCount: 0,
            rewardedSettleCount: 0,
            toOwner: 0n,
            toStakers: 0n,
            dismissed: 0n,
            workers: {},
            pools: {},
        }
        e.truth.days[d] = t
    }
    t.lastBlock = e.block
    return t
}

export function dayPool(e: Core, d: DayTruth, pid: number) {
    const k = String(pid)
    let t = d.pools[k]
    if (!t) d.pools[k] = t = {payout: 0n, toOwner: 0n, toStakers: 0n, dismissed: 0n, settleCount: 0}
    return t
}

/** fill the final-state parts of the truth */
export function finish(e: Core): GroundTruth {
    const t = e.truth
    t.tokenomics.final = {...e.params}
    t.tokenomics.budgetPerBlock = e.params.budget_per_block
    t.totals.subsidyPoolEnd = e.subsidy
    t.totals.emission = t.totals.rewardsCredited + t.totals.treasury
    for (const w of e.workers) {
        const wt = t.workers[w.pubkey]
        wt.state = w.state
        wt.pid = w.pid >= 0 ? String(w.pid) : null
        wt.session = w.session
        wt.stake = w.stake
        if (w.session) t.sessions[w.session].state = w.state
    }
    for (const a of Object.values(t.accounts)) a.shares = {}
    for (const pool of e.pools) {
        const pt = pool.truth
        pt.totalShares = pool.totalShares
        pt.totalValue = pool.totalValue
        pt.freeStake = pool.free
        pt.workerCount = pool.workers.length
        pt.queuedWithdrawals = pool.queue.length
        pt.ownerRewardPending = pool.ownerReward
        pt.ownerShares = pool.kind === 'vault' ? pool.ownerShares : null
        pt.lastSharePriceCheckpoint = pool.kind === 'vault' ? pool.lastCheckpoint : null
        let n = 0
        for (const [user, d] of pool.delegs) {
            if (d.shares === 0n) continue
            n++
            account(e, user).shares[String(pool.pid)] = d.shares
        }
        pt.delegatorCount = n
    }
    // v1 running to the end: the last day's end is now
    if (e.v1) snapshotV1(e, utcDay(e.ts))
    t.complete = true
    return t
}

/** a built block's chain counters: timestamps, block count, events and storage writes, events by name */
export function recordBlock(e: Core): void {
    const t = e.truth
    if (e.block === 1) t.chain.firstTimestamp = e.ts
    t.chain.lastTimestamp = e.ts
    t.chain.blocks = e.block
    t.chain.events += e.events.length
    t.chain.storageWrites += e.storage.length
    for (const ev of e.events) {
        const k = ev.pallet + '.' + ev.name
        t.eventCounts[k] = (t.eventCounts[k] ?? 0) + 1
    }
    // the v1 stakers' rewards at the end of a UTC day of the v1 era (the last v1 block is handled by migrate)
    if (e.v1 && e.cfg.upgradeAt !== e.block + 1) {
        const today = utcDay(e.ts)
        if (utcDay(e.timestampOf(e.block + 1)) !== today) snapshotV1(e, today)
    }
}

/** the v1 delegator record of `user` in `pool` (created on first use) */
export function v1Delegator(e: Core, pool: Pool, user: string): V1DelegatorTruth {
    const k = `${pool.pid}/${user}`
    let t = e.truth.v1Delegators[k]
    if (!t) e.truth.v1Delegators[k] = t = {accrued: 0n, claimed: 0n, pending: 0n, days: {}, atUpgrade: null}
    return t
}

/**
 * Refresh every v1 delegator's pending (available_rewards + pending_reward) and accrued (claimed + pending);
 * with `date`, also record them as that UTC day's end.
 */
export function snapshotV1(e: Core, date: string | null): void {
    for (const pool of e.pools) {
        if (!pool.v1) continue
        for (const [user, d] of pool.delegs) {
            const t = v1Delegator(e, pool, user)
            t.pending = d.pending + pendingRewardV1(pool, user, d)
            t.accrued = t.claimed + t.pending
            if (date !== null) t.days[date] = {accrued: t.accrued, claimed: t.claimed, pending: t.pending}
        }
    }
}
