/**
 * The devnet block tree: real headers (blake2-256 hashes), one Timestamp.set inherent per block, System.Events
 * per block, storage kept per block (per-key version lists, fork aware), runtime upgrades, finality and forks.
 *
 * Everything is kept as encoded bytes. Blocks orphaned by a fork stay queryable by hash (as on a real node);
 * `chain_getBlockHash(n)` style lookups go through the canonical chain.
 *
 * A chain can start from a chain file served from disk (`Chain.fromFile`, ./frozen): the file's blocks are ids
 * and heights 0 … n − 1, read back when asked for; blocks appended after them are kept in memory.
 */
import {ScaleWriter} from '../runtime/codec'
import {toHex} from '../runtime/codec'
import type {RuntimeSet} from '../runtime'
import type {DevRuntime} from '../runtime/runtime'
import type {BlockContent, StorageWrite} from './content'
import {FrozenBlocks, type FrozenOptions} from './frozen'
import {sealBlock, sealGenesis, u32le, u64le, ZERO_HASH} from './seal'

export {blake2} from './seal'

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

export const KEYS = {
    systemEvents: '0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7',
    systemNumber: '0x26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac',
    systemParentHash: '0x26aa394eea5630e07c48ae0c9558cef78a42f33323cb5ced3b44dd825fda9fcc',
    systemDigest: '0x26aa394eea5630e07c48ae0c9558cef799e7f93fc6a98f0874fd057f111c4d2d',
    timestampNow: '0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb',
}

export interface ChainStats {
    blocks: number
    canonicalHeight: number
    finalizedHeight: number
    events: number
    storageKeys: number
    storageVersions: number
}

export class Chain {
    /** the blocks kept in memory, by id (a chain served from a file has none below the file's block count) */
    readonly blocks: BlockRec[] = []
    /** height -> block id of the canonical chain */
    readonly canon: number[] = []
    private byHash = new Map<string, number>()
    private storage = new Map<string, Versions>()
    private _finalized = 0
    private eventsTotal = 0
    private versionsTotal = 0
    private w = new ScaleWriter(1 << 16)
    /** the blocks of a chain file (ids 0 … frozen.count − 1), or null */
    readonly frozen: FrozenBlocks | null = null

    /** A chain whose first blocks are those of a chain file, served from disk. */
    static fromFile(path: string, opts: FrozenOptions = {}): Chain {
        let f = new FrozenBlocks(path, opts)
        return new Chain(f.runtimes, f.genesisWrites, f.genesisEra, f)
    }

