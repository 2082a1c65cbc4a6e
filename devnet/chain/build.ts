/**
 * Block sources (DevBlocks from the simulator / scripts, or a saved chain file) and helpers to build a Chain
 * from them and to save one.
 */
import type {DevBlock, DevStorageWrite} from '../model'
import {runtimeSet, RuntimeOptions, RuntimeSet} from '../runtime'
import {Chain} from './chain'
import {BlockContent, encodeBlockContent, encodeWrites, StorageWrite} from './content'
import {ChainFileWriter, chainFileBlockCount} from './file'
import {ChainFileScanner} from './reader'

export interface SourceBlock {
    content: BlockContent
    salt: number
}

/** A pull-based sequence of encoded blocks with one block of look-ahead (for runtime upgrade hints). */
export interface ChainSource {
    readonly runtimeOptions: RuntimeOptions
    readonly runtimes: RuntimeSet
    readonly genesisEra: string
    readonly genesis: StorageWrite[]
    /** number of blocks, when known in advance */
    readonly size?: number
    peek(): SourceBlock | undefined
    next(): SourceBlock | undefined
    /** free-form description kept in saved files */
    info?: {[k: string]: unknown}
    /** the chain file this source reads, if any (a devnet releasing everything at once serves it from disk) */
    readonly file?: string
    /** releases what the source holds open (a file) when it will not be read further */
    close?(): void
}

class IterSource implements ChainSource {
    private buffered: SourceBlock | undefined
    private done = false

    constructor(
        readonly runtimeOptions: RuntimeOptions,
        readonly runtimes: RuntimeSet,
        readonly genesisEra: string,
        readonly genesis: StorageWrite[],
        private it: Iterator<SourceBlock>,
        readonly size?: number,
        first?: SourceBlock,
        readonly info?: {[k: string]: unknown}
    ) {
        this.buffered = first
        if (!first) this.done = true
    }

    peek(): SourceBlock | undefined {
        if (this.buffered === undefined && !this.done) {
            let r = this.it.next()
            if (r.done) this.done = true
            else this.buffered = r.value
        }
        return this.buffered
    }

    next(): SourceBlock | undefined {
        let b = this.peek()
        this.buffered = undefined
        return b
    }
}

export interface DevSourceOptions extends RuntimeOptions {
    /** era of the genesis block when there are no blocks (default 'v2'); otherwise the first block's era */
    genesisEra?: string
    info?: {[k: string]: unknown}
    /** number of blocks, when known (arrays are counted) */
    size?: number
}

/** Encodes DevBlocks lazily, as they are pulled. */
export function sourceFromDevBlocks(genesis: DevStorageWrite[], blocks: Iterable<DevBlock>, opts: DevSourceOptions = {}): ChainSource {
    let runtimeOptions: RuntimeOptions = {v2Spec: opts.v2Spec, chain: opts.chain}
    let rts = runtimeSet(runtimeOptions)
    let it = blocks[Symbol.iterator]()
    let height = 0
    let encoded: Iterator<SourceBlock> = {
        next(): IteratorResult<SourceBlock> {
            let r = it.next()
            if (r.done) return {done: true, value: undefined}
            height += 1
            try {
                return {done: false, value: {content: encodeBlockContent(r.value, rts), salt: 0}}
            } catch (e: any) {
                throw new Error(`block ${height}: ${e.message}`)
            }
        },
    }
    let first = encoded.next()
    let firstBlock = first.done ? undefined : first.value
    let genesisEra = firstBlock?.content.era ?? opts.genesisEra ?? 'v2'
    let genesisWrites = encodeWrites(genesis, rts(genesisEra), rts)
    let size = Array.isArray(blocks) ? blocks.length : opts.size
    return new IterSource(runtimeOptions, rts, genesisEra, genesisWrites, encoded, size, firstBlock, opts.info)
}

/** Blocks from a chain file written by saveChain / writeChainFile, read as they are pulled (not all at once). */
export function sourceFromFile(path: string): ChainSource {
    let size = chainFileBlockCount(path)
    let sc = new ChainFileScanner(path, true)
    let runtimeOptions = sc.header.runtimes || {}
    let rts = runtimeSet(runtimeOptions)
    let it: Iterator<SourceBlock> = {
        next() {
            let b = sc.next()
            if (!b) {
                sc.close()
                return {done: true, value: undefined}
            }
            return {done: false, value: {content: b.content, salt: b.salt}}
        },
    }
    let first = it.next()
    let src = new IterSource(runtimeOptions, rts, sc.header.genesisEra, sc.genesis, it, size, first.done ? undefined : first.value, {
        ...(sc.header.info || {}),
        file: path,
    })
    return Object.assign(src, {file: path, close: () => sc.close()})
}

export function newChain(src: ChainSource): Chain {
    return new Chain(src.runtimes, src.genesis, src.genesisEra)
}

/** Appends the next block of `src` to `chain` (with the look-ahead era hint); undefined when the source is done. */
export function appendNext(chain: Chain, src: ChainSource) {
    let b = src.next()
    if (!b) return undefined
    let next = src.peek()
    return chain.append(b.content, next ? next.content.era : b.content.era, b.salt)
}

/** Builds the whole chain (or its first `upTo` blocks). */
export function buildChain(src: ChainSource, upTo = Infinity): Chain {
    let chain = newChain(src)
    while (chain.headHeight < upTo && appendNext(chain, src)) {}
    return chain
}

/** Convenience: DevBlocks in, a fully built chain out. */
export function buildChainFromDevBlocks(genesis: DevStorageWrite[], blocks: Iterable<DevBlock>, opts: DevSourceOptions = {}): Chain {
    return buildChain(sourceFromDevBlocks(genesis, blocks, opts))
}

/** Saves the canonical chain of `chain` to a file. */
export function saveChain(chain: Chain, path: string, runtimeOptions: RuntimeOptions, info?: {[k: string]: unknown}): void {
    let w = new ChainFileWriter(path, {runtimes: runtimeOptions, genesisEra: chain.genesisEra, info}, chain.genesis.content.writes)
    for (let h = 1; h <= chain.headHeight; h++) {
        let b = chain.byNumber(h)!
        w.block(b.content, b.salt)
    }
    w.close()
}

/** Streams a source into a file without keeping the chain in memory. Returns the number of blocks. */
export function writeChainFile(path: string, src: ChainSource, info?: {[k: string]: unknown}): number {
    let w = new ChainFileWriter(path, {runtimes: src.runtimeOptions, genesisEra: src.genesisEra, info: info ?? src.info}, src.genesis)
    let n = 0
    for (let b = src.next(); b; b = src.next()) {
        w.block(b.content, b.salt)
        n++
    }
    w.close()
    return n
}
