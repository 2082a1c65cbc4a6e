/**
 * Pool rewards and dismissals: RewardReceived and the five RewardDismissed* events, paired with the
 * settles of their block (src/domain/pairing.ts), and at the end of each block the per-settle self-check
 * (to_owner + to_stakers, or Σ dismissed, = the payout).
 *
 * Money (money.ts): a RewardReceived credits its pool (emission); a v2 reward is paid at once by the
 * Balances.Transfer subsidy pool → W-PHA account before it (stake_pool_v2.rs `handle_pool_new_reward`), a v1
 * one stays in the subsidy pool until claimed (stakepool.rs `handle_pool_new_reward` only raises
 * reward_acc / owner_reward).
 */
import type {MiningEvent} from '../../decode/model'
import {BasePool, DismissedRewardKind, Payout, PoolKind, SelfCheckKind} from '../../model'
import {DismissalKind, groupOutcome, RewardGroup} from '../pairing'
import {vaultRewardCut} from '../pool-math'
import {refreshPool} from './aggregates'
import type {LedgerContext} from './context'
import {delegationId} from './entities'
import {creditsOnly, refreshEmission, takeRewardTransfer} from './money'
import {dismissedRewardRow, poolRewardRow} from './rows'
import {v1Reward} from './v1-book'
import type {EventOf, Handlers} from './table'

function onRewardReceived(cx: LedgerContext, ev: EventOf<'RewardReceived'>): void {
    const n = cx.state.network
    n.rewardEventsSeen = true
    n.toOwner += ev.toOwner
    n.toStakers += ev.toStakers
    const p = cx.ensurePool(ev.pid, ev.poolKind, ev)
    const g = cx.pairer.addReward({kind: 'RewardReceived', eventId: ev.id, pid: p.id, toOwner: ev.toOwner, toStakers: ev.toStakers})
    if (g == null) unpairedReward(cx, ev, p.id, null, ev.toOwner + ev.toStakers)
    const o = g ? groupOutcome(g) : undefined
    const ownerDismissed = o?.ownerDismissed ?? 0n
    const stakersDismissed = o?.stakersDismissed ?? 0n
    // v2 credits the whole reward: it was transferred to the W-PHA account before the mints, a dust mint
    // included (stake_pool_v2.rs `handle_pool_new_reward`); v1 reports a dust to_stakers it never adds to
    // reward_acc (RewardDismissedDust before the RewardReceived: stakepool.rs `handle_pool_new_reward`)
    const v1 = creditsOnly(p.kind)
    const credited = ev.toOwner + ev.toStakers - (v1 ? ownerDismissed + stakersDismissed : 0n)
    if (g) g.credited = credited
    n.rewardsCredited += credited
    if (v1) n.rewardsCreditedV1 += credited
    else checkRewardTransfer(cx, ev, g, ev.toOwner + ev.toStakers)
    refreshEmission(cx)
    p.totalOwnerRewards += ev.toOwner
    p.totalStakerRewards += ev.toStakers
    p.ownerRewards += ev.toOwner - ownerDismissed
    const distributed = ev.toStakers - stakersDismissed
    if (p.kind === PoolKind.StakePoolV1) {
        // v1 (MasterChef-style): stakers' rewards accrue beside the stake until withdrawn
        const sp = cx.ensureStakePool(p.id)
        sp.v1PendingStakerRewards += distributed
        cx.state.stakePools.touch(sp)
        v1Reward(cx, p.kind, p.id, ev.toStakers)
    } else if (distributed > 0n) {
        p.totalValue += distributed
        p.freeValue += distributed
        distributeToVaults(cx, p, distributed)
    }
    refreshPool(cx, p)
    const owner = cx.ensureAccount(p.ownerId)
    owner.ownerRewards += ev.toOwner
    cx.state.accounts.touch(owner)
    cx.rows.poolRewards.push(
        poolRewardRow(ev, cx.blockTime, {
            poolId: p.id,
            poolOwnerId: p.ownerId,
            toOwner: ev.toOwner,
            toStakers: ev.toStakers,
            ownerDismissed,
            stakersDismissed,
            payoutId: g?.settle.payout.id ?? null,
            workerId: g?.settle.workerId ?? null,
            sessionId: g?.settle.payout.sessionId ?? null,
        })
    )
}

