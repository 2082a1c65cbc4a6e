/**
 * The dispatch table's type: one handler for every MiningEvent kind (a mapped type over the union in
 * src/decode/model.ts). A kind added to the union and handled nowhere makes the table incomplete, which
 * fails to compile (test/domain/ledger/dispatch-types.test.ts proves it).
 */
import type {MiningEvent, MiningEventKind} from '../../decode/model'
import type {LedgerContext} from './context'

/** the event of one kind, with its metadata */
export type EventOf<K extends MiningEventKind> = Extract<MiningEvent, {kind: K}>

export type Handler<K extends MiningEventKind> = (cx: LedgerContext, ev: EventOf<K>) => void

export type HandlerTable = {[K in MiningEventKind]: Handler<K>}

/** part of the table: what one pallet family handles */
export type Handlers = Partial<HandlerTable>
