/**
 * CHAIN=phala: every mining event in each of Phala's three event shapes (specs 1240, 1254, 1260; devnet
 * runtimes built from Phala's runtime source, devnet/runtime/phala.ts) decodes through the processor's own
 * event parsing to its values, by exactly one known version; a Phala shape the decoder does not know is an
 * error naming the event, the spec and the shape.
 */
import {compactToU8a, u8aConcat} from '@polkadot/util'
import {Runtime} from '@subsquid/substrate-runtime'
import type {DevEvent, DevValue} from '../../devnet/model'
import {DevRuntime, getPhalaRuntime, getRuntime, PHALA_SPECS, phalaDesc, type PhalaSpec} from '../../devnet/runtime'
import {decodeMiningEvent, isMiningEventName, miningEventVersion, runtimeEventShape, UnknownEventVersionError} from '../../src/decode'
import {blockHash, processorEvents, realSpec} from '../helpers/realChain'

const BLOCK = {height: 77, hash: blockHash(77), timestamp: 1_700_000_000_000}

function sqdRuntime(rt: DevRuntime): Runtime {
    const v = rt.version
    return new Runtime({specName: v.specName, specVersion: v.specVersion, implName: v.implName, implVersion: v.implVersion}, rt.metadataHex)
}

/** the processor's events of one block holding `events`, encoded by the devnet runtime */
function processed(rt: DevRuntime, events: DevEvent[]) {
    const value = u8aConcat(compactToU8a(events.length), ...events.map(e => rt.encodeEvent(e)))
    return processorEvents(sqdRuntime(rt), value, BLOCK)
}

/** distinct values per field, so that each argument can be found again in the payload */
let counter = 0
function sample(type: string): DevValue {
    counter += 1
    const n = counter
    switch (type) {
        case 'u8':
            return (n % 5) + 1
        case 'u32':
            return 1_000 + n
        case 'u64':
            return BigInt(10_000 + n)
        case 'u128':
            return (BigInt(n) << 70n) + 12_345n
        case 'AccountId32':
        case 'Public':
            return '0x' + n.toString(16).padStart(4, '0').repeat(16)
        case 'Option<u64>':
            return BigInt(20_000 + n)
        case 'Option<AttestationProvider>':
            return 'Ias'
        default:
            throw new Error(`no sample for ${type}`)
    }
}

/** every mining event of a Phala runtime, with sampled arguments */
function miningEvents(spec: PhalaSpec): DevEvent[] {
    const out: DevEvent[] = []
    for (const p of phalaDesc(spec).pallets) {
        for (const v of p.events?.variants ?? []) {
            if (!isMiningEventName(`${p.name}.${v.name}`)) continue
            const args: {[k: string]: DevValue} = {}
            for (const [k, t] of Object.entries((v.fields ?? {}) as {[k: string]: string})) args[k] = sample(t)
            out.push({pallet: p.name, name: v.name, args})
        }
    }
    return out
}

function flatValues(x: unknown): string[] {
    if (x == null) return []
    if (typeof x === 'object') return Object.values(x).flatMap(flatValues)
    return [String(x)]
}

/**
 * Which version each Phala shape must resolve to: the hand-written ones where Phala's shape differs from
 * Khala 1251's, otherwise the same version as the event on Khala 1251 (the devnet's Khala runtime, which
 * test/devnet/fidelity.test.ts checks against the real metadata).
 */
function expectedLabel(spec: PhalaSpec, event: DevEvent): string {
    const name = `${event.pallet}.${event.name}`
    if (spec >= 1254 && (name === 'PhalaBasePool.Withdrawal' || name === 'PhalaBasePool.WithdrawalQueued')) return 'v1254'
    if (spec >= 1260 && (name === 'PhalaRegistry.WorkerAdded' || name === 'PhalaRegistry.WorkerUpdated')) return 'v1260'
    const khala = getRuntime('v2')
    const args = {...event.args}
    delete args.withdrawing_nft_id
    delete args.burnt_shares
    const [e] = processed(khala, [{...event, args}])
    return miningEventVersion(e as any)
}

