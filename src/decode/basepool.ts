/**
 * PhalaBasePool (spec 1251+), shared by v2 stake pools and vaults: the events do not say which kind the
 * pid is, so they carry poolKind 'BasePool' (resolve by pid).
 */
import {phalaBasePool as bp} from '../types/events'
import {EventType, sts} from '../types/support'
import * as v1251 from '../types/v1251'
import {EventDecoder, hex32, on, orNull, version} from './dispatch'

const BP = 'BasePool' as const

/**
 * Spec 1254 shapes, written by hand in typegen's style (WithdrawalQueued gained `withdrawing_nft_id: u32`
 * after `as_vault`, Withdrawal gained `burnt_shares: u128` after `shares`). No spec-1254 metadata is in this
 * repository; the shapes agree with the types Phala's own indexer generated from Khala's and Phala's
 * metadata (Phala-Network/computation-squid src/types/phala-base-pool/events.ts, `v1254`, commit
 * c92a2793919f) and with the pallet source (docs/chains.md). The devnet may serve these shapes too.
 */
export const withdrawalQueuedV1254 = new EventType(
    'PhalaBasePool.WithdrawalQueued',
    sts.struct({
        pid: sts.bigint(),
        user: v1251.AccountId32,
        shares: sts.bigint(),
        nftId: sts.number(),
        asVault: sts.option(() => sts.bigint()),
        withdrawingNftId: sts.number(),
    })
)

/** Spec 1254 shape of PhalaBasePool.Withdrawal, hand-written (see withdrawalQueuedV1254). */
export const withdrawalV1254 = new EventType(
    'PhalaBasePool.Withdrawal',
    sts.struct({
        pid: sts.bigint(),
        user: v1251.AccountId32,
        amount: sts.bigint(),
        shares: sts.bigint(),
        burntShares: sts.bigint(),
    })
)

export const basePoolDecoders: EventDecoder[] = [
    on(bp.nftCreated, {
        v1251: a => ({kind: 'NftCreated', pid: a.pid, cid: a.cid, nftId: a.nftId, owner: hex32(a.owner), shares: a.shares}),
    }),
    on(
        bp.withdrawalQueued,
        {
            v1251: a => ({
                kind: 'WithdrawalQueued',
                poolKind: BP,
                pid: a.pid,
                user: hex32(a.user),
                shares: a.shares,
                nftId: a.nftId,
                asVault: orNull(a.asVault),
                withdrawingNftId: null,
            }),
        },
        [
            version('v1254', withdrawalQueuedV1254, a => ({
                kind: 'WithdrawalQueued',
                poolKind: BP,
                pid: a.pid,
                user: hex32(a.user),
                shares: a.shares,
                nftId: a.nftId,
                asVault: orNull(a.asVault),
                withdrawingNftId: a.withdrawingNftId,
            })),
        ]
    ),
    on(
        bp.withdrawal,
        {
            v1251: a => ({
                kind: 'Withdrawal',
                poolKind: BP,
                pid: a.pid,
                user: hex32(a.user),
                amount: a.amount,
                shares: a.shares,
                burntShares: null,
            }),
        },
        [
            version('v1254', withdrawalV1254, a => ({
                kind: 'Withdrawal',
                poolKind: BP,
                pid: a.pid,
                user: hex32(a.user),
                amount: a.amount,
                shares: a.shares,
                burntShares: a.burntShares,
            })),
        ]
    ),
    on(bp.poolWhitelistCreated, {
        v1251: a => ({kind: 'PoolWhitelistCreated', poolKind: BP, pid: a.pid}),
    }),
    on(bp.poolWhitelistDeleted, {
        v1251: a => ({kind: 'PoolWhitelistDeleted', poolKind: BP, pid: a.pid}),
    }),
    on(bp.poolWhitelistStakerAdded, {
        v1251: a => ({kind: 'PoolWhitelistStakerAdded', poolKind: BP, pid: a.pid, staker: hex32(a.staker)}),
    }),
    on(bp.poolWhitelistStakerRemoved, {
        v1251: a => ({kind: 'PoolWhitelistStakerRemoved', poolKind: BP, pid: a.pid, staker: hex32(a.staker)}),
    }),
]
