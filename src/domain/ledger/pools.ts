/**
 * Pools and stake: creation and settings of StakePool (v1 and v2) and BasePool events, workers joining
 * and leaving pools, stake locked to and released from workers, contributions, withdrawal requests and
 * withdrawals, reward withdrawals, slashes and whitelists.
 */
import {PoolKind, StakeMovementKind} from '../../model'
import {mutateSession, refreshDelegation, refreshPool, setDelegationShares} from './aggregates'
import type {LedgerContext} from './context'
import {noteClaim} from './money'
import {newPool, toPoolKind} from './entities'
import {v1Claim, v1Contribution, v1Withdrawal} from './v1-book'
import type {EventOf, Handlers} from './table'

function onPoolCreated(cx: LedgerContext, ev: EventOf<'PoolCreated'>): void {
    const id = ev.pid.toString()
    const kind = toPoolKind(ev.poolKind)
    let p = cx.state.pools.get(id)
    if (p) {
        cx.anomaly(ev.id, `PoolCreated: pool ${id} already exists`)
    } else {
        p = cx.state.pools.add(newPool(id, kind, ev.owner, cx.blockTime, ev.blockHeight))
        cx.state.network.poolCount++
        const owner = cx.ensureAccount(ev.owner)
        owner.ownedPoolCount++
        cx.state.accounts.touch(owner)
    }
    p.kind = kind
    p.ownerId = ev.owner
    p.cid = ev.cid
    p.poolAccountId = ev.poolAccount
    if (kind === PoolKind.Vault) {
        cx.ensureVault(id)
        if (ev.poolAccount) cx.vaultByAccount.set(ev.poolAccount, id)
    } else {
        cx.ensureStakePool(id)
    }
    refreshPool(cx, p)
}

function onPoolWorkerAdded(cx: LedgerContext, ev: EventOf<'PoolWorkerAdded'>): void {
    const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
    const w = cx.ensureWorker(ev.worker)
    if (w.poolId && w.poolId !== p.id) {
        cx.anomaly(ev.id, `PoolWorkerAdded: worker ${w.id} is still in pool ${w.poolId}`)
        const old = cx.state.pools.get(w.poolId)
        if (old) {
            old.workerCount--
            cx.state.pools.touch(old)
        }
    }
    if (w.poolId !== p.id) {
        p.workerCount++
        cx.state.pools.touch(p)
    }
    w.poolId = p.id
    cx.state.workers.touch(w)
    const sid = ev.session ?? w.sessionId
    if (sid) {
        const s = cx.ensureSession(sid)
        mutateSession(cx, s, s => {
            s.poolId = p.id
        })
    }
}

function onPoolWorkerRemoved(cx: LedgerContext, ev: EventOf<'PoolWorkerRemoved'>): void {
    const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
    const w = cx.ensureWorker(ev.worker)
    if (w.poolId !== p.id) {
        cx.anomaly(ev.id, `PoolWorkerRemoved: worker ${w.id} is not in pool ${p.id} (${w.poolId ?? 'none'})`)
    } else {
        p.workerCount--
        cx.state.pools.touch(p)
    }
    w.poolId = null
    cx.state.workers.touch(w)
}

function onWorkingStarted(cx: LedgerContext, ev: EventOf<'WorkingStarted'>): void {
    const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
    const w = cx.ensureWorker(ev.worker)
    p.freeValue -= ev.amount
    if (p.freeValue < 0n) cx.anomaly(ev.id, `WorkingStarted: pool ${p.id} stakes ${ev.amount} with only ${p.freeValue + ev.amount} free`)
    refreshPool(cx, p)
    w.stake = ev.amount
    cx.state.workers.touch(w)
    const s = w.sessionId ? cx.state.sessions.get(w.sessionId) : undefined
    if (s) {
        mutateSession(cx, s, s => {
            s.stake = ev.amount
            s.poolId = p.id
        })
    } else {
        cx.anomaly(ev.id, `WorkingStarted: worker ${w.id} has no bound session`)
    }
    cx.movement(ev, StakeMovementKind.WorkerStakeLocked, p.id, null, ev.amount, null, w.id)
}

