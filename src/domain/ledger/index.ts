/**
 * The mining ledger reducer: applies normalized MiningEvents, in chain order, to the in-memory state and
 * produces ledger rows. Pure and deterministic (no I/O): storage reads the events need (tokenomic
 * parameters, the v1→v2 pool snapshot) are done by the caller and handed in.
 *
 * Per block: beginBlock → apply(event)… → endBlock (pairs payouts with pool rewards and runs the self-check).
 *
 * Layout: one handler per event kind, grouped by pallet family (sessions, settlements, rewards, pools,
 * vaults, tokenomics, migration), dispatched through a table typed over every kind (dispatch.ts);
 * aggregates.ts keeps the counters in step, rows.ts builds the rows, context.ts is the state they share.
 */
import type {NormalizedPool, TokenomicParams} from '../../decode'
import type {MiningEvent} from '../../decode/model'
import type {BasePool, Delegation} from '../../model'
import type {LedgerRows, MiningState} from '../state'
import {emptyLedgerRows} from '../state'
import {refreshDelegation, refreshPool} from './aggregates'
import {BlockMeta, LedgerContext, LedgerLog} from './context'
import {dispatch} from './dispatch'
import {LedgerEventError} from './errors'
import {applyPoolSnapshot} from './migration'
import {closeBlockRewards} from './rewards'
import {resolveRewardTransfer, resolveTreasuryWithdrawal} from './money'
import {applyTokenomics} from './tokenomics'
import {closeV1Day, utcDate} from './v1-book'

export type {BlockMeta, LedgerLog} from './context'
export {delegationId, newAccount, newPool, newSession, newWorker} from './entities'
export {LedgerEventError} from './errors'

/** what may come between a subsidy-pool withdrawal and its settle (computation.rs `try_handle_settle`) */
const TREASURY_SEQUENCE: ReadonlySet<MiningEvent['kind']> = new Set(['BalancesDeposit', 'TreasuryDeposit', 'SessionSettled'])

export class MiningLedger {
    private readonly cx: LedgerContext

    constructor(state: MiningState, log: LedgerLog) {
        this.cx = new LedgerContext(state, log)
        this.cx.rebuildIndexes()
    }

    get state(): MiningState {
        return this.cx.state
    }

    /** take the ledger rows produced so far (they are then the caller's) */
    takeRows(): LedgerRows {
        const r = this.cx.rows
        this.cx.rows = emptyLedgerRows()
        return r
    }

    rebuildIndexes(): void {
        this.cx.rebuildIndexes()
    }

    beginBlock(meta: BlockMeta, params?: TokenomicParams): void {
        const cx = this.cx
        if (cx.block) throw new Error(`beginBlock(${meta.height}) while block ${cx.block.height} is open`)
        // a UTC day of the v1 era ended with the previous block: the v1 stakers' day rows
        const prev = cx.state.network.timestamp
        if (prev != null && cx.state.network.poolMigrationHeight == null && utcDate(prev) !== utcDate(new Date(meta.timestamp))) {
            closeV1Day(cx, utcDate(prev), cx.state.network.height, prev)
        }
        cx.block = meta
        cx.blockTime = new Date(meta.timestamp)
        cx.blockParams = params
        cx.budgetChangedInBlock = false
        cx.state.network.specVersion = meta.specVersion
    }

    /** apply one event of the open block; an error names the event (LedgerEventError) */
    apply(ev: MiningEvent): void {
        const cx = this.cx
        cx.mustBlock()
        try {
            // a subsidy-pool withdrawal is a settle's treasury share only when its deposits and the settle follow at once
            if (cx.treasuryWithdrawal && !TREASURY_SEQUENCE.has(ev.kind)) resolveTreasuryWithdrawal(cx)
            dispatch(cx, ev.kind, ev)
        } catch (e) {
            throw new LedgerEventError(ev, e)
        }
    }

    endBlock(): void {
        const cx = this.cx
        const b = cx.mustBlock()
        resolveTreasuryWithdrawal(cx)
        resolveRewardTransfer(cx)
        cx.claimTransfer = undefined
        closeBlockRewards(cx)
        const n = cx.state.network
        n.height = b.height
        n.hash = b.hash
        n.timestamp = cx.blockTime
        cx.block = undefined
        cx.blockParams = undefined
    }

    /**
     * Tokenomic parameters in force from the current block (read from storage by the caller): after
     * TokenomicParametersChanged, or once at the first block when nothing is known yet (genesis config).
     */
    applyTokenomics(params: TokenomicParams, id: string): void {
        applyTokenomics(this.cx, params, id)
    }

    /** the v1→v2 pool migration (see migration.ts) */
    applyPoolSnapshot(pools: NormalizedPool[]): void {
        applyPoolSnapshot(this.cx, pools)
    }

    /** value of a holding at its pool's current price, and the account's delegated value */
    refreshDelegation(p: BasePool, d: Delegation): void {
        refreshDelegation(this.cx, p, d)
    }

    /** derived pool fields (share price, withdrawing value) */
    refreshPool(p: BasePool): void {
        refreshPool(this.cx, p)
    }
}
