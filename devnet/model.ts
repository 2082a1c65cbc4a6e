/**
 * The devnet's abstract chain: what the economy simulator and the event-script reader produce, and what
 * the chain builder (devnet/chain) encodes into real Substrate blocks.
 *
 * Events are named exactly as on Khala (`pallet` and `name` as in the runtime metadata) and carry their
 * fields by their metadata (snake_case) names with JS values: bigint for integers wider than 32 bits
 * (u64/u128, including U64F64 bits), number for u8/u16/u32, 0x-hex strings for AccountId32 / sr25519 public
 * keys, null / value for Option, and boolean. The encoder looks the field types up in the runtime metadata.
 */

export type RuntimeEra = 'v1' | 'v2'

export type DevValue = bigint | number | string | boolean | null | DevValue[] | {[field: string]: DevValue}

/**
 * When in the block an event was deposited (frame_system's Phase): during an extrinsic (`index` counts from 0, the
 * Timestamp.set inherent), in on_finalize hooks, or in on_initialize hooks. An event without a phase is in
 * Finalization. A block's events must come in phase order: Initialization, ApplyExtrinsic by index, Finalization.
 */
export type DevPhase = {kind: 'ApplyExtrinsic'; index: number} | {kind: 'Finalization'} | {kind: 'Initialization'}

export interface DevEvent {
    pallet: string
    name: string
    args: {[field: string]: DevValue}
    /** default Finalization */
    phase?: DevPhase
}

/**
 * An extrinsic of a block after the Timestamp.set inherent: the first one is ApplyExtrinsic(1). `args` are the
 * call's fields by their metadata names (values as for events, types looked up in the runtime metadata). With a
 * `signer` (AccountId32 hex) it is encoded as a signed extrinsic (immortal era, the given nonce, no tip; the
 * signature is a placeholder, not verified by anyone), without one as unsigned.
 */
export interface DevExtrinsic {
    pallet: string
    call: string
    args: {[field: string]: DevValue}
    signer?: string
    nonce?: number
}

/** A storage value as the simulator knows it; the chain builder encodes it with the runtime's metadata. */
export interface DevStorageWrite {
    pallet: string
    item: string
    /** map keys (e.g. [pid]); empty for plain values */
    keys: DevValue[]
    /** null deletes the entry */
    value: DevValue
}

export interface DevBlock {
    /** block timestamp in ms (Timestamp.set) */
    timestamp: number
    /** which runtime this block executes with; a change from the previous block is a runtime upgrade */
    era: RuntimeEra
    events: DevEvent[]
    /** extrinsics after Timestamp.set (ApplyExtrinsic(1), (2), …); the events of their phases refer to them */
    extrinsics?: DevExtrinsic[]
    /** storage changes applied by this block (kept per block so state can be queried at any height) */
    storage: DevStorageWrite[]
}
