/**
 * Test helpers over the real Khala metadata kept in the repository (chain/khala, see its README.md).
 *
 * - `realSpecs()`: the five real specs, each with a subsquid `Runtime` (what the processor decodes with) and
 *   a @polkadot/types registry (an independent SCALE implementation used to *encode* test data).
 * - Sample values generated from the metadata's own type info (`sampleOf`), encoded by @polkadot/types
 *   (`encodeChecked`, which asserts the round trip: createType zero-fills misspelled fields silently).
 * - `eventsStorageValue` frames encoded events as a `System.Events` storage value, and `processorEvents`
 *   turns it into the processor's `Event` objects exactly as substrate-processor's RPC data source does
 *   (substrate-data `decodeEvents`, then `toJSON` args on `mapping.Event`).
 * - `fakeRpc`: an in-memory storage node for the storage readers.
 *
 * The chain data is part of the repository: when a file is missing, the helpers throw an error that names it,
 * so the tests that need it fail (they never skip).
 */
import * as fs from 'fs'
import * as path from 'path'
import {Metadata, TypeRegistry} from '@polkadot/types'
import type {Codec} from '@polkadot/types/types'
import {u8aConcat, u8aToHex, hexToU8a, compactToU8a, u8aToU8a} from '@polkadot/util'
import {xxhashAsU8a} from '@polkadot/util-crypto'
import {Runtime} from '@subsquid/substrate-runtime'
import {decodeMetadata} from '@subsquid/substrate-runtime/lib/metadata'
import type {Metadata as SqdMetadata} from '@subsquid/substrate-runtime/lib/metadata'
import {decodeEvents} from '@subsquid/substrate-data/lib/parsing/event'
import {BlockHeader as ProcessorBlockHeader, Event as ProcessorEvent} from '@subsquid/substrate-processor/lib/mapping'
import {toJSON} from '@subsquid/util-internal-json'
import {mulberry32} from '../../devnet/prng'

// ---------------------------------------------------------------- where the chain data is

function findRepoRoot(start: string): string {
    let dir = start
    for (;;) {
        const pkg = path.join(dir, 'package.json')
        if (fs.existsSync(pkg)) {
            try {
                if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'phala-mining-squid') return dir
            } catch {
                // not ours, keep walking
            }
        }
        const up = path.dirname(dir)
        if (up === dir) throw new Error(`repository root not found above ${start}`)
        dir = up
    }
}

export const REPO_ROOT = findRepoRoot(__dirname)
/** the in-repo copy of the real Khala metadata */
export const CHAIN_DIR = path.join(REPO_ROOT, 'chain', 'khala')
export const SPECS_FILE = path.join(CHAIN_DIR, 'khala-specs.jsonl')
/** the specs chain/khala holds, oldest first */
export const REAL_SPEC_VERSIONS = [900, 1130, 1140, 1170, 1251]

/** An error for a file of chain/khala that is not there: which file, and why the tests need it. */
export function missingChainFile(file: string): Error {
    return new Error(
        `real Khala metadata missing: ${file} does not exist. It is part of the repository (chain/khala, ` +
            'see chain/khala/README.md): the tests that decode real chain data build their runtimes from it. ' +
            'Restore it with `git checkout -- chain/khala`.'
    )
}

// ---------------------------------------------------------------- specs

export interface SpecRecord {
    specName: string
    specVersion: number
    metadata: string
}

export class RealSpec {
    private _runtime?: Runtime
    private _registry?: TypeRegistry
    private _metadata?: Metadata
    private _sqdMetadata?: SqdMetadata

    constructor(readonly record: SpecRecord) {}

    get specVersion(): number {
        return this.record.specVersion
    }

    /** the subsquid runtime, as the processor builds it from state_getMetadata */
    get runtime(): Runtime {
        this._runtime ??= new Runtime(
            {specName: this.record.specName, specVersion: this.record.specVersion, implName: this.record.specName, implVersion: 0},
            this.record.metadata
        )
        return this._runtime
    }

