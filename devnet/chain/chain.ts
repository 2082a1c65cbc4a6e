/**
 * The devnet block tree: real headers (blake2-256 hashes), one Timestamp.set inherent per block, System.Events
 * per block, storage kept per block (per-key version lists, fork aware), runtime upgrades, finality and forks.
 *
 * Everything is kept as encoded bytes. Blocks orphaned by a fork stay queryable by hash (as on a real node);
 * `chain_getBlockHash(n)` style lookups go through the canonical chain.
 */
import {blake2AsU8a} from '@polkadot/util-crypto'
import type {DevEvent} from '../model'
import {ScaleWriter, toHex} from '../runtime/codec'
import type {RuntimeSet} from '../runtime'
import type {DevRuntime} from '../runtime/runtime'
import type {BlockContent, StorageWrite} from './content'

export interface BlockRec {
    id: number
    height: number
    /** id of the parent block, -1 for genesis */
    parent: number
    hash: Uint8Array
    hashHex: string
    parentHashHex: string
    stateRoot: Uint8Array
    extrinsicsRoot: Uint8Array
    digest: Uint8Array[]
    /** SCALE-encoded header */
    header: Uint8Array
    extrinsics: Uint8Array[]
    /** SCALE Vec<EventRecord> (System.Events of this block) */
    events: Uint8Array
    eventCount: number
    /** era of the runtime that executed this block */
    era: string
    /** era expected for the next block when this one was built (runtime in its post-state while it has no child) */
    nextEraHint: string
    /** id of the most recently added child, -1 when none */
    lastChild: number
    timestamp: number
    /** fork salt (0 = none): an extra digest item that changes the hash without changing content */
    salt: number
    content: BlockContent
    headerJson?: any
    extrinsicsHex?: string[]
}

interface Versions {
    heights: number[]
    ids: number[]
    values: (Uint8Array | null)[]
}

const ZERO_HASH = new Uint8Array(32)

export const KEYS = {
    systemEvents: '0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7',
    systemNumber: '0x26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac',
    systemParentHash: '0x26aa394eea5630e07c48ae0c9558cef78a42f33323cb5ced3b44dd825fda9fcc',
    systemDigest: '0x26aa394eea5630e07c48ae0c9558cef799e7f93fc6a98f0874fd057f111c4d2d',
    timestampNow: '0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb',
}

export function blake2(data: Uint8Array): Uint8Array {
    return blake2AsU8a(data, 256)
}

function concat(parts: Uint8Array[]): Uint8Array {
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

function u32le(n: number): Uint8Array {
    let b = new Uint8Array(4)
    new DataView(b.buffer).setUint32(0, n, true)
    return b
}

function u64le(n: number): Uint8Array {
    let b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true)
    return b
}

/** Khala-like aura slot duration (ms) for the PreRuntime digest item */
const SLOT_MS = 12000

export interface ChainStats {
    blocks: number
    canonicalHeight: number
    finalizedHeight: number
    events: number
    storageKeys: number
    storageVersions: number
}

export class Chain {
    readonly blocks: BlockRec[] = []
    /** height -> block id of the canonical chain */
    readonly canon: number[] = []
    private byHash = new Map<string, number>()
    private storage = new Map<string, Versions>()
    private _finalized = 0
    private eventsTotal = 0
    private versionsTotal = 0
    private w = new ScaleWriter(1 << 16)

    constructor(
        readonly runtimes: RuntimeSet,
        genesisWrites: StorageWrite[],
        readonly genesisEra: string
    ) {
        this.runtimes(genesisEra) // validates
        let content: BlockContent = {
            era: genesisEra,
            timestamp: 0,
            eventCount: 0,
            events: new Uint8Array(0),
            initCount: 0,
            initBytes: 0,
            extrinsics: [],
            writes: genesisWrites,
        }
        let stateRoot = blake2(concat([ZERO_HASH, this.writesDigest(genesisWrites)]))
        let extrinsicsRoot = blake2(new Uint8Array(0))
        let header = this.encodeHeader(ZERO_HASH, 0, stateRoot, extrinsicsRoot, [])
        let hash = blake2(header)
        let rec: BlockRec = {
            id: 0,
            height: 0,
            parent: -1,
            hash,
            hashHex: toHex(hash),
            parentHashHex: toHex(ZERO_HASH),
            stateRoot,
            extrinsicsRoot,
            digest: [],
            header,
            extrinsics: [],
            events: new Uint8Array([0]),
            eventCount: 0,
            era: genesisEra,
            nextEraHint: genesisEra,
            lastChild: -1,
            timestamp: 0,
            salt: 0,
            content,
        }
        this.addRec(rec)
    }

    // ------------------------------------------------------------ building

