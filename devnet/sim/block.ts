/**
 * The extrinsics of a simulated block and the events every signed extrinsic brings on Khala (specs 1170 and
 * 1251 alike):
 *   - pallet_transaction_payment `CurrencyAdapter::withdraw_fee` (pre-dispatch): Balances.Withdraw of the fee
 *     from the signer;
 *   - the call's own events (none when the call fails: its changes are rolled back);
 *   - `correct_and_deposit_fee`: no refund here (the weight is the declared one), the fee goes to the runtime's
 *     `DealWithFees`, which hands it to `Treasury::on_unbalanced`: Balances.Deposit to the treasury, then
 *     Treasury.Deposit — the same pair as a settlement's treasury share, but without a subsidy-pool withdrawal;
 *   - `ChargeTransactionPayment::post_dispatch`: TransactionPayment.TransactionFeePaid;
 *   - frame_system `note_applied_extrinsic`: System.ExtrinsicSuccess, or ExtrinsicFailed with the error.
 * The messages of workers and of the gatekeeper reach the chain through `PhalaMq.sync_offchain_message`, one
 * message per extrinsic, signed by a relayer (pherry); their events sit in that extrinsic's ApplyExtrinsic phase.
 * The actors' calls are extrinsics signed by the actor.
 */
import type {DevValue} from '../model'
import {padAccount, TREASURY} from './accounts'
import type {Core} from './core'

/** the account that relays the off-chain messages */
export const RELAYER = padAccount('devnet/pherry-relayer')
/** the fee of a sync_offchain_message (plancks): fixed, as its weight is */
export const SYNC_FEE = 152_000_000n
/** the fee of an actor's call (plancks; the devnet does not model weights per call) */
export const CALL_FEE = 1_210_000_000n
/** declared weights: sync_offchain_message 10_000 ref-time + one DB write (100_000_000); a call a flat figure */
const SYNC_WEIGHT = 100_010_000n
const CALL_WEIGHT = 1_000_000_000n

const TOPIC_GK = '0x' + Buffer.from('phala/mining/info').toString('hex')
const TOPIC_WORKER = '0x' + Buffer.from('phala/mining/report').toString('hex')

export interface TxMark {
    events: number
    storage: number
    signer: string
    fee: bigint
    weight: bigint
}

function dispatchInfo(e: Core, weight: bigint): DevValue {
    return {
        weight: e.v1 ? weight : {ref_time: weight, proof_size: 0n},
        class: {__kind: 'Normal'},
        pays_fee: {__kind: 'Yes'},
    }
}

/** Opens a signed extrinsic: the events emitted until `endTx` / `dropTx` are in its ApplyExtrinsic phase. */
export function beginTx(e: Core, signer: string, pallet: string, call: string, args: {[k: string]: DevValue}, fee = CALL_FEE, weight = CALL_WEIGHT): TxMark {
    const nonce = e.nonces.get(signer) ?? 0
    e.nonces.set(signer, nonce + 1)
    e.extrinsics.push({pallet, call, args, signer, nonce})
    e.phase = {kind: 'ApplyExtrinsic', index: e.extrinsics.length}
    e.emit('Balances', 'Withdraw', {who: signer, amount: fee})
    return {events: e.events.length, storage: e.storage.length, signer, fee, weight}
}

/** Closes the extrinsic: the fee to the treasury, TransactionFeePaid, then ExtrinsicSuccess (or Failed with `error`). */
export function endTx(e: Core, m: TxMark, error: DevValue = null): void {
    if (error !== null) {
        // a failed call leaves no events and no changes of its own
        e.events.length = m.events
        e.storage.length = m.storage
    }
    e.emit('Balances', 'Deposit', {who: TREASURY, amount: m.fee})
    e.emit('Treasury', 'Deposit', {value: m.fee})
    e.emit('TransactionPayment', 'TransactionFeePaid', {who: m.signer, actual_fee: m.fee, tip: 0n})
    if (error === null) e.emit('System', 'ExtrinsicSuccess', {dispatch_info: dispatchInfo(e, m.weight)})
    else e.emit('System', 'ExtrinsicFailed', {dispatch_error: error, dispatch_info: dispatchInfo(e, m.weight)})
    e.truth.totals.feeTreasuryDeposits += m.fee
    e.phase = null
}

/** Takes the extrinsic back (the simulated actor did not submit it after all); nothing of it stays. */
export function dropTx(e: Core, m: TxMark): void {
    if (e.events.length !== m.events || e.storage.length !== m.storage) throw new Error('a dropped extrinsic changed the chain')
    e.events.pop()
    e.extrinsics.pop()
    e.nonces.set(m.signer, (e.nonces.get(m.signer) ?? 1) - 1)
    e.phase = null
}

/** the message sequence of a sender (phala_mq: one counter per sender) */
function nextSequence(e: Core, key: string): bigint {
    const sequence = e.mqSequence.get(key) ?? 0n
    e.mqSequence.set(key, sequence + 1n)
    return sequence
}

/** Opens a sync_offchain_message carrying one message of `sender` (a MessageOrigin). */
export function beginSync(e: Core, sender: DevValue, gatekeeper: boolean): TxMark {
    const key = gatekeeper ? 'gatekeeper' : JSON.stringify(sender)
    const sequence = nextSequence(e, key)
    const message = {sender, destination: gatekeeper ? TOPIC_GK : TOPIC_WORKER, payload: '0x'}
    return beginTx(e, RELAYER, 'PhalaMq', 'sync_offchain_message', {signed_message: {message, sequence, signature: '0x'}}, SYNC_FEE, SYNC_WEIGHT)
}

/** Closes a sync_offchain_message; with `dropIfEmpty` one whose message caused no event is taken back. */
export function endSync(e: Core, m: TxMark, dropIfEmpty = false): void {
    if (dropIfEmpty && e.events.length === m.events && e.storage.length === m.storage) {
        dropTx(e, m)
        e.mqSequence.set('gatekeeper', (e.mqSequence.get('gatekeeper') ?? 1n) - 1n)
        return
    }
    endTx(e, m)
}
