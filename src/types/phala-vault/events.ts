import {sts, Block, Bytes, Option, Result, EventType, RuntimeCtx} from '../support'
import * as v1251 from '../v1251'

export const poolCreated =  {
    name: 'PhalaVault.PoolCreated',
    /**
     * A vault is created by `owner`
     * 
     * Affected states:
     * - a new entry in [`Pools`] with the pid
     */
    v1251: new EventType(
        'PhalaVault.PoolCreated',
        sts.struct({
            owner: v1251.AccountId32,
            pid: sts.bigint(),
            cid: sts.number(),
            poolAccountId: v1251.AccountId32,
        })
    ),
}

export const vaultCommissionSet =  {
    name: 'PhalaVault.VaultCommissionSet',
    /**
     * The commission of a vault is updated
     * 
     * The commission ratio is represented by an integer. The real value is
     * `commission / 1_000_000u32`.
     * 
     * Affected states:
     * - the `commission` field in [`Pools`] is updated
     */
    v1251: new EventType(
        'PhalaVault.VaultCommissionSet',
        sts.struct({
            pid: sts.bigint(),
            commission: sts.number(),
        })
    ),
}

export const ownerSharesClaimed =  {
    name: 'PhalaVault.OwnerSharesClaimed',
    /**
     * Owner shares is claimed by pool owner
     * Affected states:
     * - the shares related fields in [`Pools`]
     * - the nft related storages in rmrk and pallet unique
     */
    v1251: new EventType(
        'PhalaVault.OwnerSharesClaimed',
        sts.struct({
            pid: sts.bigint(),
            user: v1251.AccountId32,
            shares: sts.bigint(),
        })
    ),
}

export const ownerSharesGained =  {
    name: 'PhalaVault.OwnerSharesGained',
    /**
     * Additional owner shares are mint into the pool
     * 
     * Affected states:
     * - the shares related fields in [`Pools`]
     * - last_share_price_checkpoint in [`Pools`]
     */
    v1251: new EventType(
        'PhalaVault.OwnerSharesGained',
        sts.struct({
            pid: sts.bigint(),
            shares: sts.bigint(),
            checkoutPrice: sts.bigint(),
        })
    ),
}

export const contribution =  {
    name: 'PhalaVault.Contribution',
    /**
     * Someone contributed to a vault
     * 
     * Affected states:
     * - the stake related fields in [`Pools`]
     * - the user W-PHA balance reduced
     * - the user recive ad share NFT once contribution succeeded
     * - when there was any request in the withdraw queue, the action may trigger withdrawals
     *   ([`Withdrawal`](#variant.Withdrawal) event)
     */
    v1251: new EventType(
        'PhalaVault.Contribution',
        sts.struct({
            pid: sts.bigint(),
            user: v1251.AccountId32,
            amount: sts.bigint(),
            shares: sts.bigint(),
        })
    ),
}