    /** subsquid's decoded metadata: a fresh deep copy, free to mutate into a fake runtime */
    sqdMetadataCopy(): SqdMetadata {
        this._sqdMetadata ??= decodeMetadata(this.record.metadata)
        return structuredClone(this._sqdMetadata)
    }

    get registry(): TypeRegistry {
        this.polkadot()
        return this._registry!
    }

    get metadata(): Metadata {
        this.polkadot()
        return this._metadata!
    }

    private polkadot(): void {
        if (this._registry) return
        const registry = new TypeRegistry()
        const md = new Metadata(registry, this.record.metadata as `0x${string}`)
        registry.setMetadata(md)
        this._registry = registry
        this._metadata = md
    }

    pallet(name: string) {
        return this.metadata.asV14.pallets.find(p => p.name.toString() === name)
    }

    /** the event variants of a pallet, straight from the metadata */
    eventVariants(pallet: string): EventVariantInfo[] {
        const p = this.pallet(pallet)
        if (p == null || p.events.isNone) return []
        const ty = this.registry.lookup.getSiType(p.events.unwrap().type)
        return ty.def.asVariant.variants.map(v => ({
            pallet,
            palletIndex: p.index.toNumber(),
            name: v.name.toString(),
            index: v.index.toNumber(),
            docs: v.docs.map(d => d.toString()).join(' '),
            fields: v.fields.map(f => ({
                name: f.name.isSome ? f.name.unwrap().toString() : null,
                typeId: f.type.toNumber(),
            })),
        }))
    }

    /** a storage item's value type id and (for maps) key type ids */
    storageItem(pallet: string, item: string): {valueTypeId: number; keyTypeIds: number[]; hashers: string[]} | undefined {
        const p = this.pallet(pallet)
        if (p == null || p.storage.isNone) return undefined
        const it = p.storage.unwrap().items.find(i => i.name.toString() === item)
        if (it == null) return undefined
        if (it.type.isPlain) return {valueTypeId: it.type.asPlain.toNumber(), keyTypeIds: [], hashers: []}
        const m = it.type.asMap
        return {
            valueTypeId: m.value.toNumber(),
            keyTypeIds: [m.key.toNumber()],
            hashers: m.hashers.map(h => h.toString()),
        }
    }
}

export interface EventVariantInfo {
    pallet: string
    palletIndex: number
    name: string
    index: number
    docs: string
    fields: {name: string | null; typeId: number}[]
}

let specsCache: RealSpec[] | undefined

/** the real specs, oldest first; throws (naming the file) when chain/khala/khala-specs.jsonl is missing or short */
export function realSpecs(): RealSpec[] {
    if (specsCache) return specsCache
    if (!fs.existsSync(SPECS_FILE)) throw missingChainFile(SPECS_FILE)
    const specs = fs
        .readFileSync(SPECS_FILE, 'utf8')
        .split('\n')
        .filter(l => l.trim() !== '')
        .map(l => JSON.parse(l) as SpecRecord)
        .map(r => new RealSpec({specName: r.specName, specVersion: r.specVersion, metadata: r.metadata}))
    const versions = specs.map(s => s.specVersion)
    if (versions.join() !== REAL_SPEC_VERSIONS.join()) {
        throw new Error(`${SPECS_FILE} holds specs [${versions.join(', ')}], expected [${REAL_SPEC_VERSIONS.join(', ')}] (see chain/khala/README.md)`)
    }
    specsCache = specs
    return specs
}

export function realSpec(version: number): RealSpec {
    const s = realSpecs().find(s => s.specVersion === version)
    if (s == null) throw new Error(`spec ${version} not in ${SPECS_FILE}`)
    return s
}

/** A runtime built from a (mutated) subsquid metadata object, e.g. to fake a spec we have no metadata for. */
export function fakeRuntime(specVersion: number, metadata: SqdMetadata, rpc?: FakeRpc): Runtime {
    return new Runtime({specName: 'khala', specVersion, implName: 'khala', implVersion: 0}, metadata, undefined, rpc)
}

