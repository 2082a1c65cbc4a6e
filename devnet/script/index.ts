/**
 * Event scripts: a JSON-lines description of a devnet chain that can be written by hand, converted from
 * outside data, or dumped from a simulated scenario — and that the devnet encodes and serves like any
 * scenario. Format (docs/devnet.md, "Event scripts"):
 *
 *   {"type":"header","version":1,"era":"v2","startTimestamp":"2023-01-01T00:00:00Z","blockTimeMs":12000}
 *   {"type":"storage","pallet":"PhalaComputation","item":"TokenomicParameters","keys":[],"value":{...}}   (genesis)
 *   {"type":"block","events":[{"pallet":"PhalaComputation","name":"SessionSettled","args":{...}}],"storage":[...]}
 *   {"type":"empty","count":100}
 *
 * Integers are decimal strings (JSON numbers are accepted up to 2^53); AccountId32 / worker keys are 0x-hex;
 * Option is null or the value; enums are {"__kind": "Variant"[, "value": …]}. Lines that are blank or start
 * with `#` are ignored. Every value is converted and checked with the same field-type table the simulator's
 * events follow (devnet/sim/events.ts); an invalid script throws an Error naming the line and the field.
 */
import * as fs from 'fs'
import type {DevBlock, DevEvent, DevStorageWrite, DevValue, RuntimeEra} from '../model'
import {EVENTS, STORAGE, eventFields, storageDef} from '../sim/events'
import {ValueError, fieldsFromJson, fromJson, toJson} from '../sim/values'
import {ScriptBlocks} from './blocks'
import {ShapeError, extrinsicToJson, parseExtrinsic, parsePhase} from './extrinsics'
import {duplicateKey} from './json'

export {ScriptBlocks} from './blocks'

/** most blocks a script may describe (runs of empty blocks included; they are not held one object each) */
export const MAX_SCRIPT_BLOCKS = 100_000_000
/** latest timestamp a block may have (the largest JavaScript date, +275760-09-13) */
export const MAX_TIMESTAMP_MS = 8_640_000_000_000_000
/** longest line the reader accepts (a block of khala-day's busiest hour is ~2 MB) */
export const MAX_LINE_CHARS = 64 << 20

export interface ScriptHeader {
    type: 'header'
    version: 1
    /** runtime era of genesis and of the first block */
    era: RuntimeEra
    /** timestamp of block 1 (ISO 8601 or ms since epoch) */
    startTimestamp: string | number
    blockTimeMs: number
    /** free-form */
    name?: string
    description?: string
}

export interface Script {
    header: ScriptHeader
    genesis: DevStorageWrite[]
    /** iterable (runs of empty blocks are expanded as they are pulled); `.length`, `.at(i)`, `.toArray()` */
    blocks: ScriptBlocks
    /** number of blocks */
    blockCount: number
}

export class ScriptError extends Error {
    override name = 'ScriptError'
    constructor(
        public readonly line: number,
        public readonly field: string | null,
        message: string
    ) {
        super(`script line ${line}${field ? `, ${field}` : ''}: ${message}`)
    }
}

const ERAS: RuntimeEra[] = ['v1', 'v2']

const ISO_8601 = /^[+-]?\d{4,6}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/

function parseTimestamp(v: unknown, line: number, field: string): number {
    const expected = 'expected a timestamp (ISO 8601 like "2023-01-01T00:00:00Z", or ms since 1970 as an integer)'
    let t: number
    if (typeof v === 'number') {
        if (!Number.isInteger(v)) throw new ScriptError(line, field, `${expected}, got ${v}`)
        t = v
    } else if (typeof v === 'string' && /^\d+$/.test(v)) {
        t = Number(v)
    } else if (typeof v === 'string' && ISO_8601.test(v)) {
        t = Date.parse(v)
        if (Number.isNaN(t)) throw new ScriptError(line, field, `not a valid date: ${JSON.stringify(v)}`)
    } else {
        throw new ScriptError(line, field, `${expected}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`)
    }
    if (!(t >= 0 && t <= MAX_TIMESTAMP_MS)) {
        throw new ScriptError(line, field, `timestamp ${JSON.stringify(v)} is out of range (0 ..= ${MAX_TIMESTAMP_MS} ms, 1970 to +275760)`)
    }
    return t
}

