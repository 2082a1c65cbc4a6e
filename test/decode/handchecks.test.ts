/**
 * Hand-checked decodes of the events that matter most, from bytes written by hand (not by
 * @polkadot/types), against literal expected values: settlements in the spec-900 tuple form and later,
 * MinerStarted with init_v/init_p from spec 1170, and BasePool withdrawals including the spec-1254 shapes
 * (on a runtime faked from the 1251 metadata, since no real 1254 metadata exists here).
 */
import {decodeMiningEvent, MiningEvent, UnknownEventVersionError, withdrawalQueuedV1254} from '../../src/decode'
import {fixedToDecimal} from '../../src/domain/fixed'
import {phalaBasePool} from '../../src/types/events'
import {blockHash, eventsStorageValue, fakeRuntime, processorEvents, realSpec, RealSpec, sqdEventVariant, u8aConcat} from '../helpers/realChain'
import type {Runtime} from '@subsquid/substrate-runtime'

/** little-endian unsigned integer of `n` bytes */
function le(v: bigint | number, n: number): Uint8Array {
    let x = BigInt(v)
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
        out[i] = Number(x & 0xffn)
        x >>= 8n
    }
    if (x !== 0n) throw new Error(`${v} does not fit in ${n} bytes`)
    return out
}

/** 32 bytes of `b` */
function acct(b: number): Uint8Array {
    return new Uint8Array(32).fill(b)
}

function hexOf(b: number): string {
    return '0x' + b.toString(16).padStart(2, '0').repeat(32)
}

const HEIGHT = 4_242_424
const BLOCK = {height: HEIGHT, hash: blockHash(HEIGHT), timestamp: 1_680_000_000_000}

function indices(spec: RealSpec, pallet: string, event: string): {palletIndex: number; variantIndex: number} {
    const v = spec.eventVariants(pallet).find(v => v.name === event)
    if (v == null) throw new Error(`${pallet}.${event} not in spec ${spec.specVersion}`)
    return {palletIndex: v.palletIndex, variantIndex: v.index}
}

/** decode one hand-encoded event through the processor path */
function decodeOne(runtime: Runtime, spec: RealSpec, pallet: string, event: string, data: Uint8Array): MiningEvent {
    const [e] = processorEvents(runtime, eventsStorageValue([{...indices(spec, pallet, event), data, extrinsic: 2}]), BLOCK)
    expect(e.name).toBe(`${pallet}.${event}`)
    return decodeMiningEvent(e as any)
}

function meta(name: string, index = 0) {
    return {
        id: expect.stringMatching(new RegExp(`^0*${HEIGHT}-`)),
        blockHeight: HEIGHT,
        blockHash: BLOCK.hash,
        timestamp: BLOCK.timestamp,
        index,
        name,
    }
}

