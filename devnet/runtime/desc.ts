/**
 * A compact, hand-readable description of a (subset of a) Substrate runtime, from which the devnet builds its
 * V14 metadata and its SCALE encoders.
 *
 * Types are written as small type expressions:
 *   u8 u16 u32 u64 u128 i8..i128 bool str  |  Compact<T>  |  Vec<T>  |  Option<T>  |  [T; N]  |  (A, B)  |  ()
 *   | Name   (a named composite / variant from `RuntimeDesc.types`)
 *   | RuntimeEvent | RuntimeCall   (the outer enums, generated from the pallets)
 * Field lists are either `{name: expr}` (named fields, order as written) or `[expr, ...]` (unnamed fields).
 */

export type TypeExpr = string

export type Fields = {[name: string]: TypeExpr} | TypeExpr[]

export interface VariantDesc {
    index: number
    name: string
    fields?: Fields
}

/** generic type parameters (name -> type, null when the parameter has no type) */
export type TypeParams = {[name: string]: TypeExpr | null}

export type NamedType =
    | {path: string; params?: TypeParams; fields: Fields}
    | {path: string; params?: TypeParams; variants: VariantDesc[]}
    /** sp_runtime::generic::era::Era: Immortal + 255 Mortal variants, generated */
    | {path: string; params?: TypeParams; builtin: 'Era'}

export type StorageHasher = 'Blake2_128' | 'Blake2_256' | 'Blake2_128Concat' | 'Twox128' | 'Twox256' | 'Twox64Concat' | 'Identity'

export interface StorageDesc {
    name: string
    modifier: 'Optional' | 'Default'
    /** map hashers (one per key); absent for a plain value */
    hashers?: StorageHasher[]
    /** key type (a tuple when there are several hashers) */
    key?: TypeExpr
    value: TypeExpr
    /** fallback (default) value bytes, 0x-hex */
    fallback: string
}

export interface PalletDesc {
    name: string
    index: number
    /** the pallet's event enum (path as in the real runtime) */
    events?: {path: string; variants: VariantDesc[]}
    calls?: {path: string; variants: VariantDesc[]}
    storage?: StorageDesc[]
}

export interface SignedExtensionDesc {
    identifier: string
    type: TypeExpr
    additionalSigned: TypeExpr
}

export interface RuntimeDesc {
    specName: string
    implName: string
    specVersion: number
    implVersion: number
    authoringVersion: number
    transactionVersion: number
    stateVersion: number
    /** path of the generated outer types, e.g. khala_parachain_runtime::RuntimeEvent */
    runtimePath: string
    eventEnumName: string
    callEnumName: string
    extrinsic: {
        version: number
        address: TypeExpr
        signature: TypeExpr
        signedExtensions: SignedExtensionDesc[]
    }
    types: {[name: string]: NamedType}
    pallets: PalletDesc[]
}

// ---------------------------------------------------------------- type expressions

export type TypeNode =
    | {kind: 'prim'; prim: Primitive}
    | {kind: 'compact'; of: TypeNode}
    | {kind: 'seq'; of: TypeNode}
    | {kind: 'option'; of: TypeNode}
    | {kind: 'array'; of: TypeNode; len: number}
    | {kind: 'tuple'; of: TypeNode[]}
    | {kind: 'named'; name: string}

export type Primitive = 'bool' | 'char' | 'str' | 'u8' | 'u16' | 'u32' | 'u64' | 'u128' | 'u256' | 'i8' | 'i16' | 'i32' | 'i64' | 'i128' | 'i256'

export const PRIMITIVES: ReadonlySet<string> = new Set([
    'bool',
    'char',
    'str',
    'u8',
    'u16',
    'u32',
    'u64',
    'u128',
    'u256',
    'i8',
    'i16',
    'i32',
    'i64',
    'i128',
    'i256',
])

export function parseTypeExpr(src: string): TypeNode {
    let pos = 0
    function ws() {
        while (pos < src.length && /\s/.test(src[pos])) pos++
    }
    function fail(msg: string): never {
        throw new Error(`bad type expression '${src}' at ${pos}: ${msg}`)
    }
    function expect(ch: string) {
        ws()
        if (src[pos] !== ch) fail(`expected '${ch}'`)
        pos++
    }
    function ident(): string {
        ws()
        let m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(pos))
        if (!m) fail('expected identifier')
        pos += m[0].length
        return m[0]
    }
    function parse(): TypeNode {
        ws()
        let ch = src[pos]
        if (ch === '[') {
            pos++
            let of = parse()
            expect(';')
            ws()
            let m = /^[0-9]+/.exec(src.slice(pos))
            if (!m) fail('expected array length')
            pos += m[0].length
            expect(']')
            return {kind: 'array', of, len: parseInt(m[0], 10)}
        }
        if (ch === '(') {
            pos++
            let of: TypeNode[] = []
            ws()
            if (src[pos] === ')') {
                pos++
                return {kind: 'tuple', of}
            }
            for (;;) {
                of.push(parse())
                ws()
                if (src[pos] === ',') {
                    pos++
                    continue
                }
                expect(')')
                return {kind: 'tuple', of}
            }
        }
        let name = ident()
        ws()
        if (name === 'Compact' || name === 'Vec' || name === 'Option') {
            expect('<')
            let of = parse()
            expect('>')
            return {kind: name === 'Compact' ? 'compact' : name === 'Vec' ? 'seq' : 'option', of}
        }
        if (PRIMITIVES.has(name)) return {kind: 'prim', prim: name as Primitive}
        return {kind: 'named', name}
    }
    let node = parse()
    ws()
    if (pos !== src.length) fail('trailing characters')
    return node
}

export function printTypeNode(node: TypeNode): string {
    switch (node.kind) {
        case 'prim':
            return node.prim
        case 'compact':
            return `Compact<${printTypeNode(node.of)}>`
        case 'seq':
            return `Vec<${printTypeNode(node.of)}>`
        case 'option':
            return `Option<${printTypeNode(node.of)}>`
        case 'array':
            return `[${printTypeNode(node.of)}; ${node.len}]`
        case 'tuple':
            return `(${node.of.map(printTypeNode).join(', ')})`
        case 'named':
            return node.name
    }
}

export function fieldList(fields: Fields | undefined): {name: string | null; type: TypeExpr}[] {
    if (fields == null) return []
    if (Array.isArray(fields)) return fields.map(type => ({name: null, type}))
    return Object.entries(fields).map(([name, type]) => ({name, type}))
}
