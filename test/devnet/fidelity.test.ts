/**
 * The devnet runtimes against the real Khala metadata (chain/khala; a missing file fails the tests):
 *  - structurally: pallet indices, event variant indices and names, field names, primitive widths, compact vs
 *    fixed, Option, array lengths, storage hashers/modifiers/fallbacks, signed extensions;
 *  - by value: every event variant and storage item, encoded by the devnet, decodes to the same values with the
 *    real metadata (Subsquid's codec, which the processor uses) as with the devnet's own metadata, and
 *    @polkadot/types (an independent implementation) consumes exactly the same bytes;
 *  - negative controls: the comparison catches a swapped variant index and a narrowed integer.
 */
import * as fs from 'fs'
import {Metadata, TypeRegistry} from '@polkadot/types'
import {Runtime} from '@subsquid/substrate-runtime'
import {decodeMetadata} from '@subsquid/substrate-runtime/lib/metadata'
import {getRuntime, spec1254} from '../../devnet/runtime'
import {KHALA_1170} from '../../devnet/runtime/khala1170'
import {KHALA_1251} from '../../devnet/runtime/khala1251'
import {compareWithRealMetadata} from '../../devnet/runtime/compare'
import {DevRuntime} from '../../devnet/runtime/runtime'
import type {PortableType} from '../../devnet/runtime/registry'
import {toHex} from '../../devnet/runtime/codec'
import {KEYS} from '../../devnet/chain/chain'
import {mulberry32} from '../../devnet/prng'
import {canon, quietPolkadotWarnings, realMetadataFile} from './fixtures'

// ---------------------------------------------------------------- sample values from the devnet's type table

const rng = mulberry32

type Flavor = 'min' | 'max' | 'random'

const BITS: {[p: string]: number} = {u8: 8, u16: 16, u32: 32, u64: 64, u128: 128, u256: 256}

class Sampler {
    constructor(
        readonly types: PortableType[],
        readonly flavor: Flavor,
        readonly r: () => number
    ) {}

    private bytes(n: number): string {
        let s = '0x'
        for (let i = 0; i < n; i++) {
            let b = this.flavor === 'min' ? 0 : this.flavor === 'max' ? 255 : Math.floor(this.r() * 256)
            s += b.toString(16).padStart(2, '0')
        }
        return s
    }

    private uint(bits: number): bigint {
        if (this.flavor === 'min') return 0n
        let max = (1n << BigInt(bits)) - 1n
        if (this.flavor === 'max') return max
        let v = 0n
        for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(Math.floor(this.r() * 65536))
        return v & max
    }

    value(ti: number): any {
        let t = this.types[ti]
        let d = t.def
        switch (d.kind) {
            case 'primitive': {
                if (d.prim === 'bool') return this.flavor === 'max' || (this.flavor === 'random' && this.r() < 0.5)
                if (d.prim === 'str') return this.flavor === 'min' ? '' : 'devnet'
                let bits = BITS[d.prim]
                if (!bits) throw new Error(`sampler: ${d.prim}`)
                let v = this.uint(bits)
                return bits <= 32 ? Number(v) : v
            }
            case 'compact': {
                let inner = this.types[d.type].def
                if (inner.kind === 'tuple') return null
                let bits = inner.kind === 'primitive' ? BITS[inner.prim] : 64
                return this.uint(bits)
            }
            case 'array': {
                let inner = this.types[d.type].def
                if (inner.kind === 'primitive' && inner.prim === 'u8') return this.bytes(d.len)
                return Array.from({length: d.len}, () => this.value(d.type))
            }
            case 'sequence': {
                let inner = this.types[d.type].def
                let n = this.flavor === 'min' ? 0 : this.flavor === 'max' ? 3 : Math.floor(this.r() * 3)
                if (inner.kind === 'primitive' && inner.prim === 'u8') return this.bytes(n * 5)
                return Array.from({length: n}, () => this.value(d.type))
            }
            case 'tuple':
                return d.types.length ? d.types.map(x => this.value(x)) : null
            case 'composite': {
                if (d.fields.length === 0) return {}
                if (d.fields[0].name == null) {
                    let vals = d.fields.map(f => this.value(f.type))
                    return vals.length === 1 ? vals[0] : vals
                }
                let out: any = {}
                for (let f of d.fields) out[f.name!] = this.value(f.type)
                return out
            }
            case 'variant': {
                if (t.path.length === 1 && t.path[0] === 'Option') {
                    if (this.flavor === 'min' || (this.flavor === 'random' && this.r() < 0.3)) return null
                    return this.value(d.variants[1].fields[0].type)
                }
                let v =
                    this.flavor === 'min'
                        ? d.variants[0]
                        : this.flavor === 'max'
                          ? d.variants[d.variants.length - 1]
                          : d.variants[Math.floor(this.r() * d.variants.length)]
                return this.variantValue(v)
            }
        }
    }

