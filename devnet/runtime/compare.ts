/**
 * Structural comparison of a devnet runtime with a real runtime's metadata: pallet indices, event variant indices
 * and names, field names, primitive widths, compact vs fixed, array lengths, Option, storage hashers/modifiers.
 * (Typegen's `.is()` compares shapes loosely; this does not.) Used by test/devnet/fidelity.test.ts.
 */
import {decodeMetadata} from '@subsquid/substrate-runtime/lib/metadata'
import type {PortableDef, PortableType} from './registry'
import type {DevRuntime} from './runtime'

/** Converts a lookup decoded by @subsquid/substrate-runtime into the devnet's PortableType form. */
export function fromSubsquidLookup(types: any[]): PortableType[] {
    return types.map((entry: any) => {
        let t = entry.type
        let d = t.def
        let def: PortableDef
        let fields = (fs: any[]) => fs.map(f => ({name: f.name ?? null, type: f.type, typeName: f.typeName ?? null}))
        switch (d.__kind) {
            case 'Composite':
                def = {kind: 'composite', fields: fields(d.value.fields)}
                break
            case 'Variant':
                def = {
                    kind: 'variant',
                    variants: d.value.variants.map((v: any) => ({name: v.name, index: v.index, fields: fields(v.fields)})),
                }
                break
            case 'Sequence':
                def = {kind: 'sequence', type: d.value.type}
                break
            case 'Array':
                def = {kind: 'array', len: d.value.len, type: d.value.type}
                break
            case 'Tuple':
                def = {kind: 'tuple', types: d.value}
                break
            case 'Primitive':
                def = {kind: 'primitive', prim: String(d.value.__kind).toLowerCase()}
                break
            case 'Compact':
                def = {kind: 'compact', type: d.value.type}
                break
            default:
                def = {kind: 'primitive', prim: `unsupported:${d.__kind}`}
        }
        return {path: t.path, params: t.params.map((p: any) => ({name: p.name, type: p.type ?? null})), def}
    })
}

export interface ShapeCompareOptions {
    /** compare type paths of composites and variants (default true) */
    paths?: boolean
}

/**
 * Compares type `ai` of table `a` (devnet) with type `bi` of table `b` (real). Every variant of the devnet type
 * must exist in the real one with the same index, name and field shapes; with `exactVariants` the real type
 * must not have more variants either.
 */
export class ShapeComparator {
    private seen = new Set<string>()
    readonly problems: string[] = []

    constructor(
        readonly a: PortableType[],
        readonly b: PortableType[],
        readonly opts: ShapeCompareOptions = {},
        /** devnet type ids whose real counterpart may have more variants (the outer event and call enums) */
        readonly looseVariants: ReadonlySet<number> = new Set()
    ) {}

    compare(ai: number, bi: number, where: string, exactVariants = true): void {
        if (this.looseVariants.has(ai)) exactVariants = false
        let key = `${ai}:${bi}:${exactVariants}`
        if (this.seen.has(key)) return
        this.seen.add(key)
        let ta = this.a[ai]
        let tb = this.b[bi]
        if (!ta || !tb) {
            this.problems.push(`${where}: missing type (${ai} / ${bi})`)
            return
        }
        let da = ta.def
        let db = tb.def
        if (da.kind !== db.kind) {
            this.problems.push(`${where}: ${da.kind} vs real ${db.kind}`)
            return
        }
        if ((da.kind === 'composite' || da.kind === 'variant') && this.opts.paths !== false) {
            let pa = ta.path.join('::')
            let pb = tb.path.join('::')
            if (pa !== pb) this.problems.push(`${where}: path ${pa} vs real ${pb}`)
        }
        switch (da.kind) {
            case 'primitive':
                if (da.prim !== (db as any).prim) this.problems.push(`${where}: ${da.prim} vs real ${(db as any).prim}`)
                return
            case 'compact':
            case 'sequence':
                return this.compare(da.type, (db as any).type, `${where}<>`)
            case 'array':
                if (da.len !== (db as any).len) this.problems.push(`${where}: array length ${da.len} vs real ${(db as any).len}`)
                return this.compare(da.type, (db as any).type, `${where}[]`)
            case 'tuple': {
                let tb2 = (db as any).types as number[]
                if (da.types.length !== tb2.length) {
                    this.problems.push(`${where}: tuple of ${da.types.length} vs real ${tb2.length}`)
                    return
                }
                da.types.forEach((t, i) => {
                    this.compare(t, tb2[i], `${where}.${i}`)
                })
                return
            }
            case 'composite':
                return this.fields(da.fields, (db as any).fields, where)
            case 'variant': {
                let vb = (db as any).variants as {name: string; index: number; fields: any[]}[]
                for (let v of da.variants) {
                    let r = vb.find(x => x.name === v.name)
                    if (!r) {
                        this.problems.push(`${where}: variant ${v.name} not in real type`)
                        continue
                    }
                    if (r.index !== v.index) this.problems.push(`${where}::${v.name}: index ${v.index} vs real ${r.index}`)
                    this.fields(v.fields, r.fields, `${where}::${v.name}`)
                }
                if (exactVariants) {
                    for (let r of vb) {
                        if (!da.variants.some(v => v.name === r.name)) this.problems.push(`${where}: real variant ${r.name} (index ${r.index}) missing`)
                    }
                }
                return
            }
        }
    }