describe('Phala runtimes: every mining event decodes', () => {
    test.each(PHALA_SPECS.map(s => [s]))('spec %i: by exactly one version, with every argument carried', spec => {
        const rt = getPhalaRuntime(spec)
        expect([rt.version.specName, rt.version.specVersion]).toEqual(['phala', spec])
        const events = miningEvents(spec)
        const names = new Set(events.map(e => `${e.pallet}.${e.name}`))
        for (const n of [
            'PhalaComputation.SessionSettled',
            'PhalaStakePoolv2.RewardReceived',
            'PhalaBasePool.Withdrawal',
            'PhalaRegistry.WorkerAdded',
            'Balances.Transfer',
        ]) {
            expect([n, names.has(n)]).toEqual([n, true])
        }
        // the reward-split dust events came with spec 1247
        expect(names.has('PhalaStakePoolv2.RewardToOwnerDismissedDust')).toBe(spec >= 1247)
        const decoded = processed(rt, events)
        expect(decoded.map(e => e.name)).toEqual(events.map(e => `${e.pallet}.${e.name}`))
        decoded.forEach((e, i) => {
            expect([e.name, miningEventVersion(e as any)]).toEqual([e.name, expectedLabel(spec, events[i])])
            const payload = decodeMiningEvent(e as any) as any
            const values = flatValues(payload)
            // the mining pallets' events carry every argument into the payload
            if (!e.name?.startsWith('Phala') && e.name !== 'Balances.Transfer') return
            for (const [k, v] of Object.entries(events[i].args)) {
                expect([e.name, k, values.includes(String(v))]).toEqual([e.name, k, true])
            }
        })
    })
})

