/**
 * The mining state in storage, as the pallets keep it, so that a client (the audit command, @polkadot/api)
 * can read it at any height:
 *   - sessions: v1 `PhalaMining.Miners` / v2 `PhalaComputation.Sessions` (MinerInfo / SessionInfo: state, ve,
 *     v, v_updated_at, benchmark, cool_down_start, stats) and `Stakes` (removed at reclaim);
 *     mining.rs / computation.rs `start_computing`, `stop_computing`, `reclaim`, the heartbeat settle;
 *   - v1 pools and stakers: `PhalaStakePool.StakePools` (PoolInfo) and `PoolStakers` (UserStakeInfo), stakepool.rs;
 *   - v2 stake NFTs: `RmrkCore.Nfts` (owner) and `RmrkCore.Properties` (key "stake-info", value the SCALE of
 *     `NftAttr {shares}`), base_pool.rs `mint_nft`, `set_nft_attr`, `burn_nft`; the withdrawal NFTs are owned by
 *     the base-pool pallet account;
 *   - v2 free stake: the pool account's W-PHA balance, `Assets.Account` of asset 10000 (Khala's `WPhaAssetId`);
 *   - the treasury's `System.Account`, followed from the block's Balances events that credit or debit it.
 *
 * Written at the end of the block in which they changed, and only then. What changed is found from the block's
 * events (on the chain every change to these items comes with an event naming the session, worker, pool or
 * staker) and, for v2 pools, from the pools the engine marked (`dirtyPools`, which also batches reward-only
 * changes when `poolValueInterval` > 1). At the v1 → v2 upgrade block every bound session is rewritten under
 * `PhalaComputation`.
 */
import type {DevValue} from '../model'
import type {Core, Pool, Worker} from './core'
import {BASE_POOL_PALLET, TREASURY} from './accounts'

/** Khala's W-PHA asset id (khala-parachain runtime: `WPhaAssetId = ConstU32<10000>`) */
export const WPHA_ASSET_ID = 10000
/** base_pool.rs `NFT_PROPERTY_KEY` as bytes */
export const STAKE_INFO_KEY = '0x' + Buffer.from('stake-info', 'utf8').toString('hex')

interface Nft {
    owner: string
    shares: bigint
}

/** what this module remembers between blocks (per engine run) */
interface Written {
    era: string
    /** session → worker index (from the bind events) */
    workerOf: Map<string, number>
    /** session → Ve (the init_v of its last start since it was bound) and start time (s) */
    ve: Map<string, bigint>
    /** session → when it was last bound (s) and its total reward then (the entry starts anew at bind) */
    bound: Map<string, {at: bigint; reward: bigint}>
    startSecs: Map<string, bigint>
    coolDownStart: Map<string, bigint>
    /** the last value written of every session (rewritten under PhalaComputation at the upgrade) */
    sessions: Map<string, {[k: string]: any}>
    /** sessions with a `Stakes` entry → its amount */
    staked: Map<string, bigint>
    /** v1: `${pid}/${user}` → locked (contributed − withdrawn) */
    locked: Map<string, bigint>
    /** v2: pid → nft id → the NFT last written */
    nfts: Map<number, Map<number, Nft>>
    treasury: bigint
}

const runs = new WeakMap<Core, Written>()

function written(e: Core): Written {
    let w = runs.get(e)
    if (!w) {
        w = {
            era: e.era,
            workerOf: new Map(),
            ve: new Map(),
            bound: new Map(),
            startSecs: new Map(),
            coolDownStart: new Map(),
            sessions: new Map(),
            staked: new Map(),
            locked: new Map(),
            nfts: new Map(),
            treasury: 0n,
        }
        runs.set(e, w)
    }
    return w
}

const V1_STATE: {[k: string]: string} = {
    Ready: 'Ready',
    WorkerIdle: 'MiningIdle',
    WorkerUnresponsive: 'MiningUnresponsive',
    WorkerCoolingDown: 'MiningCoolingDown',
}

