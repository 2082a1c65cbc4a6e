/**
 * Encoding of the abstract DevBlocks into block content (everything of a block that does not depend on its parent):
 * the runtime era, the timestamp, the block's own event records and its storage writes, all as bytes.
 */
import type {DevBlock, DevStorageWrite} from '../model'
import {ScaleWriter} from '../runtime/codec'
import type {RuntimeSet} from '../runtime'
import type {DevRuntime} from '../runtime/runtime'

/** [storage key hex (lowercase), value bytes or null = deletion] */
export type StorageWrite = [string, Uint8Array | null]

export interface BlockContent {
    /** runtime era executing the block ('v1' | 'v2') */
    era: string
    /** Timestamp.set argument, ms */
    timestamp: number
    /** number of event records in `events` */
    eventCount: number
    /** the DevBlock's events as encoded EventRecords (phase Finalization), concatenated, without a length prefix */
    events: Uint8Array
    /** storage changes, one per key (the last write of a key in the block wins) */
    writes: StorageWrite[]
}

function runtimeFor(rts: RuntimeSet, preferred: DevRuntime, pallet: string, item: string): DevRuntime {
    if (preferred.hasStorage(pallet, item)) return preferred
    for (let era of ['v1', 'v2']) {
        let rt = rts(era)
        if (rt.hasStorage(pallet, item)) return rt
    }
    return preferred // throws a helpful error
}

export function encodeWrites(writes: DevStorageWrite[], rt: DevRuntime, rts: RuntimeSet): StorageWrite[] {
    let byKey = new Map<string, Uint8Array | null>()
    for (let w of writes) {
        let [key, value] = runtimeFor(rts, rt, w.pallet, w.item).encodeStorageWrite(w)
        byKey.set(key, value)
    }
    return [...byKey.entries()]
}

const writerPool = new ScaleWriter(1 << 16)

export function encodeBlockContent(block: DevBlock, rts: RuntimeSet): BlockContent {
    if (!Number.isSafeInteger(block.timestamp) || block.timestamp < 0) throw new Error(`bad block timestamp ${block.timestamp}`)
    let rt = rts(block.era)
    let w = writerPool
    w.reset()
    for (let ev of block.events) rt.encodeEventRecord(w, ev, {kind: 'Finalization'})
    return {
        era: block.era,
        timestamp: block.timestamp,
        eventCount: block.events.length,
        events: w.finish(),
        writes: encodeWrites(block.storage || [], rt, rts),
    }
}
