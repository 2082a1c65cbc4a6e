/**
 * The in-memory mining state: current-state entities by id, with the set of ids changed since the last
 * write, and the append-only ledger rows produced by a batch. No I/O here (src/store loads and writes it).
 */
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
    Session,
    SelfCheckFailure,
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
import {EMISSION_CAP, NETWORK_ID} from './constants'

export class EntityMap<E extends {id: string}> {
    private readonly map = new Map<string, E>()
    /** ids written (created or changed) since the last flush */
    readonly dirty = new Set<string>()
    /** ids known to have a row in the database (loaded, or written by an earlier flush) */
    private readonly persisted = new Set<string>()
    /** a shallow copy of each entity as last loaded / written (to update only the columns that changed) */
    private readonly written = new Map<string, Record<string, unknown>>()

    get(id: string): E | undefined {
        return this.map.get(id)
    }

    has(id: string): boolean {
        return this.map.has(id)
    }

    /** add or replace, marking it dirty */
    add(e: E): E {
        this.map.set(e.id, e)
        this.dirty.add(e.id)
        return e
    }

    /** add without marking dirty (loaded from the database) */
    load(e: E): void {
        this.map.set(e.id, e)
        this.persisted.add(e.id)
        this.written.set(e.id, {...e})
    }

    /** the entity as last loaded or written (undefined: never written) */
    lastWritten(id: string): Record<string, unknown> | undefined {
        return this.written.get(id)
    }

    /** record what was just written */
    markWritten(e: E): void {
        this.written.set(e.id, {...e})
    }

    touch(e: E): E {
        this.dirty.add(e.id)
        return e
    }

    values(): IterableIterator<E> {
        return this.map.values()
    }

    get size(): number {
        return this.map.size
    }

    /** the changed entities, and forget that they changed */
    takeDirty(): E[] {
        const {created, updated} = this.takeChanges()
        return created.concat(updated)
    }

    /**
     * The changed entities split into rows to insert (never written) and rows to update; afterwards all of
     * them count as persisted. (If the write then fails, the batch's transaction fails with it and the
     * state is reloaded from the database.)
     */
    takeChanges(): {created: E[]; updated: E[]} {
        const created: E[] = []
        const updated: E[] = []
        for (const id of this.dirty) {
            const e = this.map.get(id)
            if (e == null) continue
            if (this.persisted.has(id)) updated.push(e)
            else {
                created.push(e)
                this.persisted.add(id)
            }
        }
        this.dirty.clear()
        return {created, updated}
    }

    clear(): void {
        this.map.clear()
        this.dirty.clear()
        this.persisted.clear()
        this.written.clear()
    }
}

export interface MiningState {
    network: NetworkState
    workers: EntityMap<Worker>
    sessions: EntityMap<Session>
    pools: EntityMap<BasePool>
    stakePools: EntityMap<StakePool>
    vaults: EntityMap<Vault>
    delegations: EntityMap<Delegation>
    accounts: EntityMap<Account>
    /** v1 stake pools' reward accumulators and stakers (ledger/v1-book.ts) */
    v1Pools: EntityMap<V1PoolAccumulator>
    v1Stakers: EntityMap<V1Staker>
}

export interface LedgerRows {
    payouts: Payout[]
    poolRewards: PoolReward[]
    dismissedRewards: DismissedReward[]
    stateChanges: WorkerStateChange[]
    stakeMovements: StakeMovement[]
    budgetChanges: BudgetChange[]
    tokenomicParameters: TokenomicParameters[]
    selfCheckFailures: SelfCheckFailure[]
    v1StakerDays: V1StakerDay[]
}

export function emptyLedgerRows(): LedgerRows {
    return {
        payouts: [],
        poolRewards: [],
        dismissedRewards: [],
        stateChanges: [],
        stakeMovements: [],
        budgetChanges: [],
        tokenomicParameters: [],
        selfCheckFailures: [],
        v1StakerDays: [],
    }
}

/** the rows of closed hour / day buckets (src/rollup) */
export interface RollupRows {
    workers: WorkerRollup[]
    pools: PoolRollup[]
    accounts: AccountRollup[]
    network: NetworkRollup[]
}

export function emptyRollupRows(): RollupRows {
    return {workers: [], pools: [], accounts: [], network: []}
}

export function ledgerRowCount(r: LedgerRows): number {
    let n = 0
    for (const k in r) n += (r as any)[k].length
    return n
}

export function emptyState(): MiningState {
    return {
        network: newNetworkState(),
        workers: new EntityMap(),
        sessions: new EntityMap(),
        pools: new EntityMap(),
        stakePools: new EntityMap(),
        vaults: new EntityMap(),
        delegations: new EntityMap(),
        accounts: new EntityMap(),
        v1Pools: new EntityMap(),
        v1Stakers: new EntityMap(),
    }
}

export function newNetworkState(): NetworkState {
    return new NetworkState({
        id: NETWORK_ID,
        height: -1,
        hash: null,
        timestamp: null,
        specVersion: null,
        budgetPerBlockBits: null,
        budgetPerBlock: null,
        treasuryRatioBits: null,
        treasuryRatio: null,
        tokenomicParametersId: null,
        halvingCount: 0,
        lastBudgetNonce: null,
        coolDownPeriod: null,
        workerCount: 0,
        readyCount: 0,
        idleCount: 0,
        unresponsiveCount: 0,
        coolingDownCount: 0,
        idleShareMicro: 0n,
        idleShare: 0,
        poolCount: 0,
        delegationCount: 0,
        emittedPayout: 0n,
        emittedTreasury: 0n,
        emittedTotal: 0n,
        rewardsCredited: 0n,
        rewardsCreditedV1: 0n,
        rewardsPaidOut: 0n,
        rewardsClaimed: 0n,
        emissionCap: EMISSION_CAP,
        emissionRemaining: EMISSION_CAP,
        droppedPayout: 0n,
        dismissedRewards: 0n,
        dismissedNotInPool: 0n,
        dustInReward: 0n,
        toOwner: 0n,
        toStakers: 0n,
        rewardedSettleCount: 0,
        droppedSettleCount: 0,
        failedSettleCount: 0,
        subsidyPoolIn: 0n,
        subsidyPoolOut: 0n,
        settleCount: 0,
        poolMigrationHeight: null,
        rewardEventsSeen: false,
        avgBlockTimeMs: null,
        hourBucketStart: null,
        hourBucketHeight: null,
        hourBucketFirstTimestamp: null,
        dayBucketStart: null,
        dayBucketHeight: null,
        dayBucketFirstTimestamp: null,
        selfCheckSettles: 0,
        selfCheckMismatches: 0,
        selfCheckUnpaired: 0,
        selfCheckAnomalies: 0,
    })
}
