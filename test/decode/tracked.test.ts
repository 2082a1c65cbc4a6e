/**
 * trackedEvents: of the balance events only those of mining's money are kept. The treasury share is a
 * Balances.Withdraw from the subsidy pool resolved into the treasury (computation.rs `try_handle_settle`,
 * `withdraw_imbalance_from_subsidy_pool`, then the runtime's `OnTreasurySettled = Treasury`: Balances.Deposit,
 * Treasury.Deposit); the extrinsic's fee is withdrawn from its signer and partly deposited into the treasury
 * too, and must not be taken for a treasury share.
 */
import {MiningEvent, MiningPayload, SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT, trackedEvents, WPHA_ACCOUNT} from '../../src/decode'

const USER = '0x' + '11'.repeat(32)
const OTHER = '0x' + '22'.repeat(32)
const SESSION = '0x' + 'aa'.repeat(32)

function block(payloads: MiningPayload[]): MiningEvent[] {
    return payloads.map((p, index) => ({id: `1-${index}`, blockHeight: 1, blockHash: '0x01', timestamp: 0, index, name: p.kind, ...p}) as MiningEvent)
}

const kinds = (evs: MiningEvent[]) => evs.map(e => `${e.kind}@${e.index}`)

describe('trackedEvents', () => {
    test('the WPHA account is the bytes "wpha/" zero-padded to 32, not a "modl" pallet account', () => {
        expect(WPHA_ACCOUNT).toBe('0x' + Buffer.from('wpha/').toString('hex') + '00'.repeat(27))
        expect(SUBSIDY_POOL_ACCOUNT).toBe('0x' + Buffer.from('modlphala/pp').toString('hex') + '00'.repeat(20))
    })

    test('keeps the treasury share and the reward transfer, drops the fee around them', () => {
        const evs = block([
            {kind: 'BalancesWithdraw', who: USER, amount: 100n}, // 0 fee, pre-dispatch
            {kind: 'BalancesWithdraw', who: SUBSIDY_POOL_ACCOUNT, amount: 25n}, // 1 treasury share
            {kind: 'BalancesDeposit', who: TREASURY_ACCOUNT, amount: 25n}, // 2
            {kind: 'TreasuryDeposit', value: 25n}, // 3
            {kind: 'SessionSettled', session: SESSION, vBits: 1n, payoutBits: 100n << 64n}, // 4
            {kind: 'Transfer', from: SUBSIDY_POOL_ACCOUNT, to: WPHA_ACCOUNT, amount: 100n}, // 5 v2 reward
            {kind: 'Transfer', from: USER, to: OTHER, amount: 7n}, // 6 a user's own transfer
            {kind: 'BalancesDeposit', who: TREASURY_ACCOUNT, amount: 80n}, // 7 fee, post-dispatch
            {kind: 'TreasuryDeposit', value: 80n}, // 8
            {kind: 'BalancesDeposit', who: OTHER, amount: 20n}, // 9 fee to the block author
        ])
        expect(kinds(trackedEvents(evs))).toEqual(['BalancesWithdraw@1', 'BalancesDeposit@2', 'TreasuryDeposit@3', 'SessionSettled@4', 'Transfer@5'])
    })

    test('a treasury deposit right after a fee withdrawal is not a treasury share', () => {
        const evs = block([
            {kind: 'BalancesWithdraw', who: USER, amount: 100n},
            {kind: 'BalancesDeposit', who: TREASURY_ACCOUNT, amount: 100n},
            {kind: 'TreasuryDeposit', value: 100n},
        ])
        expect(trackedEvents(evs)).toEqual([])
    })

    test('keeps top-ups of the subsidy pool and v1 claims out of it; applying it twice changes nothing', () => {
        const evs = block([
            {kind: 'Transfer', from: USER, to: SUBSIDY_POOL_ACCOUNT, amount: 5n},
            {kind: 'Transfer', from: SUBSIDY_POOL_ACCOUNT, to: USER, amount: 3n},
            {kind: 'OwnerRewardsWithdrawn', poolKind: 'StakePoolV1', pid: 0n, user: USER, amount: 3n},
            {kind: 'BalancesWithdraw', who: SUBSIDY_POOL_ACCOUNT, amount: 1n},
            {kind: 'BalancesDeposit', who: TREASURY_ACCOUNT, amount: 1n},
        ])
        const once = trackedEvents(evs)
        expect(kinds(once)).toEqual(['Transfer@0', 'Transfer@1', 'OwnerRewardsWithdrawn@2', 'BalancesWithdraw@3', 'BalancesDeposit@4'])
        expect(trackedEvents(once)).toEqual(once)
    })
})