    private fields(fa: {name: string | null; type: number}[], fb: {name: string | null; type: number}[], where: string): void {
        if (fa.length !== fb.length) {
            this.problems.push(`${where}: ${fa.length} fields [${fa.map(f => f.name)}] vs real ${fb.length} [${fb.map(f => f.name)}]`)
            return
        }
        for (let i = 0; i < fa.length; i++) {
            if ((fa[i].name ?? null) !== (fb[i].name ?? null)) {
                this.problems.push(`${where}: field ${i} named ${fa[i].name} vs real ${fb[i].name}`)
            }
            this.compare(fa[i].type, fb[i].type, `${where}.${fa[i].name ?? i}`)
        }
    }
}

/** Compares everything the devnet runtime defines with the real metadata; returns the list of differences. */
export function compareWithRealMetadata(rt: DevRuntime, realMetadata: Uint8Array, opts: ShapeCompareOptions = {}): string[] {
    let real: any = decodeMetadata(realMetadata)
    if (real.__kind !== 'V14') return [`real metadata is ${real.__kind}`]
    let dev: any = decodeMetadata(rt.metadata)
    if (dev.__kind !== 'V14') return [`devnet metadata is ${dev.__kind}`]
    let rm = real.value
    let dm = dev.value
    let a = fromSubsquidLookup(dm.lookup.types)
    let b = fromSubsquidLookup(rm.lookup.types)
    let cmp = new ShapeComparator(a, b, opts, new Set([rt.table.runtimeEvent, rt.table.runtimeCall]))
    let problems = cmp.problems
    for (let dp of dm.pallets) {
        let rp = rm.pallets.find((p: any) => p.name === dp.name)
        if (!rp) {
            problems.push(`pallet ${dp.name} not in real metadata`)
            continue
        }
        if (rp.index !== dp.index) problems.push(`pallet ${dp.name}: index ${dp.index} vs real ${rp.index}`)
        if (dp.events) {
            if (!rp.events) problems.push(`pallet ${dp.name}: real has no events`)
            else cmp.compare(dp.events.type, rp.events.type, `${dp.name}.Event`, true)
        }
        if (dp.calls) {
            if (!rp.calls) problems.push(`pallet ${dp.name}: real has no calls`)
            else cmp.compare(dp.calls.type, rp.calls.type, `${dp.name}.Call`, false)
        }
        for (let item of dp.storage?.items || []) {
            let ri = rp.storage?.items.find((i: any) => i.name === item.name)
            let where = `storage ${dp.name}.${item.name}`
            if (!ri) {
                problems.push(`${where} not in real metadata`)
                continue
            }
            if (ri.modifier.__kind !== item.modifier.__kind) problems.push(`${where}: modifier ${item.modifier.__kind} vs real ${ri.modifier.__kind}`)
            if (ri.type.__kind !== item.type.__kind) {
                problems.push(`${where}: ${item.type.__kind} vs real ${ri.type.__kind}`)
                continue
            }
            if (item.type.__kind === 'Map') {
                let ha = item.type.hashers.map((h: any) => h.__kind).join(',')
                let hb = ri.type.hashers.map((h: any) => h.__kind).join(',')
                if (ha !== hb) problems.push(`${where}: hashers ${ha} vs real ${hb}`)
                cmp.compare(item.type.key, ri.type.key, `${where} key`)
            }
            cmp.compare(item.type.value, ri.type.value, `${where} value`)
            let fa = Buffer.from(item.fallback).toString('hex')
            let fb = Buffer.from(ri.fallback).toString('hex')
            if (fa !== fb) problems.push(`${where}: fallback 0x${fa} vs real 0x${fb}`)
        }
    }
    // extrinsic format and signed extensions
    if (dm.extrinsic.version !== rm.extrinsic.version) problems.push(`extrinsic version ${dm.extrinsic.version} vs real ${rm.extrinsic.version}`)
    let ids = (m: any) => m.extrinsic.signedExtensions.map((e: any) => e.identifier).join(',')
    if (ids(dm) !== ids(rm)) problems.push(`signed extensions ${ids(dm)} vs real ${ids(rm)}`)
    else {
        dm.extrinsic.signedExtensions.forEach((e: any, i: number) => {
            let r = rm.extrinsic.signedExtensions[i]
            cmp.compare(e.type, r.type, `signed extension ${e.identifier}`)
            cmp.compare(e.additionalSigned, r.additionalSigned, `signed extension ${e.identifier} additionalSigned`)
        })
    }
    let du = a[dm.extrinsic.type]
    let ru = b[rm.extrinsic.type]
    if (du.params.length !== ru.params.length) problems.push(`UncheckedExtrinsic params ${du.params.length} vs ${ru.params.length}`)
    else {
        // Address, Signature (Call is the outer enum: compared pallet by pallet above)
        for (let i of [0, 2, 3]) {
            if (du.params[i].type == null || ru.params[i].type == null) continue
            cmp.compare(du.params[i].type!, ru.params[i].type!, `UncheckedExtrinsic<${du.params[i].name}>`)
        }
    }
    return problems
}
