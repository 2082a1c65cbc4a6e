/**
 * PhalaRegistry: worker registration (only the events the mining analytics need; gatekeeper and
 * master-key events are not mining events).
 *
 * Before spec 1251 WorkerAdded/WorkerUpdated carry only the pubkey: `attestationProvider` is then null and
 * `confidenceLevel` is 0, a value the chain never uses (real levels are 1–5), meaning "not carried by the
 * event" (read PhalaRegistry.Workers if it matters).
 */
import {phalaRegistry as r} from '../types/events'
import {EventType, sts} from '../types/support'
import * as v1251 from '../types/v1251'
import {EventDecoder, hex32, on, version} from './dispatch'

/**
 * `phala_types::AttestationProvider` with the `Dcap` variant (Root = 0, Ias = 1, Dcap = 2), as Phala spec 1260
 * has it. Hand-written in typegen's style: there is no Phala metadata here. The shape is taken from the
 * generated types of Phala's own indexer over Phala's metadata (Phala-Network/computation-squid
 * src/types/v1260.ts, commit c92a2793919f) and from the enum in phala-blockchain
 * crates/phala-types/src/lib.rs (the variant was added in November 2023). See docs/chains.md.
 */
export type AttestationProviderV1260 = {__kind: 'Root'} | {__kind: 'Ias'} | {__kind: 'Dcap'}

const attestationProviderV1260: sts.Type<AttestationProviderV1260> = sts.closedEnum(() => ({
    Dcap: sts.unit(),
    Ias: sts.unit(),
    Root: sts.unit(),
}))

function workerRegistrationV1260(name: 'PhalaRegistry.WorkerAdded' | 'PhalaRegistry.WorkerUpdated') {
    return new EventType(
        name,
        sts.struct({
            pubkey: v1251.Public,
            attestationProvider: sts.option(() => attestationProviderV1260),
            confidenceLevel: sts.number(),
        })
    )
}

/** Phala spec 1260 shape of PhalaRegistry.WorkerAdded (attestation provider with `Dcap`), hand-written. */
export const workerAddedV1260 = workerRegistrationV1260('PhalaRegistry.WorkerAdded')
/** Phala spec 1260 shape of PhalaRegistry.WorkerUpdated, hand-written (see workerAddedV1260). */
export const workerUpdatedV1260 = workerRegistrationV1260('PhalaRegistry.WorkerUpdated')

/** confidence level of events that do not carry one (before spec 1251) */
export const CONFIDENCE_NOT_CARRIED = 0

export const registryDecoders: EventDecoder[] = [
    on(
        r.workerAdded,
        {
            v1170: a => ({kind: 'WorkerAdded', worker: hex32(a.pubkey), attestationProvider: null, confidenceLevel: CONFIDENCE_NOT_CARRIED}),
            v1251: a => ({
                kind: 'WorkerAdded',
                worker: hex32(a.pubkey),
                attestationProvider: a.attestationProvider?.__kind ?? null,
                confidenceLevel: a.confidenceLevel,
            }),
        },
        [
            version('v1260', workerAddedV1260, a => ({
                kind: 'WorkerAdded',
                worker: hex32(a.pubkey),
                attestationProvider: a.attestationProvider?.__kind ?? null,
                confidenceLevel: a.confidenceLevel,
            })),
        ]
    ),
    on(
        r.workerUpdated,
        {
            v1170: a => ({kind: 'WorkerUpdated', worker: hex32(a.pubkey), attestationProvider: null, confidenceLevel: CONFIDENCE_NOT_CARRIED}),
            v1251: a => ({
                kind: 'WorkerUpdated',
                worker: hex32(a.pubkey),
                attestationProvider: a.attestationProvider?.__kind ?? null,
                confidenceLevel: a.confidenceLevel,
            }),
        },
        [
            version('v1260', workerUpdatedV1260, a => ({
                kind: 'WorkerUpdated',
                worker: hex32(a.pubkey),
                attestationProvider: a.attestationProvider?.__kind ?? null,
                confidenceLevel: a.confidenceLevel,
            })),
        ]
    ),
    on(r.initialScoreSet, {
        v1251: a => ({kind: 'InitialScoreSet', worker: hex32(a.pubkey), initScore: a.initScore}),
    }),
]
