/**
 * Builds SCALE-encoded V14 runtime metadata ("meta" magic + version byte 14) from a TypeTable, with @polkadot/types.
 */
import {TypeRegistry} from '@polkadot/types'
import {u8aConcat, stringToU8a} from '@polkadot/util'
import type {RuntimeDesc} from './desc'
import type {PortableDef, TypeTable} from './registry'

const PRIM: {[p: string]: string} = {
    bool: 'Bool',
    char: 'Char',
    str: 'Str',
    u8: 'U8',
    u16: 'U16',
    u32: 'U32',
    u64: 'U64',
    u128: 'U128',
    u256: 'U256',
    i8: 'I8',
    i16: 'I16',
    i32: 'I32',
    i64: 'I64',
    i128: 'I128',
    i256: 'I256',
}

function defJson(def: PortableDef): any {
    switch (def.kind) {
        case 'composite':
            return {Composite: {fields: def.fields.map(f => ({name: f.name, type: f.type, typeName: f.typeName, docs: []}))}}
        case 'variant':
            return {
                Variant: {
                    variants: def.variants.map(v => ({
                        name: v.name,
                        index: v.index,
                        fields: v.fields.map(f => ({name: f.name, type: f.type, typeName: f.typeName, docs: []})),
                        docs: [],
                    })),
                },
            }
        case 'sequence':
            return {Sequence: {type: def.type}}
        case 'array':
            return {Array: {len: def.len, type: def.type}}
        case 'tuple':
            return {Tuple: def.types}
        case 'primitive':
            return {Primitive: PRIM[def.prim]}
        case 'compact':
            return {Compact: {type: def.type}}
    }
}

export function buildMetadataV14(desc: RuntimeDesc, table: TypeTable): Uint8Array {
    let registry = new TypeRegistry()
    let lookup = {
        types: table.types.map((t, id) => ({
            id,
            type: {path: t.path, params: t.params.map(p => ({name: p.name, type: p.type})), def: defJson(t.def), docs: []},
        })),
    }
    let pallets = desc.pallets.map((p, i) => {
        let pt = table.pallets[i]
        return {
            name: p.name,
            storage: p.storage
                ? {
                      prefix: p.name,
                      items: p.storage.map(s => ({
                          name: s.name,
                          modifier: s.modifier,
                          type: s.hashers
                              ? {Map: {hashers: s.hashers, key: table.resolve(s.key!), value: table.resolve(s.value)}}
                              : {Plain: table.resolve(s.value)},
                          fallback: s.fallback,
                          docs: [],
                      })),
                  }
                : null,
            calls: pt.calls != null ? {type: pt.calls} : null,
            events: pt.events != null ? {type: pt.events} : null,
            constants: [],
            errors: null,
            index: p.index,
        }
    })
    let extrinsic = {
        type: table.uncheckedExtrinsic,
        version: desc.extrinsic.version,
        signedExtensions: desc.extrinsic.signedExtensions.map(e => ({
            identifier: e.identifier,
            type: table.resolve(e.type),
            additionalSigned: table.resolve(e.additionalSigned),
        })),
    }
    let md: any = registry.createType('MetadataV14', {lookup, pallets, extrinsic, type: table.runtime})
    let body = md.toU8a()
    // createType zero-fills what it does not understand: check that the type table survived intact
    let back = md.lookup.types
    if (back.length !== table.types.length) throw new Error('metadata lookup lost types')
    for (let i = 0; i < back.length; i++) {
        let kind = back[i].type.def.type
        let want = table.types[i].def.kind
        if (kind.toLowerCase() !== want) throw new Error(`metadata type ${i}: built ${kind}, wanted ${want}`)
    }
    if (md.pallets.length !== desc.pallets.length) throw new Error('metadata lost pallets')
    return u8aConcat(stringToU8a('meta'), new Uint8Array([14]), body)
}
