/**
 * Encoding of the abstract DevBlocks into block content (everything of a block that does not depend on its parent):
 * the runtime era, the timestamp, the block's own event records and its storage writes, all as bytes.
 */
import type {DevBlock, DevPhase, DevStorageWrite} from '../model'
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
    /** the DevBlock's events as encoded EventRecords (with their phases), concatenated, without a length prefix */
    events: Uint8Array
    /** how many of `events` (and how many bytes) are in phase Initialization: they come before Timestamp.set's */
    initCount: number
    initBytes: number
    /** the encoded extrinsics after Timestamp.set (each with its length prefix) */
    extrinsics: Uint8Array[]
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

const FINALIZATION: DevPhase = {kind: 'Finalization'}

/** the rank of a phase in a block: Initialization, ApplyExtrinsic(0, 1, …), Finalization */
function phaseRank(p: DevPhase): number {
    return p.kind === 'Initialization' ? -1 : p.kind === 'ApplyExtrinsic' ? p.index : Number.MAX_SAFE_INTEGER
}

function phaseName(p: DevPhase): string {
    return p.kind === 'ApplyExtrinsic' ? `ApplyExtrinsic(${p.index})` : p.kind
}

export function encodeBlockContent(block: DevBlock, rts: RuntimeSet): BlockContent {
    if (!Number.isSafeInteger(block.timestamp) || block.timestamp < 0) throw new Error(`bad block timestamp ${block.timestamp}`)
    let rt = rts(block.era)
    let extrinsics = (block.extrinsics ?? []).map(x => rt.encodeExtrinsic(x))
    let w = writerPool
    w.reset()
    let initCount = 0
    let initBytes = 0
    let last = -1
    for (let [i, ev] of block.events.entries()) {
        let phase = ev.phase ?? FINALIZATION
        let rank = phaseRank(phase)
        if (phase.kind === 'ApplyExtrinsic') {
            if (!Number.isSafeInteger(phase.index) || phase.index < 1 || phase.index > extrinsics.length) {
                throw new Error(
                    `event ${i} (${ev.pallet}.${ev.name}) is in ${phaseName(phase)}, but the block has extrinsics 1..${extrinsics.length} after Timestamp.set (index 0)`
                )
            }
        }
        if (rank < last) throw new Error(`event ${i} (${ev.pallet}.${ev.name}) in ${phaseName(phase)} comes after a later phase: events must be in phase order`)
        last = rank
        rt.encodeEventRecord(w, ev, phase)
        if (phase.kind === 'Initialization') {
            initCount++
            initBytes = w.pos
        }
    }
    return {
        era: block.era,
        timestamp: block.timestamp,
        eventCount: block.events.length,
        events: w.finish(),
        initCount,
        initBytes,
        extrinsics,
        writes: encodeWrites(block.storage || [], rt, rts),
    }
}
