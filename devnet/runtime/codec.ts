/**
 * The devnet's own SCALE encoder, compiled from a portable type table (devnet/runtime/registry.ts). Values are the
 * JS values of devnet/model.ts (DevValue): bigint / number / decimal string for integers, 0x-hex for byte arrays,
 * null for None, objects with the metadata's snake_case field names for structs, `'Name'`, `{__kind: 'Name', ...}`
 * or `{Name: value}` for enum variants. Anything that does not fit the type throws (no silent zero-filling).
 */
import type {PortableDef, PortableType} from './registry'

export class ScaleWriter {
    buf: Uint8Array
    pos = 0

    constructor(capacity = 1024) {
        this.buf = new Uint8Array(capacity)
    }

    ensure(n: number): void {
        if (this.pos + n <= this.buf.length) return
        let cap = this.buf.length * 2
        while (cap < this.pos + n) cap *= 2
        let b = new Uint8Array(cap)
        b.set(this.buf.subarray(0, this.pos))
        this.buf = b
    }

    u8(v: number): void {
        this.ensure(1)
        this.buf[this.pos++] = v
    }

    u16(v: number): void {
        this.ensure(2)
        this.buf[this.pos++] = v & 0xff
        this.buf[this.pos++] = (v >>> 8) & 0xff
    }

    u32(v: number): void {
        this.ensure(4)
        this.buf[this.pos++] = v & 0xff
        this.buf[this.pos++] = (v >>> 8) & 0xff
        this.buf[this.pos++] = (v >>> 16) & 0xff
        this.buf[this.pos++] = (v >>> 24) & 0xff
    }

    /** little-endian unsigned integer of `bytes` bytes from a non-negative bigint that fits */
    bigUint(v: bigint, bytes: number): void {
        this.ensure(bytes)
        let end = this.pos + bytes
        while (this.pos < end) {
            let lo = Number(v & 0xffffffffn)
            v >>= 32n
            for (let i = 0; i < 4 && this.pos < end; i++) {
                this.buf[this.pos++] = lo & 0xff
                lo >>>= 8
            }
        }
    }

    bytes(b: Uint8Array): void {
        this.ensure(b.length)
        this.buf.set(b, this.pos)
        this.pos += b.length
    }

    compact(v: number | bigint): void {
        if (typeof v === 'number' && v < 0x40000000) {
            if (v < 0x40) this.u8(v << 2)
            else if (v < 0x4000) this.u16((v << 2) | 1)
            else this.u32(((v << 2) | 2) >>> 0)
            return
        }
        let b = BigInt(v)
        if (b < 0x40000000n) return this.compact(Number(b))
        let len = 0
        for (let x = b; x > 0n; x >>= 8n) len++
        if (len < 4) len = 4
        if (len > 67) throw new Error(`compact value too large: ${b}`)
        this.u8(((len - 4) << 2) | 3)
        this.bigUint(b, len)
    }

    /** hex string "0x…" of the given length in bytes (or any length when len is undefined) */
    hex(s: string, len?: number, what = 'bytes'): void {
        if (typeof s !== 'string' || !s.startsWith('0x') || (s.length & 1) !== 0) {
            throw new Error(`expected 0x-hex ${what}, got ${describe(s)}`)
        }
        let n = (s.length - 2) >> 1
        if (len != null && n !== len) throw new Error(`expected ${len} bytes for ${what}, got ${n}`)
        this.ensure(n)
        for (let i = 0; i < n; i++) {
            let hi = HEX_VAL[s.charCodeAt(2 + 2 * i)]
            let lo = HEX_VAL[s.charCodeAt(3 + 2 * i)]
            if (hi < 0 || lo < 0 || hi === undefined || lo === undefined) throw new Error(`bad hex: ${s.slice(0, 80)}`)
            this.buf[this.pos++] = (hi << 4) | lo
        }
    }

    finish(): Uint8Array {
        return this.buf.slice(0, this.pos)
    }

    reset(): void {
        this.pos = 0
    }
}

const HEX_VAL: number[] = (() => {
    let t = new Array(128).fill(-1)
    for (let i = 0; i < 10; i++) t[48 + i] = i
    for (let i = 0; i < 6; i++) {
        t[97 + i] = 10 + i
        t[65 + i] = 10 + i
    }
    return t
})()

export function describe(v: unknown): string {
    if (typeof v === 'bigint') return `${v}n`
    if (v instanceof Uint8Array) return `Uint8Array(${v.length})`
    try {
        let s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))
        if (s === undefined) return String(v)
        return s.length > 120 ? s.slice(0, 117) + '...' : s
    } catch {
        return String(v)
    }
}

export type Encoder = (w: ScaleWriter, v: any) => void

const UINT_BYTES: {[p: string]: number} = {u8: 1, u16: 2, u32: 4, u64: 8, u128: 16, u256: 32}
const INT_BYTES: {[p: string]: number} = {i8: 1, i16: 2, i32: 4, i64: 8, i128: 16, i256: 32}

