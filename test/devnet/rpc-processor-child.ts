/**
 * Child process for test/devnet/rpc.processor.test.ts: an unmodified Subsquid SubstrateBatchProcessor with an
 * in-memory hot-block database reads the devnet over RPC (HTTP or WebSocket), decodes every event it has a typegen'd
 * decoder for (src/types), and reports progress and the final canonical view as JSON lines on stdout.
 * (The processor's run() calls process.exit, hence a child process.)
 *
 *   node lib/test/devnet/rpc-processor-child.js <rpc url> <to block>
 */
import {SubstrateBatchProcessor} from '@subsquid/substrate-processor'
import type {FinalTxInfo, HotDatabaseState, HotTxInfo} from '@subsquid/util-internal-processor-tools'
import * as events from '../../src/types/events'

const [url, toArg] = process.argv.slice(2)
const to = parseInt(toArg, 10)

function out(msg: unknown) {
    process.stdout.write(JSON.stringify(msg, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n')
}

interface BlockView {
    height: number
    hash: string
    parentHash: string
    timestamp: number
    specVersion: number
    events: {index: number; name: string; decoded: unknown}[]
}

class Store {
    constructor(private blocks: Map<number, BlockView>) {}
    put(b: BlockView) {
        this.blocks.set(b.height, b)
    }
}

/** a HotDatabase keeping the processed canonical view in memory (rolled back on forks) */
class MemoryDatabase {
    readonly supportsHotBlocks = true as const
    readonly blocks = new Map<number, BlockView>()
    rollbacks: {base: number; dropped: {height: number; hash: string}[]}[] = []
    private store = new Store(this.blocks)

    async connect(): Promise<HotDatabaseState> {
        return {height: -1, hash: '0x', top: []}
    }

    async transact(info: FinalTxInfo, cb: (store: Store) => Promise<void>): Promise<void> {
        await cb(this.store)
        out({type: 'final', to: info.nextHead.height})
    }

    private rollback(base: number) {
        let dropped = [...this.blocks.values()].filter(b => b.height > base).map(b => ({height: b.height, hash: b.hash}))
        for (let d of dropped) this.blocks.delete(d.height)
        if (dropped.length) {
            this.rollbacks.push({base, dropped})
            out({type: 'rollback', base, dropped})
        }
    }

    async transactHot(info: HotTxInfo, cb: (store: Store, block: {height: number; hash: string}) => Promise<void>): Promise<void> {
        this.rollback(info.baseHead.height)
        for (let b of info.newBlocks) await cb(this.store, b)
        out({type: 'hot', base: info.baseHead.height, blocks: info.newBlocks, finalized: info.finalizedHead.height})
    }

    async transactHot2(info: HotTxInfo, cb: (store: Store, start: number, end: number) => Promise<void>): Promise<void> {
        this.rollback(info.baseHead.height)
        await cb(this.store, 0, info.newBlocks.length)
        out({type: 'hot', base: info.baseHead.height, blocks: info.newBlocks, finalized: info.finalizedHead.height})
    }
}

function lowerFirst(s: string): string {
    return s[0].toLowerCase() + s.slice(1)
}

const decoderModules: {[pallet: string]: any} = events

let undecoded = new Map<string, number>()
let decodedCount = 0

function decode(e: any): unknown {
    let [pallet, name] = e.name.split('.')
    let mod = decoderModules[lowerFirst(pallet)]
    let ev = mod?.[lowerFirst(name)]
    if (!ev) {
        undecoded.set(e.name, (undecoded.get(e.name) ?? 0) + 1)
        return undefined
    }
    for (let [key, t] of Object.entries(ev)) {
        if (key === 'name') continue
        let type = t as any
        if (type.is(e)) {
            decodedCount++
            return {version: key, value: type.decode(e)}
        }
    }
    // a known event that no version of the decoders accepts: a real failure
    throw new Error(`no typegen'd version of ${e.name} matches (spec ${e.block.specVersion}): ${JSON.stringify(e.args)}`)
}

const db = new MemoryDatabase()

const processor = new SubstrateBatchProcessor()
    .setRpcEndpoint({url, rateLimit: undefined, capacity: 10})
    .setRpcDataIngestionSettings({headPollInterval: 100})
    .setBlockRange({from: 0, to})
    .setFields({block: {timestamp: true}, event: {name: true, args: true}})
    .includeAllBlocks({from: 0, to})
    .addEvent({})

processor.run(db as any, async ctx => {
    for (let block of ctx.blocks) {
        let view: BlockView = {
            height: block.header.height,
            hash: block.header.hash,
            parentHash: block.header.parentHash,
            timestamp: block.header.timestamp ?? 0,
            specVersion: block.header.specVersion,
            events: block.events.map(e => ({index: e.index, name: e.name, decoded: decode(e)})),
        }
        ;(ctx.store as Store).put(view)
    }
    let last = ctx.blocks[ctx.blocks.length - 1]
    if (last && last.header.height >= to && !ctx.isHead) {
        // nothing: the processor decides when to end (finalized height reaches `to`)
    }
})

process.on('exit', code => {
    let blocks = [...db.blocks.values()].sort((a, b) => a.height - b.height)
    out({type: 'done', code, blocks, rollbacks: db.rollbacks, decoded: decodedCount, undecoded: Object.fromEntries(undecoded)})
})
