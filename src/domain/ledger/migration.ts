/**
 * The v1→v2 pool migration. It happened in storage, without events: the caller reads PhalaBasePool.Pools
 * at the migration block and the pools' totals are overwritten with it; v1 holdings become v2 holdings.
 */
import type {NormalizedPool} from '../../decode'
import {PoolKind} from '../../model'
import {refreshDelegation, refreshPool} from './aggregates'
import type {LedgerContext} from './context'
import {newPool} from './entities'
import {closeV1Day, migrateV1Stakers, utcDate} from './v1-book'

/**
 * Overwrite the pools' totals with PhalaBasePool.Pools as read at the open block (the state after that
 * block, so call it after its events).
 */
export function applyPoolSnapshot(cx: LedgerContext, pools: NormalizedPool[]): void {
    const b = cx.mustBlock()
    const n = cx.state.network
    // the v1 era ends with the previous block: its day's end for the v1 stakers
    if (n.poolMigrationHeight == null && n.timestamp != null) closeV1Day(cx, utcDate(n.timestamp), n.height, n.timestamp)
    for (const sp of pools) {
        const id = sp.pid.toString()
        const kind = sp.kind === 'Vault' ? PoolKind.Vault : PoolKind.StakePool
        let p = cx.state.pools.get(id)
        if (p == null) {
            p = cx.state.pools.add(newPool(id, kind, sp.owner, cx.blockTime, b.height))
            n.poolCount++
            const owner = cx.ensureAccount(sp.owner)
            owner.ownedPoolCount++
            cx.state.accounts.touch(owner)
        } else if (p.totalShares !== sp.totalShares || p.totalValue !== sp.totalValue) {
            cx.log.info(
                `pool ${id} at the v2 migration (block ${b.height}): shares ${p.totalShares} → ${sp.totalShares}, value ${p.totalValue} → ${sp.totalValue}`
            )
        }
        const wasV1 = p.kind === PoolKind.StakePoolV1
        p.kind = kind
        p.ownerId = sp.owner
        p.cid = sp.cid
        p.poolAccountId = sp.poolAccount
        if (sp.commission != null) p.commission = sp.commission
        p.totalShares = sp.totalShares
        if (wasV1) {
            // each staker's pending rewards join the pool's value (stake_pool_v2.rs `migrate_pool_stakers`)
            const carried = migrateV1Stakers(cx, id, sp.totalValue, sp.totalShares)
            if (p.totalValue + carried !== sp.totalValue) {
                cx.log.info(`pool ${id} at the v2 migration: value ${p.totalValue} + stakers' pending ${carried} ≠ ${sp.totalValue} read from storage`)
            }
            // v1 stakers' pending rewards become stake of the v2 pool: they land in the pool account as
            // free stake (storage has no free-stake field; the value delta is the best measure of it)
            p.freeValue += sp.totalValue - p.totalValue
            const v1 = cx.state.stakePools.get(id)
            if (v1 && v1.v1PendingStakerRewards !== 0n) {
                v1.v1PendingStakerRewards = 0n
                cx.state.stakePools.touch(v1)
            }
        }
        p.totalValue = sp.totalValue
        p.migratedAtHeight = b.height
        if (kind === PoolKind.Vault) {
            const v = cx.ensureVault(id)
            v.ownerShares = sp.ownerShares ?? 0n
            v.lastSharePriceCheckpoint = sp.lastSharePriceCheckpoint ?? 0n
            v.investPoolCount = sp.investPools.length
            cx.state.vaults.touch(v)
            cx.vaultByAccount.set(sp.poolAccount, id)
        } else {
            const s = cx.ensureStakePool(id)
            s.capacity = sp.cap
            s.lockAccount = sp.lockAccount
            s.ownerRewardAccount = sp.ownerRewardAccount
            cx.state.stakePools.touch(s)
            p.workerCount = sp.workers.length
        }
        refreshPool(cx, p)
    }
    for (const d of cx.state.delegations.values()) {
        if (d.poolKind === PoolKind.StakePoolV1) {
            d.poolKind = PoolKind.StakePool
            const p = cx.state.pools.get(d.poolId)
            if (p) refreshDelegation(cx, p, d)
            cx.state.delegations.touch(d)
        }
    }
    n.poolMigrationHeight = b.height
}
