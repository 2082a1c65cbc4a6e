/**
 * Sealing a block: from its content and its parent's hash and state root to its header, hash, extrinsics and
 * System.Events. Deterministic, and the same wherever a block is sealed: when a chain is built in memory
 * (./chain) and when a chain file is indexed or one of its blocks is read back (./frozen).
 */
import {blake2AsU8a} from '@polkadot/util-crypto'
import type {DevEvent} from '../model'
import {ScaleWriter} from '../runtime/codec'
import type {RuntimeSet} from '../runtime'
import type {DevRuntime} from '../runtime/runtime'
import type {BlockContent, StorageWrite} from './content'

export const ZERO_HASH = new Uint8Array(32)

/** Khala-like aura slot duration (ms) for the PreRuntime digest item */
const SLOT_MS = 12000

export function blake2(data: Uint8Array): Uint8Array {
    return blake2AsU8a(data, 256)
}

export function concat(parts: Uint8Array[]): Uint8Array {
    let len = 0
    for (let p of parts) len += p.length
    let out = new Uint8Array(len)
    let pos = 0
    for (let p of parts) {
        out.set(p, pos)
        pos += p.length
    }
    return out
}

export function u32le(n: number): Uint8Array {
    let b = new Uint8Array(4)
    new DataView(b.buffer).setUint32(0, n, true)
    return b
}

export function u64le(n: number): Uint8Array {
    let b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true)
    return b
}

export function writesDigest(w: ScaleWriter, writes: StorageWrite[]): Uint8Array {
    w.reset()
    w.compact(writes.length)
    for (let [k, v] of writes) {
        w.hex(k)
        if (v == null) w.u8(0)
        else {
            w.u8(1)
            w.compact(v.length)
            w.bytes(v)
        }
    }
    return blake2(w.finish())
}

export function encodeHeader(parent: Uint8Array, height: number, stateRoot: Uint8Array, extrinsicsRoot: Uint8Array, digest: Uint8Array[]): Uint8Array {
    let w = new ScaleWriter(256)
    w.bytes(parent)
    w.compact(height)
    w.bytes(stateRoot)
    w.bytes(extrinsicsRoot)
    w.compact(digest.length)
    for (let d of digest) w.bytes(d)
    return w.finish()
}

export function digestItems(timestamp: number, salt: number): Uint8Array[] {
    let items: Uint8Array[] = []
    // PreRuntime(engine 'aura', slot: u64 as Vec<u8>)
    let w = new ScaleWriter(32)
    w.u8(6)
    w.bytes(new Uint8Array([0x61, 0x75, 0x72, 0x61]))
    w.compact(8)
    w.bytes(u64le(Math.floor(timestamp / SLOT_MS)))
    items.push(w.finish())
    if (salt) {
        // Other(Vec<u8>): "devnet-fork" ++ salt
        let tag = new TextEncoder().encode('devnet-fork')
        let o = new ScaleWriter(32)
        o.u8(0)
        o.compact(tag.length + 4)
        o.bytes(tag)
        o.bytes(u32le(salt))
        items.push(o.finish())
    }
    return items
}

const successCache = new WeakMap<DevRuntime, DevEvent>()

function successEvent(rt: DevRuntime): DevEvent {
    let e = successCache.get(rt)
    if (!e) {
        e = rt.extrinsicSuccessEvent()
        successCache.set(rt, e)
    }
    return e
}

/** System.Events of a block: on_initialize events, Timestamp.set's success, the block's own, System.CodeUpdated */
export function fullEvents(w: ScaleWriter, rt: DevRuntime, content: BlockContent, codeUpdated: boolean): {bytes: Uint8Array; count: number; body: Uint8Array} {
    w.reset()
    let count = content.eventCount + 1 + (codeUpdated ? 1 : 0)
    w.compact(count)
    let initBytes = content.initBytes ?? 0
    w.bytes(content.events.subarray(0, initBytes))
    rt.encodeEventRecord(w, successEvent(rt), {kind: 'ApplyExtrinsic', index: 0})
    let start = w.pos
    w.bytes(content.events.subarray(initBytes))
    let end = w.pos
    if (codeUpdated) rt.encodeEventRecord(w, {pallet: 'System', name: 'CodeUpdated', args: {}}, {kind: 'Finalization'})
    let bytes = w.finish()
    // without on_initialize events the block's own events are a slice of System.Events: keep one copy only
    return {bytes, count, body: initBytes === 0 ? bytes.subarray(start, end) : content.events}
}

export interface Sealed {
    hash: Uint8Array
    stateRoot: Uint8Array
    extrinsicsRoot: Uint8Array
    digest: Uint8Array[]
    header: Uint8Array
    /** Timestamp.set, then the content's extrinsics */
    extrinsics: Uint8Array[]
    /** SCALE Vec<EventRecord> */
    events: Uint8Array
    eventCount: number
    /** the content with `events` possibly re-sliced out of `events` (one copy of the bytes) */
    content: BlockContent
}

/** Seals a block on top of a parent (its hash and state root); `nextEra` ≠ content.era emits System.CodeUpdated. */
export function sealBlock(
    w: ScaleWriter,
    rts: RuntimeSet,
    parentHash: Uint8Array,
    parentStateRoot: Uint8Array,
    height: number,
    content: BlockContent,
    nextEra: string,
    salt: number
): Sealed {
    let rt = rts(content.era)
    let extrinsics = [rt.timestampExtrinsic(content.timestamp), ...(content.extrinsics ?? [])]
    let {bytes: events, count, body} = fullEvents(w, rt, content, nextEra !== content.era)
    let extrinsicsRoot = blake2(concat(extrinsics))
    let stateRoot = blake2(concat([parentStateRoot, writesDigest(w, content.writes), blake2(events)]))
    let digest = digestItems(content.timestamp, salt)
    let header = encodeHeader(parentHash, height, stateRoot, extrinsicsRoot, digest)
    return {hash: blake2(header), stateRoot, extrinsicsRoot, digest, header, extrinsics, events, eventCount: count, content: {...content, events: body}}
}

/** The genesis block: no extrinsics, no events; its state root covers the genesis storage only. */
export function sealGenesis(w: ScaleWriter, writes: StorageWrite[]): {hash: Uint8Array; stateRoot: Uint8Array; extrinsicsRoot: Uint8Array; header: Uint8Array} {
    let stateRoot = blake2(concat([ZERO_HASH, writesDigest(w, writes)]))
    let extrinsicsRoot = blake2(new Uint8Array(0))
    let header = encodeHeader(ZERO_HASH, 0, stateRoot, extrinsicsRoot, [])
    return {hash: blake2(header), stateRoot, extrinsicsRoot, header}
}
