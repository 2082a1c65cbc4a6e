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
 */
import {payoutBitsToPlancks, permillMul, fixedToFloat, ONE_FIXED, PERMILL} from './fixed'
import type {DevBlock, DevEvent, DevStorageWrite, DevValue, RuntimeEra} from '../model'
import {Rng} from './rng'
import {
    TokenomicParams,
    GrowthParams,
    growthParams,
    growV,
    initVBits,
    minimalStake,
    numberToFixed,
    settleBudget,
    share,
    confidenceScore,
    mulFixed,
    vaultRewardCut,
} from './tokenomics'
import {SUBSIDY_POOL, TREASURY, BASE_POOL_PALLET, sessionAccount, poolAccount, lockAccount, ownerRewardAccount} from './accounts'
import {GroundTruth, PayoutRecord, WorkerStateName, DismissKind, PoolTruth, AccountTruth, DayTruth, utcDay, emptyTruth, resetTruth} from './truth'

/** balances ≤ this many plancks are dust (Phala's `balance_close_to_zero`) */
export const DUST = 1000n
/** vault share prices (checkpoints) are carried ×10^12 */
export const PRICE_UNIT = 1_000_000_000_000n

/** A stake pool's split of a reward: to_owner = commission·reward (Permill, rounded), to_stakers = the rest. */
export function splitReward(commissionPpm: number | null, reward: bigint): {toOwner: bigint; toStakers: bigint} {
    const toOwner = permillMul(commissionPpm ?? 0, reward)
    return {toOwner, toStakers: reward - toOwner}
}

export interface EngineConfig {
    name: string
    seed: number
    /** timestamp of block 1 (ms); block n is at start + (n−1)·blockTimeMs */
    startTimestamp: number
    blockTimeMs: number
    /** number of blocks after genesis */
    blocks: number
    startEra: RuntimeEra
    /** first block executed by the v2 runtime (a storage-only migration block); null = no upgrade */
    upgradeAt: number | null
    params: TokenomicParams
    /** cool-down period in seconds (genesis CoolDownPeriod) */
    coolDownSecs: number
    subsidyPoolGenesis: bigint
    /** network-wide heartbeat answers per block (the gatekeeper's target) */
    heartbeatsPerBlock: number
    /** per-worker cap on heartbeats per hour (the chain's pow_target cap is 2); 0 = no cap */
    heartbeatCapPerHour: number
    /** v1 era: budget × 0.75 every this many blocks (counted from block 1); 0 = never */
    halvingPeriodBlocks: number
    /** record every settlement in truth.payouts */
    recordPayouts: boolean
    /** write PhalaBasePool.Pools entries (v2 era) whenever a pool changes */
    poolStorage: boolean
    /**
     * 1: a pool's entry is rewritten at the end of every block in which it changed. N > 1: changes that only
     * come from rewards (total_value) are written every N blocks (and at the last block); structural changes
     * (workers, withdrawal queue, shares, commission, cap) are still written in their block.
     */
    poolValueInterval: number
    /** write the subsidy pool's System.Account entry whenever its balance changes */
    accountStorage: boolean
}

export interface QueueEntry {
    user: string
    shares: bigint
    /** ms */
    startTime: number
    nftId: number
    asVault: number | null
}

export interface Delegation {
    shares: bigint
    nftId: number
    /** v1 MasterChef bookkeeping */
    rewardDebt: bigint
    pending: bigint
}

export interface Pool {
    pid: number
    kind: 'stake' | 'vault'
    /** created in the v1 era (PhalaStakePool v1) */
    v1: boolean
    owner: string
    cid: number
    account: string
    lockAccount: string
    ownerRewardAccount: string
    commission: number | null
    cap: bigint | null
    totalShares: bigint
    /** v2: total_value; v1: total_stake */
    totalValue: bigint
    /** free stake (v2: the pool account's balance usable for starting workers and withdrawals) */
    free: bigint
    workers: number[]
    cdWorkers: number[]
    queue: QueueEntry[]
    delegs: Map<string, Delegation>
    whitelist: Set<string> | null
    ownerReward: bigint
    /** v1: reward per share accumulator, U64F64 */
    rewardAcc: bigint
    /** vault pids holding shares of this stake pool */
    subscribers: number[]
    // vaults
    lastCheckpoint: bigint
    ownerShares: bigint
    investPools: number[]
    nextNft: number
    truth: PoolTruth
}

export interface Worker {
    i: number
    pubkey: string
    registered: boolean
    conf: number
    confScore: number
    /** initial score / benchmark P */
    p: number
    pInstant: number
    pid: number
    session: string | null
    state: WorkerStateName
    stake: bigint
    v: number
    vBits: bigint
    lastUpdate: number
    /** contribution to Σshare (0 when not counted) */
    share: number
    coolDownEnd: number
    nextHb: number
    unrespUntil: number
    /** the previous session, kept for late settlements after unbinding */
    lastSession: string | null
    lastPid: number
}

type RewardItem = {rec: PayoutRecord | null; w: Worker; amount: bigint; pid: number; day: DayTruth; stIdx: number}

export class Engine {
    readonly cfg: EngineConfig
    readonly rng: Rng
    readonly truth: GroundTruth
    params: TokenomicParams
    g: GrowthParams
    era: RuntimeEra
    block = 0
    ts = 0
    events: DevEvent[] = []
    storage: DevStorageWrite[] = []
    workers: Worker[] = []
    byPubkey = new Map<string, Worker>()
    pools: Pool[] = []
    /** vault pool accounts → vault pid */
    vaultByAccount = new Map<string, number>()
    /** pids by kind, for the policy */
    stakePids: number[] = []
    vaultPids: number[] = []
    nextCid = 0
    sumShare = 0
    idleCount = 0
    subsidy: bigint
    subsidyDirty = false
    dirtyPools = new Set<number>()
    valueDirty = new Set<number>()
    hb = new Map<number, number[]>()
    finalSettles = new Map<number, number[]>()
    enterAt = new Map<number, number[]>()
    exitAt = new Map<number, number[]>()
    quirks = new Map<number, {kind: 'dust' | 'late' | 'dropped' | 'failed'; w: number}[]>()
    budgetNonce = 0n
    coolDownSecs: number
    private rewards: RewardItem[] = []
    private hbRate = 0

    /** `truth`: an object to fill in place (it is reset first); a new one by default */
    constructor(cfg: EngineConfig, truth?: GroundTruth) {
        this.cfg = cfg
        this.rng = new Rng(cfg.seed)
        this.params = {...cfg.params}
        this.g = growthParams(this.params)
        this.era = cfg.startEra
        this.subsidy = cfg.subsidyPoolGenesis
        this.coolDownSecs = cfg.coolDownSecs
        if (truth) {
            resetTruth(truth)
            truth.scenario = cfg.name
            truth.seed = cfg.seed
            this.truth = truth
        } else this.truth = emptyTruth(cfg.name, cfg.seed)
        const t = this.truth
        t.chain.blockTimeMs = cfg.blockTimeMs
        t.chain.startEra = cfg.startEra
        t.chain.upgradeBlock = cfg.upgradeAt
        t.tokenomics.initial = {...cfg.params}
        t.tokenomics.coolDownPeriodSecs = cfg.coolDownSecs
        t.totals.subsidyPoolStart = cfg.subsidyPoolGenesis
        t.payouts = cfg.recordPayouts ? [] : null
    }

