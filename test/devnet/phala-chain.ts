/**
 * A small Phala-shaped chain for the devnet: genesis and 14 blocks over Phala's three mining-event shapes,
 * spec 1240 (blocks 1–7), 1254 (8–10: base-pool withdrawals with `withdrawing_nft_id` / `burnt_shares`) and
 * 1260 (11–14: registrations with the `Dcap` attestation provider). Every value is written out here, so that
 * the test's expectations can be worked out by hand.
 */
import {acct, BLOCK_MS, FIXTURE_START, hex32, session, tokenomics, worker} from '../../devnet/chain/builtin'
import type {DevBlock, DevEvent, DevStorageWrite} from '../../devnet/model'
import {phalaBlock, type PhalaSpec} from '../../devnet/runtime'
import {SUBSIDY_POOL, TREASURY, WPHA_ACCOUNT} from '../../devnet/sim/accounts'

export const PHA = 1_000_000_000_000n
/** 1.0 as U64F64 bits */
export const FIX1 = 1n << 64n

/** payout bits of a 3-planck payout */
export const DUST_PAYOUT_BITS = 845n << 16n

export const STAKE_POOL_ACCOUNT = hex32(0xd0, 0)
export const VAULT_ACCOUNT = hex32(0xd0, 1)

export const PHALA_HEIGHT = 14
/** the first block executed by each spec */
export const FIRST_BLOCK: Record<PhalaSpec, number> = {1240: 1, 1254: 8, 1260: 11}

function specOf(height: number): PhalaSpec {
    return height >= FIRST_BLOCK[1260] ? 1260 : height >= FIRST_BLOCK[1254] ? 1254 : 1240
}

/** the treasury share of each settle (plancks), withdrawn from the subsidy pool before its SessionSettled */
export const TREASURY_SHARE: Record<number, bigint> = {4: PHA / 4n, 5: PHA, 7: 1n, 9: (5n * PHA) / 8n, 12: PHA / 4n}

