/**
 * What every event handler works on: the in-memory state, the rows produced so far, the open block, the
 * derived indexes, and the helpers that find-or-create entities and report self-check failures.
 * Handlers (the other files of this folder) are plain functions of a LedgerContext and one event.
 */
import type {TokenomicParams} from '../../decode'
import type {MiningEvent} from '../../decode/model'
import {Account, BasePool, Delegation, Payout, PoolKind, SelfCheckKind, Session, StakeMovementKind, StakePool, Vault, Worker} from '../../model'
import {RewardPairer} from '../pairing'
import {emptyLedgerRows, LedgerRows, MiningState} from '../state'
import {delegationId, newAccount, newPool, newSession, newWorker, toPoolKind} from './entities'
import {RowEvent, selfCheckFailureRow, stakeMovementRow} from './rows'
import {LedgerV1Book, newV1Book} from './v1-book'

export interface LedgerLog {
    warn(msg: string): void
    info(msg: string): void
}

export interface BlockMeta {
    height: number
    hash: string
    /** ms since epoch */
    timestamp: number
    specVersion: number
}

/** a subsidy-pool withdrawal waiting for its treasury deposits and the settle it is the treasury share of (money.ts) */
export interface TreasuryWithdrawal {
    eventId: string
    amount: bigint
    /** Balances.Deposit into the treasury, Treasury.Deposit: amounts once seen */
    deposited: bigint | null
    treasuryDeposited: bigint | null
}

/** a subsidy-pool transfer waiting for the reward event (v2) or claim (v1) it pays (money.ts) */
export interface PendingTransfer {
    eventId: string
    amount: bigint
}

export class LedgerContext {
    rows: LedgerRows = emptyLedgerRows()
    readonly pairer = new RewardPairer<Payout>()
    block: BlockMeta | undefined
    blockTime: Date = new Date(0)
    treasuryWithdrawal: TreasuryWithdrawal | undefined
    rewardTransfer: PendingTransfer | undefined
    claimTransfer: (PendingTransfer & {to: string}) | undefined
    /** tokenomic parameters read at the current block (state after it), when the block changes them */
    blockParams: TokenomicParams | undefined
    budgetChangedInBlock = false
    /** vault pool account → vault pid (derived index) */
    readonly vaultByAccount = new Map<string, string>()
    /** stake pool pid → vault pids holding its shares (derived index) */
    readonly vaultHoldings = new Map<string, Set<string>>()
    private scratch: Worker | undefined
    /** the v1 stakers' reward book over state.v1Pools / v1Stakers (rebuilt with the indexes) */
    v1Book: LedgerV1Book

    constructor(
        readonly state: MiningState,
        readonly log: LedgerLog
    ) {
        this.v1Book = newV1Book(state)
    }

    mustBlock(): BlockMeta {
        if (this.block == null) throw new Error('no open block: call beginBlock first')
        return this.block
    }

    // ------------------------------------------------------------------ derived indexes

    rebuildIndexes(): void {
        this.v1Book = newV1Book(this.state)
        this.vaultByAccount.clear()
        this.vaultHoldings.clear()
        for (const p of this.state.pools.values()) {
            if (p.kind === PoolKind.Vault && p.poolAccountId) this.vaultByAccount.set(p.poolAccountId, p.id)
        }
        for (const d of this.state.delegations.values()) {
            const vault = this.vaultByAccount.get(d.accountId)
            if (vault != null && d.shares + d.withdrawingShares > 0n) this.indexVaultHolding(d.poolId, vault)
        }
    }

    /** the derived index only (rebuilt from delegations on load) */
    indexVaultHolding(poolId: string, vaultId: string): boolean {
        let s = this.vaultHoldings.get(poolId)
        if (s == null) {
            s = new Set()
            this.vaultHoldings.set(poolId, s)
        }
        if (s.has(vaultId)) return false
        s.add(vaultId)
        return true
    }

    /** a vault invests in a stake pool it held no shares of */
    addVaultHolding(poolId: string, vaultId: string): void {
        if (!this.indexVaultHolding(poolId, vaultId)) return
        const v = this.state.vaults.get(vaultId)
        if (v) {
            v.investPoolCount++
            this.state.vaults.touch(v)
        }
    }

    // ------------------------------------------------------------------ find or create

    ensureWorker(id: string): Worker {
        let w = this.state.workers.get(id)
        if (w == null) {
            w = this.state.workers.add(newWorker(id))
            this.state.network.workerCount++
        }
        return w
    }

