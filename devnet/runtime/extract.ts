/**
 * Development-time tool: prints a compact RuntimeDesc (devnet/runtime/desc.ts) for the pallets the devnet needs,
 * read from a real Khala metadata file in chain/khala/ (kept in the repository). Its output was reviewed and
 * committed as devnet/runtime/khala1170.ts and khala1251.ts; nothing at run time depends on the real files.
 *
 *   node lib/devnet/runtime/extract.js 1251 > devnet/runtime/khala1251.ts
 */
import * as fs from 'fs'
import * as path from 'path'
import {decodeMetadata} from '@subsquid/substrate-runtime/lib/metadata'
import {Runtime} from '@subsquid/substrate-runtime'
import type {Fields, NamedType, PalletDesc, RuntimeDesc, StorageDesc, TypeParams, VariantDesc} from './desc'

/** what to take from each real runtime: pallet -> {events, calls (variant names), storage item names} */
export interface ExtractSelection {
    [pallet: string]: {events?: boolean; calls?: string[]; storage?: string[]}
}

export const SELECTION_V1: ExtractSelection = {
    System: {events: true, storage: ['Account', 'Number', 'ParentHash', 'Digest', 'Events']},
    Timestamp: {calls: ['set'], storage: ['Now']},
    Balances: {events: true, storage: ['TotalIssuance']},
    TransactionPayment: {events: true},
    Treasury: {events: true},
    PhalaMq: {calls: ['sync_offchain_message']},
    PhalaRegistry: {events: true, calls: ['register_worker']},
    PhalaMining: {
        events: true,
        calls: ['set_cool_down_expiration', 'update_tokenomic'],
        storage: ['TokenomicParameters', 'Miners', 'MinerBindings', 'WorkerBindings', 'Stakes', 'CoolDownPeriod'],
    },
    PhalaStakePool: {
        events: true,
        calls: [
            'create',
            'add_worker',
            'remove_worker',
            'set_cap',
            'set_payout_pref',
            'add_staker_to_whitelist',
            'remove_staker_from_whitelist',
            'claim_owner_rewards',
            'claim_staker_rewards',
            'contribute',
            'withdraw',
            'start_mining',
            'stop_mining',
            'reclaim_pool_worker',
        ],
        storage: ['StakePools', 'PoolStakers', 'PoolCount', 'WorkerAssignments'],
    },
}

export const SELECTION_V2: ExtractSelection = {
    System: {events: true, storage: ['Account', 'Number', 'ParentHash', 'Digest', 'Events']},
    Timestamp: {calls: ['set'], storage: ['Now']},
    Balances: {events: true, storage: ['TotalIssuance']},
    TransactionPayment: {events: true},
    Treasury: {events: true},
    PhalaMq: {calls: ['sync_offchain_message']},
    // W-PHA balances (Account) and mints (Issued)
    Assets: {events: true, storage: ['Account']},
    PhalaRegistry: {events: true, calls: ['register_worker_v2']},
    PhalaComputation: {
        events: true,
        calls: ['set_cool_down_expiration', 'update_tokenomic', 'set_budget_per_block'],
        storage: ['TokenomicParameters', 'Sessions', 'SessionBindings', 'WorkerBindings', 'Stakes', 'CoolDownPeriod'],
    },
    PhalaStakePoolv2: {
        events: true,
        calls: [
            'create',
            'add_worker',
            'remove_worker',
            'set_cap',
            'set_payout_pref',
            'claim_owner_rewards',
            'check_and_maybe_force_withdraw',
            'contribute',
            'withdraw',
            'start_computing',
            'stop_computing',
            'reclaim_pool_worker',
        ],
        storage: ['WorkerAssignments'],
    },
    PhalaVault: {
        events: true,
        calls: ['create', 'set_payout_pref', 'claim_owner_shares', 'maybe_gain_owner_shares', 'check_and_maybe_force_withdraw', 'contribute', 'withdraw'],
    },
    PhalaBasePool: {events: true, calls: ['add_staker_to_whitelist', 'remove_staker_from_whitelist'], storage: ['Pools', 'PoolCount']},
    PhalaWrappedBalances: {events: true},
    // the stake NFTs: owner (RmrkCore.Nfts) and shares (RmrkCore.Properties "stake-info")
    RmrkCore: {storage: ['Nfts', 'Properties']},
}

