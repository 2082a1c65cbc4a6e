/**
 * The extrinsic behind each action of a simulated actor: who signs it, and the call with its arguments, named
 * and typed as in the runtime metadata of the era (Khala 1170 / 1251). The engine (./engine) wraps every action
 * in its extrinsic (./block), so that the action's events sit in that extrinsic's ApplyExtrinsic phase.
 *
 * Governance calls (tokenomic parameters, cool-down period) reach Khala through a council motion; the devnet
 * submits the call itself, signed by a stand-in governance account.
 */
import type {DevValue} from '../model'
import {getRuntime} from '../runtime'
import {padAccount} from './accounts'
import type {Core, Pool, Worker} from './core'
import type {TokenomicParams} from './tokenomics'

export interface Call {
    signer: string
    pallet: string
    call: string
    args: {[field: string]: DevValue}
}

/** the stand-in signer of governance calls */
export const GOVERNANCE = padAccount('devnet/council')
/** the budget balancer (a member of `SetBudgetOrigins`) */
export const BUDGET_MEMBER = padAccount('devnet/budget-balancer')

const pid = (pool: Pool) => BigInt(pool.pid)

function sp(e: Core): string {
    return e.v1 ? 'PhalaStakePool' : 'PhalaStakePoolv2'
}

/** calls of a stake pool or, for a vault, of PhalaVault */
function poolPallet(e: Core, pool: Pool): string {
    return pool.kind === 'vault' ? 'PhalaVault' : sp(e)
}

/** PhalaRegistry.register_worker (v1) / register_worker_v2 (v2): a registration with the worker's keys */
export function registerCall(e: Core, w: Worker): Call {
    const call = e.v1 ? 'register_worker' : 'register_worker_v2'
    const args = getRuntime(e.era).defaultCallArgs('PhalaRegistry', call) as any
    args.pruntime_info.pubkey = w.pubkey
    args.pruntime_info.ecdh_pubkey = w.pubkey
    return {signer: w.pubkey, pallet: 'PhalaRegistry', call, args}
}

export function createCall(e: Core, owner: string, vault: boolean): Call {
    return {signer: owner, pallet: vault ? 'PhalaVault' : sp(e), call: 'create', args: {}}
}

export function commissionCall(e: Core, pool: Pool, ppm: number): Call {
    return {signer: pool.owner, pallet: poolPallet(e, pool), call: 'set_payout_pref', args: {pid: pid(pool), payout_commission: ppm}}
}

export function capCall(e: Core, pool: Pool, cap: bigint): Call {
    return {signer: pool.owner, pallet: sp(e), call: 'set_cap', args: {pid: pid(pool), cap}}
}

export function whitelistCall(e: Core, pool: Pool, staker: string, add: boolean): Call {
    return {
        signer: pool.owner,
        pallet: e.v1 ? 'PhalaStakePool' : 'PhalaBasePool',
        call: add ? 'add_staker_to_whitelist' : 'remove_staker_from_whitelist',
        args: {pid: pid(pool), staker},
    }
}

export function workerCall(e: Core, pool: Pool, w: Worker, call: 'add_worker' | 'remove_worker' | 'stop' | 'reclaim_pool_worker'): Call {
    const name = call === 'stop' ? (e.v1 ? 'stop_mining' : 'stop_computing') : call
    const field = call === 'add_worker' ? 'pubkey' : 'worker'
    return {signer: pool.owner, pallet: sp(e), call: name, args: {pid: pid(pool), [field]: w.pubkey}}
}

export function startCall(e: Core, pool: Pool, w: Worker, stake: bigint): Call {
    return {signer: pool.owner, pallet: sp(e), call: e.v1 ? 'start_mining' : 'start_computing', args: {pid: pid(pool), worker: w.pubkey, stake}}
}

/** contribute / withdraw of a user, or of a vault's owner for the vault (`asVault`) */
export function delegationCall(e: Core, pool: Pool, user: string, value: bigint, asVault: number | null, withdraw: boolean): Call {
    const signer = asVault !== null ? e.pools[asVault].owner : user
    const field = withdraw ? 'shares' : 'amount'
    const args: {[k: string]: DevValue} = {pid: pid(pool), [field]: value}
    if (!e.v1 && pool.kind !== 'vault') args.as_vault = asVault === null ? null : BigInt(asVault)
    return {signer, pallet: poolPallet(e, pool), call: withdraw ? 'withdraw' : 'contribute', args}
}

export function forceWithdrawCall(e: Core, pool: Pool): Call {
    const args: {[k: string]: DevValue} = pool.kind === 'vault' ? {vault_pid: pid(pool)} : {pid: pid(pool)}
    return {signer: pool.owner, pallet: poolPallet(e, pool), call: 'check_and_maybe_force_withdraw', args}
}

export function claimOwnerRewardsCall(e: Core, pool: Pool): Call {
    return {signer: pool.owner, pallet: sp(e), call: 'claim_owner_rewards', args: {pid: pid(pool), target: pool.owner}}
}

export function claimStakerRewardsCall(pool: Pool, user: string): Call {
    return {signer: user, pallet: 'PhalaStakePool', call: 'claim_staker_rewards', args: {pid: pid(pool), target: user}}
}

export function gainOwnerSharesCall(vault: Pool): Call {
    return {signer: vault.owner, pallet: 'PhalaVault', call: 'maybe_gain_owner_shares', args: {vault_pid: pid(vault)}}
}

export function claimOwnerSharesCall(vault: Pool, shares: bigint): Call {
    return {signer: vault.owner, pallet: 'PhalaVault', call: 'claim_owner_shares', args: {vault_pid: pid(vault), target: vault.owner, shares}}
}

export function budgetCall(e: Core, nonce: bigint, budget: bigint): Call {
    return {
        signer: BUDGET_MEMBER,
        pallet: 'PhalaComputation',
        call: 'set_budget_per_block',
        args: {nonce, block_number: e.block, budget},
    }
}

export function tokenomicCall(e: Core, params: TokenomicParams): Call {
    return {signer: GOVERNANCE, pallet: e.computationPallet(), call: 'update_tokenomic', args: {new_params: {...params} as unknown as DevValue}}
}

export function coolDownCall(e: Core, secs: number): Call {
    return {signer: GOVERNANCE, pallet: e.computationPallet(), call: 'set_cool_down_expiration', args: {period: BigInt(secs)}}
}

/** DispatchError::Module of `TooMuchStake` (error 13 of PhalaMining / PhalaComputation in 1170 and 1251) */
export function tooMuchStakeError(e: Core): DevValue {
    const index = getRuntime(e.era).desc.pallets.find(p => p.name === e.computationPallet())!.index
    return {__kind: 'Module', value: {index, error: '0x0d000000'}}
}