    // ---- genesis ------------------------------------------------------------------------------------------

    genesis(): DevStorageWrite[] {
        return [this.tokenomicWrite(), this.coolDownWrite(), ...(this.cfg.accountStorage ? [this.subsidyWrite()] : [])]
    }

    private computationPallet(): string {
        return this.era === 'v1' ? 'PhalaMining' : 'PhalaComputation'
    }

    tokenomicWrite(): DevStorageWrite {
        return {pallet: this.computationPallet(), item: 'TokenomicParameters', keys: [], value: {...this.params} as unknown as DevValue}
    }

    coolDownWrite(): DevStorageWrite {
        return {pallet: this.computationPallet(), item: 'CoolDownPeriod', keys: [], value: BigInt(this.coolDownSecs)}
    }

    subsidyWrite(): DevStorageWrite {
        const data: {[k: string]: DevValue} =
            this.era === 'v1'
                ? {free: this.subsidy, reserved: 0n, misc_frozen: 0n, fee_frozen: 0n}
                : {free: this.subsidy, reserved: 0n, frozen: 0n, flags: 1n << 127n}
        return {pallet: 'System', item: 'Account', keys: [SUBSIDY_POOL], value: {nonce: 0, consumers: 0, providers: 1, sufficients: 0, data}}
    }

    // ---- block loop -----------------------------------------------------------------------------------------

    timestampOf(block: number): number {
        return this.cfg.startTimestamp + (block - 1) * this.cfg.blockTimeMs
    }

    /** build the next block; `actions` runs in the extrinsics phase */
    step(actions: (e: Engine) => void): DevBlock {
        this.block++
        const b = this.block
        this.ts = this.timestampOf(b)
        this.events = []
        this.storage = []
        const prevEra = this.era
        if (this.cfg.upgradeAt !== null && b === this.cfg.upgradeAt) {
            this.era = 'v2'
            this.migrate()
        } else {
            this.heartbeats()
            this.gatekeeper()
            actions(this)
            this.finalize()
        }
        this.flushStorage()
        const t = this.truth
        if (b === 1) t.chain.firstTimestamp = this.ts
        t.chain.lastTimestamp = this.ts
        t.chain.blocks = b
        t.chain.events += this.events.length
        t.chain.storageWrites += this.storage.length
        for (const ev of this.events) {
            const k = ev.pallet + '.' + ev.name
            t.eventCounts[k] = (t.eventCounts[k] ?? 0) + 1
        }
        void prevEra
        return {timestamp: this.ts, era: this.era, events: this.events, storage: this.storage}
    }

    emit(pallet: string, name: string, args: {[k: string]: DevValue}): number {
        this.events.push({pallet, name, args})
        return this.events.length - 1
    }

    // ---- era-specific event helpers --------------------------------------------------------------------------

    private get v1(): boolean {
        return this.era === 'v1'
    }

    private comp(nameV1: string, nameV2: string, session: string, rest: {[k: string]: DevValue} = {}): number {
        return this.v1 ? this.emit('PhalaMining', nameV1, {miner: session, ...rest}) : this.emit('PhalaComputation', nameV2, {session, ...rest})
    }

    private get spPallet(): string {
        return this.v1 ? 'PhalaStakePool' : 'PhalaStakePoolv2'
    }

    /** pallet of delegation events (Withdrawal, WithdrawalQueued, whitelist) */
    private get bpPallet(): string {
        return this.v1 ? 'PhalaStakePool' : 'PhalaBasePool'
    }

    // ---- truth helpers ------------------------------------------------------------------------------------------

    account(a: string): AccountTruth {
        let t = this.truth.accounts[a]
        if (!t) {
            t = {
                account: a,
                commission: 0n,
                ownerRewardsWithdrawn: 0n,
                ownerSharesClaimed: 0n,
                contributed: 0n,
                withdrawn: 0n,
                stakerRewardsWithdrawn: 0n,
                shares: {},
            }
            this.truth.accounts[a] = t
        }
        return t
    }

    private day(): DayTruth {
        const d = utcDay(this.ts)
        let t = this.truth.days[d]
        if (!t) {
            t = {
                date: d,
                firstBlock: this.block,
                lastBlock: this.block,
                payout: 0n,
                treasury: 0n,
                settleCount: 0,
                rewardedSettleCount: 0,
                toOwner: 0n,
                toStakers: 0n,
                dismissed: 0n,
                workers: {},
                pools: {},
            }
            this.truth.days[d] = t
        }
        t.lastBlock = this.block
        return t
    }

    private dayPool(d: DayTruth, pid: number) {
        const k = String(pid)
        let t = d.pools[k]
        if (!t) d.pools[k] = t = {payout: 0n, toOwner: 0n, toStakers: 0n, dismissed: 0n, settleCount: 0}
        return t
    }

    // ---- workers ---------------------------------------------------------------------------------------------

    /** create a worker (not yet registered on chain) */
    newWorker(p: number, conf: number): Worker {
        const w: Worker = {
            i: this.workers.length,
            pubkey: this.rng.hex(32),
            registered: false,
            conf,
            confScore: confidenceScore(conf),
            p,
            pInstant: p,
            pid: -1,
            session: null,
            state: 'Unregistered',
            stake: 0n,
            v: 0,
            vBits: 0n,
            lastUpdate: 0,
            share: 0,
            coolDownEnd: 0,
            nextHb: -1,
            unrespUntil: 0,
            lastSession: null,
            lastPid: -1,
        }
        this.workers.push(w)
        this.byPubkey.set(w.pubkey, w)
        this.truth.workers[w.pubkey] = {
            pubkey: w.pubkey,
            confidenceLevel: null,
            initScore: null,
            payout: 0n,
            treasury: 0n,
            settleCount: 0,
            rewardedSettleCount: 0,
            sessions: [],
            state: 'Unregistered',
            pid: null,
            session: null,
            stake: 0n,
            vBits: 0n,
            startCount: 0,
            stopCount: 0,
            reclaimCount: 0,
            unresponsiveCount: 0,
        }
        return w
    }

    register(w: Worker, provider: 'Ias' | 'Root' | null = 'Ias'): boolean {
        if (w.registered) return false
        w.registered = true
        w.state = 'Registered'
        if (this.v1) {
            this.emit('PhalaRegistry', 'WorkerAdded', {pubkey: w.pubkey})
        } else {
            this.emit('PhalaRegistry', 'WorkerAdded', {pubkey: w.pubkey, attestation_provider: provider ? {__kind: provider} : null, confidence_level: w.conf})
            this.emit('PhalaRegistry', 'InitialScoreSet', {pubkey: w.pubkey, init_score: w.p})
            this.truth.workers[w.pubkey].confidenceLevel = w.conf
            this.truth.workers[w.pubkey].initScore = w.p
        }
        return true
    }