function toBigInt(v: unknown, what: string): bigint {
    if (typeof v === 'bigint') return v
    if (typeof v === 'number') {
        if (!Number.isSafeInteger(v)) throw new Error(`expected an integer ${what}, got ${v}`)
        return BigInt(v)
    }
    if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return BigInt(v)
    throw new Error(`expected an integer ${what}, got ${describe(v)}`)
}

function uintEncoder(prim: string): Encoder {
    let bytes = UINT_BYTES[prim]
    let max = (1n << BigInt(bytes * 8)) - 1n
    if (bytes <= 4) {
        let maxN = Number(max)
        return (w, v) => {
            let n = typeof v === 'number' ? v : Number(toBigInt(v, prim))
            if (!Number.isInteger(n) || n < 0 || n > maxN) throw new Error(`${describe(v)} does not fit ${prim}`)
            if (bytes === 1) w.u8(n)
            else if (bytes === 2) w.u16(n)
            else w.u32(n)
        }
    }
    return (w, v) => {
        let b = toBigInt(v, prim)
        if (b < 0n || b > max) throw new Error(`${describe(v)} does not fit ${prim}`)
        w.bigUint(b, bytes)
    }
}

function intEncoder(prim: string): Encoder {
    let bytes = INT_BYTES[prim]
    let bits = BigInt(bytes * 8)
    let min = -(1n << (bits - 1n))
    let max = (1n << (bits - 1n)) - 1n
    return (w, v) => {
        let b = toBigInt(v, prim)
        if (b < min || b > max) throw new Error(`${describe(v)} does not fit ${prim}`)
        w.bigUint(BigInt.asUintN(bytes * 8, b), bytes)
    }
}

const textEncoder = new TextEncoder()

function primEncoder(prim: string): Encoder {
    if (prim in UINT_BYTES) return uintEncoder(prim)
    if (prim in INT_BYTES) return intEncoder(prim)
    switch (prim) {
        case 'bool':
            return (w, v) => {
                if (typeof v !== 'boolean') throw new Error(`expected boolean, got ${describe(v)}`)
                w.u8(v ? 1 : 0)
            }
        case 'str':
            return (w, v) => {
                if (typeof v !== 'string') throw new Error(`expected string, got ${describe(v)}`)
                let b = textEncoder.encode(v)
                w.compact(b.length)
                w.bytes(b)
            }
        case 'char':
            return (w, v) => {
                if (typeof v !== 'string' || [...v].length !== 1) throw new Error(`expected a char, got ${describe(v)}`)
                w.u32(v.codePointAt(0)!)
            }
        default:
            throw new Error(`unsupported primitive ${prim}`)
    }
}

function toCamel(s: string): string {
    return s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())
}

function isU8(types: PortableType[], ti: number): boolean {
    let d = types[ti].def
    return d.kind === 'primitive' && d.prim === 'u8'
}

export function isOptionType(t: PortableType): boolean {
    return t.path.length === 1 && t.path[0] === 'Option' && t.def.kind === 'variant'
}

/** Compiles (lazily) one encoder per type id of the table. */
export class EncoderSet {
    private encoders: (Encoder | undefined)[]

    constructor(private types: PortableType[]) {
        this.encoders = new Array(types.length)
    }

    get(ti: number): Encoder {
        let e = this.encoders[ti]
        if (e) return e
        // placeholder for recursive types
        let real: Encoder | undefined
        this.encoders[ti] = (w, v) => real!(w, v)
        real = this.compile(ti)
        this.encoders[ti] = real
        return real
    }