function isObject(x: unknown): x is Record<string, unknown> {
    return x !== null && typeof x === 'object' && !Array.isArray(x)
}

function missingOrType(what: string, v: unknown): string {
    return v === undefined ? `missing ${what}` : `expected the ${what} as a string, got ${JSON.stringify(v)}`
}

/** an optional array field: absent is empty, anything else but an array (null included) is an error */
function arrayField(json: Record<string, unknown>, key: string, what: string, line: number): unknown[] {
    const v = json[key]
    if (v === undefined) return []
    if (!Array.isArray(v)) throw new ScriptError(line, key, `expected an array of ${what}, got ${JSON.stringify(v)}`)
    return v
}

function describe(v: unknown): string {
    if (Array.isArray(v)) return 'an array'
    if (v === null) return 'null'
    return `${typeof v} ${JSON.stringify(v).slice(0, 40)}`
}

function only(o: Record<string, unknown>, allowed: string[], line: number, prefix = ''): void {
    for (const k of Object.keys(o)) {
        if (!allowed.includes(k)) throw new ScriptError(line, prefix + k, `unknown field ${JSON.stringify(k)} (allowed: ${allowed.join(', ')})`)
    }
}

function wrap<T>(line: number, prefix: string, fn: () => T): T {
    try {
        return fn()
    } catch (e) {
        if (e instanceof ValueError) throw new ScriptError(line, prefix + e.path, e.message.slice(e.path.length + 2))
        throw e
    }
}

function parseEvent(era: RuntimeEra, json: unknown, line: number, where: string): DevEvent {
    if (!isObject(json)) throw new ScriptError(line, where, `expected an event object {pallet, name, args}, got ${JSON.stringify(json)}`)
    only(json, ['pallet', 'name', 'args', 'phase'], line, where + '.')
    const {pallet, name} = json
    if (typeof pallet !== 'string') throw new ScriptError(line, `${where}.pallet`, missingOrType('pallet name', pallet))
    if (typeof name !== 'string') throw new ScriptError(line, `${where}.name`, missingOrType('event name', name))
    if (!EVENTS[era][pallet]) {
        throw new ScriptError(line, `${where}.pallet`, `unknown pallet ${JSON.stringify(pallet)} in era ${era} (known: ${Object.keys(EVENTS[era]).join(', ')})`)
    }
    const fields = eventFields(era, pallet, name)
    if (!fields) throw new ScriptError(line, `${where}.name`, `unknown event ${pallet}.${name} in era ${era}`)
    const args = json.args === undefined && fields.length === 0 ? {} : json.args
    if (!isObject(args)) throw new ScriptError(line, `${where}.args`, `expected an object with fields ${fields.map(f => f[0]).join(', ')}`)
    const ev: DevEvent = {pallet, name, args: wrap(line, '', () => fieldsFromJson(fields, args, `${where}.args`))}
    if (json.phase !== undefined) ev.phase = shape(line, () => parsePhase(json.phase, `${where}.phase`))
    return ev
}

function shape<T>(line: number, fn: () => T): T {
    try {
        return fn()
    } catch (e) {
        if (e instanceof ShapeError) throw new ScriptError(line, e.path, e.message)
        throw e
    }
}

function parseStorage(era: RuntimeEra, json: unknown, line: number, where: string): DevStorageWrite {
    if (!isObject(json)) throw new ScriptError(line, where, 'expected a storage write {pallet, item, keys, value}')
    only(json, where ? ['pallet', 'item', 'keys', 'value'] : ['type', 'pallet', 'item', 'keys', 'value'], line, where ? where + '.' : '')
    const {pallet, item} = json
    const p = where ? where + '.' : ''
    if (typeof pallet !== 'string') throw new ScriptError(line, `${p}pallet`, missingOrType('pallet name', pallet))
    if (typeof item !== 'string') throw new ScriptError(line, `${p}item`, missingOrType('storage item name', item))
    const def = storageDef(era, pallet, item)
    if (!def) {
        throw new ScriptError(line, `${p}item`, `unknown storage item ${pallet}.${item} in era ${era} (known: ${Object.keys(STORAGE[era]).join(', ')})`)
    }
    const keysJson = json.keys ?? []
    if (!Array.isArray(keysJson) || keysJson.length !== def.keys.length) {
        throw new ScriptError(line, `${p}keys`, `expected ${def.keys.length} key(s), got ${JSON.stringify(keysJson)}`)
    }
    if (!('value' in json)) throw new ScriptError(line, `${p}value`, 'missing value (null deletes the entry)')
    return wrap(line, '', () => ({
        pallet,
        item,
        keys: keysJson.map((k, i) => fromJson(def.keys[i], k, `${p}keys[${i}]`)),
        value: json.value === null ? null : fromJson(def.value, json.value, `${p}value`),
    }))
}

