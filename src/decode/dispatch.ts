/**
 * The machinery shared by the per-pallet decoders: which typegen `EventType` version fits an event's
 * runtime, strictly, and once per runtime.
 *
 * Why "strictly": typegen's `.is()` matches a struct when the runtime type has *at least* the fields the
 * generated type names (extra runtime fields are ignored), and only compares number kinds. A runtime that
 * adds a field to an event (spec 1254 `PhalaBasePool.Withdrawal` gained `burnt_shares`) would then decode
 * "successfully" through the old version and silently lose the new field. So on top of `.is()` we require
 * the runtime's field names to be exactly the version's field names, recursively through structs, options,
 * tuples, arrays and enum payloads. A shape we do not know exactly is an `UnknownEventVersionError`.
 */
import type {BlockHeader as ProcessorBlockHeader, Event as ProcessorEvent} from '@subsquid/substrate-processor'
import type {Runtime} from '@subsquid/substrate-runtime'
import {Ti, Type, TypeKind} from '@subsquid/substrate-runtime/lib/metadata'
import {EventType, sts} from '../types/support'
import {UnknownEventVersionError} from './errors'
import {Hex, MiningPayload} from './model'
import {runtimeEventShape} from './shape'

/**
 * What the decoder needs from an event: the processor's `Event` (any field selection that includes
 * `name`, `args` and `block.timestamp`) satisfies it.
 */
export type DecodableEvent = Pick<ProcessorEvent, 'id' | 'index' | 'name' | 'args'> & {
    block: Pick<ProcessorBlockHeader, 'height' | 'hash' | '_runtime'> & {specVersion?: number; timestamp?: number}
}

/** What the storage readers need from a block: the processor's `BlockHeader` satisfies it. */
export type StorageBlock = Pick<ProcessorBlockHeader, 'height' | 'hash' | '_runtime'>

/** One known runtime shape of an event and how its (typegen-decoded) arguments become a payload. */
export interface VersionCase {
    /** e.g. `v1251`, or `v1254` for the hand-written shapes */
    readonly label: string
    readonly type: EventType<any>
    /** `runtime`: the event's runtime, for facts that its shape alone does not tell (see stakepool.ts) */
    readonly map: (args: any, runtime: Runtime) => MiningPayload
}

/** All known shapes of one `Pallet.Event`. */
export interface EventDecoder {
    readonly name: string
    readonly versions: readonly VersionCase[]
}

type VersionKeys<E> = Exclude<keyof E, 'name'>

/** A mapping for every version typegen generated for the event (a regenerated version is a compile error). */
export type VersionMaps<E> = {
    [K in VersionKeys<E>]: E[K] extends EventType<infer T> ? (args: sts.GetType<T>, runtime: Runtime) => MiningPayload : never
}

/** An extra, hand-written version (see basepool.ts). */
export function version<T extends sts.Type>(label: string, type: EventType<T>, map: (args: sts.GetType<T>, runtime: Runtime) => MiningPayload): VersionCase {
    return {label, type, map}
}

/**
 * Declares the decoder of one event from its typegen object (`{name, v900, v1140, ...}`), with one mapping
 * per generated version, plus optional hand-written versions.
 */
export function on<E extends {name: string}>(ev: E, maps: VersionMaps<E>, extra: VersionCase[] = []): EventDecoder {
    const versions: VersionCase[] = []
    const m = maps as unknown as Record<string, (args: any, runtime: Runtime) => MiningPayload>
    for (const [label, value] of Object.entries(ev)) {
        if (label === 'name') continue
        const type: unknown = value
        if (!(type instanceof EventType)) throw new Error(`${ev.name}.${label} is not an EventType`)
        const map = m[label]
        if (typeof map !== 'function') throw new Error(`${ev.name}: no mapping for version ${label}`)
        versions.push({label, type, map})
    }
    for (const label of Object.keys(m)) {
        if (!(label in ev)) throw new Error(`${ev.name}: mapping for unknown version ${label}`)
    }
    versions.push(...extra)
    for (const v of versions) {
        if (v.type.name !== ev.name) throw new Error(`${ev.name}: version ${v.label} is for ${v.type.name}`)
    }
    return {name: ev.name, versions}
}

// ---------------------------------------------------------------- per-runtime resolution

/** cached per runtime and event name: the matching version, or null when none matches */
const resolved = new WeakMap<Runtime, Map<string, VersionCase | null>>()

export function resolveVersion(dec: EventDecoder, event: DecodableEvent): VersionCase {
    const runtime = event.block._runtime
    let perRuntime = resolved.get(runtime)
    if (perRuntime == null) {
        perRuntime = new Map()
        resolved.set(runtime, perRuntime)
    }
    let v = perRuntime.get(dec.name)
    if (v === undefined) {
        v = findVersion(dec, event)
        perRuntime.set(dec.name, v)
    }
    if (v === null) {
        throw new UnknownEventVersionError(
            dec.name,
            runtime.specVersion ?? event.block.specVersion,
            event.block.height,
            runtime.hasEvent(dec.name)
                ? `${runtime.specName} runtime shape ${runtimeEventShape(runtime, dec.name)}; known versions: ${dec.versions.map(v => v.label).join(', ')}`
                : 'the runtime has no such event'
        )
    }
    return v
}

