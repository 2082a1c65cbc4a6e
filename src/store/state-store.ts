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
    Vault,
    Worker,
    WorkerRollup,
    WorkerStateChange,
} from '../model'
import {NETWORK_ID} from '../domain/constants'
import {EntityMap, emptyState, LedgerRows, MiningState} from '../domain/state'
import type {RollupRows} from '../analytics/rollup'
import {fromDbRow, tableSpec} from './tables'
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
]

export const ROLLUP_TABLES: {key: keyof RollupRows; entity: Function}[] = [
    {key: 'workers', entity: WorkerRollup},
    {key: 'pools', entity: PoolRollup},
    {key: 'accounts', entity: AccountRollup},
    {key: 'network', entity: NetworkRollup},
]

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

/** upsert every entity changed since the last write, and the network row */
export async function writeState(w: Writer, state: MiningState): Promise<number> {
    let n = 0
    for (const {key, entity} of STATE_TABLES) {
        const changed = (state[key] as EntityMap<any>).takeDirty()
        if (changed.length === 0) continue
        await w.upsert(entity, changed)
        n += changed.length
    }
    await w.upsert(NetworkState, [state.network])
    return n + 1
}