    private writesDigest(writes: StorageWrite[]): Uint8Array {
        let w = this.w
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

    private encodeHeader(parent: Uint8Array, height: number, stateRoot: Uint8Array, extrinsicsRoot: Uint8Array, digest: Uint8Array[]): Uint8Array {
        let w = new ScaleWriter(256)
        w.bytes(parent)
        w.compact(height)
        w.bytes(stateRoot)
        w.bytes(extrinsicsRoot)
        w.compact(digest.length)
        for (let d of digest) w.bytes(d)
        return w.finish()
    }

    private digestItems(timestamp: number, salt: number): Uint8Array[] {
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

    private fullEvents(rt: DevRuntime, content: BlockContent, codeUpdated: boolean): {bytes: Uint8Array; count: number; body: Uint8Array} {
        let w = this.w
        w.reset()
        let count = content.eventCount + 1 + (codeUpdated ? 1 : 0)
        w.compact(count)
        // on_initialize events, then Timestamp.set's success, then the extrinsics' and on_finalize events
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

    /**
     * Appends a block on top of the canonical head. `nextEra` is the era of the block expected to follow (the runtime
     * this block's post-state reports); a change emits System.CodeUpdated in this block.
     */
    append(content: BlockContent, nextEra: string = content.era, salt = 0): BlockRec {
        let parent = this.head
        let rt = this.runtimes(content.era)
        this.runtimes(nextEra)
        if (content.timestamp < parent.timestamp) {
            throw new Error(`block ${parent.height + 1}: timestamp ${content.timestamp} is before its parent's ${parent.timestamp}`)
        }
        let height = parent.height + 1
        let extrinsics = [rt.timestampExtrinsic(content.timestamp), ...(content.extrinsics ?? [])]
        let {bytes: events, count, body} = this.fullEvents(rt, content, nextEra !== content.era)
        content = {...content, events: body}
        let extrinsicsRoot = blake2(concat(extrinsics))
        let stateRoot = blake2(concat([parent.stateRoot, this.writesDigest(content.writes), blake2(events)]))
        let digest = this.digestItems(content.timestamp, salt)
        let header = this.encodeHeader(parent.hash, height, stateRoot, extrinsicsRoot, digest)
        let hash = blake2(header)
        let rec: BlockRec = {
            id: this.blocks.length,
            height,
            parent: parent.id,
            hash,
            hashHex: toHex(hash),
            parentHashHex: parent.hashHex,
            stateRoot,
            extrinsicsRoot,
            digest,
            header,
            extrinsics,
            events,
            eventCount: count,
            era: content.era,
            nextEraHint: nextEra,
            lastChild: -1,
            timestamp: content.timestamp,
            salt,
            content,
        }
        if (this.byHash.has(rec.hashHex)) {
            throw new Error(`block ${height} would duplicate existing block ${rec.hashHex} (same parent and content): use a fork salt`)
        }
        parent.lastChild = rec.id
        this.addRec(rec)
        return rec
    }

    private addRec(rec: BlockRec): void {
        this.blocks.push(rec)
        this.canon.length = rec.height
        this.canon.push(rec.id)
        this.byHash.set(rec.hashHex, rec.id)
        this.eventsTotal += rec.eventCount
        for (let [key, value] of rec.content.writes) this.addVersion(key, rec, value)
    }

    private addVersion(key: string, rec: BlockRec, value: Uint8Array | null): void {
        let v = this.storage.get(key)
        if (!v) {
            v = {heights: [], ids: [], values: []}
            this.storage.set(key, v)
        }
        this.versionsTotal += 1
        let n = v.heights.length
        if (n === 0 || v.heights[n - 1] <= rec.height) {
            v.heights.push(rec.height)
            v.ids.push(rec.id)
            v.values.push(value)
            return
        }
        // a fork branch: insert after the last version at or below this height
        let i = upperBound(v.heights, rec.height)
        v.heights.splice(i, 0, rec.height)
        v.ids.splice(i, 0, rec.id)
        v.values.splice(i, 0, value)
    }

    /** Makes the canonical chain end at `height` (blocks above stay in the tree as orphans). */
    rollback(height: number): void {
        if (height < this._finalized) throw new Error(`cannot roll back below the finalized height ${this._finalized}`)
        if (height > this.headHeight) throw new Error(`cannot roll back to ${height}: head is ${this.headHeight}`)
        this.canon.length = height + 1
    }

    setFinalized(height: number): boolean {
        height = Math.min(height, this.headHeight)
        if (height <= this._finalized) return false
        this._finalized = height
        return true
    }

    // ------------------------------------------------------------ queries

    get head(): BlockRec {
        return this.blocks[this.canon[this.canon.length - 1]]
    }

    get headHeight(): number {
        return this.canon.length - 1
    }

    get finalizedHeight(): number {
        return this._finalized
    }

    get finalized(): BlockRec {
        return this.blocks[this.canon[this._finalized]]
    }

    get genesis(): BlockRec {
        return this.blocks[0]
    }

    byNumber(height: number): BlockRec | undefined {
        let id = this.canon[height]
        return id == null ? undefined : this.blocks[id]
    }

    byHashHex(hash: string): BlockRec | undefined {
        let id = this.byHash.get(hash.toLowerCase())
        return id == null ? undefined : this.blocks[id]
    }

    isCanonical(b: BlockRec): boolean {
        return this.canon[b.height] === b.id
    }

    /** runtime era reported at block `b` (its post-state): the era of its latest child, or the hint */
    codeEra(b: BlockRec): string {
        return b.lastChild >= 0 ? this.blocks[b.lastChild].era : b.nextEraHint
    }

    runtimeAt(b: BlockRec): DevRuntime {
        return this.runtimes(this.codeEra(b))
    }

    /** id of the ancestor of `b` at height `h` (h <= b.height) */
    ancestorAt(b: BlockRec, h: number): number {
        let cur = b
        while (cur.height > h) {
            if (this.canon[cur.height] === cur.id) return this.canon[h]
            cur = this.blocks[cur.parent]
        }
        return cur.id
    }

    private virtual(key: string, b: BlockRec): Uint8Array | null | undefined {
        switch (key) {
            case KEYS.systemEvents:
                return b.events
            case KEYS.systemNumber:
                return u32le(b.height)
            case KEYS.systemParentHash:
                return b.parent < 0 ? ZERO_HASH : this.blocks[b.parent].hash
            case KEYS.systemDigest: {
                let w = new ScaleWriter(64)
                w.compact(b.digest.length)
                for (let d of b.digest) w.bytes(d)
                return w.finish()
            }
            case KEYS.timestampNow:
                return b.height === 0 ? null : u64le(b.timestamp)
            default:
                return undefined
        }
    }

    getStorage(key: string, b: BlockRec): Uint8Array | null {
        key = key.toLowerCase()
        let vk = this.virtual(key, b)
        if (vk !== undefined) return vk
        let v = this.storage.get(key)
        if (!v) return null
        let i = upperBound(v.heights, b.height) - 1
        for (; i >= 0; i--) {
            let id = v.ids[i]
            if (id === b.id || this.ancestorAt(b, v.heights[i]) === id) return v.values[i]
        }
        return null
    }

    /** Keys with the prefix that have a value at block `b`, sorted. */
    keys(prefix: string, b: BlockRec): string[] {
        prefix = prefix.toLowerCase()
        let out: string[] = []
        for (let k of Object.values(KEYS)) {
            if (k.startsWith(prefix) && this.getStorage(k, b) != null) out.push(k)
        }
        for (let k of this.storage.keys()) {
            if (k.startsWith(prefix) && this.getStorage(k, b) != null) out.push(k)
        }
        out.sort()
        return out
    }

    /** storage changes made by block `b` (including the per-block System/Timestamp items) */
    changedKeys(b: BlockRec): string[] {
        let keys = b.content.writes.map(w => w[0])
        keys.push(KEYS.systemEvents, KEYS.systemNumber, KEYS.systemParentHash, KEYS.systemDigest, KEYS.timestampNow)
        return keys
    }

    stats(): ChainStats {
        return {
            blocks: this.blocks.length,
            canonicalHeight: this.headHeight,
            finalizedHeight: this._finalized,
            events: this.eventsTotal,
            storageKeys: this.storage.size,
            storageVersions: this.versionsTotal,
        }
    }

    // ------------------------------------------------------------ JSON views

    headerJson(b: BlockRec): any {
        if (!b.headerJson) {
            b.headerJson = {
                parentHash: b.parentHashHex,
                number: '0x' + b.height.toString(16),
                stateRoot: toHex(b.stateRoot),
                extrinsicsRoot: toHex(b.extrinsicsRoot),
                digest: {logs: b.digest.map(toHex)},
            }
        }
        return b.headerJson
    }

    blockJson(b: BlockRec): any {
        if (!b.extrinsicsHex) b.extrinsicsHex = b.extrinsics.map(toHex)
        return {block: {header: this.headerJson(b), extrinsics: b.extrinsicsHex}, justifications: null}
    }
}

function upperBound(a: number[], x: number): number {
    let lo = 0
    let hi = a.length
    while (lo < hi) {
        let mid = (lo + hi) >> 1
        if (a[mid] <= x) lo = mid + 1
        else hi = mid
    }
    return lo
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