/** chain/khala in the repository, seen from lib/devnet/runtime */
export const CHAIN_DIR = path.resolve(__dirname, '../../../chain/khala')

export function realMetadataPath(spec: number, dir = CHAIN_DIR): string {
    return path.join(dir, `khala-${spec}.scale`)
}

export function extractRuntimeDesc(metadataBytes: Uint8Array, selection: ExtractSelection): RuntimeDesc {
    let md = decodeMetadata(metadataBytes)
    if (md.__kind !== 'V14') throw new Error(`expected V14 metadata, got ${md.__kind}`)
    let meta: any = md.value
    let lookup: any[] = meta.lookup.types.map((t: any) => t.type)

    let version: any = new Runtime({specName: 'x', specVersion: 0, implName: 'x', implVersion: 0}, metadataBytes).getConstant('System.Version')

    let palletByName = new Map<string, any>(meta.pallets.map((p: any) => [p.name, p]))
    let system = palletByName.get('System')
    let eventsItem = system.storage.items.find((i: any) => i.name === 'Events')
    let eventRecordTi = lookup[eventsItem.type.value].def.value.type
    let eventRecord = lookup[eventRecordTi].def.value
    let outerEventTi: number = eventRecord.fields.find((f: any) => f.name === 'event').type
    let uxt = lookup[meta.extrinsic.type]
    let outerCallTi: number = uxt.params[1].type

    let names = new Map<number, string>()
    let usedNames = new Map<string, number>()
    let types: {[name: string]: NamedType} = {}

    function structKey(ti: number): string {
        return JSON.stringify(lookup[ti])
    }

    function expr(ti: number): string {
        if (ti === outerEventTi) return 'RuntimeEvent'
        if (ti === outerCallTi) return 'RuntimeCall'
        if (ti === meta.type) return 'Runtime'
        let t = lookup[ti]
        let def = t.def
        switch (def.__kind) {
            case 'Primitive':
                return String(def.value.__kind).toLowerCase()
            case 'Compact':
                return `Compact<${expr(def.value.type)}>`
            case 'Sequence':
                return `Vec<${expr(def.value.type)}>`
            case 'Array':
                return `[${expr(def.value.type)}; ${def.value.len}]`
            case 'Tuple':
                return `(${def.value.map((x: number) => expr(x)).join(', ')})`
            case 'BitSequence':
                throw new Error(`BitSequence (type ${ti}) is not supported`)
            case 'Composite':
            case 'Variant':
                break
            default:
                throw new Error(`unsupported type def ${def.__kind}`)
        }
        if (def.__kind === 'Variant' && t.path.length === 1 && t.path[0] === 'Option') {
            let some = def.value.variants.find((v: any) => v.name === 'Some')
            return `Option<${expr(some.fields[0].type)}>`
        }
        let known = names.get(ti)
        if (known) return known
        let base = t.path.length ? t.path[t.path.length - 1] : `Type${ti}`
        let name = base
        for (let n = 2; usedNames.has(name) && structKey(usedNames.get(name)!) !== structKey(ti); n++) {
            name = `${base}_${n}`
        }
        names.set(ti, name)
        if (usedNames.has(name)) return name // structurally identical duplicate
        usedNames.set(name, ti)
        let pathStr = t.path.join('::')
        if (pathStr === 'sp_runtime::generic::era::Era') {
            types[name] = {path: pathStr, builtin: 'Era'}
            return name
        }
        // reserve the slot first so that the output keeps definition order
        types[name] = null as any
        let params: TypeParams | undefined
        if (t.params.length) {
            params = {}
            for (let p of t.params) params[p.name] = p.type == null ? null : expr(p.type)
        }
        if (def.__kind === 'Composite') {
            types[name] = {path: pathStr, ...(params ? {params} : {}), fields: fields(def.value.fields)}
        } else {
            types[name] = {path: pathStr, ...(params ? {params} : {}), variants: variants(def.value.variants)}
        }
        return name
    }

    function fields(fs: any[]): Fields {
        if (fs.length === 0) return {}
        if (fs.every(f => f.name == null)) return fs.map(f => expr(f.type))
        if (fs.some(f => f.name == null)) throw new Error('mixed named/unnamed fields')
        let out: {[n: string]: string} = {}
        for (let f of fs) out[f.name] = expr(f.type)
        return out
    }

    function variants(vs: any[], only?: string[]): VariantDesc[] {
        return vs
            .filter(v => !only || only.includes(v.name))
            .map(v => {
                let d: VariantDesc = {index: v.index, name: v.name}
                if (v.fields.length) d.fields = fields(v.fields)
                return d
            })
    }

    let pallets: PalletDesc[] = []
    for (let [pname, sel] of Object.entries(selection)) {
        let p = palletByName.get(pname)
        if (!p) throw new Error(`pallet ${pname} not in metadata`)
        let pd: PalletDesc = {name: pname, index: p.index}
        if (sel.events) {
            let et = lookup[p.events.type]
            pd.events = {path: et.path.join('::'), variants: variants(et.def.value.variants)}
        }
        if (sel.calls) {
            let ct = lookup[p.calls.type]
            pd.calls = {path: ct.path.join('::'), variants: variants(ct.def.value.variants, sel.calls)}
        }
        if (sel.storage) {
            pd.storage = sel.storage.map(name => {
                let it = p.storage.items.find((i: any) => i.name === name)
                if (!it) throw new Error(`storage ${pname}.${name} not found`)
                let sd: StorageDesc = {
                    name,
                    modifier: it.modifier.__kind,
                    value: '',
                    fallback: typeof it.fallback === 'string' ? it.fallback : '0x' + Buffer.from(it.fallback).toString('hex'),
                }
                if (it.type.__kind === 'Map') {
                    sd.hashers = it.type.hashers.map((h: any) => h.__kind)
                    sd.key = expr(it.type.key)
                    sd.value = expr(it.type.value)
                } else {
                    sd.value = expr(it.type.value)
                }
                return sd
            })
        }
        pallets.push(pd)
    }

    let signedExtensions = meta.extrinsic.signedExtensions.map((e: any) => ({
        identifier: e.identifier,
        type: expr(e.type),
        additionalSigned: expr(e.additionalSigned),
    }))
    let address = expr(uxt.params[0].type)
    let signature = expr(uxt.params[2].type)

    let outerEventPath: string[] = lookup[outerEventTi].path
    let outerCallPath: string[] = lookup[outerCallTi].path
    return {
        specName: version.specName,
        implName: version.implName,
        specVersion: version.specVersion,
        implVersion: version.implVersion,
        authoringVersion: version.authoringVersion,
        transactionVersion: version.transactionVersion,
        stateVersion: version.stateVersion,
        runtimePath: outerEventPath.slice(0, -1).join('::'),
        eventEnumName: outerEventPath[outerEventPath.length - 1],
        callEnumName: outerCallPath[outerCallPath.length - 1],
        extrinsic: {version: meta.extrinsic.version, address, signature, signedExtensions},
        types,
        pallets,
    }
}

