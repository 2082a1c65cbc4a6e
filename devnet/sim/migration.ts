/**
 * The v1 → v2 runtime upgrade block: a storage-only migration (no events) of every v1 pool to a BasePool,
 * the tokenomics and cool-down rewritten in v2 shapes, and everything due in that block moved to the next.
 */
import {type Core, push, take} from './core'
import {pendingRewardV1, stakerSharesV1} from './masterchef'
import {balanceMulFixed, balanceToFixed, fixedDiv} from './fixed'
import {tokenomicWrite, coolDownWrite} from './storage'
import {snapshotV1, v1Delegator} from './recorder'
import {utcDay} from './truth'

/** v1 → v2: storage-only migration (no events) */
export function migrate(e: Core): void {
    // the end of the v1 era: the v1 stakers' rewards as the last v1 block left them
    snapshotV1(e, utcDay(e.timestampOf(e.block - 1)))
    for (const pool of e.pools) {
        if (!pool.v1) continue
        // stake_pool_v2.rs `migrate_stakepools` (total_value = total_stake), then `migrate_pool_stakers`: each
        // staker's pending_reward + available_rewards is added to total_value (money from the subsidy pool into
        // the pool account); the staker's NFT holds its shares less those of its queued withdrawal
        const carried: Array<[string, bigint, bigint]> = []
        let pending = 0n
        for (const [user, d] of pool.delegs) {
            const reward = d.pending + pendingRewardV1(pool, user, d)
            carried.push([user, reward, stakerSharesV1(pool, user, d)])
            pending += reward
            d.pending = 0n
            d.rewardDebt = 0n
        }
        pool.v1 = false
        pool.totalValue += pending
        pool.free += pending
        pool.rewardAcc = 0n
        pool.cid = e.nextCid++
        for (const d of pool.delegs.values()) if (d.shares > 0n) d.nftId = pool.nextNft++
        for (const q of pool.queue) q.nftId = pool.nextNft++
        // the staker's value right after the pool's migration: base_pool.rs bmul(shares, share_price)
        const price = pool.totalShares === 0n ? 0n : fixedDiv(balanceToFixed(pool.totalValue), balanceToFixed(pool.totalShares))
        for (const [user, reward, shares] of carried) {
            v1Delegator(e, pool, user).atUpgrade = {pending: reward, shares, v2Value: balanceMulFixed(shares, price)}
        }
        pool.truth.kind = 'StakePool'
        pool.truth.migrated = true
        pool.truth.cid = pool.cid
        pool.truth.poolAccount = pool.account
        pool.truth.rewardsToStakers += 0n
        e.dirtyPools.add(pool.pid)
    }
    e.storage.push(tokenomicWrite(e), coolDownWrite(e))
    e.subsidyDirty = e.cfg.accountStorage
    // nothing else happens in the migration block: what was due now happens in the next block
    const b = e.block
    for (const i of take(e.hb, b)) {
        const w = e.workers[i]
        if (w.nextHb !== b) continue
        w.nextHb = b + 1
        push(e.hb, b + 1, i)
    }
    for (const i of take(e.exitAt, b)) {
        const w = e.workers[i]
        if (w.unrespUntil !== b) continue
        w.unrespUntil = b + 1
        push(e.exitAt, b + 1, i)
    }
    for (const i of take(e.enterAt, b)) push(e.enterAt, b + 1, i)
    for (const i of take(e.finalSettles, b)) push(e.finalSettles, b + 1, i)
    const q = e.quirks.get(b)
    if (q) {
        e.quirks.delete(b)
        e.quirks.set(b + 1, [...q, ...(e.quirks.get(b + 1) ?? [])])
    }
}