    variantValue(v: {name: string; fields: {name: string | null; type: number}[]}): any {
        if (v.fields.length === 0) return v.name
        if (v.fields[0].name == null) {
            let vals = v.fields.map(f => this.value(f.type))
            return {__kind: v.name, value: vals.length === 1 ? vals[0] : vals}
        }
        let out: any = {__kind: v.name}
        for (let f of v.fields) out[f.name!] = this.value(f.type)
        return out
    }
}

/** a DevValue in the form Subsquid's decoder produces (camelCase fields, {__kind, value}, None = undefined) */
function expected(types: PortableType[], ti: number, v: any): any {
    let t = types[ti]
    let d = t.def
    switch (d.kind) {
        case 'primitive':
        case 'compact':
            return v
        case 'array':
        case 'sequence': {
            let inner = types[d.type].def
            if (inner.kind === 'primitive' && inner.prim === 'u8') return v
            return v.map((x: any) => expected(types, d.type, x))
        }
        case 'tuple':
            return d.types.length ? d.types.map((x, i) => expected(types, x, v[i])) : null
        case 'composite': {
            if (d.fields.length === 0) return {}
            if (d.fields[0].name == null) {
                if (d.fields.length === 1) return expected(types, d.fields[0].type, v)
                return d.fields.map((f, i) => expected(types, f.type, v[i]))
            }
            return fieldsExpected(types, d.fields, v)
        }
        case 'variant': {
            if (t.path.length === 1 && t.path[0] === 'Option') return v == null ? undefined : expected(types, d.variants[1].fields[0].type, v)
            let kind = typeof v === 'string' ? v : v.__kind
            let variant = d.variants.find(x => x.name === kind)!
            if (variant.fields.length === 0) return {__kind: kind}
            if (variant.fields[0].name == null) {
                if (variant.fields.length === 1) return {__kind: kind, value: expected(types, variant.fields[0].type, v.value)}
                return {__kind: kind, value: variant.fields.map((f, i) => expected(types, f.type, v.value[i]))}
            }
            return {__kind: kind, ...fieldsExpected(types, variant.fields, v)}
        }
    }
}

function camel(s: string): string {
    return s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())
}

function fieldsExpected(types: PortableType[], fields: {name: string | null; type: number}[], v: any): any {
    let out: any = {}
    for (let f of fields) {
        // the real decoder leaves a field of type () out (e.g. pallet_assets AssetAccount.extra)
        let d = types[f.type].def
        if (d.kind === 'tuple' && d.types.length === 0) continue
        out[camel(f.name!)] = expected(types, f.type, v[f.name!])
    }
    return out
}

// ---------------------------------------------------------------- the checks

function sqRuntime(specVersion: number, metadata: Uint8Array | string): Runtime {
    return new Runtime({specName: 'khala', specVersion, implName: 'khala', implVersion: 0}, metadata)
}

