/**
 * Compiles a RuntimeDesc into a portable type table (the `lookup` of V14 metadata) with deterministic type ids.
 */
import {fieldList, Fields, parseTypeExpr, printTypeNode, RuntimeDesc, TypeNode, VariantDesc} from './desc'

export interface PortableField {
    name: string | null
    type: number
    typeName: string | null
}

export interface PortableVariant {
    name: string
    index: number
    fields: PortableField[]
}

export type PortableDef =
    | {kind: 'composite'; fields: PortableField[]}
    | {kind: 'variant'; variants: PortableVariant[]}
    | {kind: 'sequence'; type: number}
    | {kind: 'array'; len: number; type: number}
    | {kind: 'tuple'; types: number[]}
    | {kind: 'primitive'; prim: string}
    | {kind: 'compact'; type: number}

export interface PortableType {
    path: string[]
    params: {name: string; type: number | null}[]
    def: PortableDef
}

export interface PalletTypes {
    name: string
    index: number
    /** pallet event enum type id */
    events?: number
    calls?: number
}

export class TypeTable {
    readonly types: PortableType[] = []
    private byExpr = new Map<string, number>()
    private byName = new Map<string, number>()
    readonly pallets: PalletTypes[] = []
    runtimeEvent!: number
    runtimeCall!: number
    runtime!: number
    uncheckedExtrinsic!: number

    constructor(readonly desc: RuntimeDesc) {
        this.build()
    }

    private add(t: PortableType): number {
        this.types.push(t)
        return this.types.length - 1
    }

    private reserve(): number {
        return this.add({path: [], params: [], def: {kind: 'tuple', types: []}})
    }

    resolve(expr: string): number {
        return this.node(parseTypeExpr(expr))
    }

    private node(n: TypeNode): number {
        if (n.kind === 'named') return this.named(n.name)
        let key = printTypeNode(n)
        let known = this.byExpr.get(key)
        if (known != null) return known
        let id: number
        switch (n.kind) {
            case 'prim':
                id = this.add({path: [], params: [], def: {kind: 'primitive', prim: n.prim}})
                break
            case 'compact': {
                let of = this.node(n.of)
                id = this.add({path: [], params: [], def: {kind: 'compact', type: of}})
                break
            }
            case 'seq': {
                let of = this.node(n.of)
                id = this.add({path: [], params: [], def: {kind: 'sequence', type: of}})
                break
            }
            case 'array': {
                let of = this.node(n.of)
                id = this.add({path: [], params: [], def: {kind: 'array', len: n.len, type: of}})
                break
            }
            case 'tuple': {
                let types = n.of.map(x => this.node(x))
                id = this.add({path: [], params: [], def: {kind: 'tuple', types}})
                break
            }
            case 'option': {
                let of = this.node(n.of)
                id = this.add({
                    path: ['Option'],
                    params: [{name: 'T', type: of}],
                    def: {
                        kind: 'variant',
                        variants: [
                            {name: 'None', index: 0, fields: []},
                            {name: 'Some', index: 1, fields: [{name: null, type: of, typeName: null}]},
                        ],
                    },
                })
                break
            }
        }
        this.byExpr.set(key, id)
        return id
    }

    private named(name: string): number {
        let known = this.byName.get(name)
        if (known != null) return known
        if (name === 'RuntimeEvent') return this.runtimeEvent
        if (name === 'RuntimeCall') return this.runtimeCall
        if (name === 'Runtime') return this.runtime
        let t = this.desc.types[name]
        if (!t) throw new Error(`unknown type '${name}' in runtime ${this.desc.specName}/${this.desc.specVersion}`)
        let id = this.reserve()
        this.byName.set(name, id)
        let path = t.path ? t.path.split('::') : []
        let params = Object.entries(t.params || {}).map(([n, e]) => ({name: n, type: e == null ? null : this.resolve(e)}))
        if ('builtin' in t) {
            if (t.builtin !== 'Era') throw new Error(`unknown builtin ${t.builtin}`)
            let u8 = this.resolve('u8')
            let variants: PortableVariant[] = [{name: 'Immortal', index: 0, fields: []}]
            for (let i = 1; i < 256; i++) {
                variants.push({name: `Mortal${i}`, index: i, fields: [{name: null, type: u8, typeName: null}]})
            }
            this.types[id] = {path, params, def: {kind: 'variant', variants}}
        } else if ('fields' in t) {
            this.types[id] = {path, params, def: {kind: 'composite', fields: this.fields(t.fields)}}
        } else {
            this.types[id] = {path, params, def: {kind: 'variant', variants: this.variants(t.variants)}}
        }
        return id
    }