    /** re-registration (e.g. a pRuntime upgrade), possibly with a new confidence level */
    updateWorker(w: Worker, conf: number): boolean {
        if (!w.registered) return false
        w.conf = conf
        w.confScore = confidenceScore(conf)
        if (!this.v1) this.truth.workers[w.pubkey].confidenceLevel = conf
        if (this.v1) this.emit('PhalaRegistry', 'WorkerUpdated', {pubkey: w.pubkey})
        else this.emit('PhalaRegistry', 'WorkerUpdated', {pubkey: w.pubkey, attestation_provider: {__kind: 'Ias'}, confidence_level: conf})
        return true
    }

    bind(w: Worker, pool: Pool): boolean {
        if (pool.kind !== 'stake' || !w.registered || w.pid !== -1) return false
        const session = sessionAccount(pool.pid, w.pubkey)
        w.pid = pool.pid
        w.session = session
        w.state = 'Ready'
        pool.workers.push(w.i)
        this.touch(pool)
        this.comp('MinerBound', 'SessionBound', session, {worker: w.pubkey})
        if (this.v1) this.emit('PhalaStakePool', 'PoolWorkerAdded', {pid: BigInt(pool.pid), worker: w.pubkey, miner: session})
        else this.emit('PhalaStakePoolv2', 'PoolWorkerAdded', {pid: BigInt(pool.pid), worker: w.pubkey, session})
        const wt = this.truth.workers[w.pubkey]
        if (!wt.sessions.includes(session)) wt.sessions.push(session)
        if (!this.truth.sessions[session]) {
            this.truth.sessions[session] = {
                session,
                worker: w.pubkey,
                pid: String(pool.pid),
                payout: 0n,
                treasury: 0n,
                settleCount: 0,
                startCount: 0,
                state: 'Ready',
            }
        }
        return true
    }

    minStake(w: Worker): bigint {
        return minimalStake(this.params, w.p)
    }

    start(w: Worker, stake: bigint): boolean {
        if (w.state !== 'Ready' || w.pid < 0) return false
        const pool = this.pools[w.pid]
        if (stake < this.minStake(w) || pool.free < stake) return false
        pool.free -= stake
        w.stake = stake
        const initV = initVBits(this.params, stake, w.p, w.conf)
        w.vBits = initV
        w.v = fixedToFloat(initV)
        w.pInstant = w.p
        w.lastUpdate = this.block
        w.state = 'WorkerIdle'
        this.addShare(w)
        this.scheduleHb(w)
        this.touch(pool)
        const session = w.session!
        this.comp('MinerStarted', 'WorkerStarted', session, {init_v: initV, init_p: w.p})
        this.emit(this.spPallet, this.v1 ? 'MiningStarted' : 'WorkingStarted', {pid: BigInt(pool.pid), worker: w.pubkey, amount: stake})
        const wt = this.truth.workers[w.pubkey]
        wt.startCount++
        wt.vBits = initV
        this.truth.sessions[session].startCount++
        return true
    }

    stop(w: Worker): boolean {
        if (w.state !== 'WorkerIdle' && w.state !== 'WorkerUnresponsive') return false
        this.removeShare(w)
        w.state = 'WorkerCoolingDown'
        w.nextHb = -1
        w.unrespUntil = 0
        w.coolDownEnd = this.ts + this.coolDownSecs * 1000
        const pool = this.pools[w.pid]
        pool.cdWorkers.push(w.i)
        this.touch(pool)
        this.comp('MinerStopped', 'WorkerStopped', w.session!)
        // the gatekeeper answers with a final settlement (payout 0) a little later
        this.push(this.finalSettles, this.block + this.rng.int(1, 3), w.i)
        this.truth.workers[w.pubkey].stopCount++
        return true
    }

    canReclaim(w: Worker): boolean {
        return w.state === 'WorkerCoolingDown' && this.ts >= w.coolDownEnd
    }

    reclaim(w: Worker): boolean {
        if (!this.canReclaim(w)) return false
        const pool = this.pools[w.pid]
        const stake = w.stake
        w.state = 'Ready'
        w.stake = 0n
        pool.cdWorkers.splice(pool.cdWorkers.indexOf(w.i), 1)
        pool.free += stake
        this.touch(pool)
        this.comp('MinerReclaimed', 'WorkerReclaimed', w.session!, {original_stake: stake, slashed: 0n})
        this.processQueue(pool)
        this.emit(this.spPallet, 'WorkerReclaimed', {pid: BigInt(pool.pid), worker: w.pubkey})
        this.truth.workers[w.pubkey].reclaimCount++
        return true
    }

    /** unbind a Ready worker from its pool */
    remove(w: Worker): boolean {
        if (w.state !== 'Ready' || w.pid < 0) return false
        const pool = this.pools[w.pid]
        pool.workers.splice(pool.workers.indexOf(w.i), 1)
        this.touch(pool)
        const session = w.session!
        this.comp('MinerUnbound', 'SessionUnbound', session, {worker: w.pubkey})
        this.emit(this.spPallet, 'PoolWorkerRemoved', {pid: BigInt(pool.pid), worker: w.pubkey})
        this.truth.sessions[session].state = 'Unbound'
        w.lastSession = session
        w.lastPid = pool.pid
        w.session = null
        w.pid = -1
        w.state = 'Registered'
        return true
    }

    private addShare(w: Worker): void {
        w.share = share(w.v, w.pInstant, w.confScore)
        this.sumShare += w.share
        this.idleCount++
        this.hbRateDirty = true
    }

    private removeShare(w: Worker): void {
        if (w.state !== 'WorkerIdle') return
        this.sumShare -= w.share
        w.share = 0
        this.idleCount--
        this.hbRateDirty = true
        if (this.idleCount === 0) this.sumShare = 0
    }

    private hbRateDirty = true

    /** mean heartbeat interval (blocks) for one worker */
    private hbInterval(): number {
        if (this.hbRateDirty) {
            const n = Math.max(1, this.idleCount)
            let target = this.cfg.heartbeatsPerBlock
            if (this.cfg.heartbeatCapPerHour > 0) {
                const blocksPerHour = 3600000 / this.cfg.blockTimeMs
                target = Math.min(target, (n * this.cfg.heartbeatCapPerHour) / blocksPerHour)
            }
            this.hbRate = n / Math.max(target, 1e-9)
            this.hbRateDirty = false
        }
        return this.hbRate
    }

    private scheduleHb(w: Worker): void {
        const mean = this.hbInterval()
        const d = Math.max(1, Math.round(mean * (0.5 + this.rng.next())))
        w.nextHb = this.block + d
        this.push(this.hb, w.nextHb, w.i)
    }

    private push(m: Map<number, number[]>, b: number, x: number): void {
        const l = m.get(b)
        if (l) l.push(x)
        else m.set(b, [x])
    }

    private take(m: Map<number, number[]>, b: number): number[] {
        const l = m.get(b)
        if (!l) return []
        m.delete(b)
        return l
    }

