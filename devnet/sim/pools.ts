/**
 * Stake pools and vaults: creation, commission, capacity, contribution whitelists, the vault share price and
 * the vault owner's commission shares, and the marks that schedule a pool's `PhalaBasePool.Pools` write.
 */
import {type Core, type Pool, PRICE_UNIT} from './core'
import {permillMul, PERMILL} from './fixed'
import {poolAccount, lockAccount, ownerRewardAccount} from './accounts'
import {account} from './recorder'

/** a structural change (workers, queue, shares, settings): written at the end of e block */
export function touch(e: Core, pool: Pool): void {
    if (!pool.v1) e.dirtyPools.add(pool.pid)
}

/** a reward-only change (total_value): written at the end of e block, or batched (poolValueInterval) */
export function touchValue(e: Core, pool: Pool): void {
    if (pool.v1) return
    if (e.cfg.poolValueInterval > 1) e.valueDirty.add(pool.pid)
    else e.dirtyPools.add(pool.pid)
}

export function newPool(e: Core, kind: 'stake' | 'vault', owner: string): Pool {
    const pid = e.pools.length
    const v1 = e.v1
    const pool: Pool = {
        pid,
        kind,
        v1,
        owner,
        cid: v1 ? -1 : e.nextCid++,
        account: poolAccount(pid, owner),
        lockAccount: lockAccount(pid, owner),
        ownerRewardAccount: ownerRewardAccount(pid, owner),
        commission: null,
        cap: null,
        totalShares: 0n,
        totalValue: 0n,
        free: 0n,
        workers: [],
        cdWorkers: [],
        queue: [],
        delegs: new Map(),
        whitelist: null,
        ownerReward: 0n,
        rewardAcc: 0n,
        subscribers: [],
        lastCheckpoint: PRICE_UNIT,
        ownerShares: 0n,
        investPools: [],
        nextNft: 0,
        truth: {
            pid: String(pid),
            kind: kind === 'vault' ? 'Vault' : v1 ? 'StakePoolV1' : 'StakePool',
            migrated: false,
            owner,
            poolAccount: v1 ? null : poolAccount(pid, owner),
            cid: null,
            commission: null,
            cap: null,
            payout: 0n,
            settleCount: 0,
            rewardedSettleCount: 0,
            rewardsToOwner: 0n,
            rewardsToStakers: 0n,
            rewardsCredited: 0n,
            dismissed: 0n,
            dismissedNoShare: 0n,
            dismissedDust: 0n,
            dustInReward: 0n,
            contributions: 0n,
            contributionCount: 0,
            withdrawals: 0n,
            withdrawalCount: 0,
            ownerRewardsWithdrawn: 0n,
            stakerRewardsWithdrawn: 0n,
            ownerSharesGained: 0n,
            ownerSharesClaimed: 0n,
            totalShares: 0n,
            totalValue: 0n,
            freeStake: 0n,
            workerCount: 0,
            delegatorCount: 0,
            queuedWithdrawals: 0,
            ownerRewardPending: 0n,
            ownerShares: null,
            lastSharePriceCheckpoint: null,
        },
    }
    pool.truth.cid = v1 ? null : pool.cid
    e.pools.push(pool)
    e.truth.pools[String(pid)] = pool.truth
    account(e, owner)
    return pool
}

export function createStakePool(e: Core, owner: string): Pool {
    const pool = newPool(e, 'stake', owner)
    e.stakePids.push(pool.pid)
    if (e.v1) e.emit('PhalaStakePool', 'PoolCreated', {owner, pid: BigInt(pool.pid)})
    else e.emit('PhalaStakePoolv2', 'PoolCreated', {owner, pid: BigInt(pool.pid), cid: pool.cid, pool_account_id: pool.account})
    touch(e, pool)
    return pool
}