function eventsOf(height: number): DevEvent[] {
    const e: DevEvent[] = []
    const ev = (pallet: string, name: string, args: DevEvent['args'] = {}) => e.push({pallet, name, args})
    // computation.rs try_handle_settle: the treasury share is withdrawn from the subsidy pool as an imbalance
    // that the treasury takes (OnTreasurySettled), before SessionSettled
    const treasury = (amount: bigint) => {
        ev('Balances', 'Withdraw', {who: SUBSIDY_POOL, amount})
        ev('Balances', 'Deposit', {who: TREASURY, amount})
        ev('Treasury', 'Deposit', {value: amount})
    }
    // stake_pool_v2.rs handle_pool_new_reward: the reward moves from the subsidy pool to the W-PHA account
    const rewardTransfer = (amount: bigint) => ev('Balances', 'Transfer', {from: SUBSIDY_POOL, to: WPHA_ACCOUNT, amount})
    switch (height) {
        case 1:
            ev('PhalaRegistry', 'WorkerAdded', {pubkey: worker(2), attestation_provider: 'Ias', confidence_level: 2})
            ev('PhalaRegistry', 'InitialScoreSet', {pubkey: worker(2), init_score: 2100})
            ev('PhalaStakePoolv2', 'PoolCreated', {owner: acct(1), pid: 0n, cid: 1, pool_account_id: STAKE_POOL_ACCOUNT})
            ev('PhalaStakePoolv2', 'PoolCommissionSet', {pid: 0n, commission: 200_000})
            ev('PhalaComputation', 'SessionBound', {session: session(2), worker: worker(2)})
            ev('PhalaStakePoolv2', 'PoolWorkerAdded', {pid: 0n, worker: worker(2), session: session(2)})
            break
        case 2:
            ev('PhalaBasePool', 'NftCreated', {pid: 0n, cid: 1, nft_id: 0, owner: acct(3), shares: 8000n * PHA})
            ev('PhalaStakePoolv2', 'Contribution', {pid: 0n, user: acct(3), amount: 8000n * PHA, shares: 8000n * PHA, as_vault: null})
            ev('PhalaVault', 'PoolCreated', {owner: acct(2), pid: 1n, cid: 2, pool_account_id: VAULT_ACCOUNT})
            ev('PhalaVault', 'VaultCommissionSet', {pid: 1n, commission: 50_000})
            ev('PhalaVault', 'Contribution', {pid: 1n, user: acct(4), amount: 3000n * PHA, shares: 3000n * PHA})
            ev('PhalaStakePoolv2', 'Contribution', {pid: 0n, user: VAULT_ACCOUNT, amount: 2000n * PHA, shares: 2000n * PHA, as_vault: 1n})
            break
        case 3:
            ev('PhalaComputation', 'WorkerStarted', {session: session(2), init_v: 4000n * FIX1, init_p: 2100})
            ev('PhalaStakePoolv2', 'WorkingStarted', {pid: 0n, worker: worker(2), amount: 10000n * PHA})
            break
        case 4:
            ev('PhalaComputation', 'BudgetUpdated', {nonce: 1n, budget: 187n * FIX1})
            ev('PhalaComputation', 'TokenomicParametersChanged')
            ev('PhalaComputation', 'CoolDownExpirationChanged', {period: 604_800n})
            // one message settling two infos: worker 9 is bound to no session (try_handle_settle emits nothing for
            // it) and in no pool; spec 1240 predates stake_pool_v2.rs 652127863, so on_reward returns at its
            // RewardDismissedNotInPool and worker 2's settle, after it, gets no reward at all
            if (TREASURY_SHARE[height] != null) treasury(TREASURY_SHARE[height])
            ev('PhalaComputation', 'SessionSettled', {session: session(2), v_bits: 4000n * FIX1 + FIX1 / 2n, payout_bits: FIX1})
            ev('PhalaStakePoolv2', 'RewardDismissedNotInPool', {worker: worker(9), amount: PHA / 2n})
            break
        case 5:
            ev('PhalaComputation', 'BenchmarkUpdated', {session: session(2), p_instant: 2150})
            if (TREASURY_SHARE[height] != null) treasury(TREASURY_SHARE[height])
            ev('PhalaComputation', 'SessionSettled', {session: session(2), v_bits: 4001n * FIX1, payout_bits: 4n * FIX1})
            rewardTransfer(4n * PHA)
            ev('PhalaStakePoolv2', 'RewardReceived', {pid: 0n, to_owner: (8n * PHA) / 10n, to_stakers: (32n * PHA) / 10n})
            ev('PhalaVault', 'OwnerSharesGained', {pid: 1n, shares: PHA / 100n, checkout_price: PHA + 1000n})
            break
        case 6:
            ev('PhalaBasePool', 'WithdrawalQueued', {pid: 0n, user: acct(3), shares: 500n * PHA, nft_id: 1, as_vault: null})
            ev('PhalaComputation', 'WorkerEnterUnresponsive', {session: session(2)})
            break
        case 7:
            ev('PhalaComputation', 'WorkerExitUnresponsive', {session: session(2)})
            ev('PhalaBasePool', 'Withdrawal', {pid: 0n, user: acct(3), amount: 500n * PHA, shares: 500n * PHA})
            // a payout of 3 plancks ((845 × 10^12) >> 48 = 3) is dust: dismissed instead of received
            if (TREASURY_SHARE[height] != null) treasury(TREASURY_SHARE[height])
            ev('PhalaComputation', 'SessionSettled', {session: session(2), v_bits: 4001n * FIX1 + FIX1 / 2n, payout_bits: DUST_PAYOUT_BITS})
            ev('PhalaStakePoolv2', 'RewardDismissedDust', {pid: 0n, amount: 3n})
            break
        case 8:
        case 11:
            // the first block of a new runtime: its migrations, no mining events
            break
        case 9:
            ev('PhalaBasePool', 'WithdrawalQueued', {pid: 0n, user: acct(3), shares: 300n * PHA, nft_id: 2, as_vault: null, withdrawing_nft_id: 5})
            if (TREASURY_SHARE[height] != null) treasury(TREASURY_SHARE[height])
            ev('PhalaComputation', 'SessionSettled', {session: session(2), v_bits: 4002n * FIX1, payout_bits: 2n * FIX1 + FIX1 / 2n})
            // stake_pool_v2.rs handle_pool_new_reward: the dust of the owner's part first, then RewardReceived
            rewardTransfer((5n * PHA) / 2n)
            ev('PhalaStakePoolv2', 'RewardToOwnerDismissedDust', {pid: 0n, amount: 7n})
            ev('PhalaStakePoolv2', 'RewardReceived', {pid: 0n, to_owner: PHA / 2n, to_stakers: 2n * PHA})
            break
        case 10:
            ev('PhalaBasePool', 'Withdrawal', {pid: 0n, user: acct(3), amount: 290n * PHA, shares: 290n * PHA, burnt_shares: 10n * PHA})
            break
        case 12:
            ev('PhalaRegistry', 'WorkerAdded', {pubkey: worker(3), attestation_provider: 'Dcap', confidence_level: 5})
            ev('PhalaRegistry', 'WorkerUpdated', {pubkey: worker(2), attestation_provider: 'Dcap', confidence_level: 4})
            if (TREASURY_SHARE[height] != null) treasury(TREASURY_SHARE[height])
            ev('PhalaComputation', 'SessionSettled', {session: session(2), v_bits: 4003n * FIX1, payout_bits: FIX1})
            rewardTransfer(PHA)
            ev('PhalaStakePoolv2', 'RewardReceived', {pid: 0n, to_owner: PHA / 5n, to_stakers: (4n * PHA) / 5n})
            break
        case 13:
            ev('PhalaComputation', 'WorkerStopped', {session: session(2)})
            if (TREASURY_SHARE[height] != null) treasury(TREASURY_SHARE[height])
            ev('PhalaComputation', 'SessionSettled', {session: session(2), v_bits: 4004n * FIX1, payout_bits: 0n})
            break
        case 14:
            ev('PhalaComputation', 'WorkerReclaimed', {session: session(2), original_stake: 10000n * PHA, slashed: 0n})
            ev('PhalaStakePoolv2', 'WorkerReclaimed', {pid: 0n, worker: worker(2)})
            ev('PhalaVault', 'OwnerSharesClaimed', {pid: 1n, user: acct(2), shares: PHA / 100n})
            break
    }
    return e
}

export function phalaChain(): {genesis: DevStorageWrite[]; blocks: DevBlock[]} {
    const genesis: DevStorageWrite[] = [
        {pallet: 'PhalaComputation', item: 'TokenomicParameters', keys: [], value: tokenomics(100n)},
        {pallet: 'PhalaComputation', item: 'CoolDownPeriod', keys: [], value: 604_800n},
        {pallet: 'PhalaBasePool', item: 'PoolCount', keys: [], value: 0n},
    ]
    const blocks: DevBlock[] = []
    for (let h = 1; h <= PHALA_HEIGHT; h++) {
        const storage: DevStorageWrite[] = []
        if (h === 1) storage.push({pallet: 'PhalaBasePool', item: 'PoolCount', keys: [], value: 1n})
        if (h === 2) storage.push({pallet: 'PhalaBasePool', item: 'PoolCount', keys: [], value: 2n})
        if (h === 4) storage.push({pallet: 'PhalaComputation', item: 'TokenomicParameters', keys: [], value: tokenomics(187n)})
        blocks.push(phalaBlock(specOf(h), {timestamp: FIXTURE_START + (h - 1) * BLOCK_MS, events: eventsOf(h), storage}))
    }
    return {genesis, blocks}
}