    // ---- unresponsiveness (gatekeeper) ------------------------------------------------------------------------

    /** schedule: the next gatekeeper message reports the worker offline, back online after `blocks` */
    markUnresponsive(w: Worker, blocks: number): boolean {
        if (w.state !== 'WorkerIdle' || w.unrespUntil > 0) return false
        w.unrespUntil = this.block + 1 + Math.max(1, blocks)
        this.push(this.enterAt, this.block + 1, w.i)
        return true
    }

    /** schedule a quirk settlement in the next gatekeeper message */
    quirk(kind: 'dust' | 'late' | 'dropped' | 'failed', w: Worker, delay = 1): void {
        const b = this.block + delay
        const l = this.quirks.get(b)
        if (l) l.push({kind, w: w.i})
        else this.quirks.set(b, [{kind, w: w.i}])
    }

    // ---- phase 1: heartbeats -------------------------------------------------------------------------------------

    private due: Worker[] = []

    private heartbeats(): void {
        this.due = []
        for (const i of this.take(this.hb, this.block)) {
            const w = this.workers[i]
            if (w.nextHb !== this.block || w.state !== 'WorkerIdle' || w.unrespUntil > 0) continue
            this.due.push(w)
            const p = Math.max(1, Math.round(w.p * (0.96 + 0.1 * this.rng.next())))
            w.pInstant = p
            this.comp('BenchmarkUpdated', 'BenchmarkUpdated', w.session!, {p_instant: p})
        }
    }

    // ---- phase 2: the gatekeeper's message ------------------------------------------------------------------------

    private gatekeeper(): void {
        const b = this.block
        // periodic exact recomputation of Σshare (bounds float drift; deterministic)
        if (b % 1000 === 0) {
            let s = 0
            for (const w of this.workers) if (w.state === 'WorkerIdle') s += w.share
            this.sumShare = s
        }
        for (const i of this.take(this.enterAt, b)) {
            const w = this.workers[i]
            if (w.state !== 'WorkerIdle') {
                w.unrespUntil = 0
                continue
            }
            this.removeShare(w)
            w.state = 'WorkerUnresponsive'
            w.nextHb = -1
            this.push(this.exitAt, w.unrespUntil, w.i)
            this.comp('MinerEnterUnresponsive', 'WorkerEnterUnresponsive', w.session!)
            this.truth.workers[w.pubkey].unresponsiveCount++
        }
        for (const i of this.take(this.exitAt, b)) {
            const w = this.workers[i]
            if (w.state !== 'WorkerUnresponsive' || w.unrespUntil !== b) continue
            w.unrespUntil = 0
            w.state = 'WorkerIdle'
            w.lastUpdate = b // no accrual while offline
            this.addShare(w)
            this.scheduleHb(w)
            this.comp('MinerExitUnresponsive', 'WorkerExitUnresponsive', w.session!)
        }
        this.rewards = []
        // final settlements of stopped workers (payout 0)
        for (const i of this.take(this.finalSettles, b)) {
            const w = this.workers[i]
            if (!w.session) continue
            this.settle(w, w.session, w.vBits, 0n, 0n)
        }
        // heartbeat settlements
        const sum = this.sumShare
        for (const w of this.due) {
            if (w.state !== 'WorkerIdle') continue
            const n = b - w.lastUpdate
            const vNow = growV(this.g, w.v, n, w.p, w.pInstant)
            const frac = sum > 0 ? w.share / sum : 0
            const {treasury, payout} = settleBudget(this.params, frac, n)
            const payoutF = fixedToFloat(payout)
            const drop = Math.min(Math.max(vNow - w.v, 0), payoutF)
            const vNew = vNow - drop
            w.v = vNew
            w.vBits = numberToFixed(vNew)
            w.lastUpdate = b
            this.sumShare -= w.share
            w.share = share(w.v, w.pInstant, w.confScore)
            this.sumShare += w.share
            this.settle(w, w.session!, w.vBits, payout, treasury)
            this.scheduleHb(w)
        }
        // quirks
        for (const q of this.quirks.get(b) ?? []) this.runQuirk(q.kind, this.workers[q.w])
        this.quirks.delete(b)
        // the stake pools' reaction, in settlement order
        for (const r of this.rewards) this.poolReward(r)
        this.rewards = []
    }

    private runQuirk(kind: 'dust' | 'late' | 'dropped' | 'failed', w: Worker): void {
        const session = w.session ?? w.lastSession
        if (!session) return
        switch (kind) {
            case 'dust': {
                // a settlement whose payout is dust (≤ 1000 plancks); V unchanged
                const plancks = BigInt(this.rng.int(1, 1000))
                const payout = ((plancks << 64n) + 999_999_999_999n) / 1_000_000_000_000n
                const treasury = payout / 4n
                this.settle(w, session, w.vBits, payout, treasury)
                break
            }
            case 'late': {
                // a delayed settlement for a session that is no longer computing (e.g. after reclaim/unbind)
                const payout = numberToFixed(this.rng.range(0.5, 3))
                const treasury = payout / 4n
                this.settle(w, session, w.vBits, payout, treasury)
                break
            }
            case 'dropped':
                this.comp('MinerSettlementDropped', 'SessionSettlementDropped', session, {v: w.vBits, payout: numberToFixed(this.rng.range(0.1, 2))})
                this.truth.totals.droppedSettlements++
                break
            case 'failed':
                this.emit(this.v1 ? 'PhalaMining' : 'PhalaComputation', this.v1 ? 'InternalErrorMinerSettleFailed' : 'InternalErrorWorkerSettleFailed', {
                    worker: w.pubkey,
                })
                this.truth.totals.failedSettlements++
                break
        }
    }

    /** treasury transfer + SessionSettled; queues the pool reward; updates the truth */
    private settle(w: Worker, session: string, vBits: bigint, payoutBits: bigint, treasuryBits: bigint): void {
        const treasury = payoutBitsToPlancks(treasuryBits)
        const payout = payoutBitsToPlancks(payoutBits)
        if (treasury > 0n) {
            this.emit('Balances', 'Transfer', {from: SUBSIDY_POOL, to: TREASURY, amount: treasury})
            this.subsidy -= treasury
            this.subsidyDirty = true
        }
        const idx = this.comp('MinerSettled', 'SessionSettled', session, {v_bits: vBits, payout_bits: payoutBits})
        const pid = w.session === session ? w.pid : -1
        const t = this.truth
        t.totals.payout += payout
        t.totals.treasury += treasury
        t.totals.emitted += payout + treasury
        t.totals.settleCount++
        t.payoutCount++
        const wt = t.workers[w.pubkey]
        wt.payout += payout
        wt.treasury += treasury
        wt.settleCount++
        wt.vBits = vBits
        const st = t.sessions[session]
        st.payout += payout
        st.treasury += treasury
        st.settleCount++
        const d = this.day()
        d.payout += payout
        d.treasury += treasury
        d.settleCount++
        let dw = d.workers[w.pubkey]
        if (!dw) d.workers[w.pubkey] = dw = {payout: 0n, treasury: 0n, settleCount: 0}
        dw.payout += payout
        dw.treasury += treasury
        dw.settleCount++
        if (pid >= 0) {
            const pt = this.pools[pid].truth
            pt.payout += payout
            pt.settleCount++
            const dp = this.dayPool(d, pid)
            dp.payout += payout
            dp.settleCount++
        }
        let rec: PayoutRecord | null = null
        if (t.payouts) {
            rec = {
                block: this.block,
                eventIndex: idx,
                timestamp: this.ts,
                era: this.era,
                session,
                worker: w.pubkey,
                pid: pid >= 0 ? String(pid) : null,
                vBits,
                payoutBits,
                payout,
                treasury,
                toOwner: 0n,
                toStakers: 0n,
                dismissed: 0n,
                dismissKind: null,
                dustInReward: 0n,
            }
            t.payouts.push(rec)
        }
        if (payout > 0n) {
            t.totals.rewardedSettleCount++
            wt.rewardedSettleCount++
            d.rewardedSettleCount++
            if (pid >= 0) this.pools[pid].truth.rewardedSettleCount++
            this.rewards.push({rec, w, amount: payout, pid, day: d, stIdx: idx})
        }
    }

