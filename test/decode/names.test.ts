/**
 * The event selection, checked without the chain data: every event typegen generated for the covered
 * pallets is either decoded (in MINING_EVENT_NAMES) or deliberately skipped.
 */
import type {BlockHeader, Event} from '@subsquid/substrate-processor'
import {decodeMiningEvent, isMiningEventName, MINING_EVENT_NAMES, MiningEvent, readPools, readTokenomicParameters} from '../../src/decode'
import * as typegenEvents from '../../src/types/events'
import {EXPECTED, NOT_MINING} from './expected'

function typegenEventNames(): string[] {
    const names: string[] = []
    for (const mod of Object.values(typegenEvents)) {
        for (const ev of Object.values(mod as Record<string, {name?: unknown}>)) {
            if (typeof ev?.name === 'string') names.push(ev.name)
        }
    }
    return names
}

describe('MINING_EVENT_NAMES', () => {
    test('covers every typegen event except the deliberately skipped ones, and nothing else', () => {
        const generated = typegenEventNames()
        expect(generated.length).toBeGreaterThan(90)
        const expected = generated.filter(n => !(n in NOT_MINING)).sort()
        expect([...MINING_EVENT_NAMES].sort()).toEqual(expected)
        expect([...MINING_EVENT_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort())
    })

    test('has no duplicates', () => {
        expect(new Set(MINING_EVENT_NAMES).size).toBe(MINING_EVENT_NAMES.length)
    })

    test('includes both pallet generations and the renamed / misspelled names', () => {
        for (const n of [
            'PhalaMining.MinerSettled',
            'PhalaComputation.SessionSettled',
            'PhalaMining.MinerExitUnresponive',
            'PhalaMining.MinerExitUnresponsive',
            'PhalaComputation.WorkerExitUnresponsive',
            'PhalaMining.InternalErrorMinerSettleFailed',
            'PhalaStakePool.MiningStarted',
            'PhalaStakePool.RewardsWithdrawn',
            'PhalaStakePoolv2.WorkingStarted',
            'PhalaBasePool.WithdrawalQueued',
            'PhalaVault.OwnerSharesGained',
            'Balances.Transfer',
        ]) {
            expect([n, isMiningEventName(n)]).toEqual([n, true])
        }
    })

    test('isMiningEventName rejects the rest', () => {
        for (const n of ['PhalaRegistry.GatekeeperAdded', 'Balances.Endowed', 'System.ExtrinsicSuccess', 'phalamining.minersettled', '']) {
            expect([n, isMiningEventName(n)]).toEqual([n, false])
        }
    })
})

// ---- compile-time contract: the processor's own Event / BlockHeader types (with the fields the
// processor selects) are accepted by the decoder and the storage readers.

type Fields = {block: {timestamp: true}; event: {name: true; args: true}}
const _acceptsProcessorEvent: (e: Event<Fields>) => MiningEvent = decodeMiningEvent
const _acceptsDefaultEvent: (e: Event) => MiningEvent = decodeMiningEvent
const _acceptsBlockHeader: (b: BlockHeader<Fields>) => Promise<unknown> = b => Promise.all([readTokenomicParameters(b), readPools(b)])
void _acceptsProcessorEvent
void _acceptsDefaultEvent
void _acceptsBlockHeader