// ---------------------------------------------------------------- deterministic samples from type info

/**
 * A value in "canonical" form, the one tests compare against:
 * integers ≤ 32 bits → number, wider → bigint; byte arrays → lowercase 0x-hex; Option → null | value;
 * named composites → object keyed by snake_case field name; unnamed single-field composites → the inner
 * value; tuples / unnamed composites → arrays; enums → {__kind, value?}.
 */
export type Canon = null | boolean | number | bigint | string | Canon[] | {[k: string]: Canon}

export interface Sample {
    /** what @polkadot/types' createType accepts */
    input: unknown
    canon: Canon
}

export interface SampleOptions {
    /** produce Some for options (else None) */
    some: boolean
    /** which enum variant to pick (index into the variants, modulo their count) */
    variant: number
}

/** mulberry32 (devnet/prng) over a string seed (FNV-1a) */
export function rngFor(seed: string): () => number {
    let h = 2166136261
    for (let i = 0; i < seed.length; i++) {
        h ^= seed.charCodeAt(i)
        h = Math.imul(h, 16777619)
    }
    return mulberry32(h >>> 0)
}

function randBits(rng: () => number, bits: number): bigint {
    let v = 0n
    for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(Math.floor(rng() * 65536))
    return v & ((1n << BigInt(bits)) - 1n)
}

/** an unsigned value of `bits` width with its top half non-zero (so a narrower decode would be caught) */
function wideUint(rng: () => number, bits: number): bigint {
    const half = BigInt(bits / 2)
    const low = randBits(rng, bits / 2)
    const high = randBits(rng, bits / 2) | 1n
    return (high << half) | low
}