    /** the stake pool's handling of one settlement's payout (handle_pool_new_reward) */
    private poolReward(r: RewardItem): void {
        const t = this.truth
        const amount = r.amount
        const dismiss = (kind: DismissKind, pid: number | null, amt: bigint) => {
            t.totals.dismissed += amt
            r.day.dismissed += amt
            if (kind === 'NotInPool') t.totals.dismissedNotInPool += amt
            if (kind === 'NoShare') t.totals.dismissedNoShare += amt
            if (kind === 'Dust') t.totals.dismissedDust += amt
            if (pid !== null) {
                const pt = this.pools[pid].truth
                pt.dismissed += amt
                if (kind === 'NoShare') pt.dismissedNoShare += amt
                if (kind === 'Dust') pt.dismissedDust += amt
                this.dayPool(r.day, pid).dismissed += amt
            }
            if (r.rec) {
                r.rec.dismissed += amt
                r.rec.dismissKind = kind
            }
        }
        if (r.pid < 0) {
            // not in a pool: the reward stays in the subsidy pool
            this.emit(this.spPallet, 'RewardDismissedNotInPool', {worker: r.w.pubkey, amount})
            dismiss('NotInPool', null, amount)
            return
        }
        const pool = this.pools[r.pid]
        this.subsidy -= amount
        this.subsidyDirty = true
        const pid = BigInt(pool.pid)
        if (pool.totalShares <= DUST) {
            this.emit(this.spPallet, 'RewardDismissedNoShare', {pid, amount})
            dismiss('NoShare', pool.pid, amount)
            return
        }
        const {toOwner: commission, toStakers: toDistribute} = splitReward(pool.commission, amount)
        pool.ownerReward += commission
        let distributed = false
        if (toDistribute > DUST) {
            this.distribute(pool, toDistribute)
            distributed = true
        } else if (toDistribute > 0n) {
            this.emit(this.spPallet, 'RewardDismissedDust', {pid, amount: toDistribute})
            if (commission > 0n) {
                // also reported in RewardReceived below
                t.totals.dismissedDust += toDistribute
                t.totals.dustInReward += toDistribute
                pool.truth.dismissedDust += toDistribute
                pool.truth.dustInReward += toDistribute
                if (r.rec) {
                    r.rec.dustInReward = toDistribute
                    r.rec.dismissKind = 'Dust'
                }
            } else {
                dismiss('Dust', pool.pid, toDistribute)
            }
        }
        if (distributed || commission > 0n) {
            this.emit(this.spPallet, 'RewardReceived', {pid, to_owner: commission, to_stakers: toDistribute})
            t.totals.toOwner += commission
            t.totals.toStakers += toDistribute
            pool.truth.rewardsToOwner += commission
            pool.truth.rewardsToStakers += toDistribute
            this.account(pool.owner).commission += commission
            r.day.toOwner += commission
            r.day.toStakers += toDistribute
            const dp = this.dayPool(r.day, pool.pid)
            dp.toOwner += commission
            dp.toStakers += toDistribute
            if (r.rec) {
                r.rec.toOwner = commission
                r.rec.toStakers = toDistribute
            }
        }
        this.touchValue(pool)
    }

    /** add stakers' rewards to a pool (v2: share price; v1: reward accumulator) */
    private distribute(pool: Pool, amount: bigint): void {
        if (pool.v1) {
            pool.rewardAcc += (amount << 64n) / pool.totalShares
            return
        }
        pool.totalValue += amount
        pool.free += amount
        for (const vpid of pool.subscribers) {
            // the vault's shares: its NFT plus its queued withdrawals, priced with the chain's conversions
            const vault = this.pools[vpid]
            let shares = pool.delegs.get(vault.account)?.shares ?? 0n
            for (const q of pool.queue) if (q.user === vault.account) shares += q.shares
            const cut = vaultRewardCut(shares, pool.totalShares, amount)
            if (cut === 0n) continue
            vault.totalValue += cut
            this.touchValue(vault)
        }
    }

    // ---- phase 4: on_finalize -------------------------------------------------------------------------------------

    private finalize(): void {
        const hp = this.cfg.halvingPeriodBlocks
        if (this.v1 && hp > 0 && this.block % hp === 0) this.halve()
    }

    halve(): void {
        // budget × 0.75
        this.params.budget_per_block = mulFixed(this.params.budget_per_block, (ONE_FIXED * 3n) / 4n)
        this.g = growthParams(this.params)
        this.emit(this.computationPallet(), 'SubsidyBudgetHalved', {})
        this.tokenomicsChanged()
        this.truth.tokenomics.halvings++
    }

    /** v2: the budget balancer sets a new budget per block (U64F64 bits) */
    updateBudget(budgetBits: bigint): boolean {
        if (this.v1) return false
        this.budgetNonce++
        this.params.budget_per_block = budgetBits
        this.g = growthParams(this.params)
        this.emit('PhalaComputation', 'BudgetUpdated', {nonce: this.budgetNonce, budget: budgetBits})
        this.tokenomicsChanged()
        this.truth.tokenomics.budgetUpdates++
        return true
    }

    /** governance changes a parameter (applied at once, emitted with the storage write) */
    setParams(p: Partial<TokenomicParams>): void {
        Object.assign(this.params, p)
        this.g = growthParams(this.params)
        this.tokenomicsChanged()
    }

    private tokenomicsChanged(): void {
        this.emit(this.computationPallet(), 'TokenomicParametersChanged', {})
        this.storage.push(this.tokenomicWrite())
    }

    setCoolDown(secs: number): void {
        this.coolDownSecs = secs
        this.emit(this.computationPallet(), 'CoolDownExpirationChanged', {period: BigInt(secs)})
        this.storage.push(this.coolDownWrite())
        this.truth.tokenomics.coolDownPeriodSecs = secs
    }

