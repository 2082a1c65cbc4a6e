/**
 * A chain file served from disk: the file is read once to index it (every block sealed to know its hash, the
 * offsets of blocks and of storage values), then blocks are read back by offset when asked for, and kept in a
 * small LRU cache. What stays in memory is O(blocks) of fixed-size entries (hash, state root, offset, timestamp,
 * era, event count: ~90 bytes a block), O(storage versions) of 12 bytes each, the storage keys, and the cache —
 * no block bodies, events or storage values. The blocks are the first `count` ids and heights of a `Chain`
 * (./chain), which keeps blocks appended on top of them (empty tail blocks, forks) in memory as usual.
 */
import * as fs from 'fs'
import {ScaleWriter, toHex} from '../runtime/codec'
import {runtimeSet, type RuntimeOptions, type RuntimeSet} from '../runtime'
import type {BlockRec} from './chain'
import type {StorageWrite} from './content'
import type {ChainFileHeader} from './file'
import {ChainFileScanner, parseBlockBytes, readWriteValue} from './reader'
import {sealBlock, sealGenesis} from './seal'

export interface FrozenOptions {
    /** blocks kept materialized (default 256) */
    cacheBlocks?: number
    /** called every `progressEvery` blocks while indexing */
    progress?: (blocks: number, offset: number, size: number) => void
}

class Grow<T extends Int32Array | Float64Array> {
    a: T
    n = 0
    constructor(private readonly make: (n: number) => T) {
        this.a = make(1 << 16)
    }
    push(v: number) {
        if (this.n === this.a.length) {
            let b = this.make(this.a.length * 2)
            b.set(this.a)
            this.a = b
        }
        this.a[this.n++] = v
    }
    trim(): T {
        return this.a.subarray(0, this.n) as T
    }
}

/** 32-byte entries, packed */
class Grow32 {
    a = new Uint8Array(32 << 12)
    n = 0
    push(v: Uint8Array) {
        if ((this.n + 1) * 32 > this.a.length) {
            let b = new Uint8Array(this.a.length * 2)
            b.set(this.a)
            this.a = b
        }
        this.a.set(v, this.n * 32)
        this.n++
    }
    get(i: number): Uint8Array {
        return this.a.subarray(i * 32, i * 32 + 32)
    }
    trim(): Uint8Array {
        return this.a.slice(0, this.n * 32)
    }
}

/** a hash's first 28 bits (the lookup table's key) */
function prefix28(hash: Uint8Array, at: number): number {
    return ((hash[at] << 20) | (hash[at + 1] << 12) | (hash[at + 2] << 4) | (hash[at + 3] >> 4)) >>> 0
}

const ID_BITS = 2 ** 24

export class FrozenBlocks {
    readonly header: ChainFileHeader
    readonly runtimeOptions: RuntimeOptions
    readonly runtimes: RuntimeSet
    readonly genesisEra: string
    readonly genesisWrites: StorageWrite[]
    /** blocks in the file, genesis included (ids and heights 0 … count − 1) */
    readonly count: number
    /** Σ System.Events records of the blocks */
    readonly events: number
    readonly storageVersions: number
    private readonly fd: number
    private readonly hashes: Uint8Array
    private readonly stateRoots: Uint8Array
    private readonly offsets: Float64Array
    private readonly timestamps: Float64Array
    private readonly eraIdx: Uint8Array
    private readonly eraNames: string[] = []
    private readonly eventCounts: Uint32Array
    private readonly hashTable: Float64Array
    private readonly keyIds = new Map<string, number>()
    private readonly keyStart: Int32Array
    private readonly vHeight: Int32Array
    private readonly vOff: Float64Array
    private readonly cache = new Map<number, BlockRec>()
    private readonly cacheBlocks: number
    private readonly lastChildOf = new Map<number, number>()
    private readonly w = new ScaleWriter(1 << 16)
    private genesisRec: BlockRec | undefined

