/**
 * The economy simulator's engine: chain state (workers, sessions, pools, vaults, delegations, tokenomics),
 * the actions that change it (each emits exactly the events the Khala runtime emits for it, in order, for
 * the current era), the per-block gatekeeper (heartbeats, unresponsiveness, settlements, rewards), and the
 * ground truth kept alongside.
 *
 * A block is built in phases, in this order:
 *   1. worker messages: BenchmarkUpdated for every heartbeat answered in this block;
 *   2. one gatekeeper message: all Enter-, then all ExitUnresponsive, then per settled session a treasury
 *      Balances.Transfer (subsidy pool → treasury, when > 0) followed by SessionSettled, then for every
 *      settle with payout > 0 the stake pool's RewardReceived / dismissal;
 *   3. extrinsics: whatever the scenario's policy does (pools, delegations, binding, starting, stopping, …);
 *   4. on_finalize: v1 budget halving; then dirty storage (pools, subsidy-pool account) is written.
 *
 * This file is the facade: `Engine` is the state (./core) plus the block loop and the actions the scenario
 * policies call, each forwarding to the module of its part of the runtime (see ./core for the cut).
 */
import type {DevBlock, DevStorageWrite, DevValue} from '../model'
import type {TokenomicParams} from './tokenomics'
import type {AccountTruth, GroundTruth} from './truth'
import {Core, type Pool, type Worker} from './core'
import * as budget from './budget'
import * as delegations from './delegations'
import * as gatekeeper from './gatekeeper'
import * as migration from './migration'
import * as pools from './pools'
import * as recorder from './recorder'
import * as storage from './storage'
import * as workers from './workers'
import * as block from './block'
import * as calls from './calls'

export {DUST, PRICE_UNIT, splitReward} from './core'
export type {EngineConfig, QueueEntry, Delegation, Pool, Worker} from './core'

export class Engine extends Core {
    /** build the next block; `actions` runs in the extrinsics phase */
    step(actions: (e: Engine) => void): DevBlock {
        this.block++
        const b = this.block
        this.ts = this.timestampOf(b)
        this.events = []
        this.extrinsics = []
        this.phase = null
        this.storage = []
        if (this.cfg.upgradeAt !== null && b === this.cfg.upgradeAt) {
            this.era = 'v2'
            migration.migrate(this)
        } else {
            gatekeeper.heartbeats(this)
            gatekeeper.gatekeeper(this)
            actions(this)
            budget.finalize(this)
        }
        storage.flushStorage(this)
        recorder.recordBlock(this)
        const block: DevBlock = {timestamp: this.ts, era: this.era, events: this.events, storage: this.storage}
        if (this.extrinsics.length) block.extrinsics = this.extrinsics
        return block
    }

    genesis(): DevStorageWrite[] {
        return storage.genesis(this)
    }

    tokenomicWrite(): DevStorageWrite {
        return storage.tokenomicWrite(this)
    }

    coolDownWrite(): DevStorageWrite {
        return storage.coolDownWrite(this)
    }

    subsidyWrite(): DevStorageWrite {
        return storage.subsidyWrite(this)
    }

    account(a: string): AccountTruth {
        return recorder.account(this, a)
    }

    /** create a worker (not yet registered on chain) */
    newWorker(p: number, conf: number): Worker {
        return workers.newWorker(this, p, conf)
    }

    register(w: Worker, provider: 'Ias' | 'Root' | null = 'Ias'): boolean {
        return this.tx(calls.registerCall(this, w), () => workers.register(this, w, provider))
    }

    /** re-registration (e.g. a pRuntime upgrade), possibly with a new confidence level */
    updateWorker(w: Worker, conf: number): boolean {
        return this.tx(calls.registerCall(this, w), () => workers.updateWorker(this, w, conf))
    }

    bind(w: Worker, pool: Pool): boolean {
        return this.tx(calls.workerCall(this, pool, w, 'add_worker'), () => workers.bind(this, w, pool))
    }