function camel(name: string): string {
    return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

function randomBytes(rng: () => number, n: number): string {
    let s = '0x'
    for (let i = 0; i < n; i++)
        s += Math.floor(rng() * 256)
            .toString(16)
            .padStart(2, '0')
    return s
}

/** Generates a sample of the metadata type `typeId`. */
export function sampleOf(registry: TypeRegistry, typeId: number, rng: () => number, opts: SampleOptions, depth = 0): Sample {
    if (depth > 12) throw new Error(`type ${typeId} nests too deep for a sample`)
    const ty = registry.lookup.getSiType(typeId)
    const def = ty.def
    if (def.isPrimitive) {
        const p = def.asPrimitive.type
        switch (p) {
            case 'U8': {
                const v = Math.floor(rng() * 256)
                return {input: v, canon: v}
            }
            case 'U16': {
                const v = Number(wideUint(rng, 16))
                return {input: v, canon: v}
            }
            case 'U32': {
                const v = Number(wideUint(rng, 32))
                return {input: v, canon: v}
            }
            case 'U64': {
                const v = wideUint(rng, 64)
                return {input: v, canon: v}
            }
            case 'U128': {
                const v = wideUint(rng, 128)
                return {input: v, canon: v}
            }
            case 'Bool': {
                const v = rng() < 0.5
                return {input: v, canon: v}
            }
            default:
                throw new Error(`no sample for primitive ${p} (type ${typeId})`)
        }
    }
    if (def.isCompact) {
        return sampleOf(registry, def.asCompact.type.toNumber(), rng, opts, depth + 1)
    }
    if (def.isArray) {
        const len = def.asArray.len.toNumber()
        const elem = def.asArray.type.toNumber()
        if (isU8(registry, elem)) {
            const h = randomBytes(rng, len)
            return {input: h, canon: h}
        }
        const items = Array.from({length: len}, () => sampleOf(registry, elem, rng, opts, depth + 1))
        return {input: items.map(i => i.input), canon: items.map(i => i.canon)}
    }
    if (def.isSequence) {
        const elem = def.asSequence.type.toNumber()
        if (isU8(registry, elem)) {
            const h = randomBytes(rng, 5)
            return {input: h, canon: h}
        }
        const items = [0, 1].map(() => sampleOf(registry, elem, rng, opts, depth + 1))
        return {input: items.map(i => i.input), canon: items.map(i => i.canon)}
    }
    if (def.isTuple) {
        const items = def.asTuple.map(t => sampleOf(registry, t.toNumber(), rng, opts, depth + 1))
        return {input: items.map(i => i.input), canon: items.map(i => i.canon)}
    }
    if (def.isComposite) {
        const fields = def.asComposite.fields
        if (fields.length === 0) return {input: [], canon: []}
        if (fields[0].name.isNone) {
            if (fields.length === 1) return sampleOf(registry, fields[0].type.toNumber(), rng, opts, depth + 1)
            const items = fields.map(f => sampleOf(registry, f.type.toNumber(), rng, opts, depth + 1))
            return {input: items.map(i => i.input), canon: items.map(i => i.canon)}
        }
        const input: Record<string, unknown> = {}
        const canon: Record<string, Canon> = {}
        for (const f of fields) {
            const name = f.name.unwrap().toString()
            const s = sampleOf(registry, f.type.toNumber(), rng, opts, depth + 1)
            input[camel(name)] = s.input
            canon[name] = s.canon
        }
        return {input, canon}
    }
    if (def.isVariant) {
        const variants = def.asVariant.variants
        if (ty.path.length === 1 && ty.path[0].toString() === 'Option') {
            if (!opts.some) return {input: null, canon: null}
            const some = variants.find(v => v.name.toString() === 'Some')!
            return sampleOf(registry, some.fields[0].type.toNumber(), rng, opts, depth + 1)
        }
        const v = variants[opts.variant % variants.length]
        const name = v.name.toString()
        if (v.fields.length === 0) return {input: {[name]: null}, canon: {__kind: name}}
        if (v.fields[0].name.isNone && v.fields.length === 1) {
            const s = sampleOf(registry, v.fields[0].type.toNumber(), rng, opts, depth + 1)
            return {input: {[name]: s.input}, canon: {__kind: name, value: s.canon}}
        }
        if (v.fields[0].name.isNone) {
            const items = v.fields.map(f => sampleOf(registry, f.type.toNumber(), rng, opts, depth + 1))
            return {input: {[name]: items.map(i => i.input)}, canon: {__kind: name, value: items.map(i => i.canon)}}
        }
        const input: Record<string, unknown> = {}
        const canon: Record<string, Canon> = {__kind: name}
        for (const f of v.fields) {
            const fname = f.name.unwrap().toString()
            const s = sampleOf(registry, f.type.toNumber(), rng, opts, depth + 1)
            input[camel(fname)] = s.input
            canon[fname] = s.canon
        }
        return {input: {[name]: input}, canon}
    }
    throw new Error(`no sample for type ${typeId} (${def.type})`)
}

function isU8(registry: TypeRegistry, typeId: number): boolean {
    const d = registry.lookup.getSiType(typeId).def
    return d.isPrimitive && d.asPrimitive.type === 'U8'
}

/** A decoded @polkadot/types value back in canonical form, walking the metadata type alongside. */
export function canonOf(registry: TypeRegistry, typeId: number, codec: Codec, depth = 0): Canon {
    const ty = registry.lookup.getSiType(typeId)
    const def = ty.def
    const c = codec as any
    if (def.isPrimitive) {
        const p = def.asPrimitive.type
        switch (p) {
            case 'U8':
            case 'U16':
            case 'U32':
                return Number(c.toString())
            case 'U64':
            case 'U128':
                return BigInt(c.toString())
            case 'Bool':
                return c.valueOf() as boolean
            default:
                throw new Error(`canonOf: primitive ${p}`)
        }
    }
    if (def.isCompact) {
        const inner = def.asCompact.type.toNumber()
        const v = BigInt(c.unwrap().toString())
        const p = registry.lookup.getSiType(inner).def
        return p.isPrimitive && ['U8', 'U16', 'U32'].includes(p.asPrimitive.type) ? Number(v) : v
    }
    if (def.isArray || def.isSequence) {
        const elem = (def.isArray ? def.asArray.type : def.asSequence.type).toNumber()
        if (isU8(registry, elem)) return u8aToHex(codec.toU8a(true))
        return Array.from(c as Iterable<Codec>).map(x => canonOf(registry, elem, x, depth + 1))
    }
    if (def.isTuple) {
        return def.asTuple.map((t, i) => canonOf(registry, t.toNumber(), c[i], depth + 1))
    }
    if (def.isComposite) {
        const fields = def.asComposite.fields
        if (fields.length === 0) return []
        if (fields[0].name.isNone) {
            if (fields.length === 1) {
                // @polkadot/types usually unwraps a newtype; if it did not, step into it
                const inner = c instanceof Map ? Array.from(c.values())[0] : Array.isArray(c) && c.length === 1 ? c[0] : codec
                return canonOf(registry, fields[0].type.toNumber(), inner as Codec, depth + 1)
            }
            return fields.map((f, i) => canonOf(registry, f.type.toNumber(), c[i], depth + 1))
        }
        const values = Array.from((c as Map<string, Codec>).values())
        if (values.length !== fields.length) throw new Error(`canonOf: struct ${typeId} has ${values.length} values, ${fields.length} fields`)
        const out: Record<string, Canon> = {}
        fields.forEach((f, i) => {
            out[f.name.unwrap().toString()] = canonOf(registry, f.type.toNumber(), values[i], depth + 1)
        })
        return out
    }
    if (def.isVariant) {
        if (ty.path.length === 1 && ty.path[0].toString() === 'Option') {
            if (c.isNone) return null
            const some = def.asVariant.variants.find(v => v.name.toString() === 'Some')!
            return canonOf(registry, some.fields[0].type.toNumber(), c.unwrap(), depth + 1)
        }
        const name = c.type as string
        const v = def.asVariant.variants.find(v => v.name.toString() === name)
        if (v == null) throw new Error(`canonOf: variant ${name} not in type ${typeId}`)
        if (v.fields.length === 0) return {__kind: name}
        if (v.fields[0].name.isNone && v.fields.length === 1) {
            return {__kind: name, value: canonOf(registry, v.fields[0].type.toNumber(), c.inner, depth + 1)}
        }
        if (v.fields[0].name.isNone) {
            return {__kind: name, value: v.fields.map((f, i) => canonOf(registry, f.type.toNumber(), c.inner[i], depth + 1))}
        }
        const values = Array.from((c.inner as Map<string, Codec>).values())
        const out: Record<string, Canon> = {__kind: name}
        v.fields.forEach((f, i) => {
            out[f.name.unwrap().toString()] = canonOf(registry, f.type.toNumber(), values[i], depth + 1)
        })
        return out
    }
    throw new Error(`canonOf: type ${typeId} (${def.type})`)
}

/** deep equality over Canon values (bigint-aware, key-order-insensitive) */
export function canonEqual(a: Canon, b: Canon): boolean {
    if (a === b) return true
    if (typeof a !== typeof b || a === null || b === null) return false
    if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => canonEqual(x, b[i]))
    if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
        const ka = Object.keys(a).sort()
        const kb = Object.keys(b).sort()
        return ka.length === kb.length && ka.every((k, i) => k === kb[i] && canonEqual(a[k], (b as any)[k]))
    }
    return false
}

