/**
 * Reading chain files (./file) without loading them: a sequential scanner that parses one block at a time out of a
 * bounded window of the file (used to index a file and to stream it as a source), and random access to one block
 * by its offset. Memory is the window (16 MB, more only for a larger block), whatever the file's size.
 */
import * as fs from 'fs'
import type {BlockContent, StorageWrite} from './content'
import {CHAIN_FILE_END, CHAIN_FILE_MAGIC, type ChainFileHeader} from './file'

class NeedMore {
    constructor(readonly bytes: number) {}
}

/** A parsing cursor over a byte range; running past the end throws NeedMore (the caller reads more and retries). */
class Cursor {
    pos: number
    constructor(
        readonly buf: Buffer,
        start: number,
        readonly end: number,
        readonly copy: boolean
    ) {
        this.pos = start
    }
    need(n: number) {
        if (this.pos + n > this.end) throw new NeedMore(this.pos + n - this.end)
    }
    u8() {
        this.need(1)
        return this.buf[this.pos++]
    }
    u16() {
        this.need(2)
        let v = this.buf.readUInt16LE(this.pos)
        this.pos += 2
        return v
    }
    u32() {
        this.need(4)
        let v = this.buf.readUInt32LE(this.pos)
        this.pos += 4
        return v
    }
    f64() {
        this.need(8)
        let v = this.buf.readDoubleLE(this.pos)
        this.pos += 8
        return v
    }
    bytes(n: number): Uint8Array {
        this.need(n)
        let b = this.buf.subarray(this.pos, this.pos + n)
        this.pos += n
        if (!this.copy) return b
        let c = new Uint8Array(n)
        c.set(b)
        return c
    }
}

export interface ParsedBlock {
    content: BlockContent
    salt: number
    /** position of each write's has-value byte, relative to the block's start (for storage indexes) */
    writeValueAt: number[]
}

function parseWrites(c: Cursor, base: number, at: number[] | null): StorageWrite[] {
    let n = c.u32()
    let out: StorageWrite[] = new Array(n)
    for (let i = 0; i < n; i++) {
        let klen = c.u16()
        c.need(klen)
        let key = '0x' + c.buf.toString('hex', c.pos, c.pos + klen)
        c.pos += klen
        at?.push(c.pos - base)
        let has = c.u8()
        out[i] = [key, has ? c.bytes(c.u32()) : null]
    }
    return out
}

function parseBlock(c: Cursor, format: number, withOffsets: boolean): ParsedBlock {
    let base = c.pos
    let at: number[] | null = withOffsets ? [] : null
    let eraLen = c.u8()
    c.need(eraLen)
    let era = c.buf.toString('ascii', c.pos, c.pos + eraLen)
    c.pos += eraLen
    let timestamp = c.f64()
    let salt = c.u32()
    let eventCount = c.u32()
    let events = c.bytes(c.u32())
    let writes = parseWrites(c, base, at)
    let v2 = format === 2
    let initCount = v2 ? c.u32() : 0
    let initBytes = v2 ? c.u32() : 0
    let extrinsics: Uint8Array[] = []
    for (let n = v2 ? c.u32() : 0; n > 0; n--) extrinsics.push(c.bytes(c.u32()))
    return {content: {era, timestamp, eventCount, events, initCount, initBytes, extrinsics, writes}, salt, writeValueAt: at ?? []}
}

/** Reads the value of a storage write at `offset` (its has-value byte) with positioned reads. */
export function readWriteValue(fd: number, offset: number): Uint8Array | null {
    let head = Buffer.allocUnsafe(5)
    fs.readSync(fd, head, 0, 5, offset)
    if (head[0] === 0) return null
    let len = head.readUInt32LE(1)
    let out = new Uint8Array(len)
    if (len > 0) fs.readSync(fd, out, 0, len, offset + 5)
    return out
}

/** Sequential reader of a chain file: header, genesis, then `next()` block by block. */
export class ChainFileScanner {
    readonly header: ChainFileHeader
    readonly genesis: StorageWrite[]
    /** file offset of each genesis write's has-value byte */
    readonly genesisValueAt: number[]
    readonly fd: number
    readonly size: number
    private buf = Buffer.allocUnsafe(16 << 20)
    /** file offset of buf[0], number of valid bytes, parse position in buf */
    private bufOff = 0
    private len = 0
    private pos = 0
    private count = 0
    private ended = false