    constructor(
        readonly runtimes: RuntimeSet,
        genesisWrites: StorageWrite[],
        readonly genesisEra: string,
        frozen: FrozenBlocks | null = null
    ) {
        this.runtimes(genesisEra) // validates
        if (frozen) {
            this.frozen = frozen
            this.blocks.length = frozen.count
            for (let id = 0; id < frozen.count; id++) this.canon.push(id)
            this.eventsTotal = frozen.events
            this.versionsTotal = frozen.storageVersions
            this._finalized = 0
            return
        }
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
        let {hash, stateRoot, extrinsicsRoot, header} = sealGenesis(this.w, genesisWrites)
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

    /**
     * Appends a block on top of the canonical head. `nextEra` is the era of the block expected to follow (the runtime
     * this block's post-state reports); a change emits System.CodeUpdated in this block.
     */
    append(content: BlockContent, nextEra: string = content.era, salt = 0): BlockRec {
        let parent = this.head
        this.runtimes(content.era)
        this.runtimes(nextEra)
        if (content.timestamp < parent.timestamp) {
            throw new Error(`block ${parent.height + 1}: timestamp ${content.timestamp} is before its parent's ${parent.timestamp}`)
        }
        let height = parent.height + 1
        let s = sealBlock(this.w, this.runtimes, parent.hash, parent.stateRoot, height, content, nextEra, salt)
        let {hash, stateRoot, extrinsicsRoot, digest, header, extrinsics, events, eventCount: count} = s
        content = s.content
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
        if (this.byHash.has(rec.hashHex) || this.frozen?.idByHash(rec.hashHex) !== undefined) {
            throw new Error(`block ${height} would duplicate existing block ${rec.hashHex} (same parent and content): use a fork salt`)
        }
        parent.lastChild = rec.id
        if (this.frozen && parent.id < this.frozen.count) this.frozen.setLastChild(parent.id, rec.id)
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

    /** the block with this id, in memory or read from the chain file */
    rec(id: number): BlockRec {
        return this.frozen && id < this.frozen.count ? this.frozen.rec(id) : this.blocks[id]
    }

    get head(): BlockRec {
        return this.rec(this.canon[this.canon.length - 1])
    }

    get headHeight(): number {
        return this.canon.length - 1
    }

    get finalizedHeight(): number {
        return this._finalized
    }

    get finalized(): BlockRec {
        return this.rec(this.canon[this._finalized])
    }

    get genesis(): BlockRec {
        return this.rec(0)
    }

    byNumber(height: number): BlockRec | undefined {
        let id = this.canon[height]
        return id == null ? undefined : this.rec(id)
    }

    /** the canonical block hash at `height` (without reading a file block) */
    hashAt(height: number): string | undefined {
        let id = this.canon[height]
        if (id == null) return undefined
        return this.frozen && id < this.frozen.count ? this.frozen.hashHex(id) : this.blocks[id].hashHex
    }

    byHashHex(hash: string): BlockRec | undefined {
        hash = hash.toLowerCase()
        let id = this.byHash.get(hash) ?? this.frozen?.idByHash(hash)
        return id == null ? undefined : this.rec(id)
    }

    isCanonical(b: BlockRec): boolean {
        return this.canon[b.height] === b.id
    }

    /** runtime era reported at block `b` (its post-state): the era of its latest child, or the hint */
    codeEra(b: BlockRec): string {
        if (b.lastChild < 0) return b.nextEraHint
        return this.frozen && b.lastChild < this.frozen.count ? this.frozen.era(b.lastChild) : this.blocks[b.lastChild].era
    }

    runtimeAt(b: BlockRec): DevRuntime {
        return this.runtimes(this.codeEra(b))
    }

    /** id of the ancestor of `b` at height `h` (h <= b.height) */
    ancestorAt(b: BlockRec, h: number): number {
        let id = b.id
        let height = b.height
        let base = this.frozen?.count ?? 0
        while (height > h) {
            if (this.canon[height] === id) return this.canon[h]
            // a file's blocks are one linear chain: id = height
            if (id < base) return h
            id = this.blocks[id].parent
            height--
        }
        return id
    }

    private virtual(key: string, b: BlockRec): Uint8Array | null | undefined {
        switch (key) {
            case KEYS.systemEvents:
                return b.events
            case KEYS.systemNumber:
                return u32le(b.height)
            case KEYS.systemParentHash:
                return b.parent < 0 ? ZERO_HASH : this.rec(b.parent).hash
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
        let found: {height: number; value: Uint8Array | null} | undefined
        if (v) {
            let i = upperBound(v.heights, b.height) - 1
            for (; i >= 0; i--) {
                let id = v.ids[i]
                if (id === b.id || this.ancestorAt(b, v.heights[i]) === id) {
                    found = {height: v.heights[i], value: v.values[i]}
                    break
                }
            }
        }
        if (this.frozen) {
            // a version from the file counts when it is newer than the one in memory and its block is an ancestor
            let f = this.frozen.storage(key, b.height, h => (found === undefined || h > found.height) && (h === b.id || this.ancestorAt(b, h) === h))
            if (f && (found === undefined || f.height > found.height)) found = f
        }
        return found ? found.value : null
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
        if (this.frozen) {
            for (let k of this.frozen.keys()) {
                if (!this.storage.has(k) && k.startsWith(prefix) && this.getStorage(k, b) != null) out.push(k)
            }
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
            storageKeys: this.storage.size + (this.frozen ? [...this.frozen.keys()].filter(k => !this.storage.has(k)).length : 0),
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