    minStake(w: Worker): bigint {
        return workers.minStake(this, w)
    }

    /**
     * An owner starts a worker. A stake over the cap would fail with TooMuchStake (no events of the pallets), so the
     * owner retries with the largest stake the cap allows.
     */
    start(w: Worker, stake: bigint): boolean {
        if (w.state === 'Ready' && w.pid >= 0 && workers.tooMuchStake(this, w, stake)) {
            this.startOnce(w, stake)
            stake = workers.maxStake(this, w)
        }
        return this.startOnce(w, stake)
    }

    /**
     * The start as submitted, without the retry: false when not possible. A stake whose Ve exceeds v_max is
     * submitted and fails (computation.rs start_computing: TooMuchStake): fee events and ExtrinsicFailed only.
     */
    startOnce(w: Worker, stake: bigint): boolean {
        if (w.pid < 0) return false
        const c = calls.startCall(this, this.pools[w.pid], w, stake)
        if (w.state === 'Ready' && workers.tooMuchStake(this, w, stake)) {
            const m = block.beginTx(this, c.signer, c.pallet, c.call, c.args)
            block.endTx(this, m, calls.tooMuchStakeError(this))
            return false
        }
        return this.tx(c, () => workers.start(this, w, stake))
    }

    stop(w: Worker): boolean {
        if (w.pid < 0) return false
        return this.tx(calls.workerCall(this, this.pools[w.pid], w, 'stop'), () => workers.stop(this, w))
    }

    canReclaim(w: Worker): boolean {
        return workers.canReclaim(this, w)
    }

    reclaim(w: Worker): boolean {
        if (w.pid < 0) return false
        return this.tx(calls.workerCall(this, this.pools[w.pid], w, 'reclaim_pool_worker'), () => workers.reclaim(this, w))
    }

    /** unbind a Ready worker from its pool */
    remove(w: Worker): boolean {
        if (w.pid < 0) return false
        return this.tx(calls.workerCall(this, this.pools[w.pid], w, 'remove_worker'), () => workers.remove(this, w))
    }

    /** schedule: the next gatekeeper message reports the worker offline, back online after `blocks` */
    markUnresponsive(w: Worker, blocks: number): boolean {
        return gatekeeper.markUnresponsive(this, w, blocks)
    }

    /** schedule a quirk settlement in the next gatekeeper message */
    quirk(kind: 'dust' | 'late' | 'dropped' | 'failed', w: Worker, delay = 1): void {
        return gatekeeper.quirk(this, kind, w, delay)
    }

    halve(): void {
        return budget.halve(this)
    }

    /** v2: the budget balancer sets a new budget per block (U64F64 bits) */
    updateBudget(budgetBits: bigint): boolean {
        if (this.v1) return false
        return this.tx(calls.budgetCall(this, this.budgetNonce + 1n, budgetBits), () => budget.updateBudget(this, budgetBits))
    }

    /** governance changes a parameter (applied at once, emitted with the storage write) */
    setParams(p: Partial<TokenomicParams>): void {
        return this.tx(calls.tokenomicCall(this, {...this.params, ...p}), () => budget.setParams(this, p))
    }

    setCoolDown(secs: number): void {
        return this.tx(calls.coolDownCall(this, secs), () => budget.setCoolDown(this, secs))
    }

    createStakePool(owner: string): Pool {
        return this.tx(calls.createCall(this, owner, false), () => pools.createStakePool(this, owner))
    }

    createVault(owner: string): Pool | null {
        if (this.v1) return null
        return this.tx(calls.createCall(this, owner, true), () => pools.createVault(this, owner))
    }

    setCommission(pool: Pool, ppm: number): boolean {
        return this.tx(calls.commissionCall(this, pool, ppm), () => pools.setCommission(this, pool, ppm))
    }

    setCap(pool: Pool, cap: bigint): boolean {
        return this.tx(calls.capCall(this, pool, cap), () => pools.setCap(this, pool, cap))
    }

