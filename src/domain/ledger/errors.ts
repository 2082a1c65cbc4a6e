/**
 * An error while applying one event names where it happened: block height, event id and kind, with the
 * original error as `cause`.
 */
import type {MiningEvent} from '../../decode/model'

export class LedgerEventError extends Error {
    override readonly name = 'LedgerEventError'
    readonly blockHeight: number
    readonly eventId: string
    readonly kind: MiningEvent['kind']

    constructor(ev: MiningEvent, cause: unknown) {
        super(`block #${ev.blockHeight}, event ${ev.id} (${ev.kind}): ${cause instanceof Error ? cause.message : String(cause)}`, {cause})
        this.blockHeight = ev.blockHeight
        this.eventId = ev.id
        this.kind = ev.kind
    }
}
