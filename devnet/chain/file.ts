/**
 * A compact binary file holding a built chain: genesis storage and every canonical block's content (era, timestamp,
 * encoded events, encoded storage writes, fork salt). Headers and hashes are recomputed on load (deterministic),
 * so a chain is generated once and served from the file.
 *
 * Layout: "PHDEVCH1" | u32 jsonLen | JSON header | genesis writes | blocks... | "END!"
 *   writes: u32 count, then per write: u16 keyLen, key bytes, u8 hasValue, [u32 valueLen, value bytes]
 *   block:  u8 eraLen, era (ascii), f64 timestamp, u32 salt, u32 eventCount, u32 eventsLen, events, writes,
 *           (format 2) u32 initCount, u32 initBytes, u32 extrinsicCount, per extrinsic: u32 len, bytes
 */
import * as fs from 'fs'
import type {RuntimeOptions} from '../runtime'
import type {BlockContent, StorageWrite} from './content'

const MAGIC = Buffer.from('PHDEVCH1', 'ascii')
const END = Buffer.from('END!', 'ascii')
export const CHAIN_FILE_MAGIC = MAGIC
export const CHAIN_FILE_END = END

export interface ChainFileHeader {
    format: 1 | 2
    runtimes: RuntimeOptions
    genesisEra: string
    blocks: number
    /** free-form information about how the chain was made (scenario, seed, …) */
    info?: {[k: string]: unknown}
}

export interface ChainFileBlock {
    content: BlockContent
    salt: number
}

class FileSink {
    private fd: number
    private buf = Buffer.allocUnsafe(1 << 20)
    private pos = 0

    constructor(path: string) {
        this.fd = fs.openSync(path, 'w')
    }

    private need(n: number) {
        if (this.pos + n > this.buf.length) this.flush()
        if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n)
    }

    flush() {
        if (this.pos > 0) fs.writeSync(this.fd, this.buf, 0, this.pos)
        this.pos = 0
    }

    u8(n: number) {
        this.need(1)
        this.buf[this.pos++] = n
    }

    u16(n: number) {
        this.need(2)
        this.buf.writeUInt16LE(n, this.pos)
        this.pos += 2
    }

    u32(n: number) {
        this.need(4)
        this.buf.writeUInt32LE(n, this.pos)
        this.pos += 4
    }

    f64(n: number) {
        this.need(8)
        this.buf.writeDoubleLE(n, this.pos)
        this.pos += 8
    }

    bytes(b: Uint8Array) {
        this.need(b.length)
        this.buf.set(b, this.pos)
        this.pos += b.length
    }

    close() {
        this.flush()
        fs.closeSync(this.fd)
    }
}

function writeWrites(s: FileSink, writes: StorageWrite[]) {
    s.u32(writes.length)
    for (let [k, v] of writes) {
        let key = Buffer.from(k.slice(2), 'hex')
        s.u16(key.length)
        s.bytes(key)
        if (v == null) s.u8(0)
        else {
            s.u8(1)
            s.u32(v.length)
            s.bytes(v)
        }
    }
}

/** Streams a chain into a file: call `block()` for each block in order, then `close()`. */
export class ChainFileWriter {
    private sink: FileSink
    private count = 0

    constructor(
        readonly path: string,
        header: Omit<ChainFileHeader, 'blocks' | 'format'>,
        genesis: StorageWrite[]
    ) {
        this.sink = new FileSink(path + '.tmp')
        this.sink.bytes(MAGIC)
        // the block count is not known yet: it goes into the trailer after the end marker
        let json = Buffer.from(JSON.stringify({format: 2, ...header}), 'utf8')
        this.sink.u32(json.length)
        this.sink.bytes(json)
        writeWrites(this.sink, genesis)
    }

    block(content: BlockContent, salt = 0) {
        let s = this.sink
        let era = Buffer.from(content.era, 'ascii')
        s.u8(era.length)
        s.bytes(era)
        s.f64(content.timestamp)
        s.u32(salt)
        s.u32(content.eventCount)
        s.u32(content.events.length)
        s.bytes(content.events)
        writeWrites(s, content.writes)
        s.u32(content.initCount)
        s.u32(content.initBytes)
        s.u32(content.extrinsics.length)
        for (let x of content.extrinsics) {
            s.u32(x.length)
            s.bytes(x)
        }
        this.count++
    }