    // ---- pools -------------------------------------------------------------------------------------------------

    /** a structural change (workers, queue, shares, settings): written at the end of this block */
    private touch(pool: Pool): void {
        if (!pool.v1) this.dirtyPools.add(pool.pid)
    }

    /** a reward-only change (total_value): written at the end of this block, or batched (poolValueInterval) */
    private touchValue(pool: Pool): void {
        if (pool.v1) return
        if (this.cfg.poolValueInterval > 1) this.valueDirty.add(pool.pid)
        else this.dirtyPools.add(pool.pid)
    }

    private newPool(kind: 'stake' | 'vault', owner: string): Pool {
        const pid = this.pools.length
        const v1 = this.v1
        const pool: Pool = {
            pid,
            kind,
            v1,
            owner,
            cid: v1 ? -1 : this.nextCid++,
            account: poolAccount(pid, owner),
            lockAccount: lockAccount(pid, owner),
            ownerRewardAccount: ownerRewardAccount(pid, owner),
            commission: null,
            cap: null,
            totalShares: 0n,
            totalValue: 0n,
            free: 0n,
            workers: [],
            cdWorkers: [],
            queue: [],
            delegs: new Map(),
            whitelist: null,
            ownerReward: 0n,
            rewardAcc: 0n,
            subscribers: [],
            lastCheckpoint: PRICE_UNIT,
            ownerShares: 0n,
            investPools: [],
            nextNft: 0,
            truth: {
                pid: String(pid),
                kind: kind === 'vault' ? 'Vault' : v1 ? 'StakePoolV1' : 'StakePool',
                migrated: false,
                owner,
                poolAccount: v1 ? null : poolAccount(pid, owner),
                cid: null,
                commission: null,
                cap: null,
                payout: 0n,
                settleCount: 0,
                rewardedSettleCount: 0,
                rewardsToOwner: 0n,
                rewardsToStakers: 0n,
                dismissed: 0n,
                dismissedNoShare: 0n,
                dismissedDust: 0n,
                dustInReward: 0n,
                contributions: 0n,
                contributionCount: 0,
                withdrawals: 0n,
                withdrawalCount: 0,
                ownerRewardsWithdrawn: 0n,
                stakerRewardsWithdrawn: 0n,
                ownerSharesGained: 0n,
                ownerSharesClaimed: 0n,
                totalShares: 0n,
                totalValue: 0n,
                freeStake: 0n,
                workerCount: 0,
                delegatorCount: 0,
                queuedWithdrawals: 0,
                ownerRewardPending: 0n,
                ownerShares: null,
                lastSharePriceCheckpoint: null,
            },
        }
        pool.truth.cid = v1 ? null : pool.cid
        this.pools.push(pool)
        this.truth.pools[String(pid)] = pool.truth
        this.account(owner)
        return pool
    }

    createStakePool(owner: string): Pool {
        const pool = this.newPool('stake', owner)
        this.stakePids.push(pool.pid)
        if (this.v1) this.emit('PhalaStakePool', 'PoolCreated', {owner, pid: BigInt(pool.pid)})
        else this.emit('PhalaStakePoolv2', 'PoolCreated', {owner, pid: BigInt(pool.pid), cid: pool.cid, pool_account_id: pool.account})
        this.touch(pool)
        return pool
    }

    createVault(owner: string): Pool | null {
        if (this.v1) return null
        const pool = this.newPool('vault', owner)
        this.vaultPids.push(pool.pid)
        this.vaultByAccount.set(pool.account, pool.pid)
        this.emit('PhalaVault', 'PoolCreated', {owner, pid: BigInt(pool.pid), cid: pool.cid, pool_account_id: pool.account})
        this.touch(pool)
        return pool
    }

    setCommission(pool: Pool, ppm: number): boolean {
        if (!Number.isInteger(ppm) || ppm < 0 || ppm > PERMILL) return false
        pool.commission = ppm
        pool.truth.commission = ppm
        if (pool.kind === 'vault') this.emit('PhalaVault', 'VaultCommissionSet', {pid: BigInt(pool.pid), commission: ppm})
        else this.emit(this.spPallet, 'PoolCommissionSet', {pid: BigInt(pool.pid), commission: ppm})
        this.touch(pool)
        return true
    }

    setCap(pool: Pool, cap: bigint): boolean {
        if (pool.kind !== 'stake' || cap < pool.totalValue) return false
        pool.cap = cap
        pool.truth.cap = cap
        this.emit(this.spPallet, 'PoolCapacitySet', {pid: BigInt(pool.pid), cap})
        this.touch(pool)
        return true
    }

    addToWhitelist(pool: Pool, staker: string): boolean {
        if (pool.kind !== 'stake' && this.v1) return false
        const pid = BigInt(pool.pid)
        if (!pool.whitelist) {
            pool.whitelist = new Set()
            this.emit(this.bpPallet, 'PoolWhitelistCreated', {pid})
        }
        if (pool.whitelist.has(staker)) return false
        pool.whitelist.add(staker)
        this.emit(this.bpPallet, 'PoolWhitelistStakerAdded', {pid, staker})
        return true
    }

    removeFromWhitelist(pool: Pool, staker: string): boolean {
        if (!pool.whitelist?.has(staker)) return false
        const pid = BigInt(pool.pid)
        pool.whitelist.delete(staker)
        this.emit(this.bpPallet, 'PoolWhitelistStakerRemoved', {pid, staker})
        if (pool.whitelist.size === 0) {
            pool.whitelist = null
            this.emit(this.bpPallet, 'PoolWhitelistDeleted', {pid})
        }
        return true
    }

    deleteWhitelist(pool: Pool): boolean {
        if (!pool.whitelist) return false
        pool.whitelist = null
        this.emit(this.bpPallet, 'PoolWhitelistDeleted', {pid: BigInt(pool.pid)})
        return true
    }

    canContribute(pool: Pool, user: string, amount: bigint): boolean {
        if (amount <= DUST) return false
        if (pool.whitelist && !pool.whitelist.has(user) && user !== pool.owner) return false
        if (pool.kind === 'stake' && pool.cap !== null && pool.totalValue + amount > pool.cap) return false
        return true
    }

    private deleg(pool: Pool, user: string): Delegation {
        let d = pool.delegs.get(user)
        if (!d) {
            d = {shares: 0n, nftId: -1, rewardDebt: 0n, pending: 0n}
            pool.delegs.set(user, d)
        }
        return d
    }

    /** v1: move accrued rewards of a delegation into `pending` before its shares change */
    private settleV1(pool: Pool, d: Delegation): void {
        if (!pool.v1) return
        const acc = (d.shares * pool.rewardAcc) >> 64n
        d.pending += acc - d.rewardDebt
        d.rewardDebt = acc
    }

    private resetDebtV1(pool: Pool, d: Delegation): void {
        if (pool.v1) d.rewardDebt = (d.shares * pool.rewardAcc) >> 64n
    }