function onContribution(cx: LedgerContext, ev: EventOf<'Contribution'>): void {
    const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
    // v1 specs before 1170 have no shares: a v1 stake is its own share (1:1)
    const shares = ev.shares ?? ev.amount
    const d = cx.ensureDelegation(p, ev.user)
    p.totalValue += ev.amount
    p.totalShares += shares
    p.freeValue += ev.amount
    p.totalContributed += ev.amount
    p.contributionCount++
    setDelegationShares(cx, p, d, d.shares + shares)
    d.costBasis += ev.amount
    d.totalContributed += ev.amount
    const a = cx.ensureAccount(ev.user)
    a.totalContributed += ev.amount
    cx.state.accounts.touch(a)
    if (ev.asVault != null) {
        const vault = cx.ensurePool(ev.asVault, 'Vault', ev)
        vault.freeValue -= ev.amount
        if (vault.poolAccountId == null) {
            vault.poolAccountId = ev.user
            cx.vaultByAccount.set(ev.user, vault.id)
        }
        cx.addVaultHolding(p.id, vault.id)
        refreshPool(cx, vault)
    }
    refreshPool(cx, p)
    refreshDelegation(cx, p, d)
    cx.movement(ev, StakeMovementKind.Contribution, p.id, ev.user, ev.amount, shares, null, ev.asVault?.toString() ?? null)
    v1Contribution(cx, p.kind, p.id, ev.user, shares)
}

function onWithdrawalQueued(cx: LedgerContext, ev: EventOf<'WithdrawalQueued'>): void {
    const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
    const d = cx.ensureDelegation(p, ev.user)
    // a new request replaces the previous one: its shares go back to the holder first
    const total = d.shares + d.withdrawingShares
    if (ev.shares > total) {
        cx.anomaly(ev.id, `WithdrawalQueued: ${ev.user} queues ${ev.shares} shares of pool ${p.id} but holds ${total}`)
    }
    if (d.withdrawingShares === 0n) p.queuedWithdrawals++
    p.withdrawingShares += ev.shares - d.withdrawingShares
    d.withdrawingShares = ev.shares
    setDelegationShares(cx, p, d, total - ev.shares)
    d.withdrawalQueuedAt = cx.blockTime
    refreshPool(cx, p)
    refreshDelegation(cx, p, d)
    cx.movement(ev, StakeMovementKind.WithdrawalQueued, p.id, ev.user, null, ev.shares, null, ev.asVault?.toString() ?? null)
}

function onWithdrawal(cx: LedgerContext, ev: EventOf<'Withdrawal'>): void {
    const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
    const d = cx.ensureDelegation(p, ev.user)
    const shares = ev.shares ?? ev.amount
    const burnt = ev.burntShares ?? 0n
    let gone = shares + burnt
    // withdrawn shares come out of the queued request first, then (v1 immediate withdrawals) the holding
    const fromQueue = gone < d.withdrawingShares ? gone : d.withdrawingShares
    d.withdrawingShares -= fromQueue
    p.withdrawingShares -= fromQueue
    gone -= fromQueue
    if (gone > 0n) {
        if (gone > d.shares) {
            cx.anomaly(ev.id, `Withdrawal: ${ev.user} withdraws ${shares + burnt} shares of pool ${p.id} but holds ${d.shares + fromQueue}`)
        }
        setDelegationShares(cx, p, d, d.shares - gone)
    }
    if (fromQueue > 0n && d.withdrawingShares === 0n) {
        p.queuedWithdrawals--
        d.withdrawalQueuedAt = null
    }
    p.totalShares -= shares + burnt
    p.totalValue -= ev.amount
    p.freeValue -= ev.amount
    p.totalWithdrawn += ev.amount
    p.withdrawalCount++
    d.costBasis -= ev.amount
    d.totalWithdrawn += ev.amount
    const a = cx.ensureAccount(ev.user)
    a.totalWithdrawn += ev.amount
    cx.state.accounts.touch(a)
    const vaultId = cx.vaultByAccount.get(ev.user)
    if (vaultId != null && vaultId !== p.id) {
        const vault = cx.state.pools.get(vaultId)
        if (vault) {
            vault.freeValue += ev.amount
            refreshPool(cx, vault)
        }
    }
    refreshPool(cx, p)
    refreshDelegation(cx, p, d)
    cx.movement(ev, StakeMovementKind.Withdrawal, p.id, ev.user, ev.amount, shares, null, null, ev.burntShares)
    v1Withdrawal(cx, p.kind, p.id, ev.user, shares + burnt)
}

