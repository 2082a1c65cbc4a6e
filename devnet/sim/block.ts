/**
 * The extrinsics of a simulated block and the events every signed extrinsic brings on Khala (specs 1170 and
 * 1251 alike):
 *   - pallet_transaction_payment `CurrencyAdapter::withdraw_fee` (pre-dispatch): Balances.Withdraw of the fee
 *     from the signer;
 *   - the call's own events;
 *   - `correct_and_deposit_fee`: no refund here (the weight is the declared one), the fee goes to the runtime's
 *     `DealWithFees`, which hands it to `Treasury::on_unbalanced`: Balances.Deposit to the treasury, then
 *     Treasury.Deposit — the same pair as a settlement's treasury share, but without a subsidy-pool withdrawal;
 *   - `ChargeTransactionPayment::post_dispatch`: TransactionPayment.TransactionFeePaid;
 *   - frame_system `note_applied_extrinsic`: System.ExtrinsicSuccess.
 * The messages of workers and of the gatekeeper reach the chain through `PhalaMq.sync_offchain_message`, one
 * message per extrinsic, signed by a relayer (pherry); their events sit in that extrinsic's ApplyExtrinsic phase.
 */
import type {DevValue} from '../model'
import {padAccount, TREASURY} from './accounts'
import type {Core} from './core'

/** the account that relays the off-chain messages */
export const RELAYER = padAccount('devnet/pherry-relayer')
/** the fee of a sync_offchain_message (plancks): fixed, as its weight is */
export const SYNC_FEE = 152_000_000n
/** its declared weight: 10_000 ref-time + one DB write (RocksDbWeight: 100_000_000) */
const SYNC_WEIGHT = 100_010_000n

const TOPIC_GK = '0x' + Buffer.from('phala/mining/info').toString('hex')
const TOPIC_WORKER = '0x' + Buffer.from('phala/mining/report').toString('hex')

function dispatchInfo(e: Core): DevValue {
    return {
        weight: e.v1 ? SYNC_WEIGHT : {ref_time: SYNC_WEIGHT, proof_size: 0n},
        class: {__kind: 'Normal'},
        pays_fee: {__kind: 'Yes'},
    }
}

/**
 * Opens a sync_offchain_message extrinsic carrying one message of `sender` (a MessageOrigin): the events emitted
 * until `endSync` are in its ApplyExtrinsic phase. Returns a mark for `endSync`.
 */
export function beginSync(e: Core, sender: DevValue, gatekeeper: boolean): number {
    const key = gatekeeper ? 'gatekeeper' : JSON.stringify(sender)
    const sequence = e.mqSequence.get(key) ?? 0n
    e.mqSequence.set(key, sequence + 1n)
    e.extrinsics.push({
        pallet: 'PhalaMq',
        call: 'sync_offchain_message',
        args: {signed_message: {message: {sender, destination: gatekeeper ? TOPIC_GK : TOPIC_WORKER, payload: '0x'}, sequence, signature: '0x'}},
        signer: RELAYER,
        nonce: e.relayerNonce++,
    })
    e.phase = {kind: 'ApplyExtrinsic', index: e.extrinsics.length}
    e.emit('Balances', 'Withdraw', {who: RELAYER, amount: SYNC_FEE})
    return e.events.length
}

/**
 * Closes the extrinsic opened by `beginSync`. With `dropIfEmpty` an extrinsic whose message caused no event is
 * taken back (no message was sent in this block).
 */
export function endSync(e: Core, mark: number, dropIfEmpty = false): void {
    if (dropIfEmpty && e.events.length === mark) {
        e.events.pop()
        e.extrinsics.pop()
        e.relayerNonce--
        e.mqSequence.set('gatekeeper', (e.mqSequence.get('gatekeeper') ?? 1n) - 1n)
        e.phase = null
        return
    }
    e.emit('Balances', 'Deposit', {who: TREASURY, amount: SYNC_FEE})
    e.emit('Treasury', 'Deposit', {value: SYNC_FEE})
    e.emit('TransactionPayment', 'TransactionFeePaid', {who: RELAYER, actual_fee: SYNC_FEE, tip: 0n})
    e.emit('System', 'ExtrinsicSuccess', {dispatch_info: dispatchInfo(e)})
    e.truth.totals.feeTreasuryDeposits += SYNC_FEE
    e.phase = null
}
