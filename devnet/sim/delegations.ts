/**
 * Delegations: contributions (the merged delegation NFT), withdrawal requests and the withdrawal queue,
 * owner and (v1) staker reward withdrawals, and the vault owner's claim of its shares; v1 MasterChef
 * bookkeeping (reward debt, pending rewards).
 */
import {SUBSIDY_POOL, WPHA_ASSET_ID} from './accounts'
import {type Core, type Pool, type Delegation, type QueueEntry, DUST} from './core'
import {BASE_POOL_PALLET} from './accounts'
import {touch} from './pools'
import {account, v1Delegator} from './recorder'
import {settlePendingV1, resetPendingV1, sharePriceV1, divV1, mulV1, stakerSharesV1, DUST_V1} from './masterchef'

export function canContribute(e: Core, pool: Pool, user: string, amount: bigint): boolean {
    if (amount <= DUST) return false
    if (pool.whitelist && !pool.whitelist.has(user) && user !== pool.owner) return false
    if (pool.kind === 'stake' && pool.cap !== null && pool.totalValue + amount > pool.cap) return false
    return true
}

export function deleg(e: Core, pool: Pool, user: string): Delegation {
    let d = pool.delegs.get(user)
    if (!d) {
        d = {shares: 0n, nftId: -1, rewardDebt: 0n, pending: 0n}
        pool.delegs.set(user, d)
    }
    return d
}

/** v1: stakepool.rs `settle_user_pending_reward` before the staker's shares change */
export function settleV1(e: Core, pool: Pool, user: string, d: Delegation): void {
    if (pool.v1) settlePendingV1(pool, user, d)
}

/** v1: stakepool.rs `reset_pending_reward` after the staker's shares changed */
export function resetDebtV1(e: Core, pool: Pool, user: string, d: Delegation): void {
    if (pool.v1) resetPendingV1(pool, user, d)
}

export function mintNft(e: Core, pool: Pool, owner: string, shares: bigint): number {
    const id = pool.nextNft++
    e.emit('PhalaBasePool', 'NftCreated', {pid: BigInt(pool.pid), cid: pool.cid, nft_id: id, owner, shares})
    return id
}

/** a user (or a vault, `asVault` = its pid) delegates `amount` to a stake pool or a vault */
export function contribute(e: Core, pool: Pool, user: string, amount: bigint, asVault: number | null = null): boolean {
    if (!canContribute(e, pool, user, amount)) return false
    if (asVault !== null) {
        const vault = e.pools[asVault]
        if (e.v1 || pool.kind !== 'stake' || vault.kind !== 'vault' || vault.free < amount) return false
        vault.free -= amount
        if (!vault.investPools.includes(pool.pid)) vault.investPools.push(pool.pid)
        if (!pool.subscribers.includes(asVault)) pool.subscribers.push(asVault)
        touch(e, vault)
    }
    const shares = pool.v1
        ? sharesForV1(pool, amount)
        : pool.totalShares === 0n || pool.totalValue === 0n
          ? amount
          : (amount * pool.totalShares) / pool.totalValue
    if (shares === 0n) return false
    const d = deleg(e, pool, user)
    settleV1(e, pool, user, d)
    d.shares += shares
    resetDebtV1(e, pool, user, d)
    pool.totalShares += shares
    pool.totalValue += amount
    pool.free += amount
    const pid = BigInt(pool.pid)
    if (e.v1) {
        e.emit('PhalaStakePool', 'Contribution', {pid, user, amount, shares})
    } else {
        // the delegation NFT is re-minted with the merged shares
        d.nftId = mintNft(e, pool, user, d.shares)
        if (pool.kind === 'vault') e.emit('PhalaVault', 'Contribution', {pid, user, amount, shares})
        else e.emit('PhalaStakePoolv2', 'Contribution', {pid, user, amount, shares, as_vault: asVault === null ? null : BigInt(asVault)})
    }
    pool.truth.contributions += amount
    pool.truth.contributionCount++
    e.truth.totals.contributions += amount
    account(e, user).contributed += amount
    touch(e, pool)
    processQueue(e, pool)
    return true
}

export function hasQueued(e: Core, pool: Pool, user: string): boolean {
    return pool.queue.some(q => q.user === user)
}

