/**
 * A lean block mapping for the SDK's RPC data source.
 *
 * @subsquid/substrate-processor 8.x turns every decoded event into an `Event` object with seven private
 * fields, each a WeakMap entry: on khala-day (~840k events) that constructor alone took 9–15 s of CPU plus
 * the garbage collector's work on the WeakMaps, more than fetching and SCALE decoding. The indexer reads only
 * `id`, `index`, `name`, `args` and `block` of an event (src/decode), so this mapping builds exactly those as
 * plain objects, for the selected events only, and a header with the runtime as a plain (non-enumerable)
 * field. Ids are the SDK's (`<height:10>-<hash:5>-<index:6>`), so ledger ids do not change.
 *
 * Installed on the data source instance by `leanRpcMapping` (src/processor.ts); the SDK's filtering,
 * hot-block and fork logic run unchanged on top of it. With a gateway, `leanArchiveMapping` does the same
 * for the gateway source: its events arrive with JSON args already, which are kept as they are.
 */
import type {SubstrateBatchProcessor} from '@subsquid/substrate-processor'
import {toJSON} from '@subsquid/util-internal-json'
import {ArchiveBlock, RawBlock, RawEvent, RawHeader, replaceArchiveBlockMapping, replaceBlockMapping} from '../sdk/rpc-source'

export interface LeanHeader extends RawHeader {
    id: string
    readonly _runtime: any
    readonly _runtimeOfPrevBlock: any
}

export interface LeanEvent extends RawEvent {
    id: string
    block: LeanHeader
}

export interface LeanBlock {
    header: LeanHeader
    events: LeanEvent[]
    calls: never[]
    extrinsics: never[]
}

/** the SDK's short block hash in ids: 5 hex digits after 0x */
export function blockId(height: number, hash: string): string {
    return `${String(height).padStart(10, '0')}-${hash.startsWith('0x') ? hash.slice(2, 7) : hash.slice(0, 5)}`
}

export function leanBlock(src: RawBlock, names: ReadonlySet<string>): LeanBlock {
    const header = {...src.header, id: blockId(src.header.height, src.header.hash)} as LeanHeader
    Object.defineProperty(header, '_runtime', {value: src.runtime, enumerable: false})
    Object.defineProperty(header, '_runtimeOfPrevBlock', {value: src.runtimeOfPrevBlock, enumerable: false})
    const events: LeanEvent[] = []
    if (src.events) {
        for (const e of src.events) {
            if (!names.has(e.name)) continue
            events.push({
                id: `${header.id}-${String(e.index).padStart(6, '0')}`,
                index: e.index,
                name: e.name,
                args: e.args == null ? e.args : toJSON(e.args),
                phase: e.phase,
                extrinsicIndex: e.extrinsicIndex,
                callAddress: e.callAddress,
                block: header,
            })
        }
    }
    return {header, events, calls: [], extrinsics: []}
}

/**
 * Make the processor's RPC data source map blocks with `leanBlock`, keeping only `names` events (the
 * processor's event selection; calls and extrinsics are not selected by this indexer). It replaces a private
 * method of @subsquid/substrate-processor 8.x (src/sdk/rpc-source.ts), which fails loudly if the SDK's
 * shape differs.
 */
export function leanRpcMapping(processor: SubstrateBatchProcessor<any>, names: Iterable<string>): void {
    const selected = new Set(names)
    replaceBlockMapping(processor, 'the lean mapping', src => leanBlock(src, selected))
}

/** a gateway block (JSON, runtimes on its header) as the same lean block `leanBlock` makes of an RPC block */
export function leanArchiveBlock(src: ArchiveBlock, names: ReadonlySet<string>): LeanBlock {
    const {number, runtime, runtimeOfPrevBlock, ...rest} = src.header
    const header = {...rest, height: number, id: blockId(number, src.header.hash)} as unknown as LeanHeader
    if (runtime == null || runtimeOfPrevBlock == null) throw new Error(`gateway block #${number}: the SDK set no runtime on its header`)
    Object.defineProperty(header, '_runtime', {value: runtime, enumerable: false})
    Object.defineProperty(header, '_runtimeOfPrevBlock', {value: runtimeOfPrevBlock, enumerable: false})
    const events: LeanEvent[] = []
    if (src.events) {
        for (const e of src.events) {
            if (!names.has(e.name)) continue
            events.push({
                id: `${header.id}-${String(e.index).padStart(6, '0')}`,
                index: e.index,
                name: e.name,
                args: e.args,
                phase: e.phase,
                extrinsicIndex: e.extrinsicIndex,
                callAddress: e.callAddress,
                block: header,
            })
        }
    }
    return {header, events, calls: [], extrinsics: []}
}

/** Make the processor's gateway source (setGateway) map blocks with `leanArchiveBlock` (src/sdk/rpc-source.ts). */
export function leanArchiveMapping(processor: SubstrateBatchProcessor<any>, names: Iterable<string>): void {
    const selected = new Set(names)
    replaceArchiveBlockMapping(processor, 'the lean gateway mapping', src => leanArchiveBlock(src, selected))
}