export function showCanon(v: Canon): string {
    return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x))
}

/**
 * Encodes `sample` as metadata type `typeId` with @polkadot/types and asserts that the bytes decode back
 * to the same canonical value (createType zero-fills misspelled fields without an error).
 */
export function encodeChecked(registry: TypeRegistry, typeId: number, sample: Sample): Uint8Array {
    const typeName = registry.createLookupType(typeId)
    const bytes = registry.createType(typeName as any, sample.input).toU8a()
    const back = canonOf(registry, typeId, registry.createType(typeName as any, bytes))
    if (!canonEqual(back, sample.canon)) {
        throw new Error(`round trip of type ${typeId} failed:\n  sample ${showCanon(sample.canon)}\n  decoded ${showCanon(back)}`)
    }
    return bytes
}

// ---------------------------------------------------------------- System.Events framing

export interface EncodedEvent {
    palletIndex: number
    variantIndex: number
    /** the concatenated encoded fields */
    data: Uint8Array
    /** extrinsic index for the ApplyExtrinsic phase; null for Initialization */
    extrinsic?: number | null
}

/** `Vec<EventRecord{phase, event, topics}>` bytes, one record per event, no topics. */
export function eventsStorageValue(events: EncodedEvent[]): Uint8Array {
    const parts: Uint8Array[] = [compactToU8a(events.length)]
    for (const e of events) {
        if (e.extrinsic == null) {
            parts.push(new Uint8Array([1])) // Phase::Finalization
        } else {
            const idx = new Uint8Array(5)
            idx[0] = 0 // Phase::ApplyExtrinsic(u32)
            new DataView(idx.buffer).setUint32(1, e.extrinsic, true)
            parts.push(idx)
        }
        parts.push(new Uint8Array([e.palletIndex, e.variantIndex]))
        parts.push(e.data)
        parts.push(compactToU8a(0)) // topics
    }
    return u8aConcat(...parts)
}

