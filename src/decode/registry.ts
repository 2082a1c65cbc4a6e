/**
 * PhalaRegistry: worker registration (only the events the mining analytics need; gatekeeper and
 * master-key events are not mining events).
 *
 * Before spec 1251 WorkerAdded/WorkerUpdated carry only the pubkey: `attestationProvider` is then null and
 * `confidenceLevel` is 0, a value the chain never uses (real levels are 1–5), meaning "not carried by the
 * event" (read PhalaRegistry.Workers if it matters).
 */
import {phalaRegistry as r} from '../types/events'
import {EventDecoder, hex32, on} from './dispatch'

/** confidence level of events that do not carry one (before spec 1251) */
export const CONFIDENCE_NOT_CARRIED = 0

export const registryDecoders: EventDecoder[] = [
    on(r.workerAdded, {
        v1170: a => ({kind: 'WorkerAdded', worker: hex32(a.pubkey), attestationProvider: null, confidenceLevel: CONFIDENCE_NOT_CARRIED}),
        v1251: a => ({
            kind: 'WorkerAdded',
            worker: hex32(a.pubkey),
            attestationProvider: a.attestationProvider?.__kind ?? null,
            confidenceLevel: a.confidenceLevel,
        }),
    }),
    on(r.workerUpdated, {
        v1170: a => ({kind: 'WorkerUpdated', worker: hex32(a.pubkey), attestationProvider: null, confidenceLevel: CONFIDENCE_NOT_CARRIED}),
        v1251: a => ({
            kind: 'WorkerUpdated',
            worker: hex32(a.pubkey),
            attestationProvider: a.attestationProvider?.__kind ?? null,
            confidenceLevel: a.confidenceLevel,
        }),
    }),
    on(r.initialScoreSet, {
        v1251: a => ({kind: 'InitialScoreSet', worker: hex32(a.pubkey), initScore: a.initScore}),
    }),
]
