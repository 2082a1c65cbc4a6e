/**
 * Vaults (PhalaVault): commission, the owner's share of the vault's gains (OwnerSharesGained, minted to
 * the vault and claimable) and its claims, and NFTs (the share certificates, not tracked).
 */
import {StakeMovementKind} from '../../model'
import {refreshDelegation, refreshPool, setDelegationShares} from './aggregates'
import type {LedgerContext} from './context'
import type {EventOf, Handlers} from './table'

function onOwnerSharesGained(cx: LedgerContext, ev: EventOf<'OwnerSharesGained'>): void {
    const p = cx.ensurePool(ev.pid, 'Vault', ev)
    const v = cx.ensureVault(p.id)
    p.totalShares += ev.shares
    v.ownerShares += ev.shares
    v.totalOwnerSharesGained += ev.shares
    v.lastSharePriceCheckpoint = ev.checkoutPrice
    cx.state.vaults.touch(v)
    refreshPool(cx, p)
    cx.movement(ev, StakeMovementKind.OwnerSharesGained, p.id, p.ownerId, null, ev.shares)
}

function onOwnerSharesClaimed(cx: LedgerContext, ev: EventOf<'OwnerSharesClaimed'>): void {
    const p = cx.ensurePool(ev.pid, 'Vault', ev)
    const v = cx.ensureVault(p.id)
    v.ownerShares -= ev.shares
    v.totalOwnerSharesClaimed += ev.shares
    if (v.ownerShares < 0n) cx.anomaly(ev.id, `OwnerSharesClaimed: vault ${p.id} claims ${ev.shares} with ${v.ownerShares + ev.shares} owner shares`)
    cx.state.vaults.touch(v)
    const d = cx.ensureDelegation(p, ev.user)
    setDelegationShares(cx, p, d, d.shares + ev.shares)
    refreshDelegation(cx, p, d)
    const a = cx.ensureAccount(ev.user)
    a.vaultOwnerSharesClaimed += ev.shares
    cx.state.accounts.touch(a)
    cx.movement(ev, StakeMovementKind.OwnerSharesClaimed, p.id, ev.user, null, ev.shares)
}

export const vaultHandlers = {
    VaultCommissionSet(cx, ev) {
        const p = cx.ensurePool(ev.pid, 'Vault', ev)
        p.commission = ev.commission
        cx.state.pools.touch(p)
    },
    OwnerSharesGained: onOwnerSharesGained,
    OwnerSharesClaimed: onOwnerSharesClaimed,
    NftCreated() {},
} satisfies Handlers
