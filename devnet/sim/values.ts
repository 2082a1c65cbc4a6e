/**
 * JSON ⇄ typed values for the type table of ./events: `fromJson` / `fieldsFromJson` (the event script
 * reader: decimal strings → bigint, hex checks, enums, options), `toJson` (the script writer), and
 * `checkValue` / `checkEvent` / `checkStorage` (the simulator's output checked against the Khala metadata).
 * Separate from the table itself, which is data transcribed from the metadata; this is the code over it.
 */
import type {DevEvent, DevStorageWrite, DevValue, RuntimeEra} from '../model'
import {ERA_SPEC, type Fields, type TypeDef, eventFields, storageDef} from './events'

// ---- JSON ⇄ typed values ------------------------------------------------------------------------------------

export class ValueError extends Error {
    constructor(
        public readonly path: string,
        message: string
    ) {
        super(`${path}: ${message}`)
    }
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/
const HEX4 = /^0x[0-9a-fA-F]{8}$/
const UINT = /^(0|[1-9][0-9]*)$/
const MAX: Record<string, bigint> = {
    u8: 0xffn,
    u16: 0xffffn,
    u32: 0xffffffffn,
    u64: (1n << 64n) - 1n,
    'Compact<u64>': (1n << 64n) - 1n,
    u128: (1n << 128n) - 1n,
}
const BYTES = /^0x([0-9a-f]{2})*$/

function typeName(t: TypeDef): string {
    if (typeof t === 'string') return t
    if ('option' in t) return `Option<${typeName(t.option)}>`
    if ('vec' in t) return `Vec<${typeName(t.vec)}>`
    if ('struct' in t) return 'struct'
    return `enum(${t.enum.map(v => v[0]).join('|')})`
}

function parseUint(t: 'u8' | 'u16' | 'u32' | 'u64' | 'u128' | 'Compact<u64>', json: unknown, path: string): bigint {
    let n: bigint
    if (typeof json === 'string') {
        const s = json.trim()
        if (s.startsWith('-')) throw new ValueError(path, `negative amount ${JSON.stringify(json)} for ${t}`)
        if (!UINT.test(s)) throw new ValueError(path, `expected a decimal ${t} string, got ${JSON.stringify(json)}`)
        n = BigInt(s)
    } else if (typeof json === 'number') {
        if (json < 0) throw new ValueError(path, `negative amount ${json} for ${t}`)
        if (!Number.isSafeInteger(json)) throw new ValueError(path, `expected an integer ${t} (use a decimal string above 2^53), got ${json}`)
        n = BigInt(json)
    } else if (typeof json === 'bigint') {
        if (json < 0n) throw new ValueError(path, `negative amount ${json} for ${t}`)
        n = json
    } else {
        throw new ValueError(path, `expected ${t} (decimal string), got ${json === null ? 'null' : typeof json}`)
    }
    if (n > MAX[t]) throw new ValueError(path, `${n} does not fit in ${t}`)
    return n
}

/** JSON (as in an event script: decimal strings, hex, null, {__kind}) → typed DevValue; throws ValueError naming the path */
export function fromJson(t: TypeDef, json: unknown, path: string): DevValue {
    if (typeof t === 'string') {
        switch (t) {
            case 'u8':
            case 'u16':
            case 'u32':
                return Number(parseUint(t, json, path))
            case 'u64':
            case 'Compact<u64>':
            case 'u128':
                return parseUint(t, json, path)
            case '[u8;4]':
                if (typeof json !== 'string' || !HEX4.test(json))
                    throw new ValueError(path, `expected [u8;4] as 0x-hex of 4 bytes, got ${JSON.stringify(json)}`)
                return json.toLowerCase()
            case 'bool':
                if (typeof json !== 'boolean') throw new ValueError(path, `expected bool, got ${JSON.stringify(json)}`)
                return json
            case 'AccountId32':
            case '[u8;32]':
                if (typeof json !== 'string' || !HEX32.test(json)) {
                    throw new ValueError(path, `expected ${t} as 0x-hex of 32 bytes, got ${JSON.stringify(json)}`)
                }
                return json.toLowerCase()
            case 'bytes':
                if (typeof json !== 'string' || !BYTES.test(json)) throw new ValueError(path, `expected 0x-hex bytes, got ${JSON.stringify(json)}`)
                return json.toLowerCase()
            case 'unit':
                if (json !== null) throw new ValueError(path, `expected null for (), got ${JSON.stringify(json)}`)
                return null
            case '(u32,u32)':
                if (!Array.isArray(json) || json.length !== 2) throw new ValueError(path, `expected [u32, u32], got ${JSON.stringify(json)}`)
                return [Number(parseUint('u32', json[0], `${path}[0]`)), Number(parseUint('u32', json[1], `${path}[1]`))]
        }
    }
    if ('option' in t) return json === null || json === undefined ? null : fromJson(t.option, json, path)
    if ('vec' in t) {
        if (!Array.isArray(json)) throw new ValueError(path, `expected an array (${typeName(t)}), got ${JSON.stringify(json)}`)
        return json.map((x, i) => fromJson(t.vec, x, `${path}[${i}]`))
    }
    if ('struct' in t) {
        if (json === null || typeof json !== 'object' || Array.isArray(json)) {
            throw new ValueError(path, `expected an object, got ${JSON.stringify(json)}`)
        }
        return fieldsFromJson(t.struct, json as Record<string, unknown>, path)
    }
    // enum
    if (json === null || typeof json !== 'object' || Array.isArray(json) || typeof (json as any).__kind !== 'string') {
        throw new ValueError(path, `expected an enum value {"__kind": ${t.enum.map(v => JSON.stringify(v[0])).join('|')}}, got ${JSON.stringify(json)}`)
    }
    const kind = (json as any).__kind as string
    const variant = t.enum.find(v => v[0] === kind)
    if (!variant) throw new ValueError(`${path}.__kind`, `unknown variant ${JSON.stringify(kind)} (expected ${t.enum.map(v => v[0]).join(', ')})`)
    for (const k of Object.keys(json as object)) {
        if (k !== '__kind' && k !== 'value') throw new ValueError(`${path}.${k}`, 'unknown field in enum value')
    }
    if (variant[1] === null) {
        if ((json as any).value !== undefined && (json as any).value !== null) throw new ValueError(`${path}.value`, `variant ${kind} carries no value`)
        return {__kind: kind}
    }
    if (!('value' in (json as object))) throw new ValueError(`${path}.value`, `missing value of variant ${kind}`)
    return {__kind: kind, value: fromJson(variant[1], (json as any).value, `${path}.value`)}
}

/** an object with exactly the given fields (missing → error, unknown → error) */
export function fieldsFromJson(fields: Fields, json: Record<string, unknown>, path: string): {[k: string]: DevValue} {
    const out: {[k: string]: DevValue} = {}
    for (const [name, t] of fields) {
        if (!(name in json)) {
            // an absent Option is allowed to mean None
            if (typeof t === 'object' && 'option' in t) {
                out[name] = null
                continue
            }
            throw new ValueError(`${path}.${name}`, `missing field ${name} (${typeName(t)})`)
        }
        out[name] = fromJson(t, json[name], `${path}.${name}`)
    }
    for (const k of Object.keys(json)) {
        if (!fields.some(f => f[0] === k)) {
            throw new ValueError(`${path}.${k}`, `unknown field ${k} (expected ${fields.map(f => f[0]).join(', ') || 'no fields'})`)
        }
    }
    return out
}

/** typed DevValue → JSON for a script line (u64/u128 as decimal strings) */
export function toJson(t: TypeDef, v: DevValue): unknown {
    if (typeof t === 'string') {
        if (t === 'u64' || t === 'u128' || t === 'Compact<u64>') return (v as bigint).toString()
        return v
    }
    if ('option' in t) return v === null || v === undefined ? null : toJson(t.option, v)
    if ('vec' in t) return (v as DevValue[]).map(x => toJson(t.vec, x))
    if ('struct' in t) {
        const o = v as {[k: string]: DevValue}
        const out: Record<string, unknown> = {}
        for (const [name, ft] of t.struct) out[name] = toJson(ft, o[name])
        return out
    }
    const e = v as {__kind: string; value?: DevValue}
    const variant = t.enum.find(x => x[0] === e.__kind)
    if (!variant) throw new ValueError('value', `unknown variant ${e.__kind}`)
    return variant[1] === null ? {__kind: e.__kind} : {__kind: e.__kind, value: toJson(variant[1], e.value as DevValue)}
}

/**
 * Check an already typed value (what the simulator emits) against a type; returns null when valid,
 * otherwise a message naming the path. Strict: JS types must match the conventions above.
 */
export function checkValue(t: TypeDef, v: unknown, path: string): string | null {
    if (typeof t === 'string') {
        switch (t) {
            case 'u8':
            case 'u16':
            case 'u32':
                return typeof v === 'number' && Number.isInteger(v) && v >= 0 && BigInt(v) <= MAX[t]
                    ? null
                    : `${path}: expected ${t} number, got ${String(v)} (${typeof v})`
            case 'u64':
            case 'Compact<u64>':
            case 'u128':
                return typeof v === 'bigint' && v >= 0n && v <= MAX[t] ? null : `${path}: expected ${t} bigint, got ${String(v)} (${typeof v})`
            case 'bool':
                return typeof v === 'boolean' ? null : `${path}: expected boolean`
            case '[u8;4]':
                return typeof v === 'string' && HEX4.test(v) && v === v.toLowerCase() ? null : `${path}: expected lowercase 0x-hex of 4 bytes, got ${String(v)}`
            case 'bytes':
                return typeof v === 'string' && BYTES.test(v) ? null : `${path}: expected lowercase 0x-hex bytes, got ${String(v)}`
            case 'unit':
                return v === null ? null : `${path}: expected null for ()`
            case '(u32,u32)':
                return Array.isArray(v) && v.length === 2 && v.every(x => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff)
                    ? null
                    : `${path}: expected [u32, u32]`
            default:
                return typeof v === 'string' && HEX32.test(v) && v === v.toLowerCase()
                    ? null
                    : `${path}: expected lowercase 0x-hex of 32 bytes, got ${String(v)}`
        }
    }
    if ('option' in t) return v === null ? null : checkValue(t.option, v, path)
    if ('vec' in t) {
        if (!Array.isArray(v)) return `${path}: expected array`
        for (let i = 0; i < v.length; i++) {
            const e = checkValue(t.vec, v[i], `${path}[${i}]`)
            if (e) return e
        }
        return null
    }
    if ('struct' in t) {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return `${path}: expected object`
        return checkFields(t.struct, v as Record<string, unknown>, path)
    }
    if (v === null || typeof v !== 'object') return `${path}: expected enum value`
    const kind = (v as any).__kind
    const variant = t.enum.find(x => x[0] === kind)
    if (!variant) return `${path}: unknown variant ${String(kind)}`
    if (variant[1] === null) return Object.keys(v).length === 1 ? null : `${path}: unit variant ${kind} with extra keys`
    if (Object.keys(v).length !== 2) return `${path}: variant ${kind} must be {__kind, value}`
    return checkValue(variant[1], (v as any).value, `${path}.value`)
}

export function checkFields(fields: Fields, o: Record<string, unknown>, path: string): string | null {
    const keys = Object.keys(o)
    if (keys.length !== fields.length || fields.some(([n]) => !(n in o))) {
        return `${path}: fields {${keys.join(', ')}} differ from {${fields.map(f => f[0]).join(', ')}}`
    }
    for (const [name, t] of fields) {
        const e = checkValue(t, o[name], `${path}.${name}`)
        if (e) return e
    }
    return null
}

/** null if the event matches the era's table exactly, otherwise why not */
export function checkEvent(era: RuntimeEra, ev: DevEvent): string | null {
    const fields = eventFields(era, ev.pallet, ev.name)
    if (!fields) return `${ev.pallet}.${ev.name}: no such event in era ${era} (spec ${ERA_SPEC[era]})`
    return checkFields(fields, ev.args, `${ev.pallet}.${ev.name}`)
}

export function checkStorage(era: RuntimeEra, w: DevStorageWrite): string | null {
    const def = storageDef(era, w.pallet, w.item)
    const name = `${w.pallet}.${w.item}`
    if (!def) return `${name}: storage item not known in era ${era}`
    if (w.keys.length !== def.keys.length) return `${name}: expected ${def.keys.length} keys, got ${w.keys.length}`
    for (let i = 0; i < def.keys.length; i++) {
        const e = checkValue(def.keys[i], w.keys[i], `${name}.keys[${i}]`)
        if (e) return e
    }
    if (w.value === null) return null
    return checkValue(def.value, w.value, `${name}.value`)
}