/** a delegator asks to withdraw `shares` (queued, paid as free stake appears) */
export function withdraw(e: Core, pool: Pool, user: string, shares: bigint, asVault: number | null = null): boolean {
    const d = pool.delegs.get(user)
    if (!d || shares <= 0n || d.shares < shares || hasQueued(e, pool, user)) return false
    if (asVault !== null && e.v1) return false
    const vaultOf = e.vaultByAccount.get(user)
    if (vaultOf !== undefined && asVault !== vaultOf) return false
    if (asVault !== null && vaultOf !== asVault) return false
    if (pool.v1) return withdrawV1(e, pool, user, d, shares)
    d.shares -= shares
    const pid = BigInt(pool.pid)
    const nftId = mintNft(e, pool, BASE_POOL_PALLET, shares)
    e.emit('PhalaBasePool', 'WithdrawalQueued', {pid, user, shares, nft_id: nftId, as_vault: asVault === null ? null : BigInt(asVault)})
    pool.queue.push({user, shares, startTime: e.ts, nftId, asVault})
    touch(e, pool)
    processQueue(e, pool)
    return true
}

/** v1 contribute's shares (stakepool.rs `add_stake`): bdiv(amount, share_price), or the amount at price 0 / none */
function sharesForV1(pool: Pool, amount: bigint): bigint {
    const price = sharePriceV1(pool)
    return price !== null && price !== 0n ? divV1(amount, price) : amount
}

/** the dust-free part of `n` (stakepool.rs `extract_dust`) */
function noDust(n: bigint): bigint {
    return n <= DUST_V1 ? 0n : n
}

/**
 * v1 withdraw (stakepool.rs `try_withdraw`): the shares the free stake covers are paid at once (Withdrawal),
 * the rest is queued (WithdrawalQueued) and stays the staker's — earning rewards — until paid.
 */
function withdrawV1(e: Core, pool: Pool, user: string, d: Delegation, shares: bigint): boolean {
    if (shares <= DUST_V1) return false
    settleV1(e, pool, user, d)
    const price = sharePriceV1(pool)
    const freeShares = price !== null && price !== 0n ? divV1(pool.free, price) : shares
    const now = noDust(shares < freeShares ? shares : freeShares)
    const queued = noDust(shares - now)
    if (now > 0n) removeStakeV1(e, pool, user, d, null, now, price)
    if (queued > 0n) {
        // the request moves from the staker's free shares into the queue (one request per staker)
        const moved = queued < d.shares ? queued : d.shares
        d.shares -= moved
        pool.queue.push({user, shares: moved, startTime: e.ts, nftId: -1, asVault: null})
        e.emit('PhalaStakePool', 'WithdrawalQueued', {pid: BigInt(pool.pid), user, shares: moved})
    }
    resetDebtV1(e, pool, user, d)
    touch(e, pool)
    return now > 0n || queued > 0n
}

/**
 * v1 `PoolInfo::remove_stake` of `shares` from the staker (from its queued request `q`, or from its free
 * shares), at `price`: amount = bmul(shares, price) capped by the free stake; a staker left with dust shares
 * loses them too; a pool left with dust stake drops it. Rewards are settled by the caller.
 */
function removeStakeV1(e: Core, pool: Pool, user: string, d: Delegation, q: QueueEntry | null, shares: bigint, price: bigint | null): void {
    let amount = price === null ? 0n : mulV1(shares, price)
    if (amount > pool.free) amount = pool.free
    if (q) q.shares -= shares
    else d.shares -= shares
    let removed = shares
    const left = stakerSharesV1(pool, user, d)
    if (left > 0n && left <= DUST_V1) {
        removed += left
        d.shares = 0n
        for (const r of pool.queue) if (r.user === user) r.shares = 0n
    }
    if (noDust(pool.totalValue - amount) > 0n) {
        pool.free -= amount
        pool.totalValue -= amount
    } else {
        pool.free = 0n
        pool.totalValue = 0n
    }
    pool.totalShares -= removed
    recordWithdrawal(e, pool, user, amount, removed)
}

/** v1 `try_process_withdraw_queue`: pay the oldest requests from the free stake at one share price */
function processQueueV1(e: Core, pool: Pool): void {
    const price = sharePriceV1(pool)
    if (price === null) return
    while (pool.free > DUST_V1 && pool.queue.length > 0) {
        const q = pool.queue[0]
        const d = pool.delegs.get(q.user)
        // a request emptied by the removal of its staker's dust shares is done
        if (!d || q.shares === 0n) {
            pool.queue.shift()
            continue
        }
        settleV1(e, pool, q.user, d)
        const freeShares = price === 0n ? q.shares : divV1(pool.free, price)
        const shares = freeShares < q.shares ? freeShares : q.shares
        if (shares <= 0n) break
        removeStakeV1(e, pool, q.user, d, q, shares, price)
        q.shares = noDust(q.shares)
        resetDebtV1(e, pool, q.user, d)
        if (q.shares === 0n) pool.queue.shift()
        touch(e, pool)
    }
}

