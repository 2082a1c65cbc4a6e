/**
 * Every mining event of every real Khala spec, end to end:
 *   sample values generated from the metadata's type info (u64 ≥ 2^32, u128 ≥ 2^64)
 *   → SCALE-encoded with @polkadot/types (round trip asserted) and framed as a System.Events value
 *   → decoded by substrate-data's decodeEvents into the processor's own Event objects (JSON args)
 *   → decodeMiningEvent → compared field by field with the expected normalized payload.
 */
import {u8aConcat} from '@polkadot/util'
import {decodeMiningEvent, isMiningEventName, MINING_EVENT_NAMES, MiningEvent} from '../../src/decode'
import {
    blockHash,
    Canon,
    encodeChecked,
    eventsStorageValue,
    EventVariantInfo,
    polkadotEventRecords,
    processorEvents,
    realSpecs,
    rngFor,
    sampleOf,
    showCanon,
    RealSpec,
} from '../helpers/realChain'
import {COVERED_PALLETS, EXPECTED, EXTRA_EVENTS, FieldAccess, NOT_MINING, TUPLE_ALIASES} from './expected'

/** field names of a positional (v900-era) event, from its metadata docs: "... \[miner, v, payout\]" */
function tupleNames(v: EventVariantInfo): string[] {
    const m = /\\\[([^\]]*?)\\\]/.exec(v.docs) ?? /\[([a-z_, ]+)\]/.exec(v.docs)
    if (m == null) throw new Error(`${v.pallet}.${v.name}: positional fields but no [names] in its docs: ${v.docs}`)
    const names = m[1]
        .split(',')
        .map(s => s.trim())
        .map(n => TUPLE_ALIASES[n] ?? n)
    if (names.length !== v.fields.length) {
        throw new Error(`${v.pallet}.${v.name}: docs name ${names.length} fields, metadata has ${v.fields.length}`)
    }
    return names
}

function fieldNames(v: EventVariantInfo): string[] {
    if (v.fields.length === 0) return []
    if (v.fields[0].name == null) return tupleNames(v)
    return v.fields.map(f => f.name!)
}

/** field names seen per event over all specs, and the optional names the expectations asked for */
const seenFields = new Map<string, Set<string>>()
const optAsked = new Map<string, Set<string>>()

function access(event: string, values: Record<string, Canon>): FieldAccess {
    return {
        get(name) {
            if (!(name in values)) throw new Error(`${event}: expectation needs field ${name}, event has ${Object.keys(values).join(', ')}`)
            return values[name]
        },
        opt(name) {
            let s = optAsked.get(event)
            if (s == null) optAsked.set(event, (s = new Set()))
            s.add(name)
            return values[name]
        },
    }
}

function eventsOf(spec: RealSpec): EventVariantInfo[] {
    const out: EventVariantInfo[] = []
    for (const p of COVERED_PALLETS) out.push(...spec.eventVariants(p))
    for (const full of EXTRA_EVENTS) {
        const [pallet, name] = full.split('.')
        out.push(...spec.eventVariants(pallet).filter(v => v.name === name))
    }
    return out
}

describe('every mining event of every real spec decodes as expected', () => {
    const specs = realSpecs()

    test('the real specs are the five documented ones', () => {
        expect(specs.map(s => s.specVersion)).toEqual([900, 1130, 1140, 1170, 1251])
    })

    for (const spec of specs) {
        describe(`spec ${spec.specVersion}`, () => {
            const variants = eventsOf(spec)

            test('every event of the covered pallets is either decoded or deliberately skipped', () => {
                const unlisted = variants.map(v => `${v.pallet}.${v.name}`).filter(n => !(n in EXPECTED) && !(n in NOT_MINING))
                expect(unlisted).toEqual([])
                for (const v of variants) {
                    const n = `${v.pallet}.${v.name}`
                    expect([n, isMiningEventName(n)]).toEqual([n, n in EXPECTED])
                }
            })

            for (const v of variants) {
                const name = `${v.pallet}.${v.name}`
                if (!(name in EXPECTED)) continue
                test(name, () => {
                    const names = fieldNames(v)
                    let seen = seenFields.get(name)
                    if (seen == null) seenFields.set(name, (seen = new Set()))
                    for (const n of names) seen!.add(n)

                    const reg = spec.registry
                    const height = 1_000_000 + spec.specVersion
                    const block = {height, hash: blockHash(height), timestamp: 1_650_000_000_000 + height}

                    // three samples: options Some with the first enum variant, None, Some with the second variant
                    const samples = [0, 1, 2].map(no => {
                        const rng = rngFor(`${spec.specVersion}/${name}/${no}`)
                        const opts = {some: no !== 1, variant: no === 2 ? 1 : 0}
                        const fields = v.fields.map(f => sampleOf(reg, f.typeId, rng, opts))
                        const data = u8aConcat(...v.fields.map((f, i) => encodeChecked(reg, f.typeId, fields[i])))
                        const values: Record<string, Canon> = {}
                        names.forEach((n, i) => {
                            values[n] = fields[i].canon
                        })
                        return {data, values}
                    })
                    const storage = eventsStorageValue(
                        samples.map((s, i) => ({palletIndex: v.palletIndex, variantIndex: v.index, data: s.data, extrinsic: i + 1}))
                    )

                    // the framing agrees with @polkadot/types
                    const recs = polkadotEventRecords(spec, storage)
                    expect(recs.map(r => r.method)).toEqual(samples.map(() => v.name))
                    expect(recs.map(r => r.section.toLowerCase())).toEqual(samples.map(() => v.pallet.toLowerCase()))
                    recs.forEach((r, i) => {
                        expect(Buffer.from(r.data).equals(Buffer.from(samples[i].data))).toBe(true)
                    })

                    // the processor's path
                    const events = processorEvents(spec.runtime, storage, block)
                    expect(events.map(e => e.name)).toEqual(samples.map(() => name))

                    events.forEach((e, i) => {
                        const decoded: MiningEvent = decodeMiningEvent(e as any)
                        const expected = {
                            id: e.id,
                            blockHeight: height,
                            blockHash: block.hash,
                            timestamp: block.timestamp,
                            index: i,
                            name,
                            ...EXPECTED[name](access(name, samples[i].values)),
                        }
                        try {
                            expect(decoded).toStrictEqual(expected)
                        } catch (err) {
                            throw new Error(`${name} sample ${i}: fields ${showCanon(samples[i].values as Canon)}\n` + (err as Error).message)
                        }
                    })
                })
            }
        })
    }

    test('MINING_EVENT_NAMES is exactly the expected set, and each name exists in a real spec', () => {
        expect([...MINING_EVENT_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort())
        const inSomeSpec = new Set(specs.flatMap(s => eventsOf(s).map(v => `${v.pallet}.${v.name}`)))
        expect(MINING_EVENT_NAMES.filter(n => !inSomeSpec.has(n))).toEqual([])
    })

    test('optional fields the expectations name exist in some spec (no typos hiding behind opt)', () => {
        const missing: string[] = []
        for (const [event, names] of optAsked) {
            const seen = seenFields.get(event) ?? new Set()
            for (const n of names) {
                // the spec-1254 fields have no real metadata; they are checked in handchecks.test
                if (n === 'withdrawing_nft_id' || n === 'burnt_shares') continue
                if (!seen.has(n)) missing.push(`${event}.${n}`)
            }
        }
        expect(missing).toEqual([])
        expect(optAsked.size).toBeGreaterThan(5)
    })
})
