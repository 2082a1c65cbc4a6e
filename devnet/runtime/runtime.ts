/**
 * A devnet runtime: metadata, runtime version and fast encoders for events, storage and the Timestamp.set inherent,
 * all derived from one RuntimeDesc.
 */
import {u8aConcat} from '@polkadot/util'
import {blake2AsU8a, xxhashAsU8a} from '@polkadot/util-crypto'
import type {DevEvent, DevExtrinsic, DevPhase, DevStorageWrite, DevValue} from '../model'
import {fieldList, RuntimeDesc, StorageHasher} from './desc'
import {Encoder, EncoderSet, ScaleWriter, toHex} from './codec'
import {buildMetadataV14} from './metadata'
import {PortableField, TypeTable} from './registry'

export interface RuntimeVersionJson {
    specName: string
    implName: string
    authoringVersion: number
    specVersion: number
    implVersion: number
    apis: [string, number][]
    transactionVersion: number
    stateVersion: number
}

/**
 * Runtime APIs the devnet reports. The Metadata API is reported at version 1 so that clients fetch metadata with
 * state_getMetadata (the devnet also answers state_call Metadata_metadata_versions / _at_version).
 */
const DEVNET_APIS: [string, number][] = [
    ['0xdf6acb689907609b', 4], // Core
    ['0x37e397fc7c91f5e4', 1], // Metadata
    ['0x40fe3ad401f8959a', 6], // BlockBuilder
    ['0xd2bc9897eed08f15', 3], // TaggedTransactionQueue
    ['0xf78b278be53f454c', 2], // OffchainWorkerApi
    ['0xdd718d5cc53262d4', 1], // AuraApi
    ['0xab3c0572291feb8b', 1], // SessionKeys
    ['0xbc9d89904f5b923f', 1], // AccountNonceApi
    ['0x37c8bb1350a9a2a8', 1], // TransactionPaymentApi
]

export type Phase = DevPhase

interface EventDef {
    pallet: number
    variant: number
    fields: PortableField[]
    encode: Encoder
    unnamed: boolean
}

export interface StorageDef {
    pallet: string
    item: string
    prefix: Uint8Array
    hashers: StorageHasher[]
    /** one key type per hasher (for a single hasher: the whole key type) */
    keyTypes: number[]
    valueType: number
    modifier: 'Optional' | 'Default'
    fallback: string
}

export function twox128(s: string): Uint8Array {
    return xxhashAsU8a(s, 128)
}

export function hashKey(hasher: StorageHasher, data: Uint8Array): Uint8Array {
    switch (hasher) {
        case 'Identity':
            return data
        case 'Twox64Concat': {
            return u8aConcat(xxhashAsU8a(data, 64), data)
        }
        case 'Twox128':
            return xxhashAsU8a(data, 128)
        case 'Twox256':
            return xxhashAsU8a(data, 256)
        case 'Blake2_128':
            return blake2AsU8a(data, 128)
        case 'Blake2_256':
            return blake2AsU8a(data, 256)
        case 'Blake2_128Concat': {
            return u8aConcat(blake2AsU8a(data, 128), data)
        }
    }
}

export class DevRuntime {
    readonly table: TypeTable
    readonly encoders: EncoderSet
    readonly metadata: Uint8Array
    readonly metadataHex: string
    readonly version: RuntimeVersionJson
    private events = new Map<string, EventDef>()
    private calls = new Map<string, EventDef>()
    private storage = new Map<string, StorageDef>()
    private timestampCall: [number, number]
    private w = new ScaleWriter(256)

