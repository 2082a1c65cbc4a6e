/**
 * The dispatch table: every MiningEvent kind → its handler, assembled from the pallet families. Typed as
 * the complete HandlerTable, so a kind that no family handles fails to compile here.
 */
import type {MiningEventKind} from '../../decode/model'
import type {LedgerContext} from './context'
import {moneyHandlers} from './money'
import {poolHandlers} from './pools'
import {rewardHandlers} from './rewards'
import {sessionHandlers} from './sessions'
import {settlementHandlers} from './settlements'
import type {EventOf, HandlerTable} from './table'
import {tokenomicsHandlers} from './tokenomics'
import {vaultHandlers} from './vaults'

export const HANDLERS: HandlerTable = {
    ...sessionHandlers,
    ...settlementHandlers,
    ...moneyHandlers,
    ...rewardHandlers,
    ...poolHandlers,
    ...vaultHandlers,
    ...tokenomicsHandlers,
}

/** run the handler of `ev`'s kind (the table indexed by the same K as the event: no cast) */
export function dispatch<K extends MiningEventKind>(cx: LedgerContext, kind: K, ev: EventOf<K>): void {
    const handler: HandlerTable[K] = HANDLERS[kind]
    handler(cx, ev)
}