describe('the shapes that differ between Phala specs', () => {
    const w = '0x' + 'b7'.repeat(32)

    test('WorkerAdded: Ias at 1240 (the v1251 shape), Dcap at 1260 (the v1260 shape)', () => {
        const ev = (provider: string, level: number): DevEvent => ({
            pallet: 'PhalaRegistry',
            name: 'WorkerAdded',
            args: {pubkey: w, attestation_provider: provider, confidence_level: level},
        })
        const [a] = processed(getPhalaRuntime(1240), [ev('Ias', 2)])
        expect(miningEventVersion(a as any)).toBe('v1251')
        expect(decodeMiningEvent(a as any)).toMatchObject({kind: 'WorkerAdded', worker: w, attestationProvider: 'Ias', confidenceLevel: 2})
        const [b, c] = processed(getPhalaRuntime(1260), [
            ev('Dcap', 5),
            {pallet: 'PhalaRegistry', name: 'WorkerUpdated', args: {pubkey: w, attestation_provider: null, confidence_level: 1}},
        ])
        expect(miningEventVersion(b as any)).toBe('v1260')
        expect(decodeMiningEvent(b as any)).toMatchObject({kind: 'WorkerAdded', worker: w, attestationProvider: 'Dcap', confidenceLevel: 5})
        expect(decodeMiningEvent(c as any)).toMatchObject({kind: 'WorkerUpdated', worker: w, attestationProvider: null, confidenceLevel: 1})
        // Dcap does not exist before 1260
        expect(() => getPhalaRuntime(1254).encodeEvent(ev('Dcap', 5))).toThrow(/Dcap/)
    })

    test('Withdrawal / WithdrawalQueued: without burnt shares at 1240, with them at 1254', () => {
        const user = '0x' + 'a3'.repeat(32)
        const [q0, w0] = processed(getPhalaRuntime(1240), [
            {pallet: 'PhalaBasePool', name: 'WithdrawalQueued', args: {pid: 4n, user, shares: 700n, nft_id: 9, as_vault: 2n}},
            {pallet: 'PhalaBasePool', name: 'Withdrawal', args: {pid: 4n, user, amount: 650n, shares: 600n}},
        ])
        expect(decodeMiningEvent(q0 as any)).toMatchObject({kind: 'WithdrawalQueued', pid: 4n, shares: 700n, nftId: 9, asVault: 2n, withdrawingNftId: null})
        expect(decodeMiningEvent(w0 as any)).toMatchObject({kind: 'Withdrawal', pid: 4n, amount: 650n, shares: 600n, burntShares: null})
        const [q1, w1] = processed(getPhalaRuntime(1254), [
            {pallet: 'PhalaBasePool', name: 'WithdrawalQueued', args: {pid: 4n, user, shares: 700n, nft_id: 9, as_vault: null, withdrawing_nft_id: 11}},
            {pallet: 'PhalaBasePool', name: 'Withdrawal', args: {pid: 4n, user, amount: 650n, shares: 600n, burnt_shares: 30n}},
        ])
        expect([miningEventVersion(q1 as any), miningEventVersion(w1 as any)]).toEqual(['v1254', 'v1254'])
        expect(decodeMiningEvent(q1 as any)).toMatchObject({kind: 'WithdrawalQueued', asVault: null, withdrawingNftId: 11})
        expect(decodeMiningEvent(w1 as any)).toMatchObject({kind: 'Withdrawal', amount: 650n, shares: 600n, burntShares: 30n})
    })

    test('against Khala 1251 (real metadata) only the documented mining events differ', () => {
        const khala = realSpec(1251).runtime
        const differing = (spec: PhalaSpec) =>
            miningEvents(spec)
                .map(e => `${e.pallet}.${e.name}`)
                .filter(n => runtimeEventShape(sqdRuntime(getPhalaRuntime(spec)), n) !== runtimeEventShape(khala, n))
        expect(differing(1240)).toEqual([])
        expect(differing(1254)).toEqual(['PhalaBasePool.WithdrawalQueued', 'PhalaBasePool.Withdrawal'])
        expect(differing(1260)).toEqual([
            'PhalaRegistry.WorkerAdded',
            'PhalaRegistry.WorkerUpdated',
            'PhalaBasePool.WithdrawalQueued',
            'PhalaBasePool.Withdrawal',
        ])
        expect(runtimeEventShape(sqdRuntime(getPhalaRuntime(1260)), 'PhalaBasePool.Withdrawal')).toBe(
            '{pid: u64, user: [u8; 32], amount: u128, shares: u128, burntShares: u128}'
        )
    })
})

describe('a Phala shape the decoder does not know', () => {
    test('is an error naming the event, the spec and the shape, not a skip', () => {
        // a later Phala runtime whose attestation provider gained one more variant
        const desc = phalaDesc(1260)
        desc.specVersion = 1270
        const ap = desc.types.AttestationProvider as {variants: {index: number; name: string}[]}
        ap.variants.push({index: 3, name: 'Tdx'})
        const rt = new DevRuntime('phala-1270', desc)
        const [e] = processed(rt, [
            {pallet: 'PhalaRegistry', name: 'WorkerAdded', args: {pubkey: '0x' + 'b1'.repeat(32), attestation_provider: 'Tdx', confidence_level: 5}},
        ])
        let err: unknown
        try {
            decodeMiningEvent(e as any)
        } catch (x) {
            err = x
        }
        expect(err).toBeInstanceOf(UnknownEventVersionError)
        const u = err as UnknownEventVersionError
        expect([u.itemName, u.specVersion, u.blockHeight]).toEqual(['PhalaRegistry.WorkerAdded', 1270, 77])
        expect(u.message).toBe(
            'PhalaRegistry.WorkerAdded: runtime type at spec 1270, block #77 matches no known version ' +
                '(phala runtime shape {pubkey: [u8; 32], attestationProvider: Option<enum {Root, Ias, Dcap, Tdx}>, confidenceLevel: u8}; ' +
                'known versions: v1170, v1251, v1260)'
        )
    })
})