    constructor(
        readonly era: string,
        readonly desc: RuntimeDesc
    ) {
        this.table = new TypeTable(desc)
        this.encoders = new EncoderSet(this.table.types)
        this.metadata = buildMetadataV14(desc, this.table)
        this.metadataHex = toHex(this.metadata)
        this.version = {
            specName: desc.specName,
            implName: desc.implName,
            authoringVersion: desc.authoringVersion,
            specVersion: desc.specVersion,
            implVersion: desc.implVersion,
            apis: DEVNET_APIS.map(([id, v]) => [id, v]),
            transactionVersion: desc.transactionVersion,
            stateVersion: desc.stateVersion,
        }
        for (let [i, p] of desc.pallets.entries()) {
            let pt = this.table.pallets[i]
            if (pt.events != null) {
                let def = this.table.types[pt.events].def
                if (def.kind !== 'variant') throw new Error('pallet event type must be a variant')
                for (let v of def.variants) {
                    this.events.set(`${p.name}.${v.name}`, {
                        pallet: p.index,
                        variant: v.index,
                        fields: v.fields,
                        encode: this.encoders.fieldsEncoder(v.fields, `${p.name}.${v.name}`),
                        unnamed: v.fields.length > 0 && v.fields[0].name == null,
                    })
                }
            }
            if (pt.calls != null) {
                let def = this.table.types[pt.calls].def
                if (def.kind !== 'variant') throw new Error('pallet call type must be a variant')
                for (let v of def.variants) {
                    this.calls.set(`${p.name}.${v.name}`, {
                        pallet: p.index,
                        variant: v.index,
                        fields: v.fields,
                        encode: this.encoders.fieldsEncoder(v.fields, `${p.name}.${v.name}`),
                        unnamed: v.fields.length > 0 && v.fields[0].name == null,
                    })
                }
            }
            for (let s of p.storage || []) {
                let keyTypes: number[] = []
                if (s.hashers) {
                    let kt = this.table.resolve(s.key!)
                    if (s.hashers.length === 1) {
                        keyTypes = [kt]
                    } else {
                        let d = this.table.types[kt].def
                        if (d.kind !== 'tuple' || d.types.length !== s.hashers.length) throw new Error(`bad key of ${p.name}.${s.name}`)
                        keyTypes = d.types
                    }
                }
                let prefix = u8aConcat(twox128(p.name), twox128(s.name))
                this.storage.set(`${p.name}.${s.name}`, {
                    pallet: p.name,
                    item: s.name,
                    prefix,
                    hashers: s.hashers || [],
                    keyTypes,
                    valueType: this.table.resolve(s.value),
                    modifier: s.modifier,
                    fallback: s.fallback,
                })
            }
        }
        let ts = desc.pallets.find(p => p.name === 'Timestamp')
        let set = ts?.calls?.variants.find(v => v.name === 'set')
        if (!ts || !set) throw new Error('runtime has no Timestamp.set')
        let f = fieldList(set.fields)
        if (f.length !== 1 || f[0].name !== 'now' || f[0].type !== 'Compact<u64>') throw new Error('unexpected Timestamp.set shape')
        this.timestampCall = [ts.index, set.index]
    }

    get specVersion(): number {
        return this.desc.specVersion
    }

    hasEvent(pallet: string, name: string): boolean {
        return this.events.has(`${pallet}.${name}`)
    }

    eventNames(): string[] {
        return [...this.events.keys()]
    }

    /** Appends one EventRecord {phase, event, topics: []} to `w`. */
    encodeEventRecord(w: ScaleWriter, ev: DevEvent, phase: Phase): void {
        let def = this.events.get(`${ev.pallet}.${ev.name}`)
        if (!def) {
            throw new Error(`event ${ev.pallet}.${ev.name} does not exist in runtime ${this.desc.specName}/${this.desc.specVersion} (era ${this.era})`)
        }
        switch (phase.kind) {
            case 'ApplyExtrinsic':
                w.u8(0)
                w.u32(phase.index)
                break
            case 'Finalization':
                w.u8(1)
                break
            case 'Initialization':
                w.u8(2)
                break
        }
        w.u8(def.pallet)
        w.u8(def.variant)
        let args: any = ev.args
        if (def.unnamed) {
            if (Array.isArray(args)) {
                // as is
            } else if (args && 'value' in args && Object.keys(args).length === 1) {
                args = def.fields.length === 1 ? [args.value] : args.value
            } else {
                let keys = Object.keys(args || {})
                args = keys.map((_k, i) => (args as any)[String(i)])
                if (keys.some((k, i) => k !== String(i))) throw new Error(`${ev.pallet}.${ev.name}: expected positional args 0..${def.fields.length - 1}`)
            }
            if (def.fields.length === 1) args = args[0]
        }
        try {
            def.encode(w, args)
        } catch (e: any) {
            throw new Error(`encoding ${ev.pallet}.${ev.name} (era ${this.era}): ${e.message}`)
        }
        w.u8(0) // topics: empty
    }

    encodeEvent(ev: DevEvent, phase: Phase = {kind: 'Finalization'}): Uint8Array {
        let w = new ScaleWriter(128)
        this.encodeEventRecord(w, ev, phase)
        return w.finish()
    }