    private fields(fields: Fields | undefined): PortableField[] {
        return fieldList(fields).map(f => ({name: f.name, type: this.resolve(f.type), typeName: f.type}))
    }

    private variants(vs: VariantDesc[]): PortableVariant[] {
        return vs.map(v => ({name: v.name, index: v.index, fields: this.fields(v.fields)}))
    }

    private build(): void {
        let d = this.desc
        // outer enums first (ids known before any pallet type refers to them)
        this.runtimeEvent = this.reserve()
        this.runtimeCall = this.reserve()
        let rp = d.runtimePath.split('::')
        this.runtime = this.add({path: [...rp, 'Runtime'], params: [], def: {kind: 'composite', fields: []}})
        let eventVariants: PortableVariant[] = []
        let callVariants: PortableVariant[] = []
        for (let p of d.pallets) {
            let pt: PalletTypes = {name: p.name, index: p.index}
            if (p.events) {
                let id = this.reserve()
                this.types[id] = {
                    path: p.events.path.split('::'),
                    params: [],
                    def: {kind: 'variant', variants: this.variants(p.events.variants)},
                }
                pt.events = id
                eventVariants.push({name: p.name, index: p.index, fields: [{name: null, type: id, typeName: `${p.events.path}`}]})
            }
            if (p.calls) {
                let id = this.reserve()
                this.types[id] = {
                    path: p.calls.path.split('::'),
                    params: [],
                    def: {kind: 'variant', variants: this.variants(p.calls.variants)},
                }
                pt.calls = id
                callVariants.push({name: p.name, index: p.index, fields: [{name: null, type: id, typeName: `${p.calls.path}`}]})
            }
            this.pallets.push(pt)
        }
        this.types[this.runtimeEvent] = {path: [...rp, d.eventEnumName], params: [], def: {kind: 'variant', variants: eventVariants}}
        this.types[this.runtimeCall] = {path: [...rp, d.callEnumName], params: [], def: {kind: 'variant', variants: callVariants}}

        let address = this.resolve(d.extrinsic.address)
        let signature = this.resolve(d.extrinsic.signature)
        let extra = this.node({kind: 'tuple', of: d.extrinsic.signedExtensions.map(e => parseTypeExpr(e.type))})
        let bytes = this.resolve('Vec<u8>')
        this.uncheckedExtrinsic = this.add({
            path: ['sp_runtime', 'generic', 'unchecked_extrinsic', 'UncheckedExtrinsic'],
            params: [
                {name: 'Address', type: address},
                {name: 'Call', type: this.runtimeCall},
                {name: 'Signature', type: signature},
                {name: 'Extra', type: extra},
            ],
            def: {kind: 'composite', fields: [{name: null, type: bytes, typeName: null}]},
        })
        for (let e of d.extrinsic.signedExtensions) this.resolve(e.additionalSigned)
        // primitives that clients look up for well-known storage (e.g. @polkadot/api maps u16/u32/u64 to lookup ids)
        for (let p of ['u16', 'u32', 'u64']) this.resolve(p)
        for (let p of d.pallets) {
            for (let s of p.storage || []) {
                if (s.key) this.resolve(s.key)
                this.resolve(s.value)
            }
        }
    }
}