    constructor(
        readonly path: string,
        private readonly copy = false
    ) {
        this.fd = fs.openSync(path, 'r')
        this.size = fs.fstatSync(this.fd).size
        let fail = (msg: string): never => {
            throw new Error(`${path}: ${msg}`)
        }
        if (this.size < 16) fail('not a devnet chain file')
        let r = this.parse(c => {
            if (!Buffer.from(c.bytes(8)).equals(CHAIN_FILE_MAGIC)) fail('not a devnet chain file')
            let header = JSON.parse(Buffer.from(c.bytes(c.u32())).toString('utf8')) as ChainFileHeader
            if (header.format !== 1 && header.format !== 2) fail(`unsupported format ${header.format}`)
            // positions in the window (base 0): file offsets once the parse has succeeded
            let at: number[] = []
            let copying = new Cursor(c.buf, c.pos, c.end, true)
            let genesis = parseWrites(copying, 0, at)
            c.pos = copying.pos
            return {header, genesis, at}
        })
        this.header = r.header
        this.genesis = r.genesis
        this.genesisValueAt = r.at.map(x => x + this.bufOff)
    }

    /** runs `fn` on a cursor at the parse position, reading more of the file until it has enough bytes */
    private parse<T>(fn: (c: Cursor) => T): T {
        for (;;) {
            let c = new Cursor(this.buf, this.pos, this.len, this.copy)
            try {
                let r = fn(c)
                this.pos = c.pos
                return r
            } catch (e) {
                if (!(e instanceof NeedMore)) throw e
                this.fill(this.len - this.pos + Math.max(e.bytes, 1 << 20))
            }
        }
    }

    /** keeps the unparsed bytes and reads until `want` bytes are available (or the file ends) */
    private fill(want: number) {
        let keep = this.len - this.pos
        if (want > this.buf.length) {
            let bigger = Buffer.allocUnsafe(Math.max(want, this.buf.length * 2))
            this.buf.copy(bigger, 0, this.pos, this.len)
            this.buf = bigger
        } else this.buf.copy(this.buf, 0, this.pos, this.len)
        this.bufOff += this.pos
        this.pos = 0
        this.len = keep
        let before = this.len
        while (this.len < this.buf.length) {
            let n = fs.readSync(this.fd, this.buf, this.len, this.buf.length - this.len, this.bufOff + this.len)
            if (n === 0) break
            this.len += n
        }
        if (this.len === before) throw new Error(`${this.path}: truncated at byte ${this.bufOff + this.len} (incomplete file)`)
    }

    /** file offset of the next block (or of the end marker) */
    get offset(): number {
        return this.bufOff + this.pos
    }

    /** blocks read so far */
    get blocks(): number {
        return this.count
    }

    /**
     * The next block, or undefined after the last one (the end marker and its count are checked). Without `copy`
     * the block's byte arrays are views of the window: valid until the next call.
     */
    next(withOffsets = false): (ParsedBlock & {offset: number}) | undefined {
        if (this.ended) return undefined
        if (this.size - this.offset === 8) {
            if (this.len - this.pos < 8) this.fill(8)
            if (this.buf.subarray(this.pos, this.pos + 4).equals(CHAIN_FILE_END)) {
                let count = this.buf.readUInt32LE(this.pos + 4)
                if (count !== this.count) throw new Error(`${this.path}: block count ${this.count} != trailer ${count}`)
                this.ended = true
                return undefined
            }
        }
        if (this.offset >= this.size) throw new Error(`${this.path}: missing end marker (incomplete file)`)
        let offset = this.offset
        let format = this.header.format
        let b = this.parse(c => parseBlock(c, format, withOffsets))
        this.count++
        return {...b, offset}
    }

    private closed = false

    close(): void {
        if (this.closed) return
        this.closed = true
        fs.closeSync(this.fd)
    }
}

/** Parses one block from its bytes (copied out, so the result owns its arrays). */
export function parseBlockBytes(bytes: Buffer, format: number): ParsedBlock {
    return parseBlock(new Cursor(bytes, 0, bytes.length, true), format, false)
}