function parseHeader(json: Record<string, unknown>, n: number): ScriptHeader {
    only(json, ['type', 'version', 'era', 'startTimestamp', 'blockTimeMs', 'name', 'description'], n)
    const v = json.version
    if (v === undefined) throw new ScriptError(n, 'version', 'missing version (this reader reads version 1)')
    if (v !== 1) throw new ScriptError(n, 'version', `unsupported version ${JSON.stringify(v)} (this reader reads version 1, the number)`)
    if (!ERAS.includes(json.era as RuntimeEra))
        throw new ScriptError(n, 'era', `expected "v1" or "v2", got ${json.era === undefined ? 'nothing' : JSON.stringify(json.era)}`)
    const bt = json.blockTimeMs
    if (typeof bt !== 'number' || !Number.isSafeInteger(bt) || bt <= 0 || bt > MAX_TIMESTAMP_MS) {
        throw new ScriptError(n, 'blockTimeMs', `expected a positive integer (ms), got ${bt === undefined ? 'nothing' : JSON.stringify(bt)}`)
    }
    for (const k of ['name', 'description'] as const) {
        if (json[k] !== undefined && typeof json[k] !== 'string') throw new ScriptError(n, k, `expected a string, got ${JSON.stringify(json[k])}`)
    }
    parseTimestamp(json.startTimestamp, n, 'startTimestamp')
    return {...(json as any), startTimestamp: json.startTimestamp as string | number}
}

