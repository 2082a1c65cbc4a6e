/**
 * The decode layer: processor events → normalized `MiningEvent`s, and normalized storage reads.
 *
 * Everything version- and rename-specific lives here; nothing after it knows about runtime versions.
 */
import {balancesDecoders} from './balances'
import {basePoolDecoders} from './basepool'
import {computationDecoders} from './computation'
import {DecodableEvent, EventDecoder, resolveVersion} from './dispatch'
import {NotAMiningEventError} from './errors'
import {MiningEvent} from './model'
import {registryDecoders} from './registry'
import {stakePoolV1Decoders, stakePoolV2Decoders} from './stakepool'
import {vaultDecoders} from './vault'

export * from './model'
export {DecodableEvent, StorageBlock} from './dispatch'
export {UnknownVersionError, UnknownEventVersionError, UnknownStorageVersionError, NotAMiningEventError} from './errors'
export {
    readTokenomicParameters,
    tryReadTokenomicParameters,
    readPools,
    TokenomicParams,
    NormalizedPool,
    WithdrawRequest,
} from './storage'
export {withdrawalQueuedV1254, withdrawalV1254} from './basepool'
export {CONFIDENCE_NOT_CARRIED, workerAddedV1260, workerUpdatedV1260} from './registry'
export {runtimeEventShape} from './shape'
export {trackedEvents} from './balances'
export {SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT, WPHA_ACCOUNT} from './accounts'

const ALL_DECODERS: EventDecoder[] = [
    ...registryDecoders,
    ...computationDecoders,
    ...stakePoolV1Decoders,
    ...stakePoolV2Decoders,
    ...basePoolDecoders,
    ...vaultDecoders,
    ...balancesDecoders,
]

const DECODERS = new Map<string, EventDecoder>()
for (const d of ALL_DECODERS) {
    if (DECODERS.has(d.name)) throw new Error(`duplicate decoder for ${d.name}`)
    DECODERS.set(d.name, d)
}

/** Every `Pallet.Event` name the decoder handles: the processor's event selection. */
export const MINING_EVENT_NAMES: string[] = [...DECODERS.keys()]

export function isMiningEventName(name: string): boolean {
    return DECODERS.has(name)
}

/**
 * The label of the known version whose shape the event's runtime type matches (`v1251`, or a hand-written
 * `v1254` / `v1260`), for diagnostics and tests. Throws as decodeMiningEvent does.
 */
export function miningEventVersion(event: DecodableEvent): string {
    const dec = DECODERS.get(event.name)
    if (dec == null) throw new NotAMiningEventError(event.name, event.block.height)
    return resolveVersion(dec, event).label
}

/**
 * Decodes one processor event into the normalized union.
 *
 * @throws NotAMiningEventError when `event.name` is not in MINING_EVENT_NAMES
 * @throws UnknownEventVersionError when the event's runtime type matches none of the known versions
 */
export function decodeMiningEvent(event: DecodableEvent): MiningEvent {
    const dec = DECODERS.get(event.name)
    if (dec == null) throw new NotAMiningEventError(event.name, event.block.height)
    const v = resolveVersion(dec, event)
    const payload = v.map(v.type.decode(event), event.block._runtime)
    const timestamp = event.block.timestamp
    if (timestamp === undefined) {
        throw new Error(`${event.name} at block #${event.block.height}: block.timestamp is missing (select {block: {timestamp: true}})`)
    }
    return {
        id: event.id,
        blockHeight: event.block.height,
        blockHash: event.block.hash,
        timestamp,
        index: event.index,
        name: event.name,
        ...payload,
    }
}
