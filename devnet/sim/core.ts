/**
 * The simulator's chain state and the few primitives every part of the engine uses: the configuration, the
 * state types (pools, delegations, withdrawal queues, workers), `Core` (the mutable state of a run: era,
 * block, events and storage writes of the block being built, workers, pools, Σshare, the gatekeeper's
 * schedules) with `emit` and the era-specific pallet names, and the block-keyed schedules (`push`/`take`).
 *
 * Why this cut: the engine used to be one class whose methods all shared this state. The state stays one
 * object (`Core`); the behaviour lives in modules of free functions over it, one per part of the runtime
 * (workers.ts, gatekeeper.ts, rewards.ts, pools.ts, delegations.ts, budget.ts, migration.ts, storage.ts) plus
 * the ground-truth recorder (recorder.ts), and engine.ts is the public facade the policies call. The modules
 * import each other without cycles: gatekeeper → workers → delegations → pools → recorder, rewards → pools,
 * budget and migration → storage.
 */
import {permillMul} from './fixed'
import type {DevEvent, DevExtrinsic, DevPhase, DevStorageWrite, DevValue, RuntimeEra} from '../model'
import {Rng} from './rng'
import {type TokenomicParams, type GrowthParams, growthParams} from './tokenomics'
import type {GroundTruth, PayoutRecord, WorkerStateName, PoolTruth, DayTruth} from './truth'
import {initTruth} from './recorder'

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
    /**
     * > 0: the network's target follows its size, `idle workers × this / blocks per hour` answers a block
     * (instead of `heartbeatsPerBlock`), so a growing network gets denser blocks; still under the per-worker cap
     */
    heartbeatsPerWorkerHour?: number
    /** false: the ground truth's days keep no per-worker entries (a long run's truth stays O(workers + days)) */
    dayWorkerTruth?: boolean
    /** v1 era: budget × 0.75 every this many blocks (counted from block 1); 0 = never */
    halvingPeriodBlocks: number
    /** record every settlement in truth.payouts */
    recordPayouts: boolean
    /** write the pools (PhalaBasePool.Pools in v2) and the mining state of storage-mining.ts when they change */
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

/** one SettleInfo of a gatekeeper message as on_reward sees it (pid −1: the worker is in no pool) */
export type RewardItem = {rec: PayoutRecord | null; w: Worker; amount: bigint; pid: number; day: DayTruth; stIdx: number}

export class Core {
    readonly cfg: EngineConfig
    readonly rng: Rng
    readonly truth: GroundTruth
    params: TokenomicParams
    g: GrowthParams
    era: RuntimeEra
    block = 0
    ts = 0
    events: DevEvent[] = []
    /** the block's extrinsics after Timestamp.set (./block) */
    extrinsics: DevExtrinsic[] = []
    /** the phase of the events emitted now (null: Finalization) */
    phase: DevPhase | null = null
    /** the signers' nonces and the message sequence per sender (./block) */
    nonces = new Map<string, number>()
    mqSequence = new Map<string, bigint>()
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
    /** the settlements with a payout of the gatekeeper message being built, for the pools' reaction */
    rewards: RewardItem[] = []
    /** the workers whose heartbeat is answered in this block */
    due: Worker[] = []
    /** mean heartbeat interval per worker (blocks), recomputed when the number of computing workers changes */
    hbRate = 0
    hbRateDirty = true

    /** `truth`: an object to fill in place (it is reset first); a new one by default */
    constructor(cfg: EngineConfig, truth?: GroundTruth) {
        this.cfg = cfg
        this.rng = new Rng(cfg.seed)
        this.params = {...cfg.params}
        this.g = growthParams(this.params)
        this.era = cfg.startEra
        this.subsidy = cfg.subsidyPoolGenesis
        this.coolDownSecs = cfg.coolDownSecs
        this.truth = initTruth(cfg, truth)
    }

    timestampOf(block: number): number {
        return this.cfg.startTimestamp + (block - 1) * this.cfg.blockTimeMs
    }

    emit(pallet: string, name: string, args: {[k: string]: DevValue}): number {
        this.events.push(this.phase ? {pallet, name, args, phase: this.phase} : {pallet, name, args})
        return this.events.length - 1
    }

    // ---- era-specific event helpers --------------------------------------------------------------------------

    get v1(): boolean {
        return this.era === 'v1'
    }

    computationPallet(): string {
        return this.era === 'v1' ? 'PhalaMining' : 'PhalaComputation'
    }

    comp(nameV1: string, nameV2: string, session: string, rest: {[k: string]: DevValue} = {}): number {
        return this.v1 ? this.emit('PhalaMining', nameV1, {miner: session, ...rest}) : this.emit('PhalaComputation', nameV2, {session, ...rest})
    }

    get spPallet(): string {
        return this.v1 ? 'PhalaStakePool' : 'PhalaStakePoolv2'
    }

    /** pallet of delegation events (Withdrawal, WithdrawalQueued, whitelist) */
    get bpPallet(): string {
        return this.v1 ? 'PhalaStakePool' : 'PhalaBasePool'
    }
}

/** add `x` to the list of block `b` of a block-keyed schedule */
export function push(m: Map<number, number[]>, b: number, x: number): void {
    const l = m.get(b)
    if (l) l.push(x)
    else m.set(b, [x])
}

/** remove and return the list of block `b` of a block-keyed schedule */
export function take(m: Map<number, number[]>, b: number): number[] {
    const l = m.get(b)
    if (!l) return []
    m.delete(b)
    return l
}
