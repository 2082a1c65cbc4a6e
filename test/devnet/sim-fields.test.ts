/**
 * The simulator's field-type table (devnet/sim/events.ts) against the real Khala metadata: through the typegen
 * output in src/types, and against the metadata itself (chain/khala/khala-specs.jsonl, kept in the repository; a
 * missing file fails the tests).
 */
import * as fs from 'fs'
import {EVENTS, STORAGE, ERA_SPEC, TypeDef} from '../../devnet/sim/events'
import * as phalaMining from '../../src/types/phala-mining/events'
import * as phalaStakePool from '../../src/types/phala-stake-pool/events'
import * as phalaComputation from '../../src/types/phala-computation/events'
import * as phalaStakePoolv2 from '../../src/types/phala-stake-poolv2/events'
import * as phalaBasePool from '../../src/types/phala-base-pool/events'
import * as phalaVault from '../../src/types/phala-vault/events'
import * as phalaRegistry from '../../src/types/phala-registry/events'
import * as balances from '../../src/types/balances/events'
import {chainFile} from './fixtures'

const TYPEGEN: Record<string, Record<string, any>> = {
    PhalaMining: phalaMining,
    PhalaStakePool: phalaStakePool,
    PhalaComputation: phalaComputation,
    PhalaStakePoolv2: phalaStakePoolv2,
    PhalaBasePool: phalaBasePool,
    PhalaVault: phalaVault,
    PhalaRegistry: phalaRegistry,
    Balances: balances,
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c) => c.toUpperCase())
const lowerFirst = (s: string) => s[0].toLowerCase() + s.slice(1)

/** field names of a typegen EventType at the newest version ≤ spec, or null when absent */
function typegenFields(pallet: string, name: string, spec: number): string[] | null {
    const mod = TYPEGEN[pallet]
    const ev = mod?.[lowerFirst(name)]
    if (!ev) return null
    const versions = Object.keys(ev)
        .filter(k => /^v\d+$/.test(k))
        .map(k => Number(k.slice(1)))
        .filter(v => v <= spec)
    if (versions.length === 0) return null
    const et = ev[`v${Math.max(...versions)}`]
    const type = et.type
    if (typeof type.getFields === 'function') return type.getFields().map((f: [string, unknown]) => f[0])
    return [] // sts.unit()
}

describe('event field names match the typegen of the era spec', () => {
    for (const era of ['v1', 'v2'] as const) {
        const spec = ERA_SPEC[era]
        for (const [pallet, events] of Object.entries(EVENTS[era])) {
            for (const [name, fields] of Object.entries(events)) {
                const tg = typegenFields(pallet, name, spec)
                if (pallet === 'Balances' && name !== 'Transfer') continue // typegen only covers Balances.Transfer
                if (!TYPEGEN[pallet]) continue // system and money pallets: checked against the metadata below
                test(`${era} ${pallet}.${name}`, () => {
                    expect(tg).not.toBeNull()
                    expect(fields.map(f => camel(f[0]))).toEqual(tg)
                })
            }
        }
    }
})

// ---- against the metadata itself ---------------------------------------------------------------------------------

type Norm = string | {option: Norm} | {vec: Norm} | {struct: [string, Norm][]} | {enum: [string, Norm | null][]}

function normalize(t: TypeDef): Norm {
    if (typeof t === 'string') return t
    if ('option' in t) return {option: normalize(t.option)}
    if ('vec' in t) return {vec: normalize(t.vec)}
    if ('struct' in t) return {struct: t.struct.map(([n, x]) => [n, normalize(x)] as [string, Norm])}
    return {enum: t.enum.map(([n, x]) => [n, x === null ? null : normalize(x)] as [string, Norm | null]).sort((a, b) => a[0].localeCompare(b[0]))}
}

