/** PhalaVault (spec 1251+). */
import {phalaVault as v} from '../types/events'
import {EventDecoder, hex32, on} from './dispatch'

export const vaultDecoders: EventDecoder[] = [
    on(v.poolCreated, {
        v1251: a => ({
            kind: 'PoolCreated',
            poolKind: 'Vault',
            pid: a.pid,
            owner: hex32(a.owner),
            cid: a.cid,
            poolAccount: hex32(a.poolAccountId),
        }),
    }),
    on(v.vaultCommissionSet, {
        v1251: a => ({kind: 'VaultCommissionSet', pid: a.pid, commission: a.commission}),
    }),
    on(v.ownerSharesClaimed, {
        v1251: a => ({kind: 'OwnerSharesClaimed', pid: a.pid, user: hex32(a.user), shares: a.shares}),
    }),
    on(v.ownerSharesGained, {
        v1251: a => ({kind: 'OwnerSharesGained', pid: a.pid, shares: a.shares, checkoutPrice: a.checkoutPrice}),
    }),
    on(v.contribution, {
        v1251: a => ({
            kind: 'Contribution',
            poolKind: 'Vault',
            pid: a.pid,
            user: hex32(a.user),
            amount: a.amount,
            shares: a.shares,
            asVault: null,
        }),
    }),
]
