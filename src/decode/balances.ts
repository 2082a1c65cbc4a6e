/**
 * The money movements of mining: Balances.Transfer, Balances.Withdraw, Balances.Deposit and Treasury.Deposit.
 *
 * On chain (Phala-Network/phala-blockchain, pallets/phala/src/compute/computation.rs):
 * - `try_handle_settle` takes each settle's treasury share with `withdraw_imbalance_from_subsidy_pool`
 *   (`Currency::withdraw` → Balances.Withdraw{who: subsidy pool}) and hands the imbalance to the runtime's
 *   `OnTreasurySettled` (the Treasury pallet: Balances.Deposit{who: treasury}, Treasury.Deposit{value});
 * - `withdraw_subsidy_pool` (`Currency::transfer` → Balances.Transfer) pays v2 rewards to the W-PHA account
 *   (stake_pool_v2.rs `handle_pool_new_reward`) and v1 claims to the claimant (stakepool.rs `claim_rewards`).
 *
 * Every chain has far more balance events than mining ones (fees, transfers between users): the decoders
 * decode them all, and `isTrackedEvent` keeps only those that touch the subsidy pool, the treasury or the
 * W-PHA account, right after decoding (src/ingest, src/handler), so the rest cost nothing downstream.
 */
import {balances as b, treasury as t} from '../types/events'
import {SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT} from './accounts'
import {EventDecoder, hex32, on} from './dispatch'
import type {MiningEvent} from './model'

export const balancesDecoders: EventDecoder[] = [
    on(b.transfer, {
        v900: ([from, to, amount]) => ({kind: 'Transfer', from: hex32(from), to: hex32(to), amount}),
        v1130: a => ({kind: 'Transfer', from: hex32(a.from), to: hex32(a.to), amount: a.amount}),
    }),
    on(b.withdraw, {
        v900: ([who, amount]) => ({kind: 'BalancesWithdraw', who: hex32(who), amount}),
        v1130: a => ({kind: 'BalancesWithdraw', who: hex32(a.who), amount: a.amount}),
    }),
    on(b.deposit, {
        v900: ([who, amount]) => ({kind: 'BalancesDeposit', who: hex32(who), amount}),
        v1130: a => ({kind: 'BalancesDeposit', who: hex32(a.who), amount: a.amount}),
    }),
    on(t.deposit, {
        v900: value => ({kind: 'TreasuryDeposit', value}),
        v1130: a => ({kind: 'TreasuryDeposit', value: a.value}),
    }),
]

/**
 * The events of one block worth applying, in order: every mining event, and of the balance events only
 * - a Balances.Transfer from or to the subsidy pool (rewards paid, claims, top-ups);
 * - a Balances.Withdraw from the subsidy pool (a treasury share);
 * - a Balances.Deposit into the treasury, and the Treasury.Deposit after it, when they resolve such a
 *   withdrawal (the treasury's other income, e.g. its cut of every transaction fee, is not mining's).
 * Everything else is dropped here, so fee events cost nothing downstream.
 */
export function trackedEvents(events: MiningEvent[]): MiningEvent[] {
    const out: MiningEvent[] = []
    // the event before, and whether it was kept: a treasury deposit is kept only right after the kept
    // subsidy-pool withdrawal it resolves (a fee's deposit into the treasury follows the fee's own withdrawal)
    let prev: MiningEvent | undefined
    let prevKept = false
    for (const ev of events) {
        let keep: boolean
        switch (ev.kind) {
            case 'Transfer':
                keep = ev.from === SUBSIDY_POOL_ACCOUNT || ev.to === SUBSIDY_POOL_ACCOUNT
                break
            case 'BalancesWithdraw':
                keep = ev.who === SUBSIDY_POOL_ACCOUNT
                break
            case 'BalancesDeposit':
                keep = ev.who === TREASURY_ACCOUNT && prevKept && prev?.kind === 'BalancesWithdraw'
                break
            case 'TreasuryDeposit':
                keep = prevKept && prev?.kind === 'BalancesDeposit'
                break
            default:
                keep = true
        }
        if (keep) out.push(ev)
        // a transfer cannot come between a withdrawal and its deposit on chain (one call): it is skipped over
        if (keep || ev.kind !== 'Transfer') {
            prev = ev
            prevKept = keep
        }
    }
    return out
}