    addToWhitelist(pool: Pool, staker: string): boolean {
        return this.tx(calls.whitelistCall(this, pool, staker, true), () => pools.addToWhitelist(this, pool, staker))
    }

    removeFromWhitelist(pool: Pool, staker: string): boolean {
        return this.tx(calls.whitelistCall(this, pool, staker, false), () => pools.removeFromWhitelist(this, pool, staker))
    }

    /** the owner removes the whitelist (on the chain: removing its last staker) */
    deleteWhitelist(pool: Pool): boolean {
        const last = pool.whitelist ? [...pool.whitelist].pop() : undefined
        if (last === undefined) return pools.deleteWhitelist(this, pool)
        return this.tx(calls.whitelistCall(this, pool, last, false), () => pools.deleteWhitelist(this, pool))
    }

    /** vault share price ×10^12 */
    price(pool: Pool): bigint {
        return pools.sharePrice(pool)
    }

    /** vault owner mints commission shares for the price rise since the last checkpoint */
    gainOwnerShares(vault: Pool): boolean {
        return this.tx(calls.gainOwnerSharesCall(vault), () => pools.gainOwnerShares(this, vault))
    }

    canContribute(pool: Pool, user: string, amount: bigint): boolean {
        return delegations.canContribute(this, pool, user, amount)
    }

    /** a user (or a vault, `asVault` = its pid) delegates `amount` to a stake pool or a vault */
    contribute(pool: Pool, user: string, amount: bigint, asVault: number | null = null): boolean {
        return this.tx(calls.delegationCall(this, pool, user, amount, asVault, false), () => delegations.contribute(this, pool, user, amount, asVault))
    }

    hasQueued(pool: Pool, user: string): boolean {
        return delegations.hasQueued(this, pool, user)
    }

    /** a delegator asks to withdraw `shares` (queued, paid as free stake appears) */
    withdraw(pool: Pool, user: string, shares: bigint, asVault: number | null = null): boolean {
        return this.tx(calls.delegationCall(this, pool, user, shares, asVault, true), () => delegations.withdraw(this, pool, user, shares, asVault))
    }

    /** pay queued withdrawals from free stake, oldest first (partially when short) */
    processQueue(pool: Pool): void {
        if (this.v1) return delegations.processQueue(this, pool)
        return this.tx(calls.forceWithdrawCall(this, pool), () => delegations.processQueue(this, pool))
    }

    /** stake pool owner takes the accumulated commission */
    withdrawOwnerRewards(pool: Pool): boolean {
        return this.tx(calls.claimOwnerRewardsCall(this, pool), () => delegations.withdrawOwnerRewards(this, pool))
    }

    /** v1: a delegator claims accrued staker rewards */
    claimStakerRewards(pool: Pool, user: string): boolean {
        if (!this.v1) return false
        return this.tx(calls.claimStakerRewardsCall(pool, user), () => delegations.claimStakerRewards(this, pool, user))
    }

    /** vault owner turns the owner shares into a delegation NFT */
    claimOwnerShares(vault: Pool): boolean {
        return this.tx(calls.claimOwnerSharesCall(vault, vault.ownerShares), () => delegations.claimOwnerShares(this, vault))
    }

    poolValue(pool: Pool): DevValue {
        return storage.poolValue(this, pool)
    }

    /**
     * Runs an action inside its extrinsic (./calls, ./block). An action that returns false (or, returning nothing,
     * changes nothing) was not possible: the actor does not submit it, and nothing of it stays.
     */
    private tx<T>(c: calls.Call, run: () => T): T {
        const m = block.beginTx(this, c.signer, c.pallet, c.call, c.args)
        const r = run()
        if (r === false || r === null || (r === undefined && this.events.length === m.events && this.storage.length === m.storage)) block.dropTx(this, m)
        else block.endTx(this, m)
        return r
    }

    /** fill the final-state parts of the truth */
    finish(): GroundTruth {
        return recorder.finish(this)
    }
}
