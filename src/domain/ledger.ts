/**
 * The mining ledger reducer: applies normalized MiningEvents, in chain order, to the in-memory state and
 * produces ledger rows. Pure and deterministic (no I/O): storage reads the events need (tokenomic
 * parameters, the v1→v2 pool snapshot) are done by the caller and handed in.
 *
 * Per block: beginBlock → apply(event)… → endBlock (pairs payouts with pool rewards and runs the self-check).
 */
import type {BigDecimal} from '@subsquid/big-decimal'
import type {MiningEvent, NormalizedPool, PayloadOf, TokenomicParams} from '../decode'
import {
    Account,
    BasePool,
    BudgetChangeKind,
    Delegation,
    DismissedRewardKind,
    Payout,
    PoolKind,
    SelfCheckKind,
    Session,
    StakeMovementKind,
    StakePool,
    TokenomicParameters,
    Vault,
    Worker,
    WorkerState,
} from '../model'
import {EMISSION_CAP, SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT} from './constants'
import {fixedToNumber, payoutBitsToPlancks} from './fixed'
import {RewardGroup, RewardPairer, groupOutcome} from './pairing'
import {shareValue, sharePrice, vaultRewardCut} from './pool-math'
import {computeShare, microToShare, shareToMicro} from './share'
import {emptyLedgerRows, LedgerRows, MiningState} from './state'
import {isEarning, nextSessionState, SessionTransition} from './worker-state'

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

/** decoder value of a confidence level the event does not carry (v1 specs) */
const CONFIDENCE_NOT_CARRIED = 0

/** BigDecimal columns hold exact decimal strings in memory; the column transformer stringifies either */
function decimal(s: string): BigDecimal {
    return s as unknown as BigDecimal
}

type Ev<K extends MiningEvent['kind']> = MiningEvent & PayloadOf<K>

interface TreasuryCandidate {
    eventId: string
    to: string
    amount: bigint
}

export class MiningLedger {
    rows: LedgerRows = emptyLedgerRows()
    private pairer = new RewardPairer<Payout>()
    private block: BlockMeta | undefined
    private blockTime: Date = new Date(0)
    private treasuryCandidate: TreasuryCandidate | undefined
    /** tokenomic parameters read at the current block (state after it), when the block changes them */
    private blockParams: TokenomicParams | undefined
    private budgetChangedInBlock = false
    /** vault pool account → vault pid (derived index) */
    private vaultByAccount = new Map<string, string>()
    /** stake pool pid → vault pids holding its shares (derived index) */
    private vaultHoldings = new Map<string, Set<string>>()

    constructor(
        readonly state: MiningState,
        private readonly log: LedgerLog
    ) {
        this.rebuildIndexes()
    }

    /** take the ledger rows produced so far (they are then the caller's) */
    takeRows(): LedgerRows {
        const r = this.rows
        this.rows = emptyLedgerRows()
        return r
    }

