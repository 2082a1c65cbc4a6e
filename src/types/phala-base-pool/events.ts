import {sts, Block, Bytes, Option, Result, EventType, RuntimeCtx} from '../support'
import * as v1251 from '../v1251'

export const nftCreated =  {
    name: 'PhalaBasePool.NftCreated',
    /**
     * A Nft is created to contain pool shares
     */
    v1251: new EventType(
        'PhalaBasePool.NftCreated',
        sts.struct({
            pid: sts.bigint(),
            cid: sts.number(),
            nftId: sts.number(),
            owner: v1251.AccountId32,
            shares: sts.bigint(),
        })
    ),
}

export const withdrawalQueued =  {
    name: 'PhalaBasePool.WithdrawalQueued',
    /**
     * A withdrawal request is inserted to a queue
     * 
     * Affected states:
     * - a new item is inserted to or an old item is being replaced by the new item in the
     *   withdraw queue in [`Pools`]
     */
    v1251: new EventType(
        'PhalaBasePool.WithdrawalQueued',
        sts.struct({
            pid: sts.bigint(),
            user: v1251.AccountId32,
            shares: sts.bigint(),
            nftId: sts.number(),
            asVault: sts.option(() => sts.bigint()),
        })
    ),
}

export const withdrawal =  {
    name: 'PhalaBasePool.Withdrawal',
    /**
     * Some stake was withdrawn from a pool
     * 
     * The lock in [`Balances`](pallet_balances::pallet::Pallet) is updated to release the
     * locked stake.
     * 
     * Affected states:
     * - the stake related fields in [`Pools`]
     * - the user staking asset account
     */
    v1251: new EventType(
        'PhalaBasePool.Withdrawal',
        sts.struct({
            pid: sts.bigint(),
            user: v1251.AccountId32,
            amount: sts.bigint(),
            shares: sts.bigint(),
        })
    ),
}

export const poolWhitelistCreated =  {
    name: 'PhalaBasePool.PoolWhitelistCreated',
    /**
     * A pool contribution whitelist is added
     * 
     * - lazy operated when the first staker is added to the whitelist
     */
    v1251: new EventType(
        'PhalaBasePool.PoolWhitelistCreated',
        sts.struct({
            pid: sts.bigint(),
        })
    ),
}

export const poolWhitelistDeleted =  {
    name: 'PhalaBasePool.PoolWhitelistDeleted',
    /**
     * The pool contribution whitelist is deleted
     * 
     * - lazy operated when the last staker is removed from the whitelist
     */
    v1251: new EventType(
        'PhalaBasePool.PoolWhitelistDeleted',
        sts.struct({
            pid: sts.bigint(),
        })
    ),
}

export const poolWhitelistStakerAdded =  {
    name: 'PhalaBasePool.PoolWhitelistStakerAdded',
    /**
     * A staker is added to the pool contribution whitelist
     */
    v1251: new EventType(
        'PhalaBasePool.PoolWhitelistStakerAdded',
        sts.struct({
            pid: sts.bigint(),
            staker: v1251.AccountId32,
        })
    ),
}

export const poolWhitelistStakerRemoved =  {
    name: 'PhalaBasePool.PoolWhitelistStakerRemoved',
    /**
     * A staker is removed from the pool contribution whitelist
     */
    v1251: new EventType(
        'PhalaBasePool.PoolWhitelistStakerRemoved',
        sts.struct({
            pid: sts.bigint(),
            staker: v1251.AccountId32,
        })
    ),
}