// ---------------------------------------------------------------- printing

function q(s: string): string {
    return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

function key(s: string): string {
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? s : q(s)
}

function printFields(f: Fields): string {
    if (Array.isArray(f)) return `[${f.map(q).join(', ')}]`
    let entries = Object.entries(f)
    if (entries.length === 0) return '{}'
    return `{${entries.map(([k, v]) => `${key(k)}: ${q(v)}`).join(', ')}}`
}

function printParams(p: TypeParams | undefined): string {
    if (!p) return ''
    return `, params: {${Object.entries(p)
        .map(([k, v]) => `${key(k)}: ${v == null ? 'null' : q(v)}`)
        .join(', ')}}`
}

function printVariants(vs: VariantDesc[], indent: string): string {
    return vs.map(v => `${indent}{index: ${v.index}, name: ${q(v.name)}${v.fields ? `, fields: ${printFields(v.fields)}` : ''}},\n`).join('')
}

export function printRuntimeDesc(desc: RuntimeDesc, constName: string, source: string): string {
    let out = ''
    out += `/**\n * ${desc.specName} spec ${desc.specVersion}: the pallets the devnet needs, as in the real runtime\n`
    out += ` * (pallet and variant indices, field names and types). Generated at development time by\n`
    out += ` * devnet/runtime/extract.ts from ${source}, then reviewed; checked by test/devnet/fidelity.test.ts.\n */\n`
    out += `import type {RuntimeDesc} from './desc'\n\n`
    out += `export const ${constName}: RuntimeDesc = {\n`
    for (let k of ['specName', 'implName'] as const) out += `    ${k}: ${q(desc[k])},\n`
    for (let k of ['specVersion', 'implVersion', 'authoringVersion', 'transactionVersion', 'stateVersion'] as const) {
        out += `    ${k}: ${desc[k]},\n`
    }
    out += `    runtimePath: ${q(desc.runtimePath)},\n`
    out += `    eventEnumName: ${q(desc.eventEnumName)},\n`
    out += `    callEnumName: ${q(desc.callEnumName)},\n`
    out += `    extrinsic: {\n        version: ${desc.extrinsic.version},\n`
    out += `        address: ${q(desc.extrinsic.address)},\n        signature: ${q(desc.extrinsic.signature)},\n`
    out += `        signedExtensions: [\n`
    for (let e of desc.extrinsic.signedExtensions) {
        out += `            {identifier: ${q(e.identifier)}, type: ${q(e.type)}, additionalSigned: ${q(e.additionalSigned)}},\n`
    }
    out += `        ],\n    },\n`
    out += `    types: {\n`
    for (let [name, t] of Object.entries(desc.types)) {
        if ('builtin' in t) {
            out += `        ${key(name)}: {path: ${q(t.path)}${printParams(t.params)}, builtin: ${q(t.builtin)}},\n`
        } else if ('fields' in t) {
            out += `        ${key(name)}: {path: ${q(t.path)}${printParams(t.params)}, fields: ${printFields(t.fields)}},\n`
        } else {
            out += `        ${key(name)}: {\n            path: ${q(t.path)},\n`
            if (t.params) out += `            params: {${printParams(t.params).slice(11)},\n`
            out += `            variants: [\n`
            out += printVariants(t.variants, '                ')
            out += `            ],\n        },\n`
        }
    }
    out += `    },\n`
    out += `    pallets: [\n`
    for (let p of desc.pallets) {
        out += `        {\n            name: ${q(p.name)},\n            index: ${p.index},\n`
        for (let k of ['events', 'calls'] as const) {
            let e = p[k]
            if (!e) continue
            out += `            ${k}: {\n                path: ${q(e.path)},\n                variants: [\n`
            out += printVariants(e.variants, '                    ')
            out += `                ],\n            },\n`
        }
        if (p.storage) {
            out += `            storage: [\n`
            for (let s of p.storage) {
                out += `                {name: ${q(s.name)}, modifier: ${q(s.modifier)}, `
                if (s.hashers) out += `hashers: [${s.hashers.map(q).join(', ')}], key: ${q(s.key!)}, `
                out += `value: ${q(s.value)}, fallback: ${q(s.fallback)}},\n`
            }
            out += `            ],\n`
        }
        out += `        },\n`
    }
    out += `    ],\n}\n`
    return out
}

if (require.main === module) {
    let spec = parseInt(process.argv[2] || '', 10)
    if (spec !== 1170 && spec !== 1251) {
        console.error('usage: node lib/devnet/runtime/extract.js 1170|1251')
        process.exit(2)
    }
    let file = realMetadataPath(spec)
    if (!fs.existsSync(file)) {
        console.error(`${file} not found: the real metadata is part of the repository (chain/khala); restore it with git checkout`)
        process.exit(1)
    }
    let desc = extractRuntimeDesc(fs.readFileSync(file), spec === 1170 ? SELECTION_V1 : SELECTION_V2)
    process.stdout.write(printRuntimeDesc(desc, `KHALA_${spec}`, `chain/khala/khala-${spec}.scale`))
}
