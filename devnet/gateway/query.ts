/**
 * The query a SQD Network worker takes for a substrate dataset (what @subsquid/substrate-processor 8.x posts,
 * see docs/devnet.md "SQD gateway"), validated: anything the devnet gateway cannot answer faithfully is a
 * GatewayRequestError (HTTP 400) that names the problem, never a silently partial reply.
 */

export class GatewayRequestError extends Error {
    constructor(
        message: string,
        readonly status = 400
    ) {
        super(message)
    }
}

/** header fields a query may select; number, hash and parentHash come always */
export const BLOCK_FIELDS = [
    'number',
    'hash',
    'parentHash',
    'timestamp',
    'specName',
    'specVersion',
    'implName',
    'implVersion',
    'stateRoot',
    'extrinsicsRoot',
    'digest',
    'validator',
] as const
/** event fields a query may select; index and extrinsicIndex come always */
export const EVENT_FIELDS = ['index', 'name', 'args', 'phase', 'extrinsicIndex', 'callAddress', 'topics'] as const
/** call and extrinsic fields the SDK selects by default; accepted, but the devnet gateway serves no calls or extrinsics */
const CALL_FIELDS = ['name', 'args', 'origin', 'error', 'success', 'extrinsicIndex', 'address', '_ethereumTransactTo', '_ethereumTransactSighash']
const EXTRINSIC_FIELDS = ['index', 'version', 'signature', 'fee', 'tip', 'error', 'success', 'hash']

/** request kinds of the protocol the devnet gateway does not serve: a non-empty list is refused */
const UNSERVED_REQUESTS = ['calls', 'evmLogs', 'ethereumTransactions', 'contractsEvents', 'gearMessagesQueued', 'gearUserMessagesSent']

export interface EventRequest {
    /** event names ("Pallet.Variant"); undefined = every event */
    name?: string[]
}

export interface GatewayQuery {
    fromBlock: number
    toBlock?: number
    includeAllBlocks: boolean
    blockFields: Set<string>
    eventFields: Set<string>
    events: EventRequest[]
}

function isObject(v: unknown): v is {[k: string]: unknown} {
    return v != null && typeof v === 'object' && !Array.isArray(v)
}

function blockNumber(v: unknown, what: string): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
        throw new GatewayRequestError(`${what} must be a non-negative integer, got ${JSON.stringify(v)}`)
    return v
}

function fieldSet(v: unknown, what: string, known: readonly string[]): Set<string> {
    let out = new Set<string>()
    if (v == null) return out
    if (!isObject(v)) throw new GatewayRequestError(`fields.${what} must be an object of field names`)
    for (let [k, on] of Object.entries(v)) {
        if (!known.includes(k)) throw new GatewayRequestError(`fields.${what}.${k}: unknown field (known: ${known.join(', ')})`)
        if (typeof on !== 'boolean') throw new GatewayRequestError(`fields.${what}.${k} must be true or false`)
        if (on) out.add(k)
    }
    return out
}

function eventRequest(v: unknown, i: number): EventRequest {
    if (!isObject(v)) throw new GatewayRequestError(`events[${i}] must be an object`)
    let out: EventRequest = {}
    for (let [k, x] of Object.entries(v)) {
        if (k === 'name') {
            if (!Array.isArray(x) || x.some(n => typeof n !== 'string')) throw new GatewayRequestError(`events[${i}].name must be a list of event names`)
            out.name = x as string[]
        } else if (k === 'extrinsic' || k === 'call' || k === 'stack') {
            if (x !== false && x != null)
                throw new GatewayRequestError(`events[${i}].${k}: related ${k === 'stack' ? 'calls' : `${k}s`} are not served by the devnet gateway`)
        } else {
            throw new GatewayRequestError(`events[${i}].${k}: unknown option (known: name, extrinsic, call, stack)`)
        }
    }
    return out
}

/** Validates a parsed query body. `height` is the gateway's height: a query must start at or below it. */
export function parseQuery(body: unknown, height: number): GatewayQuery {
    if (!isObject(body)) throw new GatewayRequestError('the query must be a JSON object')
    let q = body
    if (q.type !== 'substrate') throw new GatewayRequestError(`type must be "substrate", got ${JSON.stringify(q.type)}`)
    let fromBlock = blockNumber(q.fromBlock, 'fromBlock')
    let toBlock = q.toBlock == null ? undefined : blockNumber(q.toBlock, 'toBlock')
    if (toBlock != null && toBlock < fromBlock) throw new GatewayRequestError(`toBlock ${toBlock} is below fromBlock ${fromBlock}`)
    if (fromBlock > height) throw new GatewayRequestError(`fromBlock ${fromBlock} is above the gateway's height ${height}`)
    if (q.includeAllBlocks != null && typeof q.includeAllBlocks !== 'boolean') throw new GatewayRequestError('includeAllBlocks must be true or false')
    let fields = q.fields ?? {}
    if (!isObject(fields)) throw new GatewayRequestError('fields must be an object')
    for (let k of Object.keys(fields)) {
        if (!['block', 'event', 'call', 'extrinsic'].includes(k))
            throw new GatewayRequestError(`fields.${k}: unknown item kind (known: block, event, call, extrinsic)`)
    }
    let eventFields = fieldSet(fields.event, 'event', EVENT_FIELDS)
    if (eventFields.has('callAddress')) throw new GatewayRequestError('fields.event.callAddress: calls are not served by the devnet gateway')
    fieldSet(fields.call, 'call', CALL_FIELDS)
    fieldSet(fields.extrinsic, 'extrinsic', EXTRINSIC_FIELDS)
    let events: EventRequest[] = []
    if (q.events != null) {
        if (!Array.isArray(q.events)) throw new GatewayRequestError('events must be a list of event requests')
        events = q.events.map(eventRequest)
    }
    for (let k of Object.keys(q)) {
        if (UNSERVED_REQUESTS.includes(k)) {
            let v = q[k]
            if (v == null || (Array.isArray(v) && v.length === 0)) continue
            throw new GatewayRequestError(`${k}: not served by the devnet gateway (it serves events only)`)
        }
        if (!['type', 'fromBlock', 'toBlock', 'includeAllBlocks', 'fields', 'events'].includes(k)) throw new GatewayRequestError(`${k}: unknown query option`)
    }
    return {fromBlock, toBlock, includeAllBlocks: q.includeAllBlocks === true, blockFields: fieldSet(fields.block, 'block', BLOCK_FIELDS), eventFields, events}
}

/** a key equal for queries that select the same items and fields (the reply cache's key) */
export function queryShape(q: GatewayQuery): string {
    let names = q.events.some(e => e.name == null) ? '*' : [...new Set(q.events.flatMap(e => e.name!))].sort().join(',')
    return JSON.stringify([q.includeAllBlocks, [...q.blockFields].sort(), [...q.eventFields].sort(), q.events.length === 0 ? '' : names])
}

/** the event filter of a query: null selects every event, an empty set none */
export function eventFilter(q: GatewayQuery): Set<string> | null {
    if (q.events.some(e => e.name == null)) return null
    return new Set(q.events.flatMap(e => e.name!))
}