/** v2: the transfer subsidy pool → W-PHA account that paid this reward (taken by a dust event before, or now) */
function checkRewardTransfer(cx: LedgerContext, ev: EventOf<'RewardReceived'>, g: RewardGroup<Payout> | undefined, credited: bigint): void {
    const t = takeRewardTransfer(cx) ?? g?.transfer
    if (g && t) g.transfer = t
    if (t != null && t.amount === credited) return
    cx.state.network.selfCheckUnpaired++
    cx.failure(
        SelfCheckKind.MissingRewardTransfer,
        ev.id,
        credited,
        t?.amount ?? 0n,
        `RewardReceived ${ev.id} (pool ${ev.pid}) credits ${credited} plancks but ` +
            (t ? `the transfer ${t.eventId} to the W-PHA account moved ${t.amount}` : 'no transfer from the subsidy pool to the W-PHA account paid it')
    )
}

/** a vault holding shares of stake pool `p` gains its cut of the distributed reward (no event reports it) */
function distributeToVaults(cx: LedgerContext, p: BasePool, rewards: bigint): void {
    const holders = cx.vaultHoldings.get(p.id)
    if (holders == null) return
    for (const vaultId of holders) {
        const vault = cx.state.pools.get(vaultId)
        if (vault == null || vault.poolAccountId == null) continue
        const d = cx.state.delegations.get(delegationId(p.id, vault.poolAccountId))
        if (d == null) continue
        const cut = vaultRewardCut(d.shares + d.withdrawingShares, p.totalShares, rewards)
        if (cut > 0n) {
            vault.totalValue += cut
            refreshPool(cx, vault)
        }
    }
}

/** the row kind of each dismissal */
const DISMISSED_ROW_KIND: Record<DismissalKind, DismissedRewardKind> = {
    NotInPool: DismissedRewardKind.NotInPool,
    NoShare: DismissedRewardKind.NoShare,
    Dust: DismissedRewardKind.Dust,
    OwnerDust: DismissedRewardKind.OwnerDust,
    DistributionDust: DismissedRewardKind.DistributionDust,
}

/** the pool a dismissal names (null: NotInPool, which names the worker) */
interface DismissalTarget {
    pid: bigint | null
    poolKind: string
    worker: string | null
    /** NotInPool: the pallet's on_reward returned there (see src/decode/stakepool.ts) */
    endsMessage?: boolean
}

function onDismissed(cx: LedgerContext, ev: MiningEvent, kind: DismissalKind, target: DismissalTarget, amount: bigint): void {
    const n = cx.state.network
    n.rewardEventsSeen = true
    const {worker} = target
    const poolId = target.pid == null ? null : cx.ensurePool(target.pid, target.poolKind, ev).id
    const g = cx.pairer.addReward({kind: 'Dismissal', eventId: ev.id, dismissal: kind, pid: poolId, worker, amount})
    // a v2 dust event comes after the reward's transfer (the mint failed, the money had moved)
    if (poolId != null && cx.rewardTransfer && target.poolKind !== 'StakePoolV1') {
        const t = takeRewardTransfer(cx)
        if (g) g.transfer = t
    }
    // the v1 `on_reward` returns after a dismissal for a worker in no pool (stakepool.rs, 2022)
    if (kind === 'NotInPool' && target.endsMessage) cx.pairer.skipRestOfMessage(g)
    if (g == null) {
        // a worker in no pool with no settle before: its settle was for an unbound worker, which
        // `try_handle_settle` passes over without an event (only `on_reward` sees it): not a defect
        if (kind !== 'NotInPool') unpairedReward(cx, ev, poolId, worker, amount)
        n.dismissedRewards += amount
        if (kind === 'NotInPool') n.dismissedNotInPool += amount
        const p = poolId ? cx.state.pools.get(poolId) : undefined
        if (p) {
            p.totalDismissed += amount
            if (kind === 'NoShare') p.dismissedNoShare += amount
            else if (kind === 'Dust') p.dismissedDust += amount
            cx.state.pools.touch(p)
        }
    }
    cx.rows.dismissedRewards.push(
        dismissedRewardRow(
            ev,
            cx.blockTime,
            DISMISSED_ROW_KIND[kind],
            poolId ?? g?.settle.poolId ?? null,
            worker ?? g?.settle.workerId ?? null,
            amount,
            g?.settle.payout.id ?? null
        )
    )
}

function unpairedReward(cx: LedgerContext, ev: MiningEvent, poolId: string | null, worker: string | null, amount: bigint): void {
    cx.state.network.selfCheckUnpaired++
    cx.failure(
        SelfCheckKind.UnpairedReward,
        ev.id,
        null,
        amount,
        `${ev.name} ${ev.id} (pool ${poolId ?? 'none'}, worker ${worker ?? '?'}) of ${amount} plancks matches no settle of its block`
    )
}