const V2_STATE: {[k: string]: string} = Object.fromEntries(Object.entries(V1_STATE).map(([k, v]) => [v, k]))

/** events naming a pool that change none of its NFTs */
const REWARD_ONLY = new Set(['RewardReceived', 'RewardDismissedNoShare', 'RewardDismissedDust', 'PoolCommissionSet', 'PoolCapacitySet'])

const secs = (ms: number): bigint => BigInt(Math.floor(ms / 1000))

function u128le(x: bigint): string {
    let s = ''
    for (let i = 0; i < 16; i++)
        s += Number((x >> BigInt(8 * i)) & 0xffn)
            .toString(16)
            .padStart(2, '0')
    return '0x' + s
}

/** the session's MinerInfo / SessionInfo */
function sessionValue(e: Core, st: Written, session: string, w: Worker, workerState: string): {[k: string]: any} {
    const startField = e.v1 ? 'mining_start_time' : 'working_start_time'
    const bound = st.bound.get(session)
    const totalReward = (e.truth.sessions[session]?.payout ?? 0n) - (bound?.reward ?? 0n)
    if (!st.ve.has(session)) {
        // as `bind` creates it (computation.rs / mining.rs `bind`): nothing measured yet
        const at = bound?.at ?? 0n
        return {
            state: {__kind: 'Ready'},
            ve: 0n,
            v: 0n,
            v_updated_at: at,
            benchmark: {p_init: 0, p_instant: 0, iterations: 0n, [startField]: at, challenge_time_last: 0n},
            cool_down_start: 0n,
            stats: {total_reward: totalReward},
        }
    }
    const vUpdatedAt = secs(e.timestampOf(Math.max(w.lastUpdate, 1)))
    const state = e.v1 ? V1_STATE[workerState] : workerState
    return {
        state: {__kind: state},
        ve: st.ve.get(session)!,
        v: w.vBits,
        v_updated_at: vUpdatedAt,
        benchmark: {
            p_init: w.p,
            p_instant: w.pInstant,
            iterations: 0n,
            [startField]: st.startSecs.get(session) ?? 0n,
            challenge_time_last: vUpdatedAt,
        },
        cool_down_start: workerState === 'WorkerCoolingDown' ? (st.coolDownStart.get(session) ?? 0n) : 0n,
        stats: {total_reward: totalReward},
    }
}

/** stakepool.rs (2022) PoolInfo of a v1 pool */
function poolInfoV1(e: Core, pool: Pool): DevValue {
    let releasing = 0n
    for (const i of pool.cdWorkers) releasing += e.workers[i].stake
    return {
        pid: BigInt(pool.pid),
        owner: pool.owner,
        payout_commission: pool.commission,
        owner_reward: pool.ownerReward,
        cap: pool.cap,
        reward_acc: pool.rewardAcc,
        total_shares: pool.totalShares,
        total_stake: pool.totalValue,
        free_stake: pool.free,
        releasing_stake: releasing,
        workers: pool.workers.map(i => e.workers[i].pubkey),
        withdraw_queue: pool.queue.map(q => ({user: q.user, shares: q.shares, start_time: secs(q.startTime)})),
    }
}

function accountValue(e: Core, free: bigint): DevValue {
    const data: {[k: string]: DevValue} =
        e.era === 'v1' ? {free, reserved: 0n, misc_frozen: 0n, fee_frozen: 0n} : {free, reserved: 0n, frozen: 0n, flags: 1n << 127n}
    return {nonce: 0, consumers: 0, providers: 1, sufficients: 0, data}
}

/** the NFTs a v2 pool's collection holds: each staker's merged NFT and the queued withdrawals' NFTs */
function poolNfts(pool: Pool): Map<number, Nft> {
    const out = new Map<number, Nft>()
    for (const [user, d] of pool.delegs) if (d.nftId >= 0) out.set(d.nftId, {owner: user, shares: d.shares})
    for (const q of pool.queue) if (q.nftId >= 0) out.set(q.nftId, {owner: BASE_POOL_PALLET, shares: q.shares})
    return out
}

