/**
 * A readable rendering of an event's runtime type, for the errors that report a shape the decoder does not
 * know: `{pubkey: [u8; 32], attestationProvider: Option<enum {Root, Ias, Dcap}>, confidenceLevel: u8}`.
 * Field names are as the processor sees them (camelCase, as typegen names them); named types are expanded,
 * as deep as `MAX_DEPTH`.
 */
import type {Runtime} from '@subsquid/substrate-runtime'
import {Ti, Type, TypeKind} from '@subsquid/substrate-runtime/lib/metadata'

const MAX_DEPTH = 6

interface FieldLike {
    name?: string
    type: Ti
}

/** The runtime shape of `Pallet.Event` as text; `(no such event)` when the runtime lacks it. */
export function runtimeEventShape(runtime: Runtime, name: string): string {
    if (!runtime.hasEvent(name)) return '(no such event)'
    const def = runtime.events.get(name)
    return renderFields(runtime.description.types, def.fields, 0)
}

function renderFields(types: Type[], fields: FieldLike[], depth: number): string {
    if (fields.length === 0) return '()'
    if (fields[0].name == null) return `(${fields.map(f => render(types, f.type, depth + 1)).join(', ')})`
    return `{${fields.map(f => `${f.name}: ${render(types, f.type, depth + 1)}`).join(', ')}}`
}

function render(types: Type[], ti: Ti, depth: number): string {
    const ty = types[ti]
    if (ty == null) return `?${ti}`
    if (depth > MAX_DEPTH) return '…'
    switch (ty.kind) {
        case TypeKind.Primitive:
            return ty.primitive.toLowerCase()
        case TypeKind.Compact:
            return `Compact<${render(types, ty.type, depth + 1)}>`
        case TypeKind.Sequence:
            return `Vec<${render(types, ty.type, depth + 1)}>`
        case TypeKind.Array:
            return `[${render(types, ty.type, depth + 1)}; ${ty.len}]`
        case TypeKind.Tuple:
            return `(${ty.tuple.map(t => render(types, t, depth + 1)).join(', ')})`
        case TypeKind.Option:
            return `Option<${render(types, ty.type, depth + 1)}>`
        case TypeKind.Composite:
            // newtype wrappers (AccountId32([u8; 32]), Permill(u32)) read as what they wrap
            if (ty.fields.length === 1 && ty.fields[0].name == null) return render(types, ty.fields[0].type, depth + 1)
            return renderFields(types, ty.fields, depth)
        case TypeKind.Variant:
            return `enum {${ty.variants.map(v => (v.fields.length === 0 ? v.name : `${v.name}${renderFields(types, v.fields, depth)}`)).join(', ')}}`
        case TypeKind.BitSequence:
            return 'BitVec'
        case TypeKind.HexBytes:
            return 'Vec<u8>'
        case TypeKind.HexBytesArray:
            return `[u8; ${ty.len}]`
        default:
            return TypeKind[ty.kind] ?? `kind ${ty.kind}`
    }
}
