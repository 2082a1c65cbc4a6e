/**
 * Loading the current state into memory and writing a batch's changes back.
 *
 * The whole current state (workers, sessions, pools, delegations, accounts, the network row) is loaded with
 * one query per table when the processor starts, and again only when the database no longer matches
 * memory (a fork rolled hot blocks back, or a failed transaction was retried). Between batches it stays in
 * memory, so a batch issues no reads for entities; at its end the changed entities are upserted, one
 * statement per table. For all of Khala that state is a few hundred thousand small rows.
 */
import {EntityManager} from 'typeorm'
import {
    Account,
    AccountRollup,
    BasePool,
    BudgetChange,
    Delegation,
    DismissedReward,
    NetworkRollup,
    NetworkState,
    Payout,
    PoolReward,
    PoolRollup,
    SelfCheckFailure,
    Session,
    StakeMovement,
    StakePool,
    TokenomicParameters,
    V1PoolAccumulator,
    V1Staker,
    V1StakerDay,
    Vault,
    Worker,
    WorkerRollup,
    WorkerStateChange,
} from '../model'
import {NETWORK_ID} from '../domain/constants'
import {EntityMap, emptyState, LedgerRows, MiningState} from '../domain/state'
import type {RollupRows} from '../domain/state'
import {ColumnSpec, columnChanged, fromDbRow, TableSpec, tableSpec} from './tables'
import {Writer} from './writer'

type StateKey = Exclude<keyof MiningState, 'network'>

export const STATE_TABLES: {key: StateKey; entity: Function}[] = [
    {key: 'workers', entity: Worker},
    {key: 'sessions', entity: Session},
    {key: 'pools', entity: BasePool},
    {key: 'stakePools', entity: StakePool},
    {key: 'vaults', entity: Vault},
    {key: 'delegations', entity: Delegation},
    {key: 'accounts', entity: Account},
    {key: 'v1Pools', entity: V1PoolAccumulator},
    {key: 'v1Stakers', entity: V1Staker},
]

export const LEDGER_TABLES: {key: keyof LedgerRows; entity: Function}[] = [
    {key: 'payouts', entity: Payout},
    {key: 'poolRewards', entity: PoolReward},
    {key: 'dismissedRewards', entity: DismissedReward},
    {key: 'stateChanges', entity: WorkerStateChange},
    {key: 'stakeMovements', entity: StakeMovement},
    {key: 'budgetChanges', entity: BudgetChange},
    {key: 'tokenomicParameters', entity: TokenomicParameters},
    {key: 'selfCheckFailures', entity: SelfCheckFailure},
    {key: 'v1StakerDays', entity: V1StakerDay},
]

export const ROLLUP_TABLES: {key: keyof RollupRows; entity: Function}[] = [
    {key: 'workers', entity: WorkerRollup},
    {key: 'pools', entity: PoolRollup},
    {key: 'accounts', entity: AccountRollup},
    {key: 'network', entity: NetworkRollup},
]

/**
 * The columns any of `rows` changed since it was last written (the union over the rows, plus id): an
 * UPDATE then sends and parses only those (a settle changes 6 of a worker's 27 columns).
 */
function changedColumns(spec: TableSpec, map: EntityMap<any>, updated: any[]): {rows: any[]; columns: ColumnSpec[] | undefined} {
    const changed = new Set<ColumnSpec>()
    const rows: any[] = []
    let all = false
    for (const e of updated) {
        const before = map.lastWritten(e.id)
        if (before == null) {
            all = true
            rows.push(e)
            continue
        }
        let any = false
        for (const c of spec.columns) {
            if (columnChanged(c, e[c.prop], before[c.prop])) {
                changed.add(c)
                any = true
            }
        }
        if (any) rows.push(e)
    }
    if (all || changed.size >= spec.columns.length - 1) return {rows, columns: undefined}
    return {rows, columns: spec.columns.filter(c => c.db === 'id' || changed.has(c))}
}

export async function loadState(em: EntityManager): Promise<MiningState> {
    const state = emptyState()
    for (const {key, entity} of STATE_TABLES) {
        const spec = tableSpec(em, entity)
        const rows: Record<string, unknown>[] = await em.query(`SELECT * FROM "${spec.table}"`)
        const map = state[key] as EntityMap<any>
        for (const r of rows) map.load(fromDbRow(spec, r))
    }
    const nspec = tableSpec(em, NetworkState)
    const net = await em.query(`SELECT * FROM "${nspec.table}" WHERE id = $1`, [NETWORK_ID])
    if (net.length > 0) state.network = fromDbRow(nspec, net[0])
    return state
}

/** the (height, hash) the database's network row was last written with; undefined before the first batch */
export async function readNetworkHead(em: EntityManager): Promise<{height: number; hash: string | null} | undefined> {
    const spec = tableSpec(em, NetworkState)
    const rows = await em.query(`SELECT height, hash FROM "${spec.table}" WHERE id = $1`, [NETWORK_ID])
    if (rows.length === 0) return undefined
    return {height: Number(rows[0].height), hash: rows[0].hash ?? null}
}

export async function writeLedgerRows(w: Writer, rows: LedgerRows): Promise<number> {
    let n = 0
    for (const {key, entity} of LEDGER_TABLES) {
        const list = rows[key]
        if (list.length === 0) continue
        await w.insert(entity, list)
        n += list.length
    }
    return n
}

export async function writeRollupRows(w: Writer, rows: RollupRows): Promise<number> {
    let n = 0
    for (const {key, entity} of ROLLUP_TABLES) {
        const list = rows[key]
        if (list.length === 0) continue
        await w.insert(entity, list)
        n += list.length
    }
    return n
}

/** write every entity changed since the last write (new rows inserted, known rows updated), and the network row */
export async function writeState(w: Writer, state: MiningState): Promise<number> {
    let n = 0
    for (const {key, entity} of STATE_TABLES) {
        const map = state[key] as EntityMap<any>
        const {created, updated} = map.takeChanges()
        if (created.length > 0) await w.insert(entity, created)
        if (updated.length > 0) {
            if (w.hot) await w.update(entity, updated)
            else {
                const {rows, columns} = changedColumns(w.spec(entity), map, updated)
                if (rows.length > 0) await w.update(entity, rows, columns)
            }
        }
        for (const e of created) map.markWritten(e)
        for (const e of updated) map.markWritten(e)
        n += created.length + updated.length
    }
    await w.upsert(NetworkState, [state.network])
    return n + 1
}