function onOwnerRewardsWithdrawn(cx: LedgerContext, ev: EventOf<'OwnerRewardsWithdrawn'>): void {
    const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
    p.ownerRewards -= ev.amount
    if (p.ownerRewards < 0n) {
        cx.anomaly(ev.id, `OwnerRewardsWithdrawn: pool ${p.id} pays ${ev.amount} with ${p.ownerRewards + ev.amount} pending`)
    }
    p.ownerRewardsWithdrawn += ev.amount
    cx.state.pools.touch(p)
    const a = cx.ensureAccount(ev.user)
    a.ownerRewardsWithdrawn += ev.amount
    cx.state.accounts.touch(a)
    cx.movement(ev, StakeMovementKind.OwnerRewardsWithdrawn, p.id, ev.user, ev.amount)
    noteClaim(cx, ev)
}

function onStakerRewardsWithdrawn(cx: LedgerContext, ev: EventOf<'StakerRewardsWithdrawn'>): void {
    const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
    const sp = cx.ensureStakePool(p.id)
    sp.v1PendingStakerRewards -= ev.amount
    cx.state.stakePools.touch(sp)
    p.stakerRewardsWithdrawn += ev.amount
    cx.state.pools.touch(p)
    const d = cx.ensureDelegation(p, ev.user)
    d.v1RewardsWithdrawn += ev.amount
    cx.state.delegations.touch(d)
    const a = cx.ensureAccount(ev.user)
    a.stakerRewardsWithdrawn += ev.amount
    cx.state.accounts.touch(a)
    cx.movement(ev, StakeMovementKind.StakerRewardsWithdrawn, p.id, ev.user, ev.amount)
    noteClaim(cx, ev)
    v1Claim(cx, ev.id, p.id, ev.user, ev.amount, ev.user === p.ownerId)
}

export const poolHandlers = {
    PoolCreated: onPoolCreated,
    PoolCommissionSet(cx, ev) {
        const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
        p.commission = ev.commission
        cx.state.pools.touch(p)
    },
    PoolCapacitySet(cx, ev) {
        cx.ensurePool(ev.pid, ev.poolKind, ev)
        const sp = cx.ensureStakePool(ev.pid.toString())
        sp.capacity = ev.cap
        cx.state.stakePools.touch(sp)
    },
    PoolWorkerAdded: onPoolWorkerAdded,
    PoolWorkerRemoved: onPoolWorkerRemoved,
    WorkingStarted: onWorkingStarted,
    // amounts come with PhalaComputation.WorkerReclaimed, emitted just before
    PoolWorkerReclaimed() {},
    Contribution: onContribution,
    WithdrawalQueued: onWithdrawalQueued,
    Withdrawal: onWithdrawal,
    OwnerRewardsWithdrawn: onOwnerRewardsWithdrawn,
    StakerRewardsWithdrawn: onStakerRewardsWithdrawn,
    // v1: a user's leftover dust stake slashed to the treasury; the event names no pool
    DustRemoved() {},
    PoolSlashed(cx, ev) {
        // the value change is applied with WorkerReclaimed.slashed (handle_reclaim emits this event)
        const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
        cx.movement(ev, StakeMovementKind.Slash, p.id, null, ev.amount)
    },
    SlashSettled(cx, ev) {
        const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
        cx.movement(ev, StakeMovementKind.Slash, p.id, ev.user, ev.amount)
    },
    PoolWhitelistCreated(cx, ev) {
        const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
        p.whitelistEnabled = true
        cx.state.pools.touch(p)
    },
    PoolWhitelistDeleted(cx, ev) {
        const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
        p.whitelistEnabled = false
        cx.state.pools.touch(p)
    },
    PoolWhitelistStakerAdded() {},
    PoolWhitelistStakerRemoved() {},
} satisfies Handlers
