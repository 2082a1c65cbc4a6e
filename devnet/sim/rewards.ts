/**
 * The stake pools' reaction to a settlement's payout (`handle_pool_new_reward`): dismissals, the owner's
 * commission, and the stakers' part added to the pool's value (v2) or reward accumulator (v1), with the
 * subscribed vaults' cut (base_pool.rs `distribute_reward`).
 */
import {type Core, type Pool, type RewardItem, DUST, splitReward} from './core'
import {vaultRewardCut} from './tokenomics'
import {type DismissKind} from './truth'
import {touchValue} from './pools'
import {account, dayPool} from './recorder'

/** the stake pool's handling of one settlement's payout (handle_pool_new_reward) */
export function poolReward(e: Core, r: RewardItem): void {
    const t = e.truth
    const amount = r.amount
    const dismiss = (kind: DismissKind, pid: number | null, amt: bigint) => {
        t.totals.dismissed += amt
        r.day.dismissed += amt
        if (kind === 'NotInPool') t.totals.dismissedNotInPool += amt
        if (kind === 'NoShare') t.totals.dismissedNoShare += amt
        if (kind === 'Dust') t.totals.dismissedDust += amt
        if (pid !== null) {
            const pt = e.pools[pid].truth
            pt.dismissed += amt
            if (kind === 'NoShare') pt.dismissedNoShare += amt
            if (kind === 'Dust') pt.dismissedDust += amt
            dayPool(e, r.day, pid).dismissed += amt
        }
        if (r.rec) {
            r.rec.dismissed += amt
            r.rec.dismissKind = kind
        }
    }
    if (r.pid < 0) {
        // not in a pool: the reward stays in the subsidy pool
        e.emit(e.spPallet, 'RewardDismissedNotInPool', {worker: r.w.pubkey, amount})
        dismiss('NotInPool', null, amount)
        return
    }
    const pool = e.pools[r.pid]
    e.subsidy -= amount
    e.subsidyDirty = true
    const pid = BigInt(pool.pid)
    if (pool.totalShares <= DUST) {
        e.emit(e.spPallet, 'RewardDismissedNoShare', {pid, amount})
        dismiss('NoShare', pool.pid, amount)
        return
    }
    const {toOwner: commission, toStakers: toDistribute} = splitReward(pool.commission, amount)
    pool.ownerReward += commission
    let distributed = false
    if (toDistribute > DUST) {
        distribute(e, pool, toDistribute)
        distributed = true
    } else if (toDistribute > 0n) {
        e.emit(e.spPallet, 'RewardDismissedDust', {pid, amount: toDistribute})
        if (commission > 0n) {
            // also reported in RewardReceived below
            t.totals.dismissedDust += toDistribute
            t.totals.dustInReward += toDistribute
            pool.truth.dismissedDust += toDistribute
            pool.truth.dustInReward += toDistribute
            if (r.rec) {
                r.rec.dustInReward = toDistribute
                r.rec.dismissKind = 'Dust'
            }
        } else {
            dismiss('Dust', pool.pid, toDistribute)
        }
    }
    if (distributed || commission > 0n) {
        e.emit(e.spPallet, 'RewardReceived', {pid, to_owner: commission, to_stakers: toDistribute})
        t.totals.toOwner += commission
        t.totals.toStakers += toDistribute
        pool.truth.rewardsToOwner += commission
        pool.truth.rewardsToStakers += toDistribute
        account(e, pool.owner).commission += commission
        r.day.toOwner += commission
        r.day.toStakers += toDistribute
        const dp = dayPool(e, r.day, pool.pid)
        dp.toOwner += commission
        dp.toStakers += toDistribute
        if (r.rec) {
            r.rec.toOwner = commission
            r.rec.toStakers = toDistribute
        }
    }
    touchValue(e, pool)
}

/** add stakers' rewards to a pool (v2: share price; v1: reward accumulator) */
export function distribute(e: Core, pool: Pool, amount: bigint): void {
    if (pool.v1) {
        pool.rewardAcc += (amount << 64n) / pool.totalShares
        return
    }
    pool.totalValue += amount
    pool.free += amount
    for (const vpid of pool.subscribers) {
        // the vault's shares: its NFT plus its queued withdrawals, priced with the chain's conversions
        const vault = e.pools[vpid]
        let shares = pool.delegs.get(vault.account)?.shares ?? 0n
        for (const q of pool.queue) if (q.user === vault.account) shares += q.shares
        const cut = vaultRewardCut(shares, pool.totalShares, amount)
        if (cut === 0n) continue
        vault.totalValue += cut
        touchValue(e, vault)
    }
}