    private mintNft(pool: Pool, owner: string, shares: bigint): number {
        const id = pool.nextNft++
        this.emit('PhalaBasePool', 'NftCreated', {pid: BigInt(pool.pid), cid: pool.cid, nft_id: id, owner, shares})
        return id
    }

    /** a user (or a vault, `asVault` = its pid) delegates `amount` to a stake pool or a vault */
    contribute(pool: Pool, user: string, amount: bigint, asVault: number | null = null): boolean {
        if (!this.canContribute(pool, user, amount)) return false
        if (asVault !== null) {
            const vault = this.pools[asVault]
            if (this.v1 || pool.kind !== 'stake' || vault.kind !== 'vault' || vault.free < amount) return false
            vault.free -= amount
            if (!vault.investPools.includes(pool.pid)) vault.investPools.push(pool.pid)
            if (!pool.subscribers.includes(asVault)) pool.subscribers.push(asVault)
            this.touch(vault)
        }
        const shares = pool.totalShares === 0n || pool.totalValue === 0n ? amount : (amount * pool.totalShares) / pool.totalValue
        if (shares === 0n) return false
        const d = this.deleg(pool, user)
        this.settleV1(pool, d)
        d.shares += shares
        this.resetDebtV1(pool, d)
        pool.totalShares += shares
        pool.totalValue += amount
        pool.free += amount
        const pid = BigInt(pool.pid)
        if (this.v1) {
            this.emit('PhalaStakePool', 'Contribution', {pid, user, amount, shares})
        } else {
            // the delegation NFT is re-minted with the merged shares
            d.nftId = this.mintNft(pool, user, d.shares)
            if (pool.kind === 'vault') this.emit('PhalaVault', 'Contribution', {pid, user, amount, shares})
            else this.emit('PhalaStakePoolv2', 'Contribution', {pid, user, amount, shares, as_vault: asVault === null ? null : BigInt(asVault)})
        }
        pool.truth.contributions += amount
        pool.truth.contributionCount++
        this.truth.totals.contributions += amount
        this.account(user).contributed += amount
        this.touch(pool)
        this.processQueue(pool)
        return true
    }

    hasQueued(pool: Pool, user: string): boolean {
        return pool.queue.some(q => q.user === user)
    }

    /** a delegator asks to withdraw `shares` (queued, paid as free stake appears) */
    withdraw(pool: Pool, user: string, shares: bigint, asVault: number | null = null): boolean {
        const d = pool.delegs.get(user)
        if (!d || shares <= 0n || d.shares < shares || this.hasQueued(pool, user)) return false
        if (asVault !== null && this.v1) return false
        const vaultOf = this.vaultByAccount.get(user)
        if (vaultOf !== undefined && asVault !== vaultOf) return false
        if (asVault !== null && vaultOf !== asVault) return false
        this.settleV1(pool, d)
        d.shares -= shares
        this.resetDebtV1(pool, d)
        const pid = BigInt(pool.pid)
        let nftId = -1
        if (this.v1) {
            this.emit('PhalaStakePool', 'WithdrawalQueued', {pid, user, shares})
        } else {
            nftId = this.mintNft(pool, BASE_POOL_PALLET, shares)
            this.emit('PhalaBasePool', 'WithdrawalQueued', {pid, user, shares, nft_id: nftId, as_vault: asVault === null ? null : BigInt(asVault)})
        }
        pool.queue.push({user, shares, startTime: this.ts, nftId, asVault})
        this.touch(pool)
        this.processQueue(pool)
        return true
    }

    /** pay queued withdrawals from free stake, oldest first (partially when short) */
    processQueue(pool: Pool): void {
        while (pool.queue.length > 0 && pool.totalShares > 0n) {
            const e = pool.queue[0]
            const value = (e.shares * pool.totalValue) / pool.totalShares
            if (value <= pool.free) {
                this.payWithdrawal(pool, e, e.shares, value)
                pool.queue.shift()
                continue
            }
            if (pool.free > DUST) {
                const part = (pool.free * pool.totalShares) / pool.totalValue
                const amount = (part * pool.totalValue) / pool.totalShares
                if (part > 0n && amount > 0n && part < e.shares) {
                    this.payWithdrawal(pool, e, part, amount)
                    e.shares -= part
                }
            }
            break
        }
    }

    private payWithdrawal(pool: Pool, e: QueueEntry, shares: bigint, amount: bigint): void {
        pool.free -= amount
        pool.totalValue -= amount
        pool.totalShares -= shares
        this.emit(this.bpPallet, 'Withdrawal', {pid: BigInt(pool.pid), user: e.user, amount, shares})
        pool.truth.withdrawals += amount
        pool.truth.withdrawalCount++
        this.truth.totals.withdrawals += amount
        this.account(e.user).withdrawn += amount
        // paid into the vault's pool account: the vault's free stake, whether or not as_vault was given
        const vpid = this.vaultByAccount.get(e.user)
        if (vpid !== undefined) {
            const vault = this.pools[vpid]
            vault.free += amount
            this.touch(vault)
        }
        this.touch(pool)
    }

    /** stake pool owner takes the accumulated commission */
    withdrawOwnerRewards(pool: Pool): boolean {
        if (pool.kind !== 'stake' || pool.ownerReward === 0n) return false
        const amount = pool.ownerReward
        pool.ownerReward = 0n
        this.emit(this.spPallet, 'OwnerRewardsWithdrawn', {pid: BigInt(pool.pid), user: pool.owner, amount})
        pool.truth.ownerRewardsWithdrawn += amount
        this.truth.totals.ownerRewardsWithdrawn += amount
        this.account(pool.owner).ownerRewardsWithdrawn += amount
        this.touch(pool)
        return true
    }

    /** v1: a delegator claims accrued staker rewards */
    claimStakerRewards(pool: Pool, user: string): boolean {
        if (!pool.v1 || !this.v1) return false
        const d = pool.delegs.get(user)
        if (!d) return false
        this.settleV1(pool, d)
        if (d.pending === 0n) return false
        const amount = d.pending
        d.pending = 0n
        this.emit('PhalaStakePool', 'StakerRewardsWithdrawn', {pid: BigInt(pool.pid), user, amount})
        pool.truth.stakerRewardsWithdrawn += amount
        this.account(user).stakerRewardsWithdrawn += amount
        return true
    }

    /** vault share price ×10^12 */
    price(pool: Pool): bigint {
        return pool.totalShares === 0n ? PRICE_UNIT : (pool.totalValue * PRICE_UNIT) / pool.totalShares
    }

    /** vault owner mints commission shares for the price rise since the last checkpoint */
    gainOwnerShares(vault: Pool): boolean {
        if (vault.kind !== 'vault' || vault.totalShares === 0n) return false
        const price = this.price(vault)
        if (price <= vault.lastCheckpoint) return false
        const commission = vault.commission ?? 0
        const profit = ((price - vault.lastCheckpoint) * vault.totalShares) / PRICE_UNIT
        const ownerValue = permillMul(commission, profit)
        if (ownerValue === 0n || ownerValue >= vault.totalValue) return false
        const shares = (ownerValue * vault.totalShares) / (vault.totalValue - ownerValue)
        if (shares === 0n) return false
        vault.totalShares += shares
        vault.ownerShares += shares
        vault.lastCheckpoint = this.price(vault)
        this.emit('PhalaVault', 'OwnerSharesGained', {pid: BigInt(vault.pid), shares, checkout_price: vault.lastCheckpoint})
        vault.truth.ownerSharesGained += shares
        this.touch(vault)
        return true
    }