function writeNfts(e: Core, st: Written, pool: Pool): void {
    const before = st.nfts.get(pool.pid) ?? new Map<number, Nft>()
    const now = poolNfts(pool)
    const cid = pool.cid
    for (const id of [...before.keys()].sort((a, b) => a - b)) {
        if (now.has(id)) continue
        e.storage.push({pallet: 'RmrkCore', item: 'Nfts', keys: [cid, id], value: null})
        e.storage.push({pallet: 'RmrkCore', item: 'Properties', keys: [cid, id, STAKE_INFO_KEY], value: null})
    }
    for (const id of [...now.keys()].sort((a, b) => a - b)) {
        const n = now.get(id)!
        const b = before.get(id)
        if (!b || b.owner !== n.owner) {
            const info = {owner: {__kind: 'AccountId', value: n.owner}, royalty: null, metadata: '0x', equipped: null, pending: false, transferable: true}
            e.storage.push({pallet: 'RmrkCore', item: 'Nfts', keys: [cid, id], value: info})
        }
        if (!b || b.shares !== n.shares) {
            e.storage.push({pallet: 'RmrkCore', item: 'Properties', keys: [cid, id, STAKE_INFO_KEY], value: u128le(n.shares)})
        }
    }
    st.nfts.set(pool.pid, now)
}