    getStorageDef(pallet: string, item: string): StorageDef {
        let def = this.storage.get(`${pallet}.${item}`)
        if (!def) throw new Error(`storage ${pallet}.${item} does not exist in devnet runtime ${this.desc.specVersion} (era ${this.era})`)
        return def
    }

    hasStorage(pallet: string, item: string): boolean {
        return this.storage.has(`${pallet}.${item}`)
    }

    /** twox128(pallet) ++ twox128(item): the prefix of every key of the item */
    storagePrefix(pallet: string, item: string): Uint8Array {
        return this.getStorageDef(pallet, item).prefix
    }

    storageKey(pallet: string, item: string, keys: DevValue[] = []): Uint8Array {
        let def = this.getStorageDef(pallet, item)
        if (def.hashers.length === 0) {
            if (keys.length) throw new Error(`${pallet}.${item} is a plain value: no keys expected`)
            return def.prefix
        }
        let parts: Uint8Array[] = [def.prefix]
        let w = this.w
        if (def.hashers.length === 1) {
            if (keys.length === 0) throw new Error(`${pallet}.${item}: a key is required`)
            w.reset()
            this.encoders.get(def.keyTypes[0])(w, keys.length === 1 ? keys[0] : keys)
            parts.push(hashKey(def.hashers[0], w.finish()))
        } else {
            if (keys.length !== def.hashers.length) throw new Error(`${pallet}.${item}: expected ${def.hashers.length} keys`)
            for (let i = 0; i < keys.length; i++) {
                w.reset()
                this.encoders.get(def.keyTypes[i])(w, keys[i])
                parts.push(hashKey(def.hashers[i], w.finish()))
            }
        }
        return u8aConcat(...parts)
    }

    encodeStorageValue(pallet: string, item: string, value: DevValue): Uint8Array {
        let def = this.getStorageDef(pallet, item)
        let w = new ScaleWriter(64)
        try {
            this.encoders.get(def.valueType)(w, value)
        } catch (e: any) {
            throw new Error(`encoding storage ${pallet}.${item} (era ${this.era}): ${e.message}`)
        }
        return w.finish()
    }

    /** [key hex, value bytes or null for deletion] */
    encodeStorageWrite(write: DevStorageWrite): [string, Uint8Array | null] {
        let key = toHex(this.storageKey(write.pallet, write.item, write.keys))
        let value = write.value === null ? null : this.encodeStorageValue(write.pallet, write.item, write.value)
        return [key, value]
    }

    /** An unsigned v4 extrinsic calling Timestamp.set(now), with its compact length prefix. */
    timestampExtrinsic(now: number | bigint): Uint8Array {
        let body = new ScaleWriter(16)
        body.u8(0x04)
        body.u8(this.timestampCall[0])
        body.u8(this.timestampCall[1])
        body.compact(now)
        let b = body.finish()
        let w = new ScaleWriter(b.length + 2)
        w.compact(b.length)
        w.bytes(b)
        return w.finish()
    }

    hasCall(pallet: string, call: string): boolean {
        return this.calls.has(`${pallet}.${call}`)
    }

    /** the fields of a call with every value at its default (see defaultValue), by field name */
    defaultCallArgs(pallet: string, call: string): {[field: string]: DevValue} {
        let def = this.calls.get(`${pallet}.${call}`)
        if (!def) throw new Error(`call ${pallet}.${call} does not exist in devnet runtime ${this.desc.specVersion} (era ${this.era})`)
        let out: {[field: string]: DevValue} = {}
        for (let f of def.fields) out[f.name!] = this.defaultValue(f.type)
        return out
    }