describe('the table equals the real Khala metadata', () => {
    let metas: Map<number, any>
    beforeAll(() => {
        const {TypeRegistry, Metadata} = require('@polkadot/types')
        metas = new Map()
        for (const line of fs.readFileSync(chainFile('khala-specs.jsonl'), 'utf8').trim().split('\n')) {
            const r = JSON.parse(line)
            if (r.specVersion !== 1170 && r.specVersion !== 1251) continue
            const reg = new TypeRegistry()
            const md = new Metadata(reg, r.metadata)
            metas.set(r.specVersion, md.asLatest)
        }
        for (const spec of [1170, 1251]) {
            if (!metas.has(spec)) throw new Error(`spec ${spec} is not in chain/khala/khala-specs.jsonl (see chain/khala/README.md)`)
        }
    })

    function siToNorm(lat: any, id: number): Norm {
        const ty = lat.lookup.getSiType(id)
        const p: string[] = ty.path.map((x: any) => x.toString())
        if (p[p.length - 1] === 'AccountId32') return 'AccountId32'
        const def = ty.def
        if (def.isCompact) return `Compact<${siToNorm(lat, def.asCompact.type.toNumber())}>`
        if (def.isPrimitive) return def.asPrimitive.toString().toLowerCase()
        if (def.isArray) {
            const a = def.asArray
            return `[${siToNorm(lat, a.type.toNumber())};${a.len.toNumber()}]`
        }
        if (def.isSequence) {
            const item = siToNorm(lat, def.asSequence.type.toNumber())
            return item === 'u8' ? 'bytes' : {vec: item}
        }
        if (def.isTuple) return tupleNorm(def.asTuple.map((x: any) => siToNorm(lat, x.toNumber())))
        if (def.isComposite) {
            const fields = def.asComposite.fields
            if (fields.length === 1 && fields[0].name.isNone) return siToNorm(lat, fields[0].type.toNumber())
            return {struct: fields.map((f: any) => [f.name.unwrap().toString(), siToNorm(lat, f.type.toNumber())])}
        }
        if (def.isVariant) {
            const vs = def.asVariant.variants
            if (p[0] === 'Option') return {option: siToNorm(lat, vs[1].fields[0].type.toNumber())}
            return {
                enum: vs
                    .map((v: any) => [v.name.toString(), variantNorm(lat, v.fields)] as [string, Norm | null])
                    .sort((a: any, b: any) => a[0].localeCompare(b[0])),
            }
        }
        throw new Error(`unsupported type ${ty.def.type}`)
    }

    /** a variant's payload: none, its one field, or its fields as a tuple */
    function variantNorm(lat: any, fields: any[]): Norm | null {
        if (fields.length === 0) return null
        if (fields.length === 1) return siToNorm(lat, fields[0].type.toNumber())
        return tupleNorm(fields.map((f: any) => siToNorm(lat, f.type.toNumber())))
    }

    /** a tuple as the table writes it: () is 'unit', (u32, u32) is '(u32,u32)' */
    function tupleNorm(items: Norm[]): Norm {
        if (items.length === 0) return 'unit'
        return `(${items.map(t => (typeof t === 'string' ? t : JSON.stringify(t))).join(',')})`
    }

    function palletOf(lat: any, name: string): any {
        return lat.pallets.find((p: any) => p.name.toString() === name)
    }

    for (const era of ['v1', 'v2'] as const) {
        test(`${era} events (spec ${ERA_SPEC[era]}): names, field names and types`, () => {
            const lat = metas.get(ERA_SPEC[era])
            const problems: string[] = []
            for (const [pallet, events] of Object.entries(EVENTS[era])) {
                const p = palletOf(lat, pallet)
                if (!p || p.events.isNone) {
                    problems.push(`${pallet}: no such pallet with events`)
                    continue
                }
                const variants = lat.lookup.getSiType(p.events.unwrap().type).def.asVariant.variants
                const real = new Map<string, any>(variants.map((v: any) => [v.name.toString(), v]))
                for (const [name, fields] of Object.entries(events)) {
                    const v = real.get(name)
                    if (!v) {
                        problems.push(`${pallet}.${name}: not in the metadata`)
                        continue
                    }
                    const realFields = v.fields.map((f: any) => [f.name.unwrap().toString(), siToNorm(lat, f.type.toNumber())])
                    const mine = fields.map(([n, t]) => [n, normalize(t)])
                    if (JSON.stringify(realFields) !== JSON.stringify(mine)) {
                        problems.push(`${pallet}.${name}: ${JSON.stringify(mine)} vs real ${JSON.stringify(realFields)}`)
                    }
                }
                // the mining pallets are transcribed completely
                if (!['Balances', 'PhalaRegistry', 'System', 'TransactionPayment', 'Treasury', 'Assets'].includes(pallet)) {
                    for (const n of real.keys()) if (!events[n]) problems.push(`${pallet}.${n}: missing from the table`)
                }
            }
            expect(problems).toEqual([])
        })

        test(`${era} storage (spec ${ERA_SPEC[era]}): value shapes`, () => {
            const lat = metas.get(ERA_SPEC[era])
            const problems: string[] = []
            for (const [key, def] of Object.entries(STORAGE[era])) {
                const [pallet, item] = key.split('.')
                const p = palletOf(lat, pallet)
                const it = p?.storage.unwrap().items.find((x: any) => x.name.toString() === item)
                if (!it) {
                    problems.push(`${key}: not in the metadata`)
                    continue
                }
                const t = it.type
                const valueId = t.isPlain ? t.asPlain.toNumber() : t.asMap.value.toNumber()
                const keys = t.isPlain ? [] : [siToNorm(lat, t.asMap.key.toNumber())]
                // a map of several keys has a tuple key type in the metadata
                const mine = def.keys.length > 1 ? [tupleNorm(def.keys.map(normalize))] : def.keys.map(normalize)
                if (JSON.stringify(keys) !== JSON.stringify(mine)) problems.push(`${key}: keys ${JSON.stringify(keys)}`)
                const real = siToNorm(lat, valueId)
                if (JSON.stringify(real) !== JSON.stringify(normalize(def.value))) {
                    problems.push(`${key}: ${JSON.stringify(normalize(def.value))} vs real ${JSON.stringify(real)}`)
                }
            }
            expect(problems).toEqual([])
        })
    }
})