    close(): void {
        this.sink.bytes(END)
        this.sink.u32(this.count)
        this.sink.close()
        fs.renameSync(this.path + '.tmp', this.path)
    }
}

export interface ChainFile {
    header: ChainFileHeader
    genesis: StorageWrite[]
    blocks: ChainFileBlock[]
}

/** The block count of a complete chain file, from its trailer (without reading the blocks). */
export function chainFileBlockCount(path: string): number {
    let fd = fs.openSync(path, 'r')
    try {
        let size = fs.fstatSync(fd).size
        let tail = Buffer.alloc(8)
        if (size >= 16) fs.readSync(fd, tail, 0, 8, size - 8)
        if (size < 16 || !tail.subarray(0, 4).equals(END)) throw new Error(`${path}: missing end marker (incomplete file)`)
        return tail.readUInt32LE(4)
    } finally {
        fs.closeSync(fd)
    }
}

/** Reads a chain file fully (small files; ./reader streams large ones). */
export function readChainFile(path: string): ChainFile {
    let buf = fs.readFileSync(path)
    let pos = 0
    let fail = (msg: string): never => {
        throw new Error(`${path}: ${msg} at byte ${pos}`)
    }
    if (buf.length < 16 || !buf.subarray(0, 8).equals(MAGIC)) fail('not a devnet chain file')
    pos = 8
    let u8 = () => buf[pos++]
    let u16 = () => {
        let v = buf.readUInt16LE(pos)
        pos += 2
        return v
    }
    let u32 = () => {
        if (pos + 4 > buf.length) fail('truncated')
        let v = buf.readUInt32LE(pos)
        pos += 4
        return v
    }
    let f64 = () => {
        let v = buf.readDoubleLE(pos)
        pos += 8
        return v
    }
    let bytes = (n: number) => {
        if (pos + n > buf.length) fail('truncated')
        // a copy, so that the file buffer can be released once read
        let b = new Uint8Array(n)
        b.set(buf.subarray(pos, pos + n))
        pos += n
        return b
    }
    let writes = (): StorageWrite[] => {
        let n = u32()
        let out: StorageWrite[] = new Array(n)
        for (let i = 0; i < n; i++) {
            let key = '0x' + Buffer.from(bytes(u16())).toString('hex')
            let has = u8()
            out[i] = [key, has ? bytes(u32()) : null]
        }
        return out
    }
    let jsonLen = u32()
    let header = JSON.parse(Buffer.from(bytes(jsonLen)).toString('utf8'))
    if (header.format !== 1 && header.format !== 2) fail(`unsupported format ${header.format}`)
    let v2 = header.format === 2
    let genesis = writes()
    let blocks: ChainFileBlock[] = []
    while (pos < buf.length) {
        if (buf.length - pos === 8 && buf.subarray(pos, pos + 4).equals(END)) break
        let era = Buffer.from(bytes(u8())).toString('ascii')
        let timestamp = f64()
        let salt = u32()
        let eventCount = u32()
        let events = bytes(u32())
        let w = writes()
        let initCount = v2 ? u32() : 0
        let initBytes = v2 ? u32() : 0
        let extrinsics: Uint8Array[] = []
        for (let n = v2 ? u32() : 0; n > 0; n--) extrinsics.push(bytes(u32()))
        blocks.push({content: {era, timestamp, eventCount, events, initCount, initBytes, extrinsics, writes: w}, salt})
    }
    if (!(buf.length - pos === 8 && buf.subarray(pos, pos + 4).equals(END))) fail('missing end marker (incomplete file)')
    pos += 4
    let count = u32()
    if (count !== blocks.length) fail(`block count ${blocks.length} != trailer ${count}`)
    header.blocks = count
    return {header, genesis, blocks}
}