/** pay queued withdrawals from free stake, oldest first (partially when short) */
export function processQueue(e: Core, pool: Pool): void {
    if (pool.v1) return processQueueV1(e, pool)
    while (pool.queue.length > 0 && pool.totalShares > 0n) {
        const q = pool.queue[0]
        const value = (q.shares * pool.totalValue) / pool.totalShares
        if (value <= pool.free) {
            payWithdrawal(e, pool, q, q.shares, value)
            pool.queue.shift()
            continue
        }
        if (pool.free > DUST) {
            const part = (pool.free * pool.totalShares) / pool.totalValue
            const amount = (part * pool.totalValue) / pool.totalShares
            if (part > 0n && amount > 0n && part < q.shares) {
                payWithdrawal(e, pool, q, part, amount)
                q.shares -= part
            }
        }
        break
    }
}

export function payWithdrawal(e: Core, pool: Pool, q: QueueEntry, shares: bigint, amount: bigint): void {
    pool.free -= amount
    pool.totalValue -= amount
    pool.totalShares -= shares
    recordWithdrawal(e, pool, q.user, amount, shares)
}

/** the Withdrawal event and its counters; a vault's withdrawal becomes its free stake */
function recordWithdrawal(e: Core, pool: Pool, user: string, amount: bigint, shares: bigint): void {
    e.emit(e.bpPallet, 'Withdrawal', {pid: BigInt(pool.pid), user, amount, shares})
    pool.truth.withdrawals += amount
    pool.truth.withdrawalCount++
    e.truth.totals.withdrawals += amount
    account(e, user).withdrawn += amount
    // paid into the vault's pool account: the vault's free stake, whether or not as_vault was given
    const vpid = e.vaultByAccount.get(user)
    if (vpid !== undefined) {
        const vault = e.pools[vpid]
        vault.free += amount
        touch(e, vault)
    }
    touch(e, pool)
}

/** stake pool owner takes the accumulated commission */
export function withdrawOwnerRewards(e: Core, pool: Pool): boolean {
    if (pool.kind !== 'stake' || pool.ownerReward === 0n) return false
    const amount = pool.ownerReward
    pool.ownerReward = 0n
    if (e.v1) {
        // stakepool.rs claim_owner_rewards (2022): withdraw_subsidy_pool(target) is a Balances transfer
        e.emit('Balances', 'Transfer', {from: SUBSIDY_POOL, to: pool.owner, amount})
        e.subsidy -= amount
        e.subsidyDirty = true
        e.truth.totals.rewardsClaimedV1 += amount
    } else {
        // stake_pool_v2.rs claim_owner_rewards: the owner-reward account's W-PHA moves to the target
        e.emit('Assets', 'Transferred', {asset_id: WPHA_ASSET_ID, from: pool.ownerRewardAccount, to: pool.owner, amount})
    }
    e.emit(e.spPallet, 'OwnerRewardsWithdrawn', {pid: BigInt(pool.pid), user: pool.owner, amount})
    pool.truth.ownerRewardsWithdrawn += amount
    e.truth.totals.ownerRewardsWithdrawn += amount
    account(e, pool.owner).ownerRewardsWithdrawn += amount
    touch(e, pool)
    return true
}

/** v1: a delegator claims accrued staker rewards */
export function claimStakerRewards(e: Core, pool: Pool, user: string): boolean {
    if (!pool.v1 || !e.v1) return false
    const d = pool.delegs.get(user)
    if (!d) return false
    settleV1(e, pool, user, d)
    if (d.pending === 0n) return false
    const amount = d.pending
    d.pending = 0n
    // stakepool.rs claim_staker_rewards (2022): paid out of the subsidy pool by withdraw_subsidy_pool
    e.emit('Balances', 'Transfer', {from: SUBSIDY_POOL, to: user, amount})
    e.subsidy -= amount
    e.subsidyDirty = true
    e.truth.totals.rewardsClaimedV1 += amount
    e.emit('PhalaStakePool', 'StakerRewardsWithdrawn', {pid: BigInt(pool.pid), user, amount})
    pool.truth.stakerRewardsWithdrawn += amount
    account(e, user).stakerRewardsWithdrawn += amount
    v1Delegator(e, pool, user).claimed += amount
    return true
}

/** vault owner turns the owner shares into a delegation NFT */
export function claimOwnerShares(e: Core, vault: Pool): boolean {
    if (vault.kind !== 'vault' || vault.ownerShares === 0n) return false
    const shares = vault.ownerShares
    vault.ownerShares = 0n
    const d = deleg(e, vault, vault.owner)
    d.shares += shares
    d.nftId = mintNft(e, vault, vault.owner, d.shares)
    e.emit('PhalaVault', 'OwnerSharesClaimed', {pid: BigInt(vault.pid), user: vault.owner, shares})
    vault.truth.ownerSharesClaimed += shares
    account(e, vault.owner).ownerSharesClaimed += shares
    touch(e, vault)
    return true
}
