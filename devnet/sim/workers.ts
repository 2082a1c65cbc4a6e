/**
 * Workers and their sessions: registration, binding to a stake pool, starting, stopping, reclaiming and
 * unbinding (each emits exactly the runtime's events for the current era), plus the worker's share of Σshare
 * and its heartbeat schedule.
 */
import {type Core, type Pool, type Worker, push} from './core'
import {fixedToFloat} from './fixed'
import {initVBits, minimalStake, share, confidenceScore, veBits} from './tokenomics'
import {sessionAccount} from './accounts'
import {processQueue} from './delegations'
import {touch} from './pools'

/** create a worker (not yet registered on chain) */
export function newWorker(e: Core, p: number, conf: number): Worker {
    const w: Worker = {
        i: e.workers.length,
        pubkey: e.rng.hex(32),
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
    e.workers.push(w)
    e.byPubkey.set(w.pubkey, w)
    e.truth.workers[w.pubkey] = {
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

export function register(e: Core, w: Worker, provider: 'Ias' | 'Root' | null = 'Ias'): boolean {
    if (w.registered) return false
    w.registered = true
    w.state = 'Registered'
    if (e.v1) {
        e.emit('PhalaRegistry', 'WorkerAdded', {pubkey: w.pubkey})
    } else {
        e.emit('PhalaRegistry', 'WorkerAdded', {pubkey: w.pubkey, attestation_provider: provider ? {__kind: provider} : null, confidence_level: w.conf})
        e.emit('PhalaRegistry', 'InitialScoreSet', {pubkey: w.pubkey, init_score: w.p})
        e.truth.workers[w.pubkey].confidenceLevel = w.conf
        e.truth.workers[w.pubkey].initScore = w.p
    }
    return true
}

/** re-registration (e.g. a pRuntime upgrade), possibly with a new confidence level */
export function updateWorker(e: Core, w: Worker, conf: number): boolean {
    if (!w.registered) return false
    w.conf = conf
    w.confScore = confidenceScore(conf)
    if (!e.v1) e.truth.workers[w.pubkey].confidenceLevel = conf
    if (e.v1) e.emit('PhalaRegistry', 'WorkerUpdated', {pubkey: w.pubkey})
    else e.emit('PhalaRegistry', 'WorkerUpdated', {pubkey: w.pubkey, attestation_provider: {__kind: 'Ias'}, confidence_level: conf})
    return true
}

export function bind(e: Core, w: Worker, pool: Pool): boolean {
    if (pool.kind !== 'stake' || !w.registered || w.pid !== -1) return false
    const session = sessionAccount(pool.pid, w.pubkey)
    w.pid = pool.pid
    w.session = session
    w.state = 'Ready'
    pool.workers.push(w.i)
    touch(e, pool)
    e.comp('MinerBound', 'SessionBound', session, {worker: w.pubkey})
    if (e.v1) e.emit('PhalaStakePool', 'PoolWorkerAdded', {pid: BigInt(pool.pid), worker: w.pubkey, miner: session})
    else e.emit('PhalaStakePoolv2', 'PoolWorkerAdded', {pid: BigInt(pool.pid), worker: w.pubkey, session})
    const wt = e.truth.workers[w.pubkey]
    if (!wt.sessions.includes(session)) wt.sessions.push(session)
    if (!e.truth.sessions[session]) {
        e.truth.sessions[session] = {
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

export function minStake(e: Core, w: Worker): bigint {
    return minimalStake(e.params, w.p)
}

/** computation.rs `start_computing`: a stake whose Ve exceeds v_max is rejected with TooMuchStake */
export function tooMuchStake(e: Core, w: Worker, stake: bigint): boolean {
    return veBits(e.params, stake, w.p, w.conf) > e.params.v_max
}

/** the largest stake (plancks) whose Ve stays within v_max (Ve grows with the stake) */
export function maxStake(e: Core, w: Worker): bigint {
    let lo = 0n
    let hi = 1n
    while (!tooMuchStake(e, w, hi)) hi *= 2n
    while (hi - lo > 1n) {
        const mid = (lo + hi) / 2n
        if (tooMuchStake(e, w, mid)) hi = mid
        else lo = mid
    }
    return lo
}

export function start(e: Core, w: Worker, stake: bigint): boolean {
    if (w.state !== 'Ready' || w.pid < 0) return false
    const pool = e.pools[w.pid]
    if (stake < minStake(e, w) || pool.free < stake) return false
    if (tooMuchStake(e, w, stake)) return false
    pool.free -= stake
    w.stake = stake
    const initV = initVBits(e.params, stake, w.p, w.conf)
    w.vBits = initV
    w.v = fixedToFloat(initV)
    w.pInstant = w.p
    w.lastUpdate = e.block
    w.state = 'WorkerIdle'
    addShare(e, w)
    scheduleHb(e, w)
    touch(e, pool)
    const session = w.session!
    e.comp('MinerStarted', 'WorkerStarted', session, {init_v: initV, init_p: w.p})
    e.emit(e.spPallet, e.v1 ? 'MiningStarted' : 'WorkingStarted', {pid: BigInt(pool.pid), worker: w.pubkey, amount: stake})
    const wt = e.truth.workers[w.pubkey]
    wt.startCount++
    wt.vBits = initV
    e.truth.sessions[session].startCount++
    return true
}

export function stop(e: Core, w: Worker): boolean {
    if (w.state !== 'WorkerIdle' && w.state !== 'WorkerUnresponsive') return false
    removeShare(e, w)
    w.state = 'WorkerCoolingDown'
    w.nextHb = -1
    w.unrespUntil = 0
    w.coolDownEnd = e.ts + e.coolDownSecs * 1000
    const pool = e.pools[w.pid]
    pool.cdWorkers.push(w.i)
    touch(e, pool)
    e.comp('MinerStopped', 'WorkerStopped', w.session!)
    // the gatekeeper answers with a final settlement (payout 0) a little later
    push(e.finalSettles, e.block + e.rng.int(1, 3), w.i)
    e.truth.workers[w.pubkey].stopCount++
    return true
}

export function canReclaim(e: Core, w: Worker): boolean {
    return w.state === 'WorkerCoolingDown' && e.ts >= w.coolDownEnd
}

export function reclaim(e: Core, w: Worker): boolean {
    if (!canReclaim(e, w)) return false
    const pool = e.pools[w.pid]
    const stake = w.stake
    w.state = 'Ready'
    w.stake = 0n
    pool.cdWorkers.splice(pool.cdWorkers.indexOf(w.i), 1)
    pool.free += stake
    touch(e, pool)
    e.comp('MinerReclaimed', 'WorkerReclaimed', w.session!, {original_stake: stake, slashed: 0n})
    processQueue(e, pool)
    e.emit(e.spPallet, 'WorkerReclaimed', {pid: BigInt(pool.pid), worker: w.pubkey})
    e.truth.workers[w.pubkey].reclaimCount++
    return true
}

/** unbind a Ready worker from its pool */
export function remove(e: Core, w: Worker): boolean {
    if (w.state !== 'Ready' || w.pid < 0) return false
    const pool = e.pools[w.pid]
    pool.workers.splice(pool.workers.indexOf(w.i), 1)
    touch(e, pool)
    const session = w.session!
    e.comp('MinerUnbound', 'SessionUnbound', session, {worker: w.pubkey})
    e.emit(e.spPallet, 'PoolWorkerRemoved', {pid: BigInt(pool.pid), worker: w.pubkey})
    e.truth.sessions[session].state = 'Unbound'
    w.lastSession = session
    w.lastPid = pool.pid
    w.session = null
    w.pid = -1
    w.state = 'Registered'
    return true
}

export function addShare(e: Core, w: Worker): void {
    w.share = share(w.v, w.pInstant, w.confScore)
    e.sumShare += w.share
    e.idleCount++
    e.hbRateDirty = true
}

export function removeShare(e: Core, w: Worker): void {
    if (w.state !== 'WorkerIdle') return
    e.sumShare -= w.share
    w.share = 0
    e.idleCount--
    e.hbRateDirty = true
    if (e.idleCount === 0) e.sumShare = 0
}

/** mean heartbeat interval (blocks) for one worker */
export function hbInterval(e: Core): number {
    if (e.hbRateDirty) {
        const n = Math.max(1, e.idleCount)
        const blocksPerHour = 3600000 / e.cfg.blockTimeMs
        const perWorker = e.cfg.heartbeatsPerWorkerHour ?? 0
        let target = perWorker > 0 ? (n * perWorker) / blocksPerHour : e.cfg.heartbeatsPerBlock
        if (e.cfg.heartbeatCapPerHour > 0) {
            target = Math.min(target, (n * e.cfg.heartbeatCapPerHour) / blocksPerHour)
        }
        e.hbRate = n / Math.max(target, 1e-9)
        e.hbRateDirty = false
    }
    return e.hbRate
}

export function scheduleHb(e: Core, w: Worker): void {
    const mean = hbInterval(e)
    const d = Math.max(1, Math.round(mean * (0.5 + e.rng.next())))
    w.nextHb = e.block + d
    push(e.hb, w.nextHb, w.i)
}