describe('hand-checked decodes', () => {
    // V = 3.5: 3·2^64 + 2^63
    const V_BITS = 3n * 2n ** 64n + 2n ** 63n
    // payout = 187.999…: 187·2^64 + (2^64 − 1), a u128 well above 2^64
    const PAYOUT_BITS = 187n * 2n ** 64n + (2n ** 64n - 1n)

    test('the sample fixed-point values are what the comments say', () => {
        expect(fixedToDecimal(V_BITS)).toBe('3.5')
        expect(PAYOUT_BITS >> 64n).toBe(187n)
    })

    test.each([
        [900, 'PhalaMining', 'MinerSettled'], // positional tuple [miner, v, payout]
        [1130, 'PhalaMining', 'MinerSettled'], // still a tuple
        [1140, 'PhalaMining', 'MinerSettled'], // struct {miner, v_bits, payout_bits}
        [1170, 'PhalaMining', 'MinerSettled'],
        [1251, 'PhalaComputation', 'SessionSettled'], // struct {session, v_bits, payout_bits}
    ])('spec %i %s.%s → SessionSettled', (specVersion, pallet, event) => {
        const spec = realSpec(specVersion)
        const data = u8aConcat(acct(0x11), le(V_BITS, 16), le(PAYOUT_BITS, 16))
        expect(decodeOne(spec.runtime, spec, pallet, event, data)).toStrictEqual({
            ...meta(`${pallet}.${event}`),
            kind: 'SessionSettled',
            session: hexOf(0x11),
            vBits: 64_563_604_257_983_430_656n, // 3.5 · 18_446_744_073_709_551_616
            payoutBits: 3_467_987_885_857_395_703_807n, // 188 · 18_446_744_073_709_551_616 − 1
        })
    })

    test('the bigint literals above are 3.5·2^64 and 188·2^64 − 1', () => {
        expect(64_563_604_257_983_430_656n).toBe(V_BITS)
        expect(3_467_987_885_857_395_703_807n).toBe(188n * 2n ** 64n - 1n)
    })

    test('spec 1170 MinerStarted carries init_v (U64F64 bits) and init_p', () => {
        const spec = realSpec(1170)
        const initV = 30000n << 64n // V = 30000 (v_max)
        const data = u8aConcat(acct(0x22), le(initV, 16), le(2500, 4))
        expect(decodeOne(spec.runtime, spec, 'PhalaMining', 'MinerStarted', data)).toStrictEqual({
            ...meta('PhalaMining.MinerStarted'),
            kind: 'WorkerStarted',
            session: hexOf(0x22),
            initV: 553_402_322_211_286_548_480_000n, // 30000 · 2^64
            initP: 2500,
        })
        expect(553_402_322_211_286_548_480_000n).toBe(initV)
    })

    test.each([900, 1130, 1140])('spec %i MinerStarted has no init_v/init_p (null)', specVersion => {
        const spec = realSpec(specVersion)
        expect(decodeOne(spec.runtime, spec, 'PhalaMining', 'MinerStarted', acct(0x22))).toStrictEqual({
            ...meta('PhalaMining.MinerStarted'),
            kind: 'WorkerStarted',
            session: hexOf(0x22),
            initV: null,
            initP: null,
        })
    })

    test('spec 1251 PhalaComputation.WorkerStarted', () => {
        const spec = realSpec(1251)
        const data = u8aConcat(acct(0x23), le(2n ** 70n + 1n, 16), le(0xfffffffe, 4))
        expect(decodeOne(spec.runtime, spec, 'PhalaComputation', 'WorkerStarted', data)).toStrictEqual({
            ...meta('PhalaComputation.WorkerStarted'),
            kind: 'WorkerStarted',
            session: hexOf(0x23),
            initV: 1_180_591_620_717_411_303_425n, // 2^70 + 1
            initP: 4_294_967_294,
        })
    })

    // ---------------------------------------------------------------- WithdrawalQueued / Withdrawal

    const SHARES = 2n ** 64n + 5n // 18_446_744_073_709_551_621

    test('spec 1251 WithdrawalQueued, as_vault Some and None', () => {
        const spec = realSpec(1251)
        const base = u8aConcat(le(7, 8), acct(0x33), le(SHARES, 16), le(42, 4))
        expect(decodeOne(spec.runtime, spec, 'PhalaBasePool', 'WithdrawalQueued', u8aConcat(base, [1], le(12, 8)))).toStrictEqual({
            ...meta('PhalaBasePool.WithdrawalQueued'),
            kind: 'WithdrawalQueued',
            poolKind: 'BasePool',
            pid: 7n,
            user: hexOf(0x33),
            shares: 18_446_744_073_709_551_621n,
            nftId: 42,
            asVault: 12n,
            withdrawingNftId: null,
        })
        expect(decodeOne(spec.runtime, spec, 'PhalaBasePool', 'WithdrawalQueued', u8aConcat(base, [0]))).toMatchObject({
            asVault: null,
            withdrawingNftId: null,
        })
    })

    test('spec 1170 (v1) WithdrawalQueued has no nft / vault fields', () => {
        const spec = realSpec(1170)
        const data = u8aConcat(le(7, 8), acct(0x33), le(SHARES, 16))
        expect(decodeOne(spec.runtime, spec, 'PhalaStakePool', 'WithdrawalQueued', data)).toStrictEqual({
            ...meta('PhalaStakePool.WithdrawalQueued'),
            kind: 'WithdrawalQueued',
            poolKind: 'StakePoolV1',
            pid: 7n,
            user: hexOf(0x33),
            shares: SHARES,
            nftId: null,
            asVault: null,
            withdrawingNftId: null,
        })
    })

    /** a spec-1254 runtime: the 1251 metadata with the documented fields appended */
    function runtime1254(opts: {withdrawingNftIdWidth?: 'u32' | 'u64'; extraField?: boolean} = {}): Runtime {
        const spec = realSpec(1251)
        const md = spec.sqdMetadataCopy()
        const wq = sqdEventVariant(md, 'PhalaBasePool', 'WithdrawalQueued')
        const u32 = wq.fields.find(f => f.name === 'nft_id')!.type
        const u64 = wq.fields.find(f => f.name === 'pid')!.type
        wq.fields.push({name: 'withdrawing_nft_id', type: opts.withdrawingNftIdWidth === 'u64' ? u64 : u32, typeName: 'NftId', docs: []})
        if (opts.extraField) wq.fields.push({name: 'surprise', type: u32, typeName: 'u32', docs: []})
        const w = sqdEventVariant(md, 'PhalaBasePool', 'Withdrawal')
        const u128 = w.fields.find(f => f.name === 'shares')!.type
        w.fields.push({name: 'burnt_shares', type: u128, typeName: 'BalanceOf<T>', docs: []})
        return fakeRuntime(1254, md)
    }

    test('spec 1254 WithdrawalQueued gains withdrawing_nft_id (u32, after as_vault)', () => {
        const spec = realSpec(1251)
        const data = u8aConcat(le(7, 8), acct(0x33), le(SHARES, 16), le(42, 4), [1], le(12, 8), le(43, 4))
        expect(decodeOne(runtime1254(), spec, 'PhalaBasePool', 'WithdrawalQueued', data)).toStrictEqual({
            ...meta('PhalaBasePool.WithdrawalQueued'),
            kind: 'WithdrawalQueued',
            poolKind: 'BasePool',
            pid: 7n,
            user: hexOf(0x33),
            shares: SHARES,
            nftId: 42,
            asVault: 12n,
            withdrawingNftId: 43,
        })
        const none = u8aConcat(le(8, 8), acct(0x34), le(1, 16), le(0, 4), [0], le(0xffffffff, 4))
        expect(decodeOne(runtime1254(), spec, 'PhalaBasePool', 'WithdrawalQueued', none)).toMatchObject({
            pid: 8n,
            shares: 1n,
            nftId: 0,
            asVault: null,
            withdrawingNftId: 4_294_967_295,
        })
    })

    test('spec 1254 Withdrawal gains burnt_shares (u128, after shares)', () => {
        const spec = realSpec(1251)
        const amount = 5n * 10n ** 18n // 5,000,000 PHA
        const burnt = 2n ** 100n
        const data = u8aConcat(le(9, 8), acct(0x44), le(amount, 16), le(SHARES, 16), le(burnt, 16))
        expect(decodeOne(runtime1254(), spec, 'PhalaBasePool', 'Withdrawal', data)).toStrictEqual({
            ...meta('PhalaBasePool.Withdrawal'),
            kind: 'Withdrawal',
            poolKind: 'BasePool',
            pid: 9n,
            user: hexOf(0x44),
            amount: 5_000_000_000_000_000_000n,
            shares: SHARES,
            burntShares: 1_267_650_600_228_229_401_496_703_205_376n, // 2^100
        })
        expect(1_267_650_600_228_229_401_496_703_205_376n).toBe(burnt)
        // the real 1251 runtime still decodes its own shape (burntShares null)
        const real = realSpec(1251)
        const old = u8aConcat(le(9, 8), acct(0x44), le(amount, 16), le(SHARES, 16))
        expect(decodeOne(real.runtime, real, 'PhalaBasePool', 'Withdrawal', old)).toMatchObject({burntShares: null, shares: SHARES})
    })

    test("typegen's own .is() would accept the 1254 shape as 1251 (why the decoder checks shapes exactly)", () => {
        const spec = realSpec(1251)
        const data = u8aConcat(le(7, 8), acct(0x33), le(SHARES, 16), le(42, 4), [0], le(43, 4))
        const [e] = processorEvents(runtime1254(), eventsStorageValue([{...indices(spec, 'PhalaBasePool', 'WithdrawalQueued'), data, extrinsic: 1}]), BLOCK)
        expect(phalaBasePool.withdrawalQueued.v1251.is(e as any)).toBe(true) // field subset match
        expect(withdrawalQueuedV1254.is(e as any)).toBe(true)
        expect(decodeMiningEvent(e as any)).toMatchObject({withdrawingNftId: 43})
    })

    test('a 1254-like shape with the wrong width or an unknown extra field is an UnknownEventVersionError', () => {
        const spec = realSpec(1251)
        const wide = u8aConcat(le(7, 8), acct(0x33), le(SHARES, 16), le(42, 4), [0], le(43, 8))
        expect(() => decodeOne(runtime1254({withdrawingNftIdWidth: 'u64'}), spec, 'PhalaBasePool', 'WithdrawalQueued', wide)).toThrow(UnknownEventVersionError)
        const extra = u8aConcat(le(7, 8), acct(0x33), le(SHARES, 16), le(42, 4), [0], le(43, 4), le(1, 4))
        expect(() => decodeOne(runtime1254({extraField: true}), spec, 'PhalaBasePool', 'WithdrawalQueued', extra)).toThrow(
            'PhalaBasePool.WithdrawalQueued: runtime type at spec 1254, block #4242424 matches no known version'
        )
    })

    test('v900 tuple forms of the stake pool keep their positions', () => {
        const spec = realSpec(900)
        const contribution = u8aConcat(le(77, 8), acct(0x55), le(2n ** 65n, 16))
        expect(decodeOne(spec.runtime, spec, 'PhalaStakePool', 'Contribution', contribution)).toStrictEqual({
            ...meta('PhalaStakePool.Contribution'),
            kind: 'Contribution',
            poolKind: 'StakePoolV1',
            pid: 77n,
            user: hexOf(0x55),
            amount: 36_893_488_147_419_103_232n, // 2^65
            shares: null,
            asVault: null,
        })
        const transfer = u8aConcat(acct(0x01), acct(0x02), le(10n ** 12n, 16))
        expect(decodeOne(spec.runtime, spec, 'Balances', 'Transfer', transfer)).toStrictEqual({
            ...meta('Balances.Transfer'),
            kind: 'Transfer',
            from: hexOf(0x01),
            to: hexOf(0x02),
            amount: 1_000_000_000_000n,
        })
    })
})