export function createVault(e: Core, owner: string): Pool | null {
    if (e.v1) return null
    const pool = newPool(e, 'vault', owner)
    e.vaultPids.push(pool.pid)
    e.vaultByAccount.set(pool.account, pool.pid)
    e.emit('PhalaVault', 'PoolCreated', {owner, pid: BigInt(pool.pid), cid: pool.cid, pool_account_id: pool.account})
    touch(e, pool)
    return pool
}

export function setCommission(e: Core, pool: Pool, ppm: number): boolean {
    if (!Number.isInteger(ppm) || ppm < 0 || ppm > PERMILL) return false
    pool.commission = ppm
    pool.truth.commission = ppm
    if (pool.kind === 'vault') e.emit('PhalaVault', 'VaultCommissionSet', {pid: BigInt(pool.pid), commission: ppm})
    else e.emit(e.spPallet, 'PoolCommissionSet', {pid: BigInt(pool.pid), commission: ppm})
    touch(e, pool)
    return true
}

export function setCap(e: Core, pool: Pool, cap: bigint): boolean {
    if (pool.kind !== 'stake' || cap < pool.totalValue) return false
    pool.cap = cap
    pool.truth.cap = cap
    e.emit(e.spPallet, 'PoolCapacitySet', {pid: BigInt(pool.pid), cap})
    touch(e, pool)
    return true
}

export function addToWhitelist(e: Core, pool: Pool, staker: string): boolean {
    if (pool.kind !== 'stake' && e.v1) return false
    const pid = BigInt(pool.pid)
    if (!pool.whitelist) {
        pool.whitelist = new Set()
        e.emit(e.bpPallet, 'PoolWhitelistCreated', {pid})
    }
    if (pool.whitelist.has(staker)) return false
    pool.whitelist.add(staker)
    e.emit(e.bpPallet, 'PoolWhitelistStakerAdded', {pid, staker})
    return true
}

export function removeFromWhitelist(e: Core, pool: Pool, staker: string): boolean {
    if (!pool.whitelist?.has(staker)) return false
    const pid = BigInt(pool.pid)
    pool.whitelist.delete(staker)
    e.emit(e.bpPallet, 'PoolWhitelistStakerRemoved', {pid, staker})
    if (pool.whitelist.size === 0) {
        pool.whitelist = null
        e.emit(e.bpPallet, 'PoolWhitelistDeleted', {pid})
    }
    return true
}

export function deleteWhitelist(e: Core, pool: Pool): boolean {
    if (!pool.whitelist) return false
    pool.whitelist = null
    e.emit(e.bpPallet, 'PoolWhitelistDeleted', {pid: BigInt(pool.pid)})
    return true
}

/** vault share price ×10^12 */
export function sharePrice(pool: Pool): bigint {
    return pool.totalShares === 0n ? PRICE_UNIT : (pool.totalValue * PRICE_UNIT) / pool.totalShares
}

/** vault owner mints commission shares for the price rise since the last checkpoint */
export function gainOwnerShares(e: Core, vault: Pool): boolean {
    if (vault.kind !== 'vault' || vault.totalShares === 0n) return false
    const price = sharePrice(vault)
    if (price <= vault.lastCheckpoint) return false
    const commission = vault.commission ?? 0
    const profit = ((price - vault.lastCheckpoint) * vault.totalShares) / PRICE_UNIT
    const ownerValue = permillMul(commission, profit)
    if (ownerValue === 0n || ownerValue >= vault.totalValue) return false
    const shares = (ownerValue * vault.totalShares) / (vault.totalValue - ownerValue)
    if (shares === 0n) return false
    vault.totalShares += shares
    vault.ownerShares += shares
    vault.lastCheckpoint = sharePrice(vault)
    e.emit('PhalaVault', 'OwnerSharesGained', {pid: BigInt(vault.pid), shares, checkout_price: vault.lastCheckpoint})
    vault.truth.ownerSharesGained += shares
    touch(e, vault)
    return true
}