    constructor(
        readonly path: string,
        opts: FrozenOptions = {}
    ) {
        this.cacheBlocks = Math.max(2, opts.cacheBlocks ?? 256)
        // the next block's era is needed to seal a block (a change emits System.CodeUpdated): one block of look-ahead,
        // so the scanner copies each block out of its window
        let sc = new ChainFileScanner(path, true)
        try {
            this.header = sc.header
            this.runtimeOptions = sc.header.runtimes || {}
            this.runtimes = runtimeSet(this.runtimeOptions)
            this.genesisEra = sc.header.genesisEra
            this.runtimes(this.genesisEra)
            this.genesisWrites = sc.genesis
            let hashes = new Grow32()
            let roots = new Grow32()
            let offsets = new Grow(n => new Float64Array(n))
            let timestamps = new Grow(n => new Float64Array(n))
            let eras = new Grow(n => new Int32Array(n))
            let counts = new Grow(n => new Int32Array(n))
            let vKey = new Grow(n => new Int32Array(n))
            let vHeight = new Grow(n => new Int32Array(n))
            let vOff = new Grow(n => new Float64Array(n))
            let version = (key: string, height: number, off: number) => {
                let k = this.keyIds.get(key)
                if (k === undefined) this.keyIds.set(key, (k = this.keyIds.size))
                vKey.push(k)
                vHeight.push(height)
                vOff.push(off)
            }
            let g = sealGenesis(this.w, sc.genesis)
            hashes.push(g.hash)
            roots.push(g.stateRoot)
            offsets.push(0)
            timestamps.push(0)
            eras.push(this.eraIndex(this.genesisEra))
            counts.push(0)
            for (let i = 0; i < sc.genesis.length; i++) version(sc.genesis[i][0], 0, sc.genesisValueAt[i])
            let events = 0
            let cur = sc.next(true)
            let height = 0
            while (cur) {
                let next = sc.next(true)
                height++
                let s = sealBlock(
                    this.w,
                    this.runtimes,
                    hashes.get(height - 1),
                    roots.get(height - 1),
                    height,
                    cur.content,
                    next ? next.content.era : cur.content.era,
                    cur.salt
                )
                hashes.push(s.hash)
                roots.push(s.stateRoot)
                offsets.push(cur.offset)
                timestamps.push(cur.content.timestamp)
                eras.push(this.eraIndex(cur.content.era))
                counts.push(s.eventCount)
                events += s.eventCount
                let ws = cur.content.writes
                for (let i = 0; i < ws.length; i++) version(ws[i][0], height, cur.offset + cur.writeValueAt[i])
                if (opts.progress && height % 10_000 === 0) opts.progress(height, sc.offset, sc.size)
                cur = next
            }
            offsets.push(sc.offset)
            this.fd = fs.openSync(path, 'r')
            this.count = height + 1
            this.events = events
            this.storageVersions = vKey.n
            this.hashes = hashes.trim()
            this.stateRoots = roots.trim()
            this.offsets = offsets.trim().slice()
            this.timestamps = timestamps.trim().slice()
            this.eraIdx = Uint8Array.from(eras.trim())
            this.eventCounts = Uint32Array.from(counts.trim())
            // storage versions grouped by key (ascending heights within a key: the file is in height order)
            let nk = this.keyIds.size
            let start = new Int32Array(nk + 1)
            let keys = vKey.trim()
            for (let i = 0; i < keys.length; i++) start[keys[i] + 1]++
            for (let k = 0; k < nk; k++) start[k + 1] += start[k]
            let fill = start.slice(0, nk)
            let h = new Int32Array(keys.length)
            let o = new Float64Array(keys.length)
            let hs = vHeight.trim()
            let os = vOff.trim()
            for (let i = 0; i < keys.length; i++) {
                let at = fill[keys[i]]++
                h[at] = hs[i]
                o[at] = os[i]
            }
            this.keyStart = start
            this.vHeight = h
            this.vOff = o
            // hash lookup: (first 28 bits · 2^24 + id), sorted
            if (this.count >= ID_BITS) throw new Error(`${path}: too many blocks (${this.count}) for the hash index`)
            let table = new Float64Array(this.count)
            for (let id = 0; id < this.count; id++) table[id] = prefix28(this.hashes, id * 32) * ID_BITS + id
            table.sort()
            this.hashTable = table
        } finally {
            sc.close()
        }
    }

    private eraIndex(era: string): number {
        let i = this.eraNames.indexOf(era)
        if (i < 0) {
            this.eraNames.push(era)
            i = this.eraNames.length - 1
        }
        return i
    }

    hash(id: number): Uint8Array {
        return this.hashes.subarray(id * 32, id * 32 + 32)
    }

    hashHex(id: number): string {
        return toHex(this.hash(id))
    }

    era(id: number): string {
        return this.eraNames[this.eraIdx[id]]
    }

    timestamp(id: number): number {
        return this.timestamps[id]
    }

    eventCount(id: number): number {
        return this.eventCounts[id]
    }

    /** id of the block with this hash (lowercase 0x-hex), or undefined */
    idByHash(hashHex: string): number | undefined {
        if (!/^0x[0-9a-f]{64}$/.test(hashHex)) return undefined
        let h = Buffer.from(hashHex.slice(2), 'hex')
        let p = prefix28(h, 0)
        let t = this.hashTable
        let lo = 0
        let hi = t.length
        while (lo < hi) {
            let mid = (lo + hi) >> 1
            if (Math.floor(t[mid] / ID_BITS) < p) lo = mid + 1
            else hi = mid
        }
        for (; lo < t.length && Math.floor(t[lo] / ID_BITS) === p; lo++) {
            let id = t[lo] % ID_BITS
            if (Buffer.from(this.hash(id)).equals(h)) return id
        }
        return undefined
    }