function polkadotRegistry(bytes: Uint8Array): {registry: TypeRegistry; md: Metadata} {
    let registry = new TypeRegistry()
    let md = new Metadata(registry, bytes)
    registry.setMetadata(md)
    return {registry, md}
}

const CASES = [
    {era: 'v1' as const, spec: 1170},
    {era: 'v2' as const, spec: 1251},
]

describe('devnet runtimes vs real Khala metadata', () => {
    beforeAll(() => quietPolkadotWarnings())

    for (let {era, spec} of CASES) {
        describe(`${era} runtime vs khala ${spec}`, () => {
            let rt: DevRuntime
            let realBytes: Uint8Array
            let real: Runtime
            let dev: Runtime
            let pd: {registry: TypeRegistry; md: Metadata}
            let realEventRecordTi: number

            beforeAll(() => {
                rt = getRuntime(era)
                realBytes = fs.readFileSync(realMetadataFile(spec))
                real = sqRuntime(spec, realBytes)
                dev = sqRuntime(rt.specVersion, rt.metadata)
                pd = polkadotRegistry(realBytes)
                let sys = (pd.md.asV14.pallets as any).find((p: any) => p.name.toString() === 'System')
                let eventsItem = sys.storage.unwrap().items.find((i: any) => i.name.toString() === 'Events')
                let vecTi = eventsItem.type.asPlain.toNumber()
                realEventRecordTi = pd.md.asV14.lookup.getSiType(vecTi).def.asSequence.type.toNumber()
            })

            it('reports its spec version', () => {
                expect(rt.specVersion).toBe(spec)
                expect(rt.version.specName).toBe('khala')
            })

            it('has the same structure as the real runtime', () => {
                expect(compareWithRealMetadata(rt, realBytes)).toEqual([])
            })

            it('covers the mining pallets completely', () => {
                let names = rt.desc.pallets.map(p => p.name)
                let want =
                    era === 'v1'
                        ? ['PhalaRegistry', 'PhalaMining', 'PhalaStakePool']
                        : ['PhalaRegistry', 'PhalaComputation', 'PhalaStakePoolv2', 'PhalaVault', 'PhalaBasePool']
                for (let p of want) expect(names).toContain(p)
                // every real variant of these pallets exists in the devnet (also checked structurally above)
                let realMd: any = decodeMetadata(realBytes)
                for (let p of want) {
                    let rp = realMd.value.pallets.find((x: any) => x.name === p)
                    let realCount = realMd.value.lookup.types[rp.events.type].type.def.value.variants.length
                    let devCount = rt.desc.pallets.find(x => x.name === p)!.events!.variants.length
                    expect([p, devCount]).toEqual([p, realCount])
                }
            })

            it('encodes every event variant so that the real metadata decodes the same values', () => {
                let checked = 0
                let types = rt.table.types
                for (let p of rt.desc.pallets) {
                    let pt = rt.table.pallets.find(x => x.name === p.name)!
                    if (pt.events == null) continue
                    let def = types[pt.events].def
                    if (def.kind !== 'variant') throw new Error('not a variant')
                    for (let variant of def.variants) {
                        for (let flavor of ['min', 'max', 'random', 'random'] as Flavor[]) {
                            let s = new Sampler(types, flavor, rng(checked + 1))
                            let args: any = {}
                            for (let f of variant.fields) args[f.name ?? String(variant.fields.indexOf(f))] = s.value(f.type)
                            let bytes = rt.encodeEvent({pallet: p.name, name: variant.name, args}, {kind: 'Finalization'})
                            let want = {
                                __kind: variant.name,
                                ...(variant.fields[0]?.name == null && variant.fields.length
                                    ? {
                                          value:
                                              variant.fields.length === 1
                                                  ? expected(types, variant.fields[0].type, args['0'])
                                                  : variant.fields.map((f, i) => expected(types, f.type, args[String(i)])),
                                      }
                                    : fieldsExpected(types, variant.fields, args)),
                            }
                            let fromReal = real.scaleCodec.decodeBinary(real.description.eventRecord, bytes)
                            let fromDev = dev.scaleCodec.decodeBinary(dev.description.eventRecord, bytes)
                            let where = `${p.name}.${variant.name} (${flavor})`
                            expect([where, canon(fromReal)]).toEqual([where, canon(fromDev)])
                            expect([where, fromReal.event.__kind]).toEqual([where, p.name])
                            expect([where, canon(fromReal.event.value)]).toEqual([where, canon(want)])
                            // an independent decoder consumes exactly these bytes
                            let rec: any = pd.registry.createType(pd.registry.createLookupType(realEventRecordTi) as any, bytes)
                            expect([where, rec.encodedLength]).toEqual([where, bytes.length])
                            expect([where, toHex(rec.toU8a())]).toEqual([where, toHex(bytes)])
                            checked++
                        }
                    }
                }
                expect(checked).toBeGreaterThan(era === 'v1' ? 200 : 300)
            })

            it('encodes every storage item (keys and values) like the real runtime', () => {
                let types = rt.table.types
                let n = 0
                for (let p of rt.desc.pallets) {
                    for (let item of p.storage || []) {
                        if (p.name === 'System' && item.name === 'Events') continue // covered by the block tests
                        let def = rt.getStorageDef(p.name, item.name)
                        let name = `${p.name}.${item.name}`
                        for (let flavor of ['min', 'max', 'random'] as Flavor[]) {
                            let s = new Sampler(types, flavor, rng(1000 + n))
                            let keys = def.keyTypes.map(kt => s.value(kt))
                            let sqKeys = def.keyTypes.map((kt, i) => expected(types, kt, keys[i]))
                            let devKey = toHex(rt.storageKey(p.name, item.name, keys))
                            let realKey = real.encodeStorageKey(name, ...sqKeys)
                            expect([name, devKey]).toEqual([name, realKey])
                            let value = s.value(def.valueType)
                            let bytes = rt.encodeStorageValue(p.name, item.name, value)
                            let fromReal = real.decodeStorageValue(name, bytes)
                            expect([name, flavor, canon(fromReal)]).toEqual([name, flavor, canon(expected(types, def.valueType, value))])
                            n++
                        }
                    }
                }
                expect(n).toBeGreaterThan(10)
            })

            it('encodes the Timestamp.set inherent as the real runtime decodes it', () => {
                let x = rt.timestampExtrinsic(1_672_531_200_123)
                let ex = real.decodeExtrinsic(x)
                expect(ex.version).toBe(4)
                expect(ex.signature).toBeUndefined()
                expect(canon(ex.call)).toEqual(canon({__kind: 'Timestamp', value: {__kind: 'set', now: 1_672_531_200_123n}}))
            })

            it('uses the real System.Events storage key', () => {
                expect(toHex(rt.storageKey('System', 'Events'))).toBe(KEYS.systemEvents)
                expect(real.encodeStorageKey('System.Events')).toBe(KEYS.systemEvents)
                expect(real.encodeStorageKey('Timestamp.Now')).toBe(KEYS.timestampNow)
            })

            it('builds ExtrinsicSuccess as the real runtime decodes it', () => {
                let bytes = rt.encodeEvent(rt.extrinsicSuccessEvent(), {kind: 'ApplyExtrinsic', index: 0})
                let rec = real.scaleCodec.decodeBinary(real.description.eventRecord, bytes)
                expect(rec.phase).toEqual({__kind: 'ApplyExtrinsic', value: 0})
                expect(rec.event.value.__kind).toBe('ExtrinsicSuccess')
                expect(rec.event.value.dispatchInfo.class.__kind).toBe('Mandatory')
            })
        })
    }

    describe('spec 1254 variant', () => {
        it('differs from 1251 exactly by the two PhalaBasePool fields, and 1251 cannot decode its events', () => {
            let rt = getRuntime('v2', {v2Spec: 1254})
            expect(rt.specVersion).toBe(1254)
            let realBytes = fs.readFileSync(realMetadataFile(1251))
            let problems = compareWithRealMetadata(rt, realBytes)
            expect(problems).toHaveLength(2)
            expect(problems.join('\n')).toMatch(/WithdrawalQueued: 6 fields \[pid,user,shares,nft_id,as_vault,withdrawing_nft_id\]/)
            expect(problems.join('\n')).toMatch(/Withdrawal: 5 fields \[pid,user,amount,shares,burnt_shares\]/)
            let real = sqRuntime(1251, realBytes)
            let bytes = rt.encodeEvent({
                pallet: 'PhalaBasePool',
                name: 'Withdrawal',
                args: {pid: 1n, user: '0x' + '11'.repeat(32), amount: 5n, shares: 5n, burnt_shares: 1n},
            })
            expect(() => real.scaleCodec.decodeBinary(real.description.eventRecord, bytes)).toThrow()
            let dev = sqRuntime(1254, rt.metadata)
            let rec = dev.scaleCodec.decodeBinary(dev.description.eventRecord, bytes)
            expect(rec.event.value).toEqual({__kind: 'Withdrawal', pid: 1n, user: '0x' + '11'.repeat(32), amount: 5n, shares: 5n, burntShares: 1n})
        })
    })

    describe('negative controls (the comparison can fail)', () => {
        function mutated(base: typeof KHALA_1251, f: (d: typeof KHALA_1251) => void): DevRuntime {
            let d = JSON.parse(JSON.stringify(base))
            f(d)
            return new DevRuntime('v2', d)
        }

        it('catches two swapped variant indices', () => {
            let rt = mutated(KHALA_1251, d => {
                let vs = d.pallets.find(p => p.name === 'PhalaComputation')!.events!.variants
                let a = vs.find(v => v.name === 'SessionSettled')!
                let b = vs.find(v => v.name === 'InternalErrorWorkerSettleFailed')!
                ;[a.index, b.index] = [b.index, a.index]
            })
            let problems = compareWithRealMetadata(rt, fs.readFileSync(realMetadataFile(1251)))
            expect(problems.some(p => /SessionSettled: index 9 vs real 8/.test(p))).toBe(true)
        })

        it('catches a u128 narrowed to u64, and a renamed field', () => {
            let rt = mutated(KHALA_1170 as any, d => {
                let vs = d.pallets.find(p => p.name === 'PhalaMining')!.events!.variants
                let settled = vs.find(v => v.name === 'MinerSettled')!.fields as {[k: string]: string}
                settled.payout_bits = 'u64'
                let started = vs.find(v => v.name === 'MinerStarted')!
                started.fields = {miner: 'AccountId32', init_v: 'u128', initP: 'u32'}
            })
            let problems = compareWithRealMetadata(rt, fs.readFileSync(realMetadataFile(1170)))
            expect(problems.some(p => /MinerSettled\.payout_bits: u64 vs real u128/.test(p))).toBe(true)
            expect(problems.some(p => /MinerStarted: field 2 named initP vs real init_p/.test(p))).toBe(true)
        })

        it('catches a runtime compared with the wrong real spec', () => {
            let problems = compareWithRealMetadata(getRuntime('v2'), fs.readFileSync(realMetadataFile(1170)))
            expect(problems.length).toBeGreaterThan(5)
        })
    })

    it('spec1254() leaves the 1251 description untouched', () => {
        let d = spec1254()
        expect(d.specVersion).toBe(1254)
        expect(KHALA_1251.specVersion).toBe(1251)
        let bp = KHALA_1251.pallets.find(p => p.name === 'PhalaBasePool')!
        expect(Object.keys(bp.events!.variants.find(v => v.name === 'Withdrawal')!.fields!)).toEqual(['pid', 'user', 'amount', 'shares'])
    })
})
