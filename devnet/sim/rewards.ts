/**
 * The stake pools' reaction to the settlements of a gatekeeper message (`OnReward::on_reward`, then
 * `handle_pool_new_reward` per SettleInfo): dismissals, the owner's commission, and the stakers' part added to
 * the pool's value (v2) or reward accumulator (v1), with the subscribed vaults' cut (base_pool.rs
 * `distribute_reward`). v2 moves the money at once (a transfer from the subsidy pool to the W-PHA account and
 * W-PHA mints); in v1 the reward stays in the subsidy pool until claimed.
 */
import {type Core, type Pool, type RewardItem, DUST, splitReward} from './core'
import {SUBSIDY_POOL, WPHA_ACCOUNT, WPHA_ASSET_ID} from './accounts'
import {vaultRewardCut} from './tokenomics'
import {type DismissKind} from './truth'
import {touchValue} from './pools'
import {accIncrementV1} from './masterchef'
import {account, dayPool} from './recorder'

/**
 * on_reward over every SettleInfo of a message. v2 (stake_pool_v2.rs `on_reward`) continues after a worker that
 * is in no pool; v1 (stakepool.rs `on_reward` as of 2022) returns there, so the later SettleInfos of the message
 * get no reward at all.
 */
export function onReward(e: Core, items: RewardItem[]): void {
    for (let i = 0; i < items.length; i++) {
        const inPool = poolReward(e, items[i])
        if (!inPool && e.v1) {
            for (let k = i + 1; k < items.length; k++) {
                e.truth.totals.skippedAfterNotInPool += items[k].amount
                const rec = items[k].rec
                if (rec) rec.skipped = true
            }
            return
        }
    }
}

/** W-PHA minting (wrapped_balances.rs `mint_into` → pallet_assets `mint_into`: Assets.Issued, also for 0) */
function mintWpha(e: Core, owner: string, amount: bigint): void {
    e.emit('Assets', 'Issued', {asset_id: WPHA_ASSET_ID, owner, amount})
}

/** the stake pool's handling of one SettleInfo; false when the worker is in no pool */
function poolReward(e: Core, r: RewardItem): boolean {
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
        // not in a pool (also for a zero amount): the reward stays in the subsidy pool
        e.emit(e.spPallet, 'RewardDismissedNotInPool', {worker: r.w.pubkey, amount})
        dismiss('NotInPool', null, amount)
        return false
    }
    if (amount === 0n) return true
    const pool = e.pools[r.pid]
    const pid = BigInt(pool.pid)
    if (!e.v1 && amount <= DUST) {
        // stake_pool_v2.rs (spec 1251) checks the reward for dust before the shares
        e.emit(e.spPallet, 'RewardDismissedDust', {pid, amount})
        dismiss('Dust', pool.pid, amount)
        return true
    }
    if (pool.totalShares <= DUST) {
        e.emit(e.spPallet, 'RewardDismissedNoShare', {pid, amount})
        dismiss('NoShare', pool.pid, amount)
        return true
    }
    const {toOwner: commission, toStakers: toDistribute} = splitReward(pool.commission, amount)
    if (!e.v1) {
        // computation.rs withdraw_subsidy_pool: Currency::transfer subsidy pool → W-PHA account
        e.emit('Balances', 'Transfer', {from: SUBSIDY_POOL, to: WPHA_ACCOUNT, amount})
        e.subsidy -= amount
        e.subsidyDirty = true
        mintWpha(e, pool.ownerRewardAccount, commission)
        mintWpha(e, pool.account, toDistribute)
        t.totals.rewardsCredited += amount
        pool.truth.rewardsCredited += amount
    } else {
        // v1: credited to owner_reward / reward_acc, the money stays in the subsidy pool
        const credited = commission + (toDistribute > DUST ? toDistribute : 0n)
        t.totals.rewardsCredited += credited
        pool.truth.rewardsCredited += credited
    }
    pool.ownerReward += commission
    let distributed = false
    if (toDistribute > DUST) {
        distribute(e, pool, toDistribute)
        distributed = true
    } else if (toDistribute > 0n) {
        e.emit(e.spPallet, e.v1 ? 'RewardDismissedDust' : 'RewardToDistributionDismissedDust', {pid, amount: toDistribute})
        if (commission > 0n || !e.v1) {
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
    // v2: the owner's mint succeeds (W-PHA accounts exist; a zero mint succeeds too), so RewardReceived follows
    if (distributed || commission > 0n || !e.v1) {
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
    return true
}

/** add stakers' rewards to a pool (v2: share price; v1: reward accumulator) */
export function distribute(e: Core, pool: Pool, amount: bigint): void {
    if (pool.v1) {
        // stakepool.rs `distribute_reward` → accumulator.rs `distribute`
        pool.rewardAcc += accIncrementV1(amount, pool.totalShares)
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