const str = (v: DevValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

/** the block's writes of the mining state (see the header); called by flushStorage before `dirtyPools` is cleared */
export function flushMiningStorage(e: Core): void {
    const st = written(e)
    const upgraded = st.era !== e.era
    st.era = e.era
    const sessions = new Set<string>()
    const v1Pools = new Set<number>()
    const stakers = new Set<string>()
    /** v2 pools whose NFTs may have changed (a reward changes none) */
    const nftPools = new Set<number>()
    let treasuryDirty = false
    for (const ev of e.events) {
        const a = ev.args
        const session = str(a.session) ?? str(a.miner)
        const worker = str(a.worker)
        if (session && worker && e.byPubkey.has(worker)) st.workerOf.set(session, e.byPubkey.get(worker)!.i)
        if (session) {
            sessions.add(session)
            if (ev.name === 'MinerBound' || ev.name === 'SessionBound') {
                st.ve.delete(session)
                st.bound.set(session, {at: secs(e.ts), reward: e.truth.sessions[session]?.payout ?? 0n})
            }
            if (ev.name === 'MinerStarted' || ev.name === 'WorkerStarted') {
                st.ve.set(session, a.init_v as bigint)
                st.startSecs.set(session, secs(e.ts))
            }
            if (ev.name === 'MinerStopped' || ev.name === 'WorkerStopped') st.coolDownStart.set(session, secs(e.ts))
        } else if (worker) {
            const w = e.byPubkey.get(worker)
            if (w?.session) sessions.add(w.session)
        }
        const pid = a.pid
        if (typeof pid === 'bigint') {
            v1Pools.add(Number(pid))
            if (!REWARD_ONLY.has(ev.name)) nftPools.add(Number(pid))
        }
        const user = str(a.user)
        if (ev.pallet === 'PhalaStakePool' && typeof pid === 'bigint' && user) {
            stakers.add(`${pid}/${user}`)
            const k = `${pid}/${user}`
            if (ev.name === 'Contribution') st.locked.set(k, (st.locked.get(k) ?? 0n) + (a.amount as bigint))
            if (ev.name === 'Withdrawal') {
                const left = (st.locked.get(k) ?? 0n) - (a.amount as bigint)
                st.locked.set(k, left > 0n ? left : 0n)
            }
        }
        if (ev.pallet === 'Balances') {
            const amount = a.amount as bigint
            if (ev.name === 'Transfer' && a.to === TREASURY && a.from !== TREASURY) st.treasury += amount
            else if (ev.name === 'Transfer' && a.from === TREASURY && a.to !== TREASURY) st.treasury -= amount
            else if (ev.name === 'Deposit' && a.who === TREASURY) st.treasury += amount
            else if (ev.name === 'Withdraw' && a.who === TREASURY) st.treasury -= amount
            else continue
            treasuryDirty = true
        }
    }
    if (upgraded) for (const [s, i] of st.workerOf) if (e.workers[i].session === s) sessions.add(s)

    // sessions and their stakes
    const item = e.v1 ? 'Miners' : 'Sessions'
    const pallet = e.computationPallet()
    if (upgraded) {
        // the upgrade moves every session and stake to PhalaComputation (states and one field renamed)
        for (const s of [...st.sessions.keys()].sort()) {
            if (sessions.has(s)) continue
            const v = st.sessions.get(s)!
            const {mining_start_time, ...bench} = v.benchmark
            const value = {...v, state: {__kind: V2_STATE[v.state.__kind]}, benchmark: {...bench, working_start_time: mining_start_time}}
            st.sessions.set(s, value)
            e.storage.push({pallet, item, keys: [s], value})
            const stake = st.staked.get(s)
            if (stake !== undefined) e.storage.push({pallet, item: 'Stakes', keys: [s], value: stake})
        }
    }
    for (const s of [...sessions].sort()) {
        const i = st.workerOf.get(s)
        if (i === undefined) continue
        const w = e.workers[i]
        // an unbound session stays as it was at unbinding (Ready, no stake: `unbind` requires a Ready worker)
        const bound = w.session === s
        if (!bound && w.lastSession !== s) continue
        if (bound && w.pid >= 0 && e.v1) v1Pools.add(w.pid)
        const value = sessionValue(e, st, s, w, bound ? w.state : 'Ready')
        st.sessions.set(s, value)
        e.storage.push({pallet, item, keys: [s], value})
        if (bound && w.stake > 0n) {
            if (st.staked.get(s) === w.stake && !upgraded) continue
            e.storage.push({pallet, item: 'Stakes', keys: [s], value: w.stake})
            st.staked.set(s, w.stake)
        } else if (st.staked.delete(s)) {
            e.storage.push({pallet, item: 'Stakes', keys: [s], value: null})
        }
    }

    if (e.v1) {
        for (const pid of [...v1Pools].sort((a, b) => a - b)) {
            const pool = e.pools[pid]
            if (!pool?.v1) continue
            e.storage.push({pallet: 'PhalaStakePool', item: 'StakePools', keys: [BigInt(pid)], value: poolInfoV1(e, pool)})
        }
        for (const k of [...stakers].sort()) {
            const [p, user] = k.split('/')
            const pool = e.pools[Number(p)]
            const d = pool?.delegs.get(user)
            if (!pool?.v1 || !d) continue
            // queued shares stay the staker's until the withdrawal is paid (stakepool.rs `try_withdraw`)
            let queued = 0n
            for (const q of pool.queue) if (q.user === user) queued += q.shares
            const value = {user, locked: st.locked.get(k) ?? 0n, shares: d.shares + queued, available_rewards: d.pending, reward_debt: d.rewardDebt}
            e.storage.push({pallet: 'PhalaStakePool', item: 'PoolStakers', keys: [BigInt(p), user], value})
        }
    } else {
        for (const pid of [...e.dirtyPools].sort((a, b) => a - b)) {
            const pool = e.pools[pid]
            if (pool.v1 || pool.cid < 0) continue
            if (upgraded || nftPools.has(pid)) writeNfts(e, st, pool)
            const value = {balance: pool.free, is_frozen: false, reason: {__kind: 'Consumer'}, extra: null}
            e.storage.push({pallet: 'Assets', item: 'Account', keys: [WPHA_ASSET_ID, pool.account], value})
        }
    }
    if (e.cfg.accountStorage && (treasuryDirty || (upgraded && st.treasury > 0n))) {
        e.storage.push({pallet: 'System', item: 'Account', keys: [TREASURY], value: accountValue(e, st.treasury)})
    }
}
