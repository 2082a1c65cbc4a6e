/**
 * A devnet block as a SQD Network worker returns it: `{header, events}` in JSON. The events are the block's own
 * SCALE System.Events, decoded with @subsquid/substrate-runtime against the metadata of the runtime that executed
 * the block, and turned into JSON with the SDK's `toJSON` — the very steps the SDK's RPC source takes — so that
 * an event's `args` are what the processor would have decoded over RPC (bigints as decimal strings, bytes as hex,
 * enums as {__kind, value}).
 */
import {Runtime} from '@subsquid/substrate-runtime'
import {toJSON} from '@subsquid/util-internal-json'
import type {BlockRec, Chain} from '../chain/chain'
import {toHex} from '../runtime/codec'
import type {DevRuntime} from '../runtime/runtime'
import type {GatewayQuery} from './query'

export interface GatewayEvent {
    index: number
    name: string
    args: unknown
    phase: 'Initialization' | 'ApplyExtrinsic' | 'Finalization'
    extrinsicIndex?: number
    topics: string[]
}

const sdkRuntimes = new WeakMap<DevRuntime, Runtime>()

function sdkRuntime(rt: DevRuntime): Runtime {
    let r = sdkRuntimes.get(rt)
    if (!r) {
        r = new Runtime(rt.version, rt.metadataHex)
        sdkRuntimes.set(rt, r)
    }
    return r
}

/** every event of block `b`, decoded as the SDK decodes System.Events, args in JSON form */
export function decodeBlockEvents(chain: Chain, b: BlockRec): GatewayEvent[] {
    let runtime = sdkRuntime(chain.runtimes(b.era))
    let records = runtime.decodeStorageValue('System.Events', b.events) as {phase: {__kind: string; value?: number}; event: any; topics: Uint8Array[]}[]
    return records.map((it, index) => {
        let {name, args} = runtime.toEventRecord(it.event)
        let e: GatewayEvent = {index, name, args: toJSON(args), phase: it.phase.__kind as GatewayEvent['phase'], topics: it.topics.map(t => toHex(t))}
        if (it.phase.__kind === 'ApplyExtrinsic') e.extrinsicIndex = it.phase.value
        return e
    })
}

/** the header of `b` with the fields the query selects (number, hash and parentHash always) */
export function headerJson(chain: Chain, b: BlockRec, fields: Set<string>): {[k: string]: unknown} {
    let h: {[k: string]: unknown} = {number: b.height, hash: b.hashHex, parentHash: b.parentHashHex}
    if (fields.size === 0) return h
    let version = chain.runtimes(b.era).version
    if (fields.has('timestamp')) h.timestamp = b.timestamp
    if (fields.has('specName')) h.specName = version.specName
    if (fields.has('specVersion')) h.specVersion = version.specVersion
    if (fields.has('implName')) h.implName = version.implName
    if (fields.has('implVersion')) h.implVersion = version.implVersion
    if (fields.has('stateRoot')) h.stateRoot = toHex(b.stateRoot)
    if (fields.has('extrinsicsRoot')) h.extrinsicsRoot = toHex(b.extrinsicsRoot)
    if (fields.has('digest')) h.digest = {logs: b.digest.map(d => toHex(d))}
    if (fields.has('validator')) h.validator = null
    return h
}

/** an event with the fields the query selects (index and, in an extrinsic's phase, extrinsicIndex always) */
function eventJson(e: GatewayEvent, fields: Set<string>): {[k: string]: unknown} {
    let o: {[k: string]: unknown} = {index: e.index}
    if (e.extrinsicIndex != null) o.extrinsicIndex = e.extrinsicIndex
    if (fields.has('name')) o.name = e.name
    if (fields.has('args')) o.args = e.args
    if (fields.has('phase')) o.phase = e.phase
    if (fields.has('topics')) o.topics = e.topics
    return o
}

/**
 * Block `b` as a JSON text for the query, or null when it has no selected item and the query does not include
 * all blocks. `names` is the event filter (null: every event; empty: none).
 */
export function blockText(chain: Chain, b: BlockRec, q: GatewayQuery, names: Set<string> | null): string | null {
    let events: {[k: string]: unknown}[] = []
    if (names == null || names.size > 0) {
        for (let e of decodeBlockEvents(chain, b)) {
            if (names == null || names.has(e.name)) events.push(eventJson(e, q.eventFields))
        }
    }
    if (events.length === 0 && !q.includeAllBlocks) return null
    let block: {[k: string]: unknown} = {header: headerJson(chain, b, q.blockFields)}
    if (q.events.length > 0) block.events = events
    return JSON.stringify(block)
}

/** block `b` with its header only: the last scanned block of a reply when it has no selected item */
export function headerOnlyText(chain: Chain, b: BlockRec, q: GatewayQuery): string {
    let block: {[k: string]: unknown} = {header: headerJson(chain, b, q.blockFields)}
    if (q.events.length > 0) block.events = []
    return JSON.stringify(block)
}