/** end of block: close every settle's reward group and check it (settles left unpaired are reported) */
export function closeBlockRewards(cx: LedgerContext): void {
    const {closed, open} = cx.pairer.endBlock()
    const n = cx.state.network
    for (const g of closed) closeGroup(cx, g)
    for (const g of open) {
        const p = g.settle.payout
        if (g.dismissals.length > 0) {
            // reward events came but do not add up to the payout
            closeGroup(cx, g)
            continue
        }
        if (!n.rewardEventsSeen) {
            // this runtime emits no pool reward events (before spec 1160): the settle's payout is the credit
            p.credited = g.settle.amount
            n.rewardsCredited += g.settle.amount
            refreshEmission(cx)
            continue
        }
        n.selfCheckUnpaired++
        cx.failure(
            SelfCheckKind.UnpairedSettle,
            p.id,
            g.settle.amount,
            0n,
            `settle ${p.id} of worker ${g.settle.workerId} (pool ${g.settle.poolId ?? 'none'}) paid ${g.settle.amount} plancks but no pool reward event followed in its block`
        )
    }
}

/** the self-check of one rewarded settle, and the payout row's pool-side fields */
function closeGroup(cx: LedgerContext, g: RewardGroup<Payout>): void {
    const n = cx.state.network
    const p = g.settle.payout
    if (g.skipped) return // the v1 early return: no reward event, not a defect
    const o = groupOutcome(g)
    p.credited = g.received ? g.credited : 0n
    if (!g.received && g.transfer) {
        // v2: both mints failed as dust and no RewardReceived came, but the reward had left the subsidy pool
        // for the W-PHA account (stake_pool_v2.rs `handle_pool_new_reward`): it is emitted all the same
        p.credited = g.transfer.amount
        n.rewardsCredited += g.transfer.amount
        refreshEmission(cx)
    }
    p.paidToPool = g.transfer?.amount ?? 0n
    p.rewardTransferEventId = g.transfer?.eventId ?? null
    p.toOwner = o.toOwner
    p.toStakers = o.toStakers
    p.dismissed = o.dismissed
    p.rewardEventId = g.received?.eventId ?? g.dismissals[g.dismissals.length - 1]?.eventId ?? null
    // whole-payout dismissals and dust next to a RewardReceived, by pool
    const pool = g.settle.poolId ? cx.state.pools.get(g.settle.poolId) : undefined
    if (o.dismissed > 0n || o.ownerDismissed + o.stakersDismissed > 0n) {
        n.dismissedRewards += o.dismissed
        n.dustInReward += o.ownerDismissed + o.stakersDismissed
        for (const d of g.dismissals) {
            if (d.kind === 'NotInPool') n.dismissedNotInPool += d.amount
        }
        if (pool) {
            pool.totalDismissed += o.dismissed
            pool.dustInReward += o.ownerDismissed + o.stakersDismissed
            for (const d of g.dismissals) {
                if (d.kind === 'NoShare') pool.dismissedNoShare += d.amount
                else if (d.kind === 'Dust') pool.dismissedDust += d.amount
            }
            cx.state.pools.touch(pool)
        }
    }
    if (g.settle.amount === 0n) return
    n.selfCheckSettles++
    if (!o.ok) {
        n.selfCheckMismatches++
        cx.failure(
            SelfCheckKind.RewardMismatch,
            p.id,
            g.settle.amount,
            o.accounted,
            `settle ${p.id} (worker ${g.settle.workerId}, pool ${g.settle.poolId ?? 'none'}): payout ${g.settle.amount} plancks but ` +
                (g.received
                    ? `RewardReceived ${g.received.eventId} to_owner ${o.toOwner} + to_stakers ${o.toStakers} = ${o.accounted}`
                    : `dismissed ${o.accounted} (${g.dismissals.map(d => `${d.kind} ${d.amount} @${d.eventId}`).join(', ')})`)
        )
    }
}

export const rewardHandlers = {
    RewardReceived: onRewardReceived,
    RewardDismissedNotInPool(cx, ev) {
        onDismissed(cx, ev, 'NotInPool', {pid: null, poolKind: ev.poolKind, worker: ev.worker, endsMessage: ev.endsMessage}, ev.amount)
    },
    RewardDismissedNoShare(cx, ev) {
        onDismissed(cx, ev, 'NoShare', {pid: ev.pid, poolKind: ev.poolKind, worker: null}, ev.amount)
    },
    RewardDismissedDust(cx, ev) {
        onDismissed(cx, ev, 'Dust', {pid: ev.pid, poolKind: ev.poolKind, worker: null}, ev.amount)
    },
    RewardToOwnerDismissedDust(cx, ev) {
        onDismissed(cx, ev, 'OwnerDust', {pid: ev.pid, poolKind: ev.poolKind, worker: null}, ev.amount)
    },
    RewardToDistributionDismissedDust(cx, ev) {
        onDismissed(cx, ev, 'DistributionDust', {pid: ev.pid, poolKind: ev.poolKind, worker: null}, ev.amount)
    },
} satisfies Handlers