function findVersion(dec: EventDecoder, event: DecodableEvent): VersionCase | null {
    const runtime = event.block._runtime
    const matches = dec.versions.filter(v => v.type.is(event) && exactEventShape(runtime, dec.name, v.type))
    if (matches.length > 1) {
        // a bug in the version tables, not in the chain
        throw new Error(`${dec.name}: runtime spec ${runtime.specVersion} matches several versions (${matches.map(m => m.label).join(', ')})`)
    }
    return matches[0] ?? null
}

// ---------------------------------------------------------------- exact shape check

/** the sts type inside a typegen EventType (a private field of the generated class) */
export function eventTypeOf(t: EventType<any>): sts.Type {
    return (t as unknown as {type: sts.Type}).type
}

function exactEventShape(runtime: Runtime, name: string, t: EventType<any>): boolean {
    const def = runtime.events.get(name)
    const ty = eventTypeOf(t)
    const types = runtime.description.types
    if (def.fields.length === 0) return true
    if (def.fields[0].name == null) {
        if (def.fields.length === 1) return exactShape(types, def.fields[0].type, ty)
        return exactFieldList(types, def.fields, ty)
    }
    return exactFieldList(types, def.fields, ty)
}

interface FieldLike {
    name?: string
    type: Ti
}

/** duck-typed views of the scale-type-system classes (avoids depending on their module identity) */
interface StructLike {
    getFields(): [string, sts.Type][]
}
interface TupleLike {
    getDef(): sts.Type[]
}
interface OptionLike {
    getValue(): sts.Type
}
interface ArrayLike {
    getType(): sts.Type
}
interface EnumLike {
    getVariants(): Record<string, sts.Type | {getStruct(): sts.Type}>
}

function isFn(t: unknown, m: string): boolean {
    return t != null && typeof (t as any)[m] === 'function'
}

function exactFieldList(types: Type[], fields: FieldLike[], t: sts.Type, depth = 0): boolean {
    if (fields.length === 0) return true
    if (fields[0].name == null) {
        if (!isFn(t, 'getDef')) return true // shape already decided by .is()
        const def = (t as unknown as TupleLike).getDef()
        if (def.length !== fields.length) return false
        return fields.every((f, i) => exactShape(types, f.type, def[i], depth + 1))
    }
    if (!isFn(t, 'getFields')) return true
    const expected = new Map((t as unknown as StructLike).getFields())
    if (expected.size !== fields.length) return false
    for (const f of fields) {
        const ft = expected.get(f.name!)
        if (ft == null) return false
        if (!exactShape(types, f.type, ft, depth + 1)) return false
    }
    return true
}

/**
 * True when the runtime type `ti` has exactly the structure of `t` (field names, tuple lengths, enum
 * variant payloads), as far as `.is()` leaves it open. Primitive kinds are `.is()`'s job.
 */
export function exactShape(types: Type[], ti: Ti, t: sts.Type, depth = 0): boolean {
    if (depth > 32) return true // recursive types: .is() already matched the structure
    const ty = types[ti]
    if (ty == null) return false
    switch (ty.kind) {
        case TypeKind.Composite: {
            const fields = ty.fields
            // a newtype wrapper (e.g. Permill(u32)) is transparent
            if (fields.length === 1 && fields[0].name == null && !isFn(t, 'getDef')) {
                return exactShape(types, fields[0].type, t, depth + 1)
            }
            return exactFieldList(types, fields, t, depth)
        }
        case TypeKind.Tuple: {
            if (!isFn(t, 'getDef')) return true
            const def = (t as unknown as TupleLike).getDef()
            return def.length === ty.tuple.length && ty.tuple.every((e, i) => exactShape(types, e, def[i], depth + 1))
        }
        case TypeKind.Option:
            if (!isFn(t, 'getValue')) return true
            return exactShape(types, ty.type, (t as unknown as OptionLike).getValue(), depth + 1)
        case TypeKind.Sequence:
        case TypeKind.Array:
            if (!isFn(t, 'getType')) return true
            return exactShape(types, ty.type, (t as unknown as ArrayLike).getType(), depth + 1)
        case TypeKind.Variant: {
            if (!isFn(t, 'getVariants')) return true
            const variants = (t as unknown as EnumLike).getVariants()
            for (const v of ty.variants) {
                const vt = variants[v.name]
                if (vt == null) continue // open enums; closed ones were counted by .is()
                if (isFn(vt, 'getStruct')) {
                    if (!exactFieldList(types, v.fields, (vt as {getStruct(): sts.Type}).getStruct(), depth + 1)) return false
                } else if (v.fields.length === 1 && v.fields[0].name == null) {
                    if (!exactShape(types, v.fields[0].type, vt as sts.Type, depth + 1)) return false
                } else if (v.fields.length > 0) {
                    if (!exactFieldList(types, v.fields, vt as sts.Type, depth + 1)) return false
                }
            }
            return true
        }
        default:
            return true
    }
}

// ---------------------------------------------------------------- value helpers

/** A 32-byte account id or sr25519 public key as lowercase 0x-hex. */
export function hex32(value: string): Hex {
    if (typeof value !== 'string' || value.length !== 66 || value[0] !== '0' || value[1] !== 'x') {
        throw new Error(`expected 32 bytes as 0x-hex, got ${JSON.stringify(value)}`)
    }
    return value.toLowerCase()
}

/** `Option<T>` as typegen decodes it (undefined for None) → null */
export function orNull<T>(value: T | undefined): T | null {
    return value === undefined ? null : value
}