/** Decodes `System.Events` bytes with @polkadot/types (an independent check of the framing). */
export function polkadotEventRecords(spec: RealSpec, value: Uint8Array): {section: string; method: string; data: Uint8Array}[] {
    const item = spec.storageItem('System', 'Events')
    if (item == null) throw new Error('System.Events not found')
    const recs = spec.registry.createType(spec.registry.createLookupType(item.valueTypeId) as any, value) as any
    return Array.from(recs as Iterable<any>).map(r => ({
        section: r.event.section as string,
        method: r.event.method as string,
        data: u8aConcat(...Array.from(r.event.data as Iterable<Codec>).map(d => d.toU8a())),
    }))
}

export interface BlockInfo {
    height: number
    hash: string
    timestamp: number
}

export function blockHash(height: number): string {
    return '0x' + height.toString(16).padStart(8, '0') + 'ab'.repeat(28)
}

/**
 * `System.Events` bytes → the processor's `Event` objects: substrate-data's `decodeEvents` (the exact
 * function the RPC data source uses), then `toJSON`'d args on substrate-processor's own `Event` class.
 */
export function processorEvents(runtime: Runtime, eventsValue: Uint8Array | string, block: BlockInfo): ProcessorEvent[] {
    const header = new ProcessorBlockHeader(runtime, runtime, {
        height: block.height,
        hash: block.hash,
        parentHash: blockHash(Math.max(0, block.height - 1)),
        specName: runtime.specName,
        specVersion: runtime.specVersion,
        implName: runtime.implName,
        implVersion: runtime.implVersion,
        timestamp: block.timestamp,
    } as any)
    const hex = typeof eventsValue === 'string' ? eventsValue : u8aToHex(eventsValue)
    return decodeEvents(runtime, hex).map(e => {
        const ev = new ProcessorEvent(header, e.index)
        ev.name = e.name
        if (e.args != null) ev.args = toJSON(e.args)
        ev.phase = e.phase
        if (e.extrinsicIndex != null) ev.extrinsicIndex = e.extrinsicIndex
        ev.topics = e.topics
        return ev
    })
}

// ---------------------------------------------------------------- storage keys and a fake node

function twox128(s: string): Uint8Array {
    return xxhashAsU8a(s, 128)
}

/** storage key of a plain value */
export function plainKey(pallet: string, item: string): string {
    return u8aToHex(u8aConcat(twox128(pallet), twox128(item)))
}

/** storage key of a Twox64Concat map entry with an already-encoded key */
export function twox64ConcatKey(pallet: string, item: string, encodedKey: Uint8Array): string {
    return u8aToHex(u8aConcat(twox128(pallet), twox128(item), xxhashAsU8a(encodedKey, 64), encodedKey))
}

