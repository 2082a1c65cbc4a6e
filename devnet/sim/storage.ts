/**
 * Storage writes: genesis, the tokenomics / cool-down / subsidy-pool account entries, the
 * `PhalaBasePool.Pools` value of a pool, and the end-of-block flush of the pools and the subsidy account
 * that changed (reward-only changes batched every `poolValueInterval` blocks), with the sessions, stakers,
 * stake NFTs and treasury of storage-mining.ts.
 */
import {type Core, type Pool} from './core'
import {SUBSIDY_POOL} from './accounts'
import {type DevStorageWrite, type DevValue} from '../model'
import {flushMiningStorage} from './storage-mining'

export function genesis(e: Core): DevStorageWrite[] {
    return [tokenomicWrite(e), coolDownWrite(e), ...(e.cfg.accountStorage ? [subsidyWrite(e)] : [])]
}

export function tokenomicWrite(e: Core): DevStorageWrite {
    return {pallet: e.computationPallet(), item: 'TokenomicParameters', keys: [], value: {...e.params} as unknown as DevValue}
}

export function coolDownWrite(e: Core): DevStorageWrite {
    return {pallet: e.computationPallet(), item: 'CoolDownPeriod', keys: [], value: BigInt(e.coolDownSecs)}
}

export function subsidyWrite(e: Core): DevStorageWrite {
    const data: {[k: string]: DevValue} =
        e.era === 'v1' ? {free: e.subsidy, reserved: 0n, misc_frozen: 0n, fee_frozen: 0n} : {free: e.subsidy, reserved: 0n, frozen: 0n, flags: 1n << 127n}
    return {pallet: 'System', item: 'Account', keys: [SUBSIDY_POOL], value: {nonce: 0, consumers: 0, providers: 1, sufficients: 0, data}}
}

export function poolValue(e: Core, pool: Pool): DevValue {
    const basepool = {
        pid: BigInt(pool.pid),
        owner: pool.owner,
        total_shares: pool.totalShares,
        total_value: pool.totalValue,
        withdraw_queue: pool.queue.map(q => ({user: q.user, start_time: BigInt(Math.floor(q.startTime / 1000)), nft_id: q.nftId})),
        value_subscribers: pool.subscribers.map(BigInt),
        cid: pool.cid,
        pool_account_id: pool.account,
    }
    if (pool.kind === 'vault') {
        return {
            __kind: 'Vault',
            value: {
                basepool,
                last_share_price_checkpoint: pool.lastCheckpoint,
                commission: pool.commission,
                owner_shares: pool.ownerShares,
                invest_pools: pool.investPools.map(BigInt),
            },
        }
    }
    return {
        __kind: 'StakePool',
        value: {
            basepool,
            payout_commission: pool.commission,
            cap: pool.cap,
            workers: pool.workers.map(i => e.workers[i].pubkey),
            cd_workers: pool.cdWorkers.map(i => e.workers[i].pubkey),
            lock_account: pool.lockAccount,
            owner_reward_account: pool.ownerRewardAccount,
        },
    }
}

export function flushStorage(e: Core): void {
    const iv = e.cfg.poolValueInterval
    if (iv > 1 && e.valueDirty.size > 0 && (e.block % iv === 0 || e.block === e.cfg.blocks)) {
        for (const pid of e.valueDirty) e.dirtyPools.add(pid)
        e.valueDirty.clear()
    }
    if (e.cfg.poolStorage && e.era === 'v2' && e.dirtyPools.size > 0) {
        const pids = [...e.dirtyPools].sort((a, b) => a - b)
        for (const pid of pids) e.valueDirty.delete(pid)
        for (const pid of pids) {
            e.storage.push({pallet: 'PhalaBasePool', item: 'Pools', keys: [BigInt(pid)], value: poolValue(e, e.pools[pid])})
        }
    }
    if (e.cfg.poolStorage) flushMiningStorage(e)
    e.dirtyPools.clear()
    if (e.cfg.accountStorage && e.subsidyDirty) e.storage.push(subsidyWrite(e))
    e.subsidyDirty = false
}