/** Parse a script given as text. */
export function parseScript(text: string): Script {
    const lines = text.split(/\r?\n/)
    let header: ScriptHeader | null = null
    let headerLine = 0
    const genesis: DevStorageWrite[] = []
    const blocks = new ScriptBlocks()
    let era: RuntimeEra = 'v2'
    let start = 0
    let step = 0
    let lastTs = -1
    const nextTs = () => (blocks.length === 0 ? start : lastTs + step)
    for (let i = 0; i < lines.length; i++) {
        const n = i + 1
        const raw = lines[i].trim()
        if (raw === '' || raw.startsWith('#')) continue
        if (raw.length > MAX_LINE_CHARS) throw new ScriptError(n, null, `line too long: ${raw.length} characters (at most ${MAX_LINE_CHARS})`)
        let json: unknown
        try {
            json = JSON.parse(raw)
        } catch (e: any) {
            throw new ScriptError(n, null, `bad JSON: ${e.message}`)
        }
        if (!isObject(json)) throw new ScriptError(n, null, `each line must be a JSON object with a "type", got ${describe(json)}`)
        const dup = duplicateKey(raw)
        if (dup !== null) throw new ScriptError(n, dup, `the key ${JSON.stringify(dup.split('.').pop())} appears twice in the same object`)
        const type = json.type
        if (type === undefined) throw new ScriptError(n, 'type', 'missing "type" (header, storage, block, empty)')
        if (header === null) {
            if (type !== 'header') throw new ScriptError(n, 'type', `the first line must be the header ({"type":"header",...}), got ${JSON.stringify(type)}`)
            header = parseHeader(json, n)
            headerLine = n
            start = parseTimestamp(json.startTimestamp, n, 'startTimestamp')
            step = header.blockTimeMs
            era = header.era
            continue
        }
        switch (type) {
            case 'header':
                throw new ScriptError(n, 'type', `a second header (the header is line ${headerLine}; a script has one)`)
            case 'storage':
                if (blocks.length > 0) throw new ScriptError(n, 'type', 'genesis storage lines must come before the first block')
                genesis.push(parseStorage(era, json, n, ''))
                break
            case 'empty': {
                only(json, ['type', 'count'], n)
                const c = json.count
                if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 1)
                    throw new ScriptError(n, 'count', `expected a positive integer, got ${c === undefined ? 'nothing' : JSON.stringify(c)}`)
                if (blocks.length + c > MAX_SCRIPT_BLOCKS) {
                    throw new ScriptError(n, 'count', `${c} more blocks make ${blocks.length + c}, over the limit of ${MAX_SCRIPT_BLOCKS} blocks per script`)
                }
                const first = nextTs()
                const last = first + (c - 1) * step
                if (last > MAX_TIMESTAMP_MS) throw new ScriptError(n, 'count', `the run of ${c} blocks ends at timestamp ${last}, past ${MAX_TIMESTAMP_MS}`)
                blocks.pushEmpty(c, era, first, step)
                lastTs = last
                break
            }
            case 'block': {
                only(json, ['type', 'era', 'timestamp', 'events', 'extrinsics', 'storage'], n)
                if (blocks.length + 1 > MAX_SCRIPT_BLOCKS) throw new ScriptError(n, null, `over the limit of ${MAX_SCRIPT_BLOCKS} blocks per script`)
                if (json.era !== undefined) {
                    if (!ERAS.includes(json.era as RuntimeEra)) throw new ScriptError(n, 'era', `expected "v1" or "v2", got ${JSON.stringify(json.era)}`)
                    if (era === 'v2' && json.era === 'v1') throw new ScriptError(n, 'era', 'the runtime cannot go back from v2 to v1')
                    era = json.era as RuntimeEra
                }
                const ts = json.timestamp !== undefined ? parseTimestamp(json.timestamp, n, 'timestamp') : nextTs()
                if (ts <= lastTs) throw new ScriptError(n, 'timestamp', `block timestamps must increase (${ts} after ${lastTs})`)
                if (ts > MAX_TIMESTAMP_MS) throw new ScriptError(n, 'timestamp', `timestamp ${ts} is past ${MAX_TIMESTAMP_MS}`)
                const evs = arrayField(json, 'events', 'events', n)
                const st = arrayField(json, 'storage', 'storage writes', n)
                const xs = arrayField(json, 'extrinsics', 'extrinsics', n)
                const events = evs.map((e, k) => parseEvent(era, e, n, `events[${k}]`))
                const storage = st.map((s, k) => parseStorage(era, s, n, `storage[${k}]`))
                const block: DevBlock = {timestamp: ts, era, events, storage}
                if (xs.length) block.extrinsics = xs.map((x, k) => shape(n, () => parseExtrinsic(x, `extrinsics[${k}]`)))
                blocks.push(block)
                lastTs = ts
                break
            }
            default:
                throw new ScriptError(n, 'type', `unknown line type ${JSON.stringify(type)} (header, storage, block, empty)`)
        }
    }
    if (!header) throw new ScriptError(1, null, 'empty script: no header line')
    return {header, genesis, blocks, blockCount: blocks.length}
}

/**
 * Read an event script from a file path, or from its text (anything starting with `{` or `#`).
 * Returns {genesis, blocks} ready for the chain builder, plus the header.
 */
export function readScript(source: string): Script {
    const s = source.trimStart()
    if (s.startsWith('{') || s.startsWith('#')) return parseScript(source)
    if (s.startsWith('[') || s.includes('\n')) {
        throw new ScriptError(1, null, 'a script is JSON lines starting with the header object ({"type":"header",...}), not a JSON array or other text')
    }
    let text: string
    try {
        text = fs.readFileSync(source, 'utf8')
    } catch (e: any) {
        throw new Error(`cannot read the script file ${JSON.stringify(source)}: ${e.code ?? e.message}`)
    }
    return parseScript(text)
}

// ---- writing ---------------------------------------------------------------------------------------------------

function eventToJson(era: RuntimeEra, ev: DevEvent): unknown {
    const fields = eventFields(era, ev.pallet, ev.name)
    if (!fields) throw new Error(`cannot write ${ev.pallet}.${ev.name}: no such event in era ${era}`)
    const args: Record<string, unknown> = {}
    for (const [name, t] of fields) args[name] = toJson(t, ev.args[name] as DevValue)
    return ev.phase ? {pallet: ev.pallet, name: ev.name, args, phase: ev.phase} : {pallet: ev.pallet, name: ev.name, args}
}