export function u64le(v: bigint): Uint8Array {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, v, true)
    return b
}

/** An in-memory node answering the storage RPC methods the subsquid runtime uses, at one block hash. */
export class FakeRpc {
    readonly calls: {method: string; params: unknown[]}[] = []
    private data = new Map<string, string>()

    constructor(readonly blockHash: string) {}

    set(key: string, value: Uint8Array | string): void {
        this.data.set(key.toLowerCase(), typeof value === 'string' ? value : u8aToHex(value))
    }

    private checkHash(h: unknown): void {
        if (h !== this.blockHash) throw new Error(`storage read at ${String(h)}, expected ${this.blockHash}`)
    }

    private keysWithPrefix(prefix: string): string[] {
        return [...this.data.keys()].filter(k => k.startsWith(prefix.toLowerCase())).sort()
    }

    async call(method: string, params: unknown[] = []): Promise<any> {
        this.calls.push({method, params})
        switch (method) {
            case 'state_getStorageAt': {
                this.checkHash(params[1])
                return this.data.get(String(params[0]).toLowerCase()) ?? null
            }
            case 'state_getKeys': {
                this.checkHash(params[1])
                return this.keysWithPrefix(String(params[0]))
            }
            case 'state_getKeysPaged': {
                const [prefix, count, startKey, hash] = params as [string, number, string | null, string]
                this.checkHash(hash)
                return this.keysWithPrefix(prefix)
                    .filter(k => startKey == null || k > startKey.toLowerCase())
                    .slice(0, count)
            }
            case 'state_queryStorageAt': {
                const [keys, hash] = params as [string[], string]
                this.checkHash(hash)
                return [{block: hash, changes: keys.map(k => [k, this.data.get(k.toLowerCase()) ?? null])}]
            }
            default:
                throw new Error(`FakeRpc: unsupported method ${method}`)
        }
    }

    async batchCall(batch: {method: string; params?: unknown[]}[]): Promise<any[]> {
        return Promise.all(batch.map(b => this.call(b.method, b.params)))
    }
}

export {hexToU8a, u8aToHex, u8aToU8a, u8aConcat}

// ---------------------------------------------------------------- editing a metadata copy (fake runtimes)

export interface SqdField {
    name?: string | null
    type: number
    typeName?: string | null
    docs: string[]
}

function sqdV14(md: SqdMetadata): any {
    if (md.__kind !== 'V14') throw new Error(`expected V14 metadata, got ${md.__kind}`)
    return md.value
}

/** The (mutable) variant of `Pallet.Event` inside a subsquid metadata copy. */
export function sqdEventVariant(md: SqdMetadata, pallet: string, event: string): {name: string; index: number; fields: SqdField[]} {
    const v14 = sqdV14(md)
    const p = v14.pallets.find((p: any) => p.name === pallet)
    if (p == null || p.events == null) throw new Error(`no events for ${pallet}`)
    const ty = v14.lookup.types[p.events.type].type
    const v = ty.def.value.variants.find((v: any) => v.name === event)
    if (v == null) throw new Error(`no ${pallet}.${event}`)
    return v
}

/** The (mutable) composite fields of a storage item's value type inside a subsquid metadata copy. */
export function sqdStorageValueFields(md: SqdMetadata, pallet: string, item: string): SqdField[] {
    const v14 = sqdV14(md)
    const p = v14.pallets.find((p: any) => p.name === pallet)
    const it = p?.storage?.items.find((i: any) => i.name === item)
    if (it == null) throw new Error(`no storage ${pallet}.${item}`)
    const ti = it.type.__kind === 'Plain' ? it.type.value : it.type.value
    const def = v14.lookup.types[ti].type.def
    if (def.__kind !== 'Composite') throw new Error(`${pallet}.${item} value is ${def.__kind}, not a composite`)
    return def.value.fields
}
