/**
 * Event scripts: the phase of an event and the extrinsics of a block (docs/devnet.md, "Event scripts").
 *
 *   "phase": {"kind": "ApplyExtrinsic", "index": 1} | {"kind": "Finalization"} | {"kind": "Initialization"}
 *   "extrinsics": [{"pallet": "PhalaMq", "call": "sync_offchain_message", "args": {…}, "signer"?: "0x…", "nonce"?: 0}]
 *
 * The phase is checked here; a call's args are kept as JSON values (decimal strings become bigints) and are
 * checked against the runtime metadata when the chain builder encodes the extrinsic.
 */
import type {DevExtrinsic, DevPhase, DevValue} from '../model'

export class ShapeError extends Error {
    constructor(
        readonly path: string,
        message: string
    ) {
        super(message)
    }
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/

function isObject(x: unknown): x is Record<string, unknown> {
    return x !== null && typeof x === 'object' && !Array.isArray(x)
}

export function parsePhase(json: unknown, path: string): DevPhase {
    if (!isObject(json))
        throw new ShapeError(
            path,
            `expected {"kind": "ApplyExtrinsic", "index": N} | {"kind": "Finalization"} | {"kind": "Initialization"}, got ${JSON.stringify(json)}`
        )
    const kind = json.kind
    if (kind === 'Finalization' || kind === 'Initialization') {
        for (const k of Object.keys(json)) if (k !== 'kind') throw new ShapeError(`${path}.${k}`, `unknown field in phase ${kind}`)
        return {kind}
    }
    if (kind !== 'ApplyExtrinsic') throw new ShapeError(`${path}.kind`, `unknown phase ${JSON.stringify(kind)} (ApplyExtrinsic, Finalization, Initialization)`)
    for (const k of Object.keys(json)) if (k !== 'kind' && k !== 'index') throw new ShapeError(`${path}.${k}`, 'unknown field in phase ApplyExtrinsic')
    const index = json.index
    if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 1) {
        throw new ShapeError(`${path}.index`, `expected the extrinsic's index (1 or more: 0 is Timestamp.set), got ${JSON.stringify(index)}`)
    }
    return {kind, index}
}

function fromJsonValue(v: unknown): DevValue {
    if (Array.isArray(v)) return v.map(fromJsonValue)
    if (isObject(v)) {
        const o: {[k: string]: DevValue} = {}
        for (const [k, x] of Object.entries(v)) o[k] = fromJsonValue(x)
        return o
    }
    // decimal strings are integers (u64/u128 are written so); numbers stay numbers
    if (typeof v === 'string' && /^(0|[1-9][0-9]*)$/.test(v)) return BigInt(v)
    return v as DevValue
}

export function parseExtrinsic(json: unknown, path: string): DevExtrinsic {
    if (!isObject(json)) throw new ShapeError(path, 'expected an extrinsic {pallet, call, args, signer?, nonce?}')
    for (const k of Object.keys(json)) {
        if (!['pallet', 'call', 'args', 'signer', 'nonce'].includes(k)) throw new ShapeError(`${path}.${k}`, `unknown field ${JSON.stringify(k)}`)
    }
    const {pallet, call, args, signer, nonce} = json
    if (typeof pallet !== 'string') throw new ShapeError(`${path}.pallet`, 'missing pallet name')
    if (typeof call !== 'string') throw new ShapeError(`${path}.call`, 'missing call name')
    if (args !== undefined && !isObject(args)) throw new ShapeError(`${path}.args`, 'expected an object of the call fields')
    const x: DevExtrinsic = {pallet, call, args: (fromJsonValue(args ?? {}) as {[k: string]: DevValue}) ?? {}}
    if (signer !== undefined) {
        if (typeof signer !== 'string' || !HEX32.test(signer))
            throw new ShapeError(`${path}.signer`, `expected an account as 0x-hex of 32 bytes, got ${JSON.stringify(signer)}`)
        x.signer = signer.toLowerCase()
    }
    if (nonce !== undefined) {
        if (typeof nonce !== 'number' || !Number.isSafeInteger(nonce) || nonce < 0)
            throw new ShapeError(`${path}.nonce`, `expected a u32, got ${JSON.stringify(nonce)}`)
        x.nonce = nonce
    }
    return x
}

function toJsonValue(v: DevValue | undefined): unknown {
    if (typeof v === 'bigint') return v.toString()
    if (Array.isArray(v)) return v.map(toJsonValue)
    if (v !== null && typeof v === 'object') {
        const o: Record<string, unknown> = {}
        for (const [k, x] of Object.entries(v)) o[k] = toJsonValue(x)
        return o
    }
    return v
}

export function extrinsicToJson(x: DevExtrinsic): unknown {
    const out: Record<string, unknown> = {pallet: x.pallet, call: x.call, args: toJsonValue(x.args)}
    if (x.signer !== undefined) out.signer = x.signer
    if (x.nonce !== undefined) out.nonce = x.nonce
    return out
}