function storageToJson(era: RuntimeEra, w: DevStorageWrite): {pallet: string; item: string; keys: unknown[]; value: unknown} {
    const def = storageDef(era, w.pallet, w.item)
    if (!def) throw new Error(`cannot write storage ${w.pallet}.${w.item}: not known in era ${era}`)
    return {
        pallet: w.pallet,
        item: w.item,
        keys: w.keys.map((k, i) => toJson(def.keys[i], k)),
        value: w.value === null ? null : toJson(def.value, w.value),
    }
}

export interface WriteOptions {
    name?: string
    description?: string
    /** default: the gap between the first two blocks, else 12 s */
    blockTimeMs?: number
    /** era of genesis when there are no blocks (default v2) */
    era?: RuntimeEra
}

/** The lines of a script for {genesis, blocks} (lazy: works for generated scenarios of any length). */
export function* scriptLines(
    src: {genesis: DevStorageWrite[]; blocks: Iterable<DevBlock>; blockTimeMs?: number; name?: string},
    opts: WriteOptions = {}
): Generator<string> {
    const it = src.blocks[Symbol.iterator]()
    const first = it.next()
    const second = first.done ? first : it.next()
    const firstBlock = first.done ? null : first.value
    const secondBlock = second.done ? null : second.value
    const step = opts.blockTimeMs ?? src.blockTimeMs ?? (firstBlock && secondBlock ? secondBlock.timestamp - firstBlock.timestamp : 12_000)
    let era: RuntimeEra = firstBlock?.era ?? opts.era ?? 'v2'
    const header: ScriptHeader = {
        type: 'header',
        version: 1,
        era,
        startTimestamp: new Date(firstBlock?.timestamp ?? 0).toISOString(),
        blockTimeMs: step,
        ...((opts.name ?? src.name) ? {name: opts.name ?? src.name} : {}),
        ...(opts.description ? {description: opts.description} : {}),
    }
    yield JSON.stringify(header)
    for (const w of src.genesis) yield JSON.stringify({type: 'storage', ...storageToJson(era, w)})
    let expected = firstBlock?.timestamp ?? 0
    let empty = 0
    const flush = function* () {
        if (empty > 0) yield JSON.stringify({type: 'empty', count: empty})
        empty = 0
    }
    const emitBlock = function* (b: DevBlock) {
        const eraChange = b.era !== era
        const xs = b.extrinsics ?? []
        if (!eraChange && b.timestamp === expected && b.events.length === 0 && b.storage.length === 0 && xs.length === 0) {
            empty++
        } else {
            yield* flush()
            const line: Record<string, unknown> = {type: 'block'}
            if (eraChange) line.era = b.era
            if (b.timestamp !== expected) line.timestamp = b.timestamp
            era = b.era
            line.events = b.events.map(ev => eventToJson(era, ev))
            if (xs.length) line.extrinsics = xs.map(extrinsicToJson)
            if (b.storage.length) line.storage = b.storage.map(w => storageToJson(era, w))
            yield JSON.stringify(line)
        }
        expected = b.timestamp + step
    }
    if (firstBlock) yield* emitBlock(firstBlock)
    if (secondBlock) yield* emitBlock(secondBlock)
    for (let r = it.next(); !r.done; r = it.next()) yield* emitBlock(r.value)
    yield* flush()
}

/** Dump {genesis, blocks} (e.g. a simulated scenario) as a script file; returns the number of lines. */
export function writeScript(
    path: string,
    src: {genesis: DevStorageWrite[]; blocks: Iterable<DevBlock>; blockTimeMs?: number; name?: string},
    opts: WriteOptions = {}
): number {
    const fd = fs.openSync(path, 'w')
    let n = 0
    try {
        let buf = ''
        for (const line of scriptLines(src, opts)) {
            buf += line + '\n'
            n++
            if (buf.length > 1 << 20) {
                fs.writeSync(fd, buf)
                buf = ''
            }
        }
        if (buf) fs.writeSync(fd, buf)
    } finally {
        fs.closeSync(fd)
    }
    return n
}

/** The whole script as text. */
export function scriptText(
    src: {genesis: DevStorageWrite[]; blocks: Iterable<DevBlock>; blockTimeMs?: number; name?: string},
    opts: WriteOptions = {}
): string {
    let out = ''
    for (const line of scriptLines(src, opts)) out += line + '\n'
    return out
}