    private compile(ti: number): Encoder {
        let t = this.types[ti]
        let def: PortableDef = t.def
        let name = t.path.length ? t.path[t.path.length - 1] : `type ${ti}`
        switch (def.kind) {
            case 'primitive':
                return primEncoder(def.prim)
            case 'compact': {
                let inner = this.types[def.type].def
                if (inner.kind === 'tuple' && inner.types.length === 0) return () => {}
                return (w, v) => {
                    let b = typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : toBigInt(v, 'compact')
                    if (b < 0) throw new Error(`negative compact ${describe(v)}`)
                    w.compact(b)
                }
            }
            case 'array': {
                let len = def.len
                if (isU8(this.types, def.type)) {
                    return (w, v) => {
                        if (v instanceof Uint8Array) {
                            if (v.length !== len) throw new Error(`expected ${len} bytes, got ${v.length}`)
                            w.bytes(v)
                        } else {
                            w.hex(v, len, `[u8; ${len}]`)
                        }
                    }
                }
                let item = def.type
                return (w, v) => {
                    if (!Array.isArray(v) || v.length !== len) throw new Error(`expected array of ${len}, got ${describe(v)}`)
                    let enc = this.get(item)
                    for (let x of v) enc(w, x)
                }
            }
            case 'sequence': {
                if (isU8(this.types, def.type)) {
                    return (w, v) => {
                        if (v instanceof Uint8Array) {
                            w.compact(v.length)
                            w.bytes(v)
                        } else {
                            if (typeof v !== 'string' || !v.startsWith('0x')) throw new Error(`expected 0x-hex bytes, got ${describe(v)}`)
                            w.compact((v.length - 2) >> 1)
                            w.hex(v)
                        }
                    }
                }
                let item = def.type
                return (w, v) => {
                    if (!Array.isArray(v)) throw new Error(`expected an array, got ${describe(v)}`)
                    let enc = this.get(item)
                    w.compact(v.length)
                    for (let x of v) enc(w, x)
                }
            }
            case 'tuple': {
                let items = def.types
                if (items.length === 0) {
                    return (_w, v) => {
                        if (v != null && !(Array.isArray(v) && v.length === 0)) throw new Error(`expected (), got ${describe(v)}`)
                    }
                }
                return (w, v) => {
                    if (!Array.isArray(v) || v.length !== items.length) {
                        throw new Error(`expected a tuple of ${items.length}, got ${describe(v)}`)
                    }
                    for (let i = 0; i < items.length; i++) this.get(items[i])(w, v[i])
                }
            }
            case 'composite':
                return this.fieldsEncoder(def.fields, name)
            case 'variant': {
                if (isOptionType(t)) {
                    let some = def.variants.find(v => v.name === 'Some')!
                    let innerTi = some.fields[0].type
                    let inner = this.types[innerTi].def
                    if (inner.kind === 'primitive' && inner.prim === 'bool') throw new Error('Option<bool> is not supported')
                    return (w, v) => {
                        if (v == null) {
                            w.u8(0)
                        } else {
                            w.u8(1)
                            this.get(innerTi)(w, v)
                        }
                    }
                }
                let byName = new Map<string, {index: number; enc: Encoder; unit: boolean}>()
                for (let variant of def.variants) {
                    byName.set(variant.name, {
                        index: variant.index,
                        enc: variant.fields.length ? this.fieldsEncoder(variant.fields, `${name}::${variant.name}`, true) : () => {},
                        unit: variant.fields.length === 0,
                    })
                }
                return (w, v) => {
                    let kind: string
                    let payload: any
                    if (typeof v === 'string') {
                        kind = v
                        payload = undefined
                    } else if (v != null && typeof v === 'object' && typeof v.__kind === 'string') {
                        kind = v.__kind
                        if ('value' in v) {
                            payload = v.value
                        } else {
                            let {__kind, ...rest} = v
                            payload = Object.keys(rest).length ? rest : undefined
                        }
                    } else if (v != null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1) {
                        kind = Object.keys(v)[0]
                        payload = v[kind]
                    } else {
                        throw new Error(`expected a variant of ${name}, got ${describe(v)}`)
                    }
                    let variant = byName.get(kind)
                    if (!variant) throw new Error(`${name} has no variant '${kind}'`)
                    w.u8(variant.index)
                    if (variant.unit) {
                        if (payload != null) throw new Error(`${name}::${kind} has no fields, got ${describe(payload)}`)
                    } else {
                        variant.enc(w, payload)
                    }
                }
            }
        }
    }

    fieldsEncoder(fields: {name: string | null; type: number}[], what: string, inVariant = false): Encoder {
        if (fields.length === 0) {
            return (_w, v) => {
                if (v != null && !(typeof v === 'object' && Object.keys(v).length === 0) && !(Array.isArray(v) && v.length === 0)) {
                    throw new Error(`${what} has no fields, got ${describe(v)}`)
                }
            }
        }
        if (fields[0].name == null) {
            let tis = fields.map(f => f.type)
            if (tis.length === 1) {
                let ti = tis[0]
                return (w, v) => this.get(ti)(w, v)
            }
            return (w, v) => {
                if (!Array.isArray(v) || v.length !== tis.length) {
                    throw new Error(`${what}: expected ${tis.length} values, got ${describe(v)}`)
                }
                for (let i = 0; i < tis.length; i++) this.get(tis[i])(w, v[i])
            }
        }
        let names = fields.map(f => f.name!)
        let camel = names.map(toCamel)
        let tis = fields.map(f => f.type)
        let known = new Set([...names, ...camel, ...(inVariant ? ['__kind'] : [])])
        return (w, v) => {
            if (v == null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what}: expected an object, got ${describe(v)}`)
            for (let i = 0; i < names.length; i++) {
                let x = v[names[i]]
                if (x === undefined) x = v[camel[i]]
                if (x === undefined) throw new Error(`${what}: missing field '${names[i]}' in ${describe(v)}`)
                try {
                    this.get(tis[i])(w, x)
                } catch (e: any) {
                    throw new Error(`${what}.${names[i]}: ${e.message}`)
                }
            }
            for (let k in v) {
                if (!known.has(k)) throw new Error(`${what}: unknown field '${k}'`)
            }
        }
    }
}

/** SCALE compact length prefix + concatenation helper */
export function encodeCompact(n: number | bigint): Uint8Array {
    let w = new ScaleWriter(17)
    w.compact(n)
    return w.finish()
}

export function toHex(b: Uint8Array): string {
    return '0x' + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

export function fromHex(s: string): Uint8Array {
    if (typeof s !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(s)) throw new Error(`bad hex ${describe(s)}`)
    return new Uint8Array(Buffer.from(s.slice(2), 'hex'))
}
