/**
 * Shapes the decoder does not know are errors that name pallet.event, spec and block; events that are not
 * mining events at all are errors too. Never a silent skip.
 */
import {decodeMiningEvent, NotAMiningEventError, UnknownEventVersionError, UnknownVersionError} from '../../src/decode'
import {phalaComputation} from '../../src/types/events'
import {blockHash, eventsStorageValue, fakeRuntime, processorEvents, realSpec, sqdEventVariant, u8aConcat} from '../helpers/realChain'
import type {Runtime} from '@subsquid/substrate-runtime'

const BLOCK = {height: 123, hash: blockHash(123), timestamp: 1_700_000_000_000}

function acct(b: number): Uint8Array {
    return new Uint8Array(32).fill(b)
}

function u128(v: bigint): Uint8Array {
    const out = new Uint8Array(16)
    for (let i = 0; i < 16; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn)
    return out
}

describe('unknown shapes and non-mining events', () => {
    const real = () => realSpec(1251)

    function settledIndices() {
        const v = real()
            .eventVariants('PhalaComputation')
            .find(v => v.name === 'SessionSettled')!
        return {palletIndex: v.palletIndex, variantIndex: v.index}
    }

    /** a spec-1300 runtime whose SessionSettled fields were edited */
    function runtime1300(edit: (fields: {name?: string | null; type: number}[]) => void): Runtime {
        const md = real().sqdMetadataCopy()
        edit(sqdEventVariant(md, 'PhalaComputation', 'SessionSettled').fields)
        return fakeRuntime(1300, md)
    }

    test('a renamed field: UnknownEventVersionError naming pallet.event, spec and block', () => {
        const rt = runtime1300(fields => {
            fields[2].name = 'payout' // payout_bits → payout
        })
        const [e] = processorEvents(rt, eventsStorageValue([{...settledIndices(), data: u8aConcat(acct(1), u128(5n), u128(6n))}]), BLOCK)
        let err: unknown
        try {
            decodeMiningEvent(e as any)
        } catch (x) {
            err = x
        }
        expect(err).toBeInstanceOf(UnknownEventVersionError)
        expect(err).toBeInstanceOf(UnknownVersionError)
        expect(err).toBeInstanceOf(Error)
        const u = err as UnknownEventVersionError
        expect(u.message).toMatch(/^PhalaComputation\.SessionSettled: runtime type at spec 1300, block #123 matches no known version/)
        expect([u.itemName, u.specVersion, u.blockHeight]).toEqual(['PhalaComputation.SessionSettled', 1300, 123])
    })

    test('an added field (which typegen .is() alone accepts) is an error too', () => {
        const rt = runtime1300(fields => {
            fields.push({name: 'treasury_bits', type: fields[1].type})
        })
        const [e] = processorEvents(rt, eventsStorageValue([{...settledIndices(), data: u8aConcat(acct(1), u128(5n), u128(6n), u128(7n))}]), BLOCK)
        expect(phalaComputation.sessionSettled.v1251.is(e as any)).toBe(true)
        expect(() => decodeMiningEvent(e as any)).toThrow('PhalaComputation.SessionSettled: runtime type at spec 1300, block #123 matches no known version')
    })

    test('a removed field and a changed number kind are errors', () => {
        const dropped = runtime1300(fields => {
            fields.pop()
        })
        const [e1] = processorEvents(dropped, eventsStorageValue([{...settledIndices(), data: u8aConcat(acct(1), u128(5n))}]), BLOCK)
        expect(() => decodeMiningEvent(e1 as any)).toThrow(UnknownEventVersionError)

        // v_bits as u32 (a number, not a bigint)
        const md = real().sqdMetadataCopy()
        const benchmark = sqdEventVariant(md, 'PhalaComputation', 'BenchmarkUpdated') // p_instant: u32
        const u32 = benchmark.fields.find(f => f.name === 'p_instant')!.type
        sqdEventVariant(md, 'PhalaComputation', 'SessionSettled').fields[1].type = u32
        const [e2] = processorEvents(
            fakeRuntime(1300, md),
            eventsStorageValue([{...settledIndices(), data: u8aConcat(acct(1), new Uint8Array([5, 0, 0, 0]), u128(6n))}]),
            BLOCK
        )
        expect(() => decodeMiningEvent(e2 as any)).toThrow(/PhalaComputation\.SessionSettled: .*spec 1300, block #123/)
    })

    test('the same bytes decode fine with the real 1251 runtime (the fake runtimes are the only difference)', () => {
        const spec = real()
        const [e] = processorEvents(spec.runtime, eventsStorageValue([{...settledIndices(), data: u8aConcat(acct(1), u128(5n), u128(6n))}]), BLOCK)
        expect(decodeMiningEvent(e as any)).toMatchObject({kind: 'SessionSettled', vBits: 5n, payoutBits: 6n})
    })

    test('a mining event name the runtime does not have at all', () => {
        // hand the v2 name to a v1 runtime
        const e = fakeEvent(realSpec(900).runtime, 'PhalaComputation.SessionSettled', {
            session: '0x' + '01'.repeat(32),
            vBits: '1',
            payoutBits: '2',
        })
        expect(() => decodeMiningEvent(e)).toThrow(
            'PhalaComputation.SessionSettled: runtime type at spec 900, block #123 matches no known version (the runtime has no such event)'
        )
    })

    test('an event that is not a mining event at all', () => {
        const e = fakeEvent(real().runtime, 'PhalaRegistry.GatekeeperAdded', {pubkey: '0x' + '01'.repeat(32)})
        expect(() => decodeMiningEvent(e)).toThrow(NotAMiningEventError)
        expect(() => decodeMiningEvent(e)).toThrow(/^PhalaRegistry\.GatekeeperAdded \(block #123\) is not a mining event/)
        const e2 = fakeEvent(real().runtime, 'System.ExtrinsicSuccess', {})
        expect(() => decodeMiningEvent(e2)).toThrow(NotAMiningEventError)
    })

    test('a block without the timestamp field selected is an error, not a 0 timestamp', () => {
        const e = fakeEvent(real().runtime, 'PhalaComputation.WorkerStopped', {session: '0x' + '01'.repeat(32)}, false)
        expect(() => decodeMiningEvent(e)).toThrow(/block\.timestamp is missing/)
    })

    test('accounts that are not 32 bytes are rejected', () => {
        const e = fakeEvent(real().runtime, 'PhalaComputation.WorkerStopped', {session: '0x0102'})
        expect(() => decodeMiningEvent(e)).toThrow(/expected 32 bytes/)
    })

    test('uppercase hex from a data source is normalized to lowercase', () => {
        const e = fakeEvent(real().runtime, 'PhalaComputation.WorkerStopped', {session: '0x' + 'AB'.repeat(32)})
        expect(decodeMiningEvent(e)).toMatchObject({kind: 'WorkerStopped', session: '0x' + 'ab'.repeat(32)})
    })
})

/** an event object shaped like the processor's, with JSON args written by hand */
function fakeEvent(runtime: Runtime, name: string, args: unknown, withTimestamp = true): any {
    return {
        id: '0000000123-abcde-000001',
        index: 1,
        name,
        args,
        block: {
            height: BLOCK.height,
            hash: BLOCK.hash,
            specVersion: runtime.specVersion,
            _runtime: runtime,
            ...(withTimestamp ? {timestamp: BLOCK.timestamp} : {}),
        },
    }
}