    /**
     * A v4 extrinsic of `x` with its compact length prefix: signed when `x.signer` is set (MultiAddress::Id, a
     * placeholder Sr25519 signature, the signed extensions of the runtime with an immortal era, the nonce and a zero
     * tip), unsigned otherwise.
     */
    encodeExtrinsic(x: DevExtrinsic): Uint8Array {
        let def = this.calls.get(`${x.pallet}.${x.call}`)
        if (!def) throw new Error(`call ${x.pallet}.${x.call} does not exist in devnet runtime ${this.desc.specVersion} (era ${this.era})`)
        let body = new ScaleWriter(256)
        if (x.signer != null) {
            body.u8(0x84)
            body.u8(0) // MultiAddress::Id
            body.hex(x.signer, 32)
            body.u8(1) // MultiSignature::Sr25519
            // a placeholder, not a signature; not all zero, which @polkadot/types would read as "not signed"
            body.bytes(new Uint8Array(64).fill(1))
            for (let ext of this.desc.extrinsic.signedExtensions) {
                let ti = this.table.resolve(ext.type)
                let value: any
                if (ext.identifier === 'CheckMortality') value = 'Immortal'
                else if (ext.identifier === 'CheckNonce') value = x.nonce ?? 0
                else value = this.defaultValue(ti)
                this.encoders.get(ti)(body, value)
            }
        } else {
            body.u8(0x04)
        }
        body.u8(def.pallet)
        body.u8(def.variant)
        try {
            def.encode(body, x.args)
        } catch (e: any) {
            throw new Error(`encoding call ${x.pallet}.${x.call} (era ${this.era}): ${e.message}`)
        }
        let b = body.finish()
        let w = new ScaleWriter(b.length + 5)
        w.compact(b.length)
        w.bytes(b)
        return w.finish()
    }

    /** SCALE RuntimeVersion (for state_call Core_version) */
    encodeVersion(): Uint8Array {
        let w = new ScaleWriter(256)
        let enc = new TextEncoder()
        for (let s of [this.version.specName, this.version.implName]) {
            let b = enc.encode(s)
            w.compact(b.length)
            w.bytes(b)
        }
        w.u32(this.version.authoringVersion)
        w.u32(this.version.specVersion)
        w.u32(this.version.implVersion)
        w.compact(this.version.apis.length)
        for (let [id, v] of this.version.apis) {
            w.hex(id, 8)
            w.u32(v)
        }
        w.u32(this.version.transactionVersion)
        w.u8(this.version.stateVersion)
        return w.finish()
    }

    /** A value with every integer zero, every Option None, every Vec empty, every enum at its first variant. */
    defaultValue(ti: number): any {
        let t = this.table.types[ti]
        let d = t.def
        switch (d.kind) {
            case 'primitive':
                return d.prim === 'bool' ? false : d.prim === 'str' ? '' : /^[ui](8|16|32)$/.test(d.prim) ? 0 : 0n
            case 'compact':
                return 0
            case 'sequence': {
                let inner = this.table.types[d.type].def
                return inner.kind === 'primitive' && inner.prim === 'u8' ? '0x' : []
            }
            case 'array': {
                let inner = this.table.types[d.type].def
                if (inner.kind === 'primitive' && inner.prim === 'u8') return '0x' + '00'.repeat(d.len)
                return Array.from({length: d.len}, () => this.defaultValue(d.type))
            }
            case 'tuple':
                return d.types.length ? d.types.map(x => this.defaultValue(x)) : null
            case 'composite': {
                if (d.fields.length === 0) return {}
                if (d.fields[0].name == null) {
                    let vals = d.fields.map(f => this.defaultValue(f.type))
                    return vals.length === 1 ? vals[0] : vals
                }
                let out: any = {}
                for (let f of d.fields) out[f.name!] = this.defaultValue(f.type)
                return out
            }
            case 'variant': {
                if (t.path.length === 1 && t.path[0] === 'Option') return null
                let v = d.variants[0]
                if (v.fields.length === 0) return v.name
                if (v.fields[0].name == null) {
                    let vals = v.fields.map(f => this.defaultValue(f.type))
                    return {__kind: v.name, value: vals.length === 1 ? vals[0] : vals}
                }
                let out: any = {__kind: v.name}
                for (let f of v.fields) out[f.name!] = this.defaultValue(f.type)
                return out
            }
        }
    }

    /** The System.ExtrinsicSuccess event of an inherent (Mandatory class, no fee). */
    extrinsicSuccessEvent(): DevEvent {
        let p = this.desc.pallets.find(p => p.name === 'System')!
        let v = p.events!.variants.find(v => v.name === 'ExtrinsicSuccess')!
        let fields = fieldList(v.fields)
        let info = this.defaultValue(this.table.resolve(fields[0].type))
        info.class = 'Mandatory'
        info.pays_fee = 'Yes'
        return {pallet: 'System', name: 'ExtrinsicSuccess', args: {[fields[0].name!]: info}}
    }
}