    rebuildIndexes(): void {
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

    // ------------------------------------------------------------------ block boundaries

    beginBlock(meta: BlockMeta, params?: TokenomicParams): void {
        if (this.block) throw new Error(`beginBlock(${meta.height}) while block ${this.block.height} is open`)
        this.block = meta
        this.blockTime = new Date(meta.timestamp)
        this.blockParams = params
        this.budgetChangedInBlock = false
        const n = this.state.network
        n.specVersion = meta.specVersion
        this.state.network = n
    }

    endBlock(): void {
        const b = this.mustBlock()
        this.resolveTreasuryCandidate()
        const {closed, open} = this.pairer.endBlock()
        const n = this.state.network
        for (const g of closed) this.closeGroup(g)
        for (const g of open) {
            const p = g.settle.payout
            if (g.dismissals.length > 0) {
                // reward events came but do not add up to the payout
                this.closeGroup(g)
                continue
            }
            if (!n.rewardEventsSeen) continue // this runtime emits no pool reward events (before spec 1160)
            n.selfCheckUnpaired++
            this.failure(
                SelfCheckKind.UnpairedSettle,
                p.id,
                g.settle.amount,
                0n,
                `settle ${p.id} of worker ${g.settle.workerId} (pool ${g.settle.poolId ?? 'none'}) paid ${g.settle.amount} plancks but no pool reward event followed in its block`
            )
        }
        n.height = b.height
        n.hash = b.hash
        n.timestamp = this.blockTime
        this.touchNetwork()
        this.block = undefined
        this.blockParams = undefined
    }

    /** the self-check of one rewarded settle, and the payout row's pool-side fields */
    private closeGroup(g: RewardGroup<Payout>): void {
        const n = this.state.network
        const p = g.settle.payout
        const o = groupOutcome(g)
        p.toOwner = o.toOwner
        p.toStakers = o.toStakers
        p.dismissed = o.dismissed
        p.rewardEventId = g.received?.eventId ?? g.dismissals[g.dismissals.length - 1]?.eventId ?? null
        // whole-payout dismissals and dust next to a RewardReceived, by pool
        const pool = g.settle.poolId ? this.state.pools.get(g.settle.poolId) : undefined
        if (o.dismissed > 0n || o.ownerDismissed + o.stakersDismissed > 0n) {
            n.dismissedRewards += o.dismissed
            n.dustInReward += o.ownerDismissed + o.stakersDismissed
            for (const d of g.dismissals) {
                if (d.kind === 'NotInPool') n.dismissedNotInPool += d.amount
            }
            if (pool) {
                pool.totalDismissed += o.dismissed
                pool.dustInReward += o.ownerDismissed + o.stakersDismissed
                for (const d of g.dismissals) {
                    if (d.kind === 'NoShare') pool.dismissedNoShare += d.amount
                    else if (d.kind === 'Dust') pool.dismissedDust += d.amount
                }
                this.state.pools.touch(pool)
            }
        }
        if (g.settle.amount === 0n) return
        n.selfCheckSettles++
        if (!o.ok) {
            n.selfCheckMismatches++
            this.failure(
                SelfCheckKind.RewardMismatch,
                p.id,
                g.settle.amount,
                o.accounted,
                `settle ${p.id} (worker ${g.settle.workerId}, pool ${g.settle.poolId ?? 'none'}): payout ${g.settle.amount} plancks but ` +
                    (g.received
                        ? `RewardReceived ${g.received.eventId} to_owner ${o.toOwner} + to_stakers ${o.toStakers} = ${o.accounted}`
                        : `dismissed ${o.accounted} (${g.dismissals.map(d => `${d.kind} ${d.amount} @${d.eventId}`).join(', ')})`)
            )
        }
    }

    // ------------------------------------------------------------------ event dispatch

    apply(ev: MiningEvent): void {
        this.mustBlock()
        if (ev.kind !== 'Transfer') {
            if (this.treasuryCandidate && ev.kind !== 'SessionSettled') this.resolveTreasuryCandidate()
        }
        switch (ev.kind) {
            // registry
            case 'WorkerAdded':
            case 'WorkerUpdated':
                return this.onWorkerRegistered(ev as Ev<'WorkerAdded'>)
            case 'InitialScoreSet': {
                const w = this.ensureWorker(ev.worker)
                w.initialScore = ev.initScore
                this.state.workers.touch(w)
                return
            }
            // computation
            case 'CoolDownExpirationChanged':
                this.state.network.coolDownPeriod = ev.period
                return this.touchNetwork()
            case 'SessionBound':
                return this.onSessionBound(ev as Ev<'SessionBound'>)
            case 'SessionUnbound':
                return this.onSessionUnbound(ev as Ev<'SessionUnbound'>)
            case 'WorkerStarted':
                return this.onWorkerStarted(ev as Ev<'WorkerStarted'>)
            case 'WorkerStopped':
                return this.onWorkerStopped(ev as Ev<'WorkerStopped'>)
            case 'WorkerReclaimed':
                return this.onWorkerReclaimed(ev as Ev<'WorkerReclaimed'>)
            case 'WorkerEnterUnresponsive':
                return this.transition(ev, ev.session, 'WorkerEnterUnresponsive', w => w.unresponsiveCount++)
            case 'WorkerExitUnresponsive':
                return this.transition(ev, ev.session, 'WorkerExitUnresponsive')
            case 'SessionSettled':
                return this.onSettled(ev as Ev<'SessionSettled'>)
            case 'SessionSettlementDropped':
                return this.onSettlementDropped(ev as Ev<'SessionSettlementDropped'>)
            case 'BenchmarkUpdated': {
                const s = this.ensureSession(ev.session)
                this.mutateSession(s, s => {
                    s.pInstant = ev.pInstant
                })
                return
            }
            case 'WorkerSettleFailed':
                this.state.network.failedSettleCount++
                return this.touchNetwork()
            case 'SubsidyBudgetHalved':
                return this.onHalved(ev)
            case 'WrongHalvingConfigured':
                return this.anomaly(ev.id, `${ev.name}: the chain reports a wrong halving configuration`)
            case 'TokenomicParametersChanged':
                return this.onParametersChanged(ev)
            case 'BudgetUpdated':
                return this.onBudgetUpdated(ev as Ev<'BudgetUpdated'>)
            // pools
            case 'PoolCreated':
                return this.onPoolCreated(ev as Ev<'PoolCreated'>)
            case 'PoolCommissionSet': {
                const p = this.ensurePool(ev.pid, ev.poolKind, ev)
                p.commission = ev.commission
                this.state.pools.touch(p)
                return
            }
            case 'VaultCommissionSet': {
                const p = this.ensurePool(ev.pid, 'Vault', ev)
                p.commission = ev.commission
                this.state.pools.touch(p)
                return
            }
            case 'PoolCapacitySet': {
                this.ensurePool(ev.pid, ev.poolKind, ev)
                const sp = this.ensureStakePool(ev.pid.toString())
                sp.capacity = ev.cap
                this.state.stakePools.touch(sp)
                return
            }
            case 'PoolWorkerAdded':
                return this.onPoolWorkerAdded(ev as Ev<'PoolWorkerAdded'>)
            case 'PoolWorkerRemoved':
                return this.onPoolWorkerRemoved(ev as Ev<'PoolWorkerRemoved'>)
            case 'WorkingStarted':
                return this.onWorkingStarted(ev as Ev<'WorkingStarted'>)
            case 'PoolWorkerReclaimed':
                // amounts come with PhalaComputation.WorkerReclaimed, emitted just before
                return
            case 'Contribution':
                return this.onContribution(ev as Ev<'Contribution'>)
            case 'WithdrawalQueued':
                return this.onWithdrawalQueued(ev as Ev<'WithdrawalQueued'>)
            case 'Withdrawal':
                return this.onWithdrawal(ev as Ev<'Withdrawal'>)
            case 'OwnerRewardsWithdrawn':
                return this.onOwnerRewardsWithdrawn(ev as Ev<'OwnerRewardsWithdrawn'>)
            case 'StakerRewardsWithdrawn':
                return this.onStakerRewardsWithdrawn(ev as Ev<'StakerRewardsWithdrawn'>)
            case 'RewardReceived':
                return this.onRewardReceived(ev as Ev<'RewardReceived'>)
            case 'RewardDismissedNotInPool':
                return this.onDismissed(ev, DismissedRewardKind.NotInPool, null, ev.worker, ev.amount)
            case 'RewardDismissedNoShare':
                return this.onDismissed(ev, DismissedRewardKind.NoShare, ev.pid, null, ev.amount)
            case 'RewardDismissedDust':
                return this.onDismissed(ev, DismissedRewardKind.Dust, ev.pid, null, ev.amount)
            case 'RewardToOwnerDismissedDust':
                return this.onDismissed(ev, DismissedRewardKind.OwnerDust, ev.pid, null, ev.amount)
            case 'RewardToDistributionDismissedDust':
                return this.onDismissed(ev, DismissedRewardKind.DistributionDust, ev.pid, null, ev.amount)
            case 'DustRemoved':
                // v1: a user's leftover dust stake slashed to the treasury; the event names no pool
                return
            case 'PoolSlashed': {
                // the value change is applied with WorkerReclaimed.slashed (handle_reclaim emits this event)
                const p = this.ensurePool(ev.pid, ev.poolKind, ev)
                this.movement(ev, StakeMovementKind.Slash, p.id, null, ev.amount)
                return
            }
            case 'SlashSettled': {
                const p = this.ensurePool(ev.pid, ev.poolKind, ev)
                this.movement(ev, StakeMovementKind.Slash, p.id, ev.user, ev.amount)
                return
            }
            case 'NftCreated':
                return
            case 'OwnerSharesGained':
                return this.onOwnerSharesGained(ev as Ev<'OwnerSharesGained'>)
            case 'OwnerSharesClaimed':
                return this.onOwnerSharesClaimed(ev as Ev<'OwnerSharesClaimed'>)
            case 'PoolWhitelistCreated':
            case 'PoolWhitelistDeleted': {
                const p = this.ensurePool(ev.pid, ev.poolKind, ev)
                p.whitelistEnabled = ev.kind === 'PoolWhitelistCreated'
                this.state.pools.touch(p)
                return
            }
            case 'PoolWhitelistStakerAdded':
            case 'PoolWhitelistStakerRemoved':
                return
            case 'Transfer':
                return this.onTransfer(ev as Ev<'Transfer'>)
            default: {
                const never: never = ev
                throw new Error(`unhandled mining event kind ${(never as MiningEvent).kind}`)
            }
        }
    }

    // ------------------------------------------------------------------ registry

    private onWorkerRegistered(ev: Ev<'WorkerAdded'> | Ev<'WorkerUpdated'>): void {
        const w = this.ensureWorker(ev.worker)
        if (ev.kind === 'WorkerAdded' && w.registeredAt == null) {
            w.registeredAt = this.blockTime
            w.registeredAtHeight = ev.blockHeight
        }
        if (ev.attestationProvider != null) w.attestationProvider = ev.attestationProvider
        if (ev.confidenceLevel !== CONFIDENCE_NOT_CARRIED && ev.confidenceLevel !== w.confidenceLevel) {
            w.confidenceLevel = ev.confidenceLevel
            // the share of its session depends on the confidence level
            const s = w.sessionId ? this.state.sessions.get(w.sessionId) : undefined
            if (s) this.mutateSession(s, () => {})
        }
        this.state.workers.touch(w)
    }

    // ------------------------------------------------------------------ sessions and workers

    private onSessionBound(ev: Ev<'SessionBound'>): void {
        const s = this.ensureSession(ev.session)
        const w = this.ensureWorker(ev.worker)
        if (w.sessionId && w.sessionId !== s.id) {
            this.anomaly(ev.id, `SessionBound: worker ${w.id} is still bound to session ${w.sessionId}`)
            const old = this.state.sessions.get(w.sessionId)
            if (old) this.mutateSession(old, o => (o.bound = false))
        }
        const {expected} = nextSessionState(s.bound || s.settleCount > 0 || s.startCount > 0 ? s.state : null, 'SessionBound')
        if (!expected || s.bound) {
            this.unexpected(ev, `SessionBound: session ${s.id} is ${s.bound ? 'already bound' : s.state}`)
        }
        const from = this.workerState(w)
        this.mutateSession(
            s,
            s => {
                s.bound = true
                s.workerId = w.id
                s.state = WorkerState.Ready
                s.v = 0n
                s.ve = 0n
                s.pInit = 0
                s.pInstant = 0
                s.boundAt = this.blockTime
                s.stateChangedAt = this.blockTime
                if (w.poolId) s.poolId = w.poolId
            },
            {ev, from, force: true}
        )
        w.sessionId = s.id
        w.sessionCount++
        this.state.workers.touch(w)
    }

    private onSessionUnbound(ev: Ev<'SessionUnbound'>): void {
        const s = this.ensureSession(ev.session)
        const w = this.ensureWorker(ev.worker)
        if (!s.bound || s.workerId !== w.id) {
            this.unexpected(ev, `SessionUnbound: session ${s.id} is not bound to worker ${w.id}`)
        }
        if (s.state === WorkerState.WorkerIdle || s.state === WorkerState.WorkerUnresponsive) {
            this.unexpected(ev, `SessionUnbound: session ${s.id} is still computing (${s.state})`)
        }
        this.mutateSession(
            s,
            s => {
                s.bound = false
            },
            {ev}
        )
        if (w.sessionId === s.id) {
            w.sessionId = null
            this.state.workers.touch(w)
        }
    }

    private onWorkerStarted(ev: Ev<'WorkerStarted'>): void {
        this.transition(ev, ev.session, 'WorkerStarted', (w, s) => {
            w.startCount++
            s.startCount++
            s.startedAt = this.blockTime
            if (ev.initV != null) {
                s.ve = ev.initV
                s.v = ev.initV
                w.v = ev.initV
            }
            if (ev.initP != null) {
                s.pInit = ev.initP
                s.pInstant = ev.initP
            }
        })
    }

    private onWorkerStopped(ev: Ev<'WorkerStopped'>): void {
        this.transition(ev, ev.session, 'WorkerStopped', (w, s) => {
            w.stopCount++
            s.stoppedAt = this.blockTime
            s.coolingDownStartAt = this.blockTime
            const pool = s.poolId ? this.state.pools.get(s.poolId) : undefined
            if (pool) {
                pool.releasingValue += s.stake
                this.state.pools.touch(pool)
            }
        })
    }

    private onWorkerReclaimed(ev: Ev<'WorkerReclaimed'>): void {
        this.transition(
            ev,
            ev.session,
            'WorkerReclaimed',
            (w, s) => {
                w.reclaimCount++
                const pool = s.poolId ? this.state.pools.get(s.poolId) : undefined
                if (pool) {
                    pool.releasingValue -= ev.originalStake
                    if (pool.releasingValue < 0n) {
                        this.anomaly(
                            ev.id,
                            `WorkerReclaimed: pool ${pool.id} releases ${ev.originalStake} but only ${pool.releasingValue + ev.originalStake} was releasing`
                        )
                        pool.releasingValue = 0n
                    }
                    pool.freeValue += ev.originalStake - ev.slashed
                    if (ev.slashed > 0n) pool.totalValue -= ev.slashed
                    this.refreshPool(pool)
                }
                if (s.stake !== ev.originalStake) {
                    this.anomaly(ev.id, `WorkerReclaimed: session ${s.id} had stake ${s.stake}, the chain returns original_stake ${ev.originalStake}`)
                }
                s.stake = 0n
                w.stake = 0n
                s.coolingDownStartAt = null
                this.movement(ev, StakeMovementKind.WorkerStakeReleased, s.poolId ?? '', null, ev.originalStake, null, s.workerId ?? null)
            },
            true
        )
    }

    /** apply a session state-machine transition, plus `extra` on the worker (when bound) and session */
    private transition(
        ev: MiningEvent & {session: string},
        sessionId: string,
        t: SessionTransition,
        extra?: (w: Worker, s: Session) => void,
        allowUnbound = false
    ): void {
        const s = this.ensureSession(sessionId)
        const {to, expected} = nextSessionState(s.state, t)
        if (!expected) this.unexpected(ev, `${ev.name}: session ${s.id} moves ${s.state} → ${to}`)
        if (!s.bound && !allowUnbound) this.unexpected(ev, `${ev.name}: session ${s.id} is not bound`)
        const w = s.workerId ? this.ensureWorker(s.workerId) : undefined
        this.mutateSession(
            s,
            s => {
                s.state = to
                s.stateChangedAt = this.blockTime
                if (w && s.bound) {
                    extra?.(w, s)
                    this.state.workers.touch(w)
                } else if (extra) {
                    // an unbound session (e.g. reclaimed after unbinding): its worker's counters still count it
                    const dummy = w ?? this.scratchWorker()
                    extra(dummy, s)
                    if (w) this.state.workers.touch(w)
                }
            },
            {ev}
        )
    }

    private scratch: Worker | undefined
    private scratchWorker(): Worker {
        return (this.scratch ??= newWorker('scratch'))
    }

    private onSettled(ev: Ev<'SessionSettled'>): void {
        const s = this.ensureSession(ev.session)
        const n = this.state.network
        const amount = payoutBitsToPlancks(ev.payoutBits)
        const treasury = this.takeTreasury(ev)
        // A settle normally comes for a bound session. A late one for a session already unbound (the
        // simulator's quirk; on chain its settle info only reaches the stake pool) still belongs to the
        // worker the session last ran on, and to no pool (the pool answers RewardDismissedNotInPool).
        const w = s.workerId ? this.ensureWorker(s.workerId) : undefined
        const poolId = s.bound ? (w?.poolId ?? null) : null
        this.mutateSession(s, s => {
            s.v = ev.vBits
            s.totalPayout += amount
            s.totalTreasury += treasury.amount
            s.settleCount++
            s.lastSettledAt = this.blockTime
        })
        if (w) {
            w.totalPayout += amount
            w.totalTreasury += treasury.amount
            w.settleCount++
            if (amount > 0n) w.rewardedSettleCount++
            w.v = ev.vBits
            w.lastSettledAt = this.blockTime
            this.state.workers.touch(w)
        }
        const pool = poolId ? this.state.pools.get(poolId) : undefined
        if (pool) {
            pool.totalPayout += amount
            pool.settleCount++
            if (amount > 0n) pool.rewardedSettleCount++
            this.state.pools.touch(pool)
        }
        n.emittedPayout += amount
        n.emittedTreasury += treasury.amount
        n.emittedTotal = n.emittedPayout + n.emittedTreasury
        n.emissionRemaining = EMISSION_CAP - n.emittedTotal
        n.settleCount++
        if (amount > 0n) n.rewardedSettleCount++
        this.touchNetwork()
        const row = this.payoutRow(ev, s, w?.id ?? s.workerId ?? null, poolId, ev.vBits, ev.payoutBits, amount, treasury, false)
        this.pairer.addSettle({payout: row, amount, workerId: w?.id ?? null, poolId})
    }

    private onSettlementDropped(ev: Ev<'SessionSettlementDropped'>): void {
        const s = this.ensureSession(ev.session)
        const amount = payoutBitsToPlancks(ev.payout)
        const n = this.state.network
        n.droppedPayout += amount
        n.droppedSettleCount++
        this.touchNetwork()
        // a late settlement: the chain keeps V and moves no money for it (not paired with pool rewards)
        this.payoutRow(
            ev,
            s,
            s.workerId ?? null,
            s.bound ? (this.state.workers.get(s.workerId!)?.poolId ?? null) : null,
            ev.v,
            ev.payout,
            amount,
            {amount: 0n, eventId: null},
            true
        )
    }

    private payoutRow(
        ev: MiningEvent,
        s: Session,
        workerId: string | null,
        poolId: string | null,
        vBits: bigint,
        payoutBits: bigint,
        amount: bigint,
        treasury: {amount: bigint; eventId: string | null},
        dropped: boolean
    ): Payout {
        const row = {
            id: ev.id,
            blockHeight: ev.blockHeight,
            timestamp: this.blockTime,
            eventIndex: ev.index,
            sessionId: s.id,
            workerId,
            poolId,
            vBits,
            payoutBits,
            amount,
            treasury: treasury.amount,
            treasuryEventId: treasury.eventId,
            dropped,
            toOwner: 0n,
            toStakers: 0n,
            dismissed: 0n,
            rewardEventId: null,
        } as Payout
        this.rows.payouts.push(row)
        return row
    }

    // ------------------------------------------------------------------ treasury pairing

    private onTransfer(ev: Ev<'Transfer'>): void {
        const n = this.state.network
        if (ev.to === SUBSIDY_POOL_ACCOUNT && ev.from !== SUBSIDY_POOL_ACCOUNT) {
            n.subsidyPoolIn += ev.amount
            this.touchNetwork()
        }
        if (ev.from !== SUBSIDY_POOL_ACCOUNT || ev.to === SUBSIDY_POOL_ACCOUNT) return
        n.subsidyPoolOut += ev.amount
        this.touchNetwork()
        this.resolveTreasuryCandidate()
        this.treasuryCandidate = {eventId: ev.id, to: ev.to, amount: ev.amount}
    }

    /** the transfer from the subsidy pool emitted just before this settle is its treasury share */
    private takeTreasury(ev: MiningEvent): {amount: bigint; eventId: string | null} {
        const c = this.treasuryCandidate
        this.treasuryCandidate = undefined
        if (c == null) return {amount: 0n, eventId: null}
        if (c.to !== TREASURY_ACCOUNT) {
            this.anomaly(ev.id, `treasury share of ${ev.id} was sent to ${c.to}, not to the treasury ${TREASURY_ACCOUNT} (event ${c.eventId})`)
        }
        return {amount: c.amount, eventId: c.eventId}
    }

    /** a subsidy-pool transfer not followed by a settle: a treasury transfer then is unpaired */
    private resolveTreasuryCandidate(): void {
        const c = this.treasuryCandidate
        this.treasuryCandidate = undefined
        if (c == null || c.to !== TREASURY_ACCOUNT) return
        const n = this.state.network
        n.selfCheckUnpaired++
        this.failure(
            SelfCheckKind.UnpairedTreasury,
            c.eventId,
            null,
            c.amount,
            `treasury transfer ${c.eventId} of ${c.amount} plancks from the subsidy pool is not followed by a settle`
        )
    }

    // ------------------------------------------------------------------ tokenomics

    private onHalved(ev: MiningEvent): void {
        const n = this.state.network
        n.halvingCount++
        this.touchNetwork()
        this.budgetChange(ev, BudgetChangeKind.SubsidyBudgetHalved, null, this.blockParams?.budgetPerBlock ?? null)
    }

    private onBudgetUpdated(ev: Ev<'BudgetUpdated'>): void {
        const n = this.state.network
        n.lastBudgetNonce = ev.nonce
        this.budgetChange(ev, BudgetChangeKind.BudgetUpdated, ev.nonce, ev.budget)
        this.setBudget(ev.budget)
    }

    private onParametersChanged(ev: MiningEvent): void {
        const params = this.blockParams
        if (params == null) {
            throw new Error(`TokenomicParametersChanged at block #${ev.blockHeight}: the caller did not read the parameters of this block`)
        }
        const prevBudget = this.state.network.budgetPerBlockBits
        this.applyTokenomics(params, ev.id)
        if (!this.budgetChangedInBlock && prevBudget !== params.budgetPerBlock) {
            this.budgetChange(ev, BudgetChangeKind.ParametersChanged, null, params.budgetPerBlock, prevBudget)
        }
    }

    /**
     * Tokenomic parameters in force from the current block (read from storage by the caller): after
     * TokenomicParametersChanged, or once at the first block when nothing is known yet (genesis config).
     */
    applyTokenomics(params: TokenomicParams, id: string): void {
        const b = this.mustBlock()
        const row = {
            id,
            blockHeight: b.height,
            timestamp: this.blockTime,
            ...params,
            budgetPerBlockPlancks: payoutBitsToPlancks(params.budgetPerBlock),
        } as TokenomicParameters
        this.rows.tokenomicParameters.push(row)
        const n = this.state.network
        n.tokenomicParametersId = id
        n.treasuryRatioBits = params.treasuryRatio
        n.treasuryRatio = fixedToNumber(params.treasuryRatio)
        if (n.budgetPerBlockBits == null) {
            this.budgetChange({id, blockHeight: b.height, index: 0} as MiningEvent, BudgetChangeKind.Initial, null, params.budgetPerBlock, null)
        }
        this.setBudget(params.budgetPerBlock)
    }

    private setBudget(bits: bigint): void {
        const n = this.state.network
        n.budgetPerBlockBits = bits
        n.budgetPerBlock = payoutBitsToPlancks(bits)
        this.touchNetwork()
    }

    private budgetChange(
        ev: Pick<MiningEvent, 'id' | 'blockHeight' | 'index'>,
        kind: BudgetChangeKind,
        nonce: bigint | null,
        budget: bigint | null,
        previous = this.state.network.budgetPerBlockBits
    ): void {
        this.budgetChangedInBlock = true
        this.rows.budgetChanges.push({
            id: ev.id,
            blockHeight: ev.blockHeight,
            timestamp: this.blockTime,
            eventIndex: ev.index,
            kind,
            nonce,
            budgetBits: budget,
            budgetPerBlock: budget == null ? null : payoutBitsToPlancks(budget),
            previousBudgetBits: previous ?? null,
        } as any)
    }

    // ------------------------------------------------------------------ pools

    private onPoolCreated(ev: Ev<'PoolCreated'>): void {
        const id = ev.pid.toString()
        const kind = toPoolKind(ev.poolKind)
        let p = this.state.pools.get(id)
        if (p) {
            this.anomaly(ev.id, `PoolCreated: pool ${id} already exists`)
        } else {
            p = this.state.pools.add(newPool(id, kind, ev.owner, this.blockTime, ev.blockHeight))
            this.state.network.poolCount++
            this.touchNetwork()
            const owner = this.ensureAccount(ev.owner)
            owner.ownedPoolCount++
            this.state.accounts.touch(owner)
        }
        p.kind = kind
        p.ownerId = ev.owner
        p.cid = ev.cid
        p.poolAccountId = ev.poolAccount
        if (kind === PoolKind.Vault) {
            this.ensureVault(id)
            if (ev.poolAccount) this.vaultByAccount.set(ev.poolAccount, id)
        } else {
            this.ensureStakePool(id)
        }
        this.refreshPool(p)
    }

    private onPoolWorkerAdded(ev: Ev<'PoolWorkerAdded'>): void {
        const p = this.ensurePool(ev.pid, ev.poolKind, ev)
        const w = this.ensureWorker(ev.worker)
        if (w.poolId && w.poolId !== p.id) {
            this.anomaly(ev.id, `PoolWorkerAdded: worker ${w.id} is still in pool ${w.poolId}`)
            const old = this.state.pools.get(w.poolId)
            if (old) {
                old.workerCount--
                this.state.pools.touch(old)
            }
        }
        if (w.poolId !== p.id) {
            p.workerCount++
            this.state.pools.touch(p)
        }
        w.poolId = p.id
        this.state.workers.touch(w)
        const sid = ev.session ?? w.sessionId
        if (sid) {
            const s = this.ensureSession(sid)
            this.mutateSession(s, s => {
                s.poolId = p.id
            })
        }
    }

    private onPoolWorkerRemoved(ev: Ev<'PoolWorkerRemoved'>): void {
        const p = this.ensurePool(ev.pid, ev.poolKind, ev)
        const w = this.ensureWorker(ev.worker)
        if (w.poolId !== p.id) {
            this.anomaly(ev.id, `PoolWorkerRemoved: worker ${w.id} is not in pool ${p.id} (${w.poolId ?? 'none'})`)
        } else {
            p.workerCount--
            this.state.pools.touch(p)
        }
        w.poolId = null
        this.state.workers.touch(w)
    }

    private onWorkingStarted(ev: Ev<'WorkingStarted'>): void {
        const p = this.ensurePool(ev.pid, ev.poolKind, ev)
        const w = this.ensureWorker(ev.worker)
        p.freeValue -= ev.amount
        if (p.freeValue < 0n) this.anomaly(ev.id, `WorkingStarted: pool ${p.id} stakes ${ev.amount} with only ${p.freeValue + ev.amount} free`)
        this.refreshPool(p)
        w.stake = ev.amount
        this.state.workers.touch(w)
        const s = w.sessionId ? this.state.sessions.get(w.sessionId) : undefined
        if (s) {
            this.mutateSession(s, s => {
                s.stake = ev.amount
                s.poolId = p.id
            })
        } else {
            this.anomaly(ev.id, `WorkingStarted: worker ${w.id} has no bound session`)
        }
        this.movement(ev, StakeMovementKind.WorkerStakeLocked, p.id, null, ev.amount, null, w.id)
    }

    private onContribution(ev: Ev<'Contribution'>): void {
        const p = this.ensurePool(ev.pid, ev.poolKind, ev)
        // v1 specs before 1170 have no shares: a v1 stake is its own share (1:1)
        const shares = ev.shares ?? ev.amount
        const d = this.ensureDelegation(p, ev.user)
        p.totalValue += ev.amount
        p.totalShares += shares
        p.freeValue += ev.amount
        p.totalContributed += ev.amount
        p.contributionCount++
        this.setDelegationShares(p, d, d.shares + shares)
        d.costBasis += ev.amount
        d.totalContributed += ev.amount
        const a = this.ensureAccount(ev.user)
        a.totalContributed += ev.amount
        this.state.accounts.touch(a)
        if (ev.asVault != null) {
            const vault = this.ensurePool(ev.asVault, 'Vault', ev)
            vault.freeValue -= ev.amount
            if (vault.poolAccountId == null) {
                vault.poolAccountId = ev.user
                this.vaultByAccount.set(ev.user, vault.id)
            }
            this.addVaultHolding(p.id, vault.id)
            this.refreshPool(vault)
        }
        this.refreshPool(p)
        this.refreshDelegation(p, d)
        this.movement(ev, StakeMovementKind.Contribution, p.id, ev.user, ev.amount, shares, null, ev.asVault?.toString() ?? null)
    }

    private onWithdrawalQueued(ev: Ev<'WithdrawalQueued'>): void {
        const p = this.ensurePool(ev.pid, ev.poolKind, ev)
        const d = this.ensureDelegation(p, ev.user)
        // a new request replaces the previous one: its shares go back to the holder first
        const total = d.shares + d.withdrawingShares
        if (ev.shares > total) {
            this.anomaly(ev.id, `WithdrawalQueued: ${ev.user} queues ${ev.shares} shares of pool ${p.id} but holds ${total}`)
        }
        if (d.withdrawingShares === 0n) p.queuedWithdrawals++
        p.withdrawingShares += ev.shares - d.withdrawingShares
        d.withdrawingShares = ev.shares
        this.setDelegationShares(p, d, total - ev.shares)
        d.withdrawalQueuedAt = this.blockTime
        this.refreshPool(p)
        this.refreshDelegation(p, d)
        this.movement(ev, StakeMovementKind.WithdrawalQueued, p.id, ev.user, null, ev.shares, null, ev.asVault?.toString() ?? null)
    }

    private onWithdrawal(ev: Ev<'Withdrawal'>): void {
        const p = this.ensurePool(ev.pid, ev.poolKind, ev)
        const d = this.ensureDelegation(p, ev.user)
        const shares = ev.shares ?? ev.amount
        const burnt = ev.burntShares ?? 0n
        let gone = shares + burnt
        // withdrawn shares come out of the queued request first, then (v1 immediate withdrawals) the holding
        const fromQueue = gone < d.withdrawingShares ? gone : d.withdrawingShares
        d.withdrawingShares -= fromQueue
        p.withdrawingShares -= fromQueue
        gone -= fromQueue
        if (gone > 0n) {
            if (gone > d.shares) {
                this.anomaly(ev.id, `Withdrawal: ${ev.user} withdraws ${shares + burnt} shares of pool ${p.id} but holds ${d.shares + fromQueue}`)
            }
            this.setDelegationShares(p, d, d.shares - gone)
        }
        if (fromQueue > 0n && d.withdrawingShares === 0n) {
            p.queuedWithdrawals--
            d.withdrawalQueuedAt = null
        }
        p.totalShares -= shares + burnt
        p.totalValue -= ev.amount
        p.freeValue -= ev.amount
        p.totalWithdrawn += ev.amount
        p.withdrawalCount++
        d.costBasis -= ev.amount
        d.totalWithdrawn += ev.amount
        const a = this.ensureAccount(ev.user)
        a.totalWithdrawn += ev.amount
        this.state.accounts.touch(a)
        const vaultId = this.vaultByAccount.get(ev.user)
        if (vaultId != null && vaultId !== p.id) {
            const vault = this.state.pools.get(vaultId)
            if (vault) {
                vault.freeValue += ev.amount
                this.refreshPool(vault)
            }
        }
        this.refreshPool(p)
        this.refreshDelegation(p, d)
        this.movement(ev, StakeMovementKind.Withdrawal, p.id, ev.user, ev.amount, shares, null, null, ev.burntShares)
    }

    private onOwnerRewardsWithdrawn(ev: Ev<'OwnerRewardsWithdrawn'>): void {
        const p = this.ensurePool(ev.pid, ev.poolKind, ev)
        p.ownerRewards -= ev.amount
        if (p.ownerRewards < 0n) {
            this.anomaly(ev.id, `OwnerRewardsWithdrawn: pool ${p.id} pays ${ev.amount} with ${p.ownerRewards + ev.amount} pending`)
        }
        p.ownerRewardsWithdrawn += ev.amount
        this.state.pools.touch(p)
        const a = this.ensureAccount(ev.user)
        a.ownerRewardsWithdrawn += ev.amount
        this.state.accounts.touch(a)
        this.movement(ev, StakeMovementKind.OwnerRewardsWithdrawn, p.id, ev.user, ev.amount)
    }

    private onStakerRewardsWithdrawn(ev: Ev<'StakerRewardsWithdrawn'>): void {
        const p = this.ensurePool(ev.pid, ev.poolKind, ev)
        const sp = this.ensureStakePool(p.id)
        sp.v1PendingStakerRewards -= ev.amount
        this.state.stakePools.touch(sp)
        p.stakerRewardsWithdrawn += ev.amount
        this.state.pools.touch(p)
        const d = this.ensureDelegation(p, ev.user)
        d.v1RewardsWithdrawn += ev.amount
        this.state.delegations.touch(d)
        const a = this.ensureAccount(ev.user)
        a.stakerRewardsWithdrawn += ev.amount
        this.state.accounts.touch(a)
        this.movement(ev, StakeMovementKind.StakerRewardsWithdrawn, p.id, ev.user, ev.amount)
    }

    private onRewardReceived(ev: Ev<'RewardReceived'>): void {
        const n = this.state.network
        n.rewardEventsSeen = true
        n.toOwner += ev.toOwner
        n.toStakers += ev.toStakers
        this.touchNetwork()
        const p = this.ensurePool(ev.pid, ev.poolKind, ev)
        const g = this.pairer.addReward({kind: 'RewardReceived', eventId: ev.id, pid: p.id, toOwner: ev.toOwner, toStakers: ev.toStakers})
        if (g == null) this.unpairedReward(ev, p.id, null, ev.toOwner + ev.toStakers)
        const o = g ? groupOutcome(g) : undefined
        const ownerDismissed = o?.ownerDismissed ?? 0n
        const stakersDismissed = o?.stakersDismissed ?? 0n
        p.totalOwnerRewards += ev.toOwner
        p.totalStakerRewards += ev.toStakers
        p.ownerRewards += ev.toOwner - ownerDismissed
        const distributed = ev.toStakers - stakersDismissed
        if (p.kind === PoolKind.StakePoolV1) {
            // v1 (MasterChef-style): stakers' rewards accrue beside the stake until withdrawn
            const sp = this.ensureStakePool(p.id)
            sp.v1PendingStakerRewards += distributed
            this.state.stakePools.touch(sp)
        } else if (distributed > 0n) {
            p.totalValue += distributed
            p.freeValue += distributed
            this.distributeToVaults(p, distributed)
        }
        this.refreshPool(p)
        const owner = this.ensureAccount(p.ownerId)
        owner.ownerRewards += ev.toOwner
        this.state.accounts.touch(owner)
        this.rows.poolRewards.push({
            id: ev.id,
            blockHeight: ev.blockHeight,
            timestamp: this.blockTime,
            eventIndex: ev.index,
            poolId: p.id,
            poolOwnerId: p.ownerId,
            toOwner: ev.toOwner,
            toStakers: ev.toStakers,
            ownerDismissed,
            stakersDismissed,
            payoutId: g?.settle.payout.id ?? null,
            workerId: g?.settle.workerId ?? null,
            sessionId: g?.settle.payout.sessionId ?? null,
        } as any)
    }

    /** a vault holding shares of stake pool `p` gains its cut of the distributed reward (no event reports it) */
    private distributeToVaults(p: BasePool, rewards: bigint): void {
        const holders = this.vaultHoldings.get(p.id)
        if (holders == null) return
        for (const vaultId of holders) {
            const vault = this.state.pools.get(vaultId)
            if (vault == null || vault.poolAccountId == null) continue
            const d = this.state.delegations.get(delegationId(p.id, vault.poolAccountId))
            if (d == null) continue
            const cut = vaultRewardCut(d.shares + d.withdrawingShares, p.totalShares, rewards)
            if (cut > 0n) {
                vault.totalValue += cut
                this.refreshPool(vault)
            }
        }
    }

    private onDismissed(ev: MiningEvent, kind: DismissedRewardKind, pid: bigint | null, worker: string | null, amount: bigint): void {
        const n = this.state.network
        n.rewardEventsSeen = true
        this.touchNetwork()
        const poolId = pid == null ? null : this.ensurePool(pid, (ev as any).poolKind ?? 'StakePool', ev).id
        const g = this.pairer.addReward({
            kind: 'Dismissal',
            eventId: ev.id,
            dismissal: kind as any,
            pid: poolId,
            worker,
            amount,
        })
        if (g == null) {
            this.unpairedReward(ev, poolId, worker, amount)
            n.dismissedRewards += amount
            if (kind === DismissedRewardKind.NotInPool) n.dismissedNotInPool += amount
            const p = poolId ? this.state.pools.get(poolId) : undefined
            if (p) {
                p.totalDismissed += amount
                if (kind === DismissedRewardKind.NoShare) p.dismissedNoShare += amount
                else if (kind === DismissedRewardKind.Dust) p.dismissedDust += amount
                this.state.pools.touch(p)
            }
        }
        this.rows.dismissedRewards.push({
            id: ev.id,
            blockHeight: ev.blockHeight,
            timestamp: this.blockTime,
            eventIndex: ev.index,
            kind,
            poolId: poolId ?? g?.settle.poolId ?? null,
            workerId: worker ?? g?.settle.workerId ?? null,
            amount,
            payoutId: g?.settle.payout.id ?? null,
        } as any)
    }

    private unpairedReward(ev: MiningEvent, poolId: string | null, worker: string | null, amount: bigint): void {
        this.state.network.selfCheckUnpaired++
        this.failure(
            SelfCheckKind.UnpairedReward,
            ev.id,
            null,
            amount,
            `${ev.name} ${ev.id} (pool ${poolId ?? 'none'}, worker ${worker ?? '?'}) of ${amount} plancks matches no settle of its block`
        )
    }

    private onOwnerSharesGained(ev: Ev<'OwnerSharesGained'>): void {
        const p = this.ensurePool(ev.pid, 'Vault', ev)
        const v = this.ensureVault(p.id)
        p.totalShares += ev.shares
        v.ownerShares += ev.shares
        v.totalOwnerSharesGained += ev.shares
        v.lastSharePriceCheckpoint = ev.checkoutPrice
        this.state.vaults.touch(v)
        this.refreshPool(p)
        this.movement(ev, StakeMovementKind.OwnerSharesGained, p.id, p.ownerId, null, ev.shares)
    }

    private onOwnerSharesClaimed(ev: Ev<'OwnerSharesClaimed'>): void {
        const p = this.ensurePool(ev.pid, 'Vault', ev)
        const v = this.ensureVault(p.id)
        v.ownerShares -= ev.shares
        v.totalOwnerSharesClaimed += ev.shares
        if (v.ownerShares < 0n) this.anomaly(ev.id, `OwnerSharesClaimed: vault ${p.id} claims ${ev.shares} with ${v.ownerShares + ev.shares} owner shares`)
        this.state.vaults.touch(v)
        const d = this.ensureDelegation(p, ev.user)
        this.setDelegationShares(p, d, d.shares + ev.shares)
        this.refreshDelegation(p, d)
        const a = this.ensureAccount(ev.user)
        a.vaultOwnerSharesClaimed += ev.shares
        this.state.accounts.touch(a)
        this.movement(ev, StakeMovementKind.OwnerSharesClaimed, p.id, ev.user, null, ev.shares)
    }

    /**
     * The v1→v2 pool migration happened in storage without events: overwrite the pools' totals with
     * PhalaBasePool.Pools as read at `meta` (the state after that block, so call it after its events).
     */
    applyPoolSnapshot(pools: NormalizedPool[]): void {
        const b = this.mustBlock()
        const n = this.state.network
        for (const sp of pools) {
            const id = sp.pid.toString()
            const kind = sp.kind === 'Vault' ? PoolKind.Vault : PoolKind.StakePool
            let p = this.state.pools.get(id)
            if (p == null) {
                p = this.state.pools.add(newPool(id, kind, sp.owner, this.blockTime, b.height))
                n.poolCount++
                const owner = this.ensureAccount(sp.owner)
                owner.ownedPoolCount++
                this.state.accounts.touch(owner)
            } else if (p.totalShares !== sp.totalShares || p.totalValue !== sp.totalValue) {
                this.log.info(
                    `pool ${id} at the v2 migration (block ${b.height}): shares ${p.totalShares} → ${sp.totalShares}, value ${p.totalValue} → ${sp.totalValue}`
                )
            }
            const wasV1 = p.kind === PoolKind.StakePoolV1
            p.kind = kind
            p.ownerId = sp.owner
            p.cid = sp.cid
            p.poolAccountId = sp.poolAccount
            if (sp.commission != null) p.commission = sp.commission
            p.totalShares = sp.totalShares
            if (wasV1) {
                // v1 stakers' pending rewards become stake of the v2 pool: they land in the pool account as
                // free stake (storage has no free-stake field; the value delta is the best measure of it)
                p.freeValue += sp.totalValue - p.totalValue
                const v1 = this.state.stakePools.get(id)
                if (v1 && v1.v1PendingStakerRewards !== 0n) {
                    v1.v1PendingStakerRewards = 0n
                    this.state.stakePools.touch(v1)
                }
            }
            p.totalValue = sp.totalValue
            p.migratedAtHeight = b.height
            if (kind === PoolKind.Vault) {
                const v = this.ensureVault(id)
                v.ownerShares = sp.ownerShares ?? 0n
                v.lastSharePriceCheckpoint = sp.lastSharePriceCheckpoint ?? 0n
                v.investPoolCount = sp.investPools.length
                this.state.vaults.touch(v)
                this.vaultByAccount.set(sp.poolAccount, id)
            } else {
                const s = this.ensureStakePool(id)
                s.capacity = sp.cap
                s.lockAccount = sp.lockAccount
                s.ownerRewardAccount = sp.ownerRewardAccount
                this.state.stakePools.touch(s)
                p.workerCount = sp.workers.length
            }
            this.refreshPool(p)
        }
        for (const d of this.state.delegations.values()) {
            if (d.poolKind === PoolKind.StakePoolV1) {
                d.poolKind = PoolKind.StakePool
                const p = this.state.pools.get(d.poolId)
                if (p) this.refreshDelegation(p, d)
                this.state.delegations.touch(d)
            }
        }
        n.poolMigrationHeight = b.height
        this.touchNetwork()
    }

    // ------------------------------------------------------------------ entity helpers

    private ensureWorker(id: string): Worker {
        let w = this.state.workers.get(id)
        if (w == null) {
            w = this.state.workers.add(newWorker(id))
            this.state.network.workerCount++
            this.touchNetwork()
        }
        return w
    }

    private ensureSession(id: string): Session {
        let s = this.state.sessions.get(id)
        if (s == null) s = this.state.sessions.add(newSession(id, this.blockTime, this.mustBlock().height))
        return s
    }

    private ensureAccount(id: string): Account {
        let a = this.state.accounts.get(id)
        if (a == null) a = this.state.accounts.add(newAccount(id))
        return a
    }

    /** the pool of an event; a pool never created (missed history) is created as a placeholder and reported */
    private ensurePool(pid: bigint, kind: string, ev: MiningEvent): BasePool {
        const id = pid.toString()
        let p = this.state.pools.get(id)
        if (p == null) {
            const k = kind === 'BasePool' ? PoolKind.StakePool : toPoolKind(kind)
            this.anomaly(ev.id, `${ev.name}: pool ${id} was never created`)
            p = this.state.pools.add(newPool(id, k, '0x', this.blockTime, ev.blockHeight))
            this.state.network.poolCount++
            this.touchNetwork()
            if (k === PoolKind.Vault) this.ensureVault(id)
            else this.ensureStakePool(id)
        }
        return p
    }

    private ensureStakePool(id: string): StakePool {
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

    private ensureVault(id: string): Vault {
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

    private ensureDelegation(p: BasePool, account: string): Delegation {
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

    /** change a holding's shares, keeping delegator / delegation counts */
    private setDelegationShares(p: BasePool, d: Delegation, shares: bigint): void {
        const before = d.shares > 0n
        d.shares = shares
        const after = d.shares > 0n
        if (before !== after) {
            const delta = after ? 1 : -1
            p.delegatorCount += delta
            this.state.network.delegationCount += delta
            const a = this.ensureAccount(d.accountId)
            a.delegationCount += delta
            this.state.accounts.touch(a)
            this.touchNetwork()
            this.state.pools.touch(p)
        }
        this.state.delegations.touch(d)
    }

    /** value of a holding at its pool's current price, and the account's delegated value */
    refreshDelegation(p: BasePool, d: Delegation): void {
        const value = shareValue(d.shares, p.totalValue, p.totalShares)
        const wValue = shareValue(d.withdrawingShares, p.totalValue, p.totalShares)
        if (value !== d.value || wValue !== d.withdrawingValue) {
            const a = this.ensureAccount(d.accountId)
            a.delegatedValue += value - d.value
            this.state.accounts.touch(a)
            d.value = value
            d.withdrawingValue = wValue
        }
        d.updatedAt = this.blockTime
        this.state.delegations.touch(d)
    }

    /** derived pool fields (share price, withdrawing value) */
    refreshPool(p: BasePool): void {
        p.sharePrice = decimal(sharePrice(p.totalValue, p.totalShares))
        p.withdrawingValue = shareValue(p.withdrawingShares, p.totalValue, p.totalShares)
        this.state.pools.touch(p)
    }

    /** the derived index only (rebuilt from delegations on load) */
    private indexVaultHolding(poolId: string, vaultId: string): boolean {
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
    private addVaultHolding(poolId: string, vaultId: string): void {
        if (!this.indexVaultHolding(poolId, vaultId)) return
        const v = this.state.vaults.get(vaultId)
        if (v) {
            v.investPoolCount++
            this.state.vaults.touch(v)
        }
    }

    private workerState(w: Worker): WorkerState | null {
        return w.state ?? null
    }

    /**
     * Change a session, keeping every aggregate in step: its share, the network's and its pool's idle
     * counts and shares, state counts, and its worker's state (with a WorkerStateChange row when it moves).
     */
    private mutateSession(s: Session, fn: (s: Session) => void, change?: {ev: MiningEvent; from?: WorkerState | null; force?: boolean}): void {
        const before = contribution(s)
        const sessionStateBefore = s.state
        const boundBefore = s.bound
        fn(s)
        const w = s.workerId ? this.state.workers.get(s.workerId) : undefined
        s.share = computeShare(s.v, s.pInstant, w?.confidenceLevel)
        s.shareMicro = shareToMicro(s.share)
        s.vFloat = fixedToNumber(s.v)
        const after = contribution(s)
        this.applyContribution(before, -1)
        this.applyContribution(after, +1)
        this.state.sessions.touch(s)
        if (change == null) return
        const {ev} = change
        // worker-level state: the bound session's state, null when unbound
        if (w && (boundBefore || s.bound)) {
            const from = change.from !== undefined ? change.from : (w.state ?? null)
            const to = s.bound ? s.state : null
            if (from !== to || change.force) this.setWorkerState(w, to)
            if (from !== to || change.force) this.stateChangeRow(ev, w.id, s, from, to)
        } else if (sessionStateBefore !== s.state) {
            // an unbound session moving (e.g. reclaimed after unbinding): session history only
            this.stateChangeRow(ev, null, s, sessionStateBefore, s.state)
        }
    }

    private setWorkerState(w: Worker, to: WorkerState | null): void {
        const now = this.blockTime
        if (w.state != null && w.stateSince != null) {
            const ms = BigInt(Math.max(0, now.getTime() - w.stateSince.getTime()))
            switch (w.state) {
                case WorkerState.Ready:
                    w.readyMs += ms
                    break
                case WorkerState.WorkerIdle:
                    w.idleMs += ms
                    break
                case WorkerState.WorkerUnresponsive:
                    w.unresponsiveMs += ms
                    break
                case WorkerState.WorkerCoolingDown:
                    w.coolingDownMs += ms
                    break
            }
        }
        w.state = to
        w.stateSince = now
        this.state.workers.touch(w)
    }

    private stateChangeRow(ev: MiningEvent, workerId: string | null, s: Session, from: WorkerState | null, to: WorkerState | null): void {
        this.rows.stateChanges.push({
            id: ev.id,
            blockHeight: ev.blockHeight,
            timestamp: this.blockTime,
            eventIndex: ev.index,
            workerId,
            sessionId: s.id,
            poolId: s.poolId ?? null,
            fromState: from,
            toState: to,
            event: ev.name,
        } as any)
    }

    private applyContribution(c: Contribution, sign: 1 | -1): void {
        if (!c.bound) return
        const n = this.state.network
        switch (c.state) {
            case WorkerState.Ready:
                n.readyCount += sign
                break
            case WorkerState.WorkerIdle:
                n.idleCount += sign
                break
            case WorkerState.WorkerUnresponsive:
                n.unresponsiveCount += sign
                break
            case WorkerState.WorkerCoolingDown:
                n.coolingDownCount += sign
                break
        }
        if (c.earning) {
            const delta = sign > 0 ? c.shareMicro : -c.shareMicro
            n.idleShareMicro += delta
            n.idleShare = microToShare(n.idleShareMicro)
            const p = c.poolId ? this.state.pools.get(c.poolId) : undefined
            if (p) {
                p.idleWorkerCount += sign
                p.idleShareMicro += delta
                p.idleShare = microToShare(p.idleShareMicro)
                this.state.pools.touch(p)
            }
        }
        this.touchNetwork()
    }

    private movement(
        ev: MiningEvent,
        kind: StakeMovementKind,
        poolId: string,
        accountId: string | null,
        amount: bigint | null,
        shares: bigint | null = null,
        workerId: string | null = null,
        asVault: string | null = null,
        burntShares: bigint | null = null
    ): void {
        this.rows.stakeMovements.push({
            id: ev.id,
            blockHeight: ev.blockHeight,
            timestamp: this.blockTime,
            eventIndex: ev.index,
            kind,
            poolId,
            accountId,
            amount,
            shares,
            burntShares,
            asVault,
            workerId,
        } as any)
    }

    // ------------------------------------------------------------------ self-check reporting

    private unexpected(ev: MiningEvent, msg: string): void {
        this.state.network.selfCheckAnomalies++
        this.failure(SelfCheckKind.UnexpectedTransition, ev.id, null, null, msg)
    }

    private anomaly(eventId: string, msg: string): void {
        this.state.network.selfCheckAnomalies++
        this.failure(SelfCheckKind.Inconsistency, eventId, null, null, msg)
    }

    private failure(kind: SelfCheckKind, eventId: string | null, expected: bigint | null, actual: bigint | null, message: string): void {
        const b = this.mustBlock()
        this.touchNetwork()
        this.log.warn(`self-check ${kind} at block ${b.height}${eventId ? ` event ${eventId}` : ''}: ${message}`)
        const seq = this.rows.selfCheckFailures.length
        this.rows.selfCheckFailures.push({
            id: `${eventId ?? b.height}-${kind}-${seq}`,
            blockHeight: b.height,
            timestamp: this.blockTime,
            eventId,
            kind,
            expected,
            actual,
            message,
        } as any)
    }

    private touchNetwork(): void {
        // the network row is written every batch; nothing to track
    }

    private mustBlock(): BlockMeta {
        if (this.block == null) throw new Error('no open block: call beginBlock first')
        return this.block
    }
}

interface Contribution {
    bound: boolean
    state: WorkerState
    earning: boolean
    poolId: string | null
    shareMicro: bigint
}

function contribution(s: Session): Contribution {
    return {
        bound: s.bound,
        state: s.state,
        earning: s.bound && isEarning(s.state),
        poolId: s.poolId ?? null,
        shareMicro: s.shareMicro,
    }
}

export function delegationId(poolId: string, account: string): string {
    return `${poolId}-${account}`
}

function toPoolKind(kind: string): PoolKind {
    switch (kind) {
        case 'StakePoolV1':
            return PoolKind.StakePoolV1
        case 'StakePool':
            return PoolKind.StakePool
        case 'Vault':
            return PoolKind.Vault
        default:
            throw new Error(`pool kind ${kind} cannot create a pool`)
    }
}

export function newWorker(id: string): Worker {
    return new Worker({
        id,
        confidenceLevel: null,
        attestationProvider: null,
        initialScore: null,
        registeredAt: null,
        registeredAtHeight: null,
        sessionId: null,
        poolId: null,
        state: null,
        stateSince: null,
        sessionCount: 0,
        totalPayout: 0n,
        totalTreasury: 0n,
        settleCount: 0,
        rewardedSettleCount: 0,
        startCount: 0,
        stopCount: 0,
        reclaimCount: 0,
        unresponsiveCount: 0,
        stake: 0n,
        v: 0n,
        lastSettledAt: null,
        readyMs: 0n,
        idleMs: 0n,
        unresponsiveMs: 0n,
        coolingDownMs: 0n,
    })
}

export function newSession(id: string, at: Date, height: number): Session {
    return new Session({
        id,
        workerId: null,
        poolId: null,
        bound: false,
        state: WorkerState.Ready,
        v: 0n,
        ve: 0n,
        vFloat: 0,
        pInit: 0,
        pInstant: 0,
        share: 0,
        shareMicro: 0n,
        stake: 0n,
        totalPayout: 0n,
        totalTreasury: 0n,
        settleCount: 0,
        startCount: 0,
        createdAt: at,
        createdAtHeight: height,
        boundAt: null,
        startedAt: null,
        stoppedAt: null,
        coolingDownStartAt: null,
        stateChangedAt: null,
        lastSettledAt: null,
    })
}

export function newAccount(id: string): Account {
    return new Account({
        id,
        ownedPoolCount: 0,
        delegationCount: 0,
        totalContributed: 0n,
        totalWithdrawn: 0n,
        ownerRewards: 0n,
        ownerRewardsWithdrawn: 0n,
        stakerRewardsWithdrawn: 0n,
        vaultOwnerSharesClaimed: 0n,
        delegatedValue: 0n,
    })
}

export function newPool(id: string, kind: PoolKind, owner: string, at: Date, height: number): BasePool {
    return new BasePool({
        id,
        pid: BigInt(id),
        kind,
        ownerId: owner,
        cid: null,
        poolAccountId: null,
        commission: 0,
        totalShares: 0n,
        totalValue: 0n,
        sharePrice: decimal('1'),
        freeValue: 0n,
        releasingValue: 0n,
        withdrawingShares: 0n,
        withdrawingValue: 0n,
        ownerRewards: 0n,
        totalOwnerRewards: 0n,
        totalStakerRewards: 0n,
        totalPayout: 0n,
        settleCount: 0,
        rewardedSettleCount: 0,
        totalDismissed: 0n,
        dismissedNoShare: 0n,
        dismissedDust: 0n,
        dustInReward: 0n,
        totalContributed: 0n,
        contributionCount: 0,
        totalWithdrawn: 0n,
        withdrawalCount: 0,
        ownerRewardsWithdrawn: 0n,
        stakerRewardsWithdrawn: 0n,
        queuedWithdrawals: 0,
        workerCount: 0,
        idleWorkerCount: 0,
        idleShareMicro: 0n,
        idleShare: 0,
        delegatorCount: 0,
        whitelistEnabled: false,
        apr: null,
        createdAt: at,
        createdAtHeight: height,
        migratedAtHeight: null,
    })
}