    /** a worker for counters of an unbound session with no worker (discarded) */
    scratchWorker(): Worker {
        return (this.scratch ??= newWorker('scratch'))
    }

    ensureSession(id: string): Session {
        let s = this.state.sessions.get(id)
        if (s == null) s = this.state.sessions.add(newSession(id, this.blockTime, this.mustBlock().height))
        return s
    }

    ensureAccount(id: string): Account {
        let a = this.state.accounts.get(id)
        if (a == null) a = this.state.accounts.add(newAccount(id))
        return a
    }

    /** the pool of an event; a pool never created (missed history) is created as a placeholder and reported */
    ensurePool(pid: bigint, kind: string, ev: MiningEvent): BasePool {
        const id = pid.toString()
        let p = this.state.pools.get(id)
        if (p == null) {
            const k = kind === 'BasePool' ? PoolKind.StakePool : toPoolKind(kind)
            this.anomaly(ev.id, `${ev.name}: pool ${id} was never created`)
            p = this.state.pools.add(newPool(id, k, '0x', this.blockTime, ev.blockHeight))
            this.state.network.poolCount++
            if (k === PoolKind.Vault) this.ensureVault(id)
            else this.ensureStakePool(id)
        }
        return p
    }

    ensureStakePool(id: string): StakePool {
        let s = this.state.stakePools.get(id)
        if (s == null) {
            s = this.state.stakePools.add(
                new StakePool({
                    id,
                    basePoolId: id,
                    capacity: null,
                    ownerRewardAccount: null,
                    lockAccount: null,
                    v1PendingStakerRewards: 0n,
                })
            )
        }
        return s
    }

    ensureVault(id: string): Vault {
        let v = this.state.vaults.get(id)
        if (v == null) {
            v = this.state.vaults.add(
                new Vault({
                    id,
                    basePoolId: id,
                    ownerShares: 0n,
                    totalOwnerSharesGained: 0n,
                    totalOwnerSharesClaimed: 0n,
                    lastSharePriceCheckpoint: 0n,
                    investPoolCount: 0,
                })
            )
        }
        return v
    }

    ensureDelegation(p: BasePool, account: string): Delegation {
        const id = delegationId(p.id, account)
        let d = this.state.delegations.get(id)
        if (d == null) {
            d = this.state.delegations.add(
                new Delegation({
                    id,
                    poolId: p.id,
                    accountId: account,
                    poolKind: p.kind,
                    shares: 0n,
                    withdrawingShares: 0n,
                    value: 0n,
                    withdrawingValue: 0n,
                    costBasis: 0n,
                    totalContributed: 0n,
                    totalWithdrawn: 0n,
                    v1RewardsWithdrawn: 0n,
                    withdrawalQueuedAt: null,
                    updatedAt: this.blockTime,
                })
            )
            this.ensureAccount(account)
        }
        return d
    }

    // ------------------------------------------------------------------ rows

    movement(
        ev: RowEvent,
        kind: StakeMovementKind,
        poolId: string,
        accountId: string | null,
        amount: bigint | null,
        shares: bigint | null = null,
        workerId: string | null = null,
        asVault: string | null = null,
        burntShares: bigint | null = null
    ): void {
        this.rows.stakeMovements.push(stakeMovementRow(ev, this.blockTime, kind, poolId, accountId, amount, shares, workerId, asVault, burntShares))
    }

    // ------------------------------------------------------------------ self-check reporting

    unexpected(ev: MiningEvent, msg: string): void {
        this.state.network.selfCheckAnomalies++
        this.failure(SelfCheckKind.UnexpectedTransition, ev.id, null, null, msg)
    }

    anomaly(eventId: string, msg: string): void {
        this.state.network.selfCheckAnomalies++
        this.failure(SelfCheckKind.Inconsistency, eventId, null, null, msg)
    }

    failure(kind: SelfCheckKind, eventId: string | null, expected: bigint | null, actual: bigint | null, message: string): void {
        const b = this.mustBlock()
        this.log.warn(`self-check ${kind} at block ${b.height}${eventId ? ` event ${eventId}` : ''}: ${message}`)
        const seq = this.rows.selfCheckFailures.length
        this.rows.selfCheckFailures.push(
            selfCheckFailureRow(`${eventId ?? b.height}-${kind}-${seq}`, b.height, this.blockTime, eventId, kind, expected, actual, message)
        )
    }
}