    /** vault owner turns the owner shares into a delegation NFT */
    claimOwnerShares(vault: Pool): boolean {
        if (vault.kind !== 'vault' || vault.ownerShares === 0n) return false
        const shares = vault.ownerShares
        vault.ownerShares = 0n
        const d = this.deleg(vault, vault.owner)
        d.shares += shares
        d.nftId = this.mintNft(vault, vault.owner, d.shares)
        this.emit('PhalaVault', 'OwnerSharesClaimed', {pid: BigInt(vault.pid), user: vault.owner, shares})
        vault.truth.ownerSharesClaimed += shares
        this.account(vault.owner).ownerSharesClaimed += shares
        this.touch(vault)
        return true
    }

    // ---- the runtime upgrade ---------------------------------------------------------------------------------------

    /** v1 → v2: storage-only migration (no events) */
    private migrate(): void {
        for (const pool of this.pools) {
            if (!pool.v1) continue
            // pending staker rewards are folded into the pool's value; delegations become NFTs
            let pending = 0n
            for (const d of pool.delegs.values()) {
                this.settleV1(pool, d)
                pending += d.pending
                d.pending = 0n
                d.rewardDebt = 0n
            }
            pool.v1 = false
            pool.totalValue += pending
            pool.free += pending
            pool.rewardAcc = 0n
            pool.cid = this.nextCid++
            for (const d of pool.delegs.values()) if (d.shares > 0n) d.nftId = pool.nextNft++
            for (const q of pool.queue) q.nftId = pool.nextNft++
            pool.truth.kind = 'StakePool'
            pool.truth.migrated = true
            pool.truth.cid = pool.cid
            pool.truth.poolAccount = pool.account
            pool.truth.rewardsToStakers += 0n
            this.dirtyPools.add(pool.pid)
        }
        this.storage.push(this.tokenomicWrite(), this.coolDownWrite())
        this.subsidyDirty = this.cfg.accountStorage
        // nothing else happens in the migration block: what was due now happens in the next block
        const b = this.block
        for (const i of this.take(this.hb, b)) {
            const w = this.workers[i]
            if (w.nextHb !== b) continue
            w.nextHb = b + 1
            this.push(this.hb, b + 1, i)
        }
        for (const i of this.take(this.exitAt, b)) {
            const w = this.workers[i]
            if (w.unrespUntil !== b) continue
            w.unrespUntil = b + 1
            this.push(this.exitAt, b + 1, i)
        }
        for (const i of this.take(this.enterAt, b)) this.push(this.enterAt, b + 1, i)
        for (const i of this.take(this.finalSettles, b)) this.push(this.finalSettles, b + 1, i)
        const q = this.quirks.get(b)
        if (q) {
            this.quirks.delete(b)
            this.quirks.set(b + 1, [...q, ...(this.quirks.get(b + 1) ?? [])])
        }
    }

    // ---- storage -------------------------------------------------------------------------------------------------

    poolValue(pool: Pool): DevValue {
        const basepool = {
            pid: BigInt(pool.pid),
            owner: pool.owner,
            total_shares: pool.totalShares,
            total_value: pool.totalValue,
            withdraw_queue: pool.queue.map(q => ({user: q.user, start_time: BigInt(Math.floor(q.startTime / 1000)), nft_id: q.nftId})),
            value_subscribers: pool.subscribers.map(BigInt),
            cid: pool.cid,
            pool_account_id: pool.account,
        }
        if (pool.kind === 'vault') {
            return {
                __kind: 'Vault',
                value: {
                    basepool,
                    last_share_price_checkpoint: pool.lastCheckpoint,
                    commission: pool.commission,
                    owner_shares: pool.ownerShares,
                    invest_pools: pool.investPools.map(BigInt),
                },
            }
        }
        return {
            __kind: 'StakePool',
            value: {
                basepool,
                payout_commission: pool.commission,
                cap: pool.cap,
                workers: pool.workers.map(i => this.workers[i].pubkey),
                cd_workers: pool.cdWorkers.map(i => this.workers[i].pubkey),
                lock_account: pool.lockAccount,
                owner_reward_account: pool.ownerRewardAccount,
            },
        }
    }

    private flushStorage(): void {
        const iv = this.cfg.poolValueInterval
        if (iv > 1 && this.valueDirty.size > 0 && (this.block % iv === 0 || this.block === this.cfg.blocks)) {
            for (const pid of this.valueDirty) this.dirtyPools.add(pid)
            this.valueDirty.clear()
        }
        if (this.cfg.poolStorage && this.era === 'v2' && this.dirtyPools.size > 0) {
            const pids = [...this.dirtyPools].sort((a, b) => a - b)
            for (const pid of pids) this.valueDirty.delete(pid)
            for (const pid of pids) {
                this.storage.push({pallet: 'PhalaBasePool', item: 'Pools', keys: [BigInt(pid)], value: this.poolValue(this.pools[pid])})
            }
        }
        this.dirtyPools.clear()
        if (this.cfg.accountStorage && this.subsidyDirty) this.storage.push(this.subsidyWrite())
        this.subsidyDirty = false
    }

    // ---- end of run -------------------------------------------------------------------------------------------------

    /** fill the final-state parts of the truth */
    finish(): GroundTruth {
        const t = this.truth
        t.tokenomics.final = {...this.params}
        t.tokenomics.budgetPerBlock = this.params.budget_per_block
        t.totals.subsidyPoolEnd = this.subsidy
        for (const w of this.workers) {
            const wt = t.workers[w.pubkey]
            wt.state = w.state
            wt.pid = w.pid >= 0 ? String(w.pid) : null
            wt.session = w.session
            wt.stake = w.stake
            if (w.session) t.sessions[w.session].state = w.state
        }
        for (const a of Object.values(t.accounts)) a.shares = {}
        for (const pool of this.pools) {
            const pt = pool.truth
            pt.totalShares = pool.totalShares
            pt.totalValue = pool.totalValue
            pt.freeStake = pool.free
            pt.workerCount = pool.workers.length
            pt.queuedWithdrawals = pool.queue.length
            pt.ownerRewardPending = pool.ownerReward
            pt.ownerShares = pool.kind === 'vault' ? pool.ownerShares : null
            pt.lastSharePriceCheckpoint = pool.kind === 'vault' ? pool.lastCheckpoint : null
            let n = 0
            for (const [user, d] of pool.delegs) {
                if (d.shares === 0n) continue
                n++
                this.account(user).shares[String(pool.pid)] = d.shares
            }
            pt.delegatorCount = n
        }
        t.complete = true
        return t
    }
}