    /** a block appended on top of block `id` (outside the file): its runtime era is the child's */
    setLastChild(id: number, child: number): void {
        this.lastChildOf.set(id, child)
        let rec = id === 0 ? this.genesisRec : this.cache.get(id)
        if (rec) rec.lastChild = child
    }

    private lastChild(id: number): number {
        return this.lastChildOf.get(id) ?? (id + 1 < this.count ? id + 1 : -1)
    }

    /** the block `id`, read from the file and sealed again (cached) */
    rec(id: number): BlockRec {
        if (id === 0) return (this.genesisRec ??= this.genesis())
        let r = this.cache.get(id)
        if (r) {
            this.cache.delete(id)
            this.cache.set(id, r)
            return r
        }
        let start = this.offsets[id]
        let bytes = Buffer.allocUnsafe(this.offsets[id + 1] - start)
        fs.readSync(this.fd, bytes, 0, bytes.length, start)
        let {content, salt} = parseBlockBytes(bytes, this.header.format)
        let nextEra = id + 1 < this.count ? this.era(id + 1) : content.era
        let s = sealBlock(this.w, this.runtimes, this.hash(id - 1), this.stateRoots.subarray((id - 1) * 32, id * 32), id, content, nextEra, salt)
        let hashHex = toHex(s.hash)
        if (hashHex !== this.hashHex(id)) throw new Error(`${this.path}: block ${id} changed since the file was indexed`)
        r = {
            id,
            height: id,
            parent: id - 1,
            hash: s.hash,
            hashHex,
            parentHashHex: this.hashHex(id - 1),
            stateRoot: s.stateRoot,
            extrinsicsRoot: s.extrinsicsRoot,
            digest: s.digest,
            header: s.header,
            extrinsics: s.extrinsics,
            events: s.events,
            eventCount: s.eventCount,
            era: content.era,
            nextEraHint: nextEra,
            lastChild: this.lastChild(id),
            timestamp: content.timestamp,
            salt,
            content: s.content,
        }
        this.cache.set(id, r)
        if (this.cache.size > this.cacheBlocks) this.cache.delete(this.cache.keys().next().value!)
        return r
    }

    private genesis(): BlockRec {
        let g = sealGenesis(this.w, this.genesisWrites)
        return {
            id: 0,
            height: 0,
            parent: -1,
            hash: g.hash,
            hashHex: toHex(g.hash),
            parentHashHex: toHex(new Uint8Array(32)),
            stateRoot: g.stateRoot,
            extrinsicsRoot: g.extrinsicsRoot,
            digest: [],
            header: g.header,
            extrinsics: [],
            events: new Uint8Array([0]),
            eventCount: 0,
            era: this.genesisEra,
            nextEraHint: this.genesisEra,
            lastChild: this.lastChild(0),
            timestamp: 0,
            salt: 0,
            content: {
                era: this.genesisEra,
                timestamp: 0,
                eventCount: 0,
                events: new Uint8Array(0),
                initCount: 0,
                initBytes: 0,
                extrinsics: [],
                writes: this.genesisWrites,
            },
        }
    }

    /** blocks materialized right now (the cache and genesis) */
    get resident(): number {
        return this.cache.size + (this.genesisRec ? 1 : 0)
    }

    /** bytes of the index arrays (hashes, roots, offsets, timestamps, eras, counts, hash table, storage versions) */
    get indexBytes(): number {
        let arrays = [
            this.hashes,
            this.stateRoots,
            this.offsets,
            this.timestamps,
            this.eraIdx,
            this.eventCounts,
            this.hashTable,
            this.keyStart,
            this.vHeight,
            this.vOff,
        ]
        return arrays.reduce((a, x) => a + x.byteLength, 0)
    }

    get storageKeys(): number {
        return this.keyIds.size
    }

    keys(): IterableIterator<string> {
        return this.keyIds.keys()
    }

    /**
     * The most recent version of `key` at or below `height` whose block passes `isAncestor(height)` (the file's
     * blocks have id = height): its height and value; undefined when none.
     */
    storage(key: string, height: number, isAncestor: (h: number) => boolean): {height: number; value: Uint8Array | null} | undefined {
        let k = this.keyIds.get(key)
        if (k === undefined) return undefined
        let lo = this.keyStart[k]
        let hi = this.keyStart[k + 1]
        let a = lo
        let b = hi
        while (a < b) {
            let mid = (a + b) >> 1
            if (this.vHeight[mid] <= height) a = mid + 1
            else b = mid
        }
        for (let i = a - 1; i >= lo; i--) {
            let h = this.vHeight[i]
            if (isAncestor(h)) return {height: h, value: readWriteValue(this.fd, this.vOff[i])}
        }
        return undefined
    }

    close(): void {
        fs.closeSync(this.fd)
    }
}
