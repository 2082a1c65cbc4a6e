/**
 * The chain side of the audit: the mining state read from chain storage at one block, through any node
 * (a Khala or Phala archive node, or the devnet) with @polkadot/api, decoded with the runtime's own metadata.
 *
 * What is read, per runtime era (the storage names and layouts of the pallets):
 *   v1 (PhalaMining / PhalaStakePool, mining.rs and stakepool.rs of 2022):
 *     sessions  `PhalaMining.Miners` (state, ve, v) and `PhalaMining.Stakes`
 *     pools     `PhalaStakePool.StakePools` (total_shares, total_stake, free_stake, workers, withdraw_queue)
 *     stakers   `PhalaStakePool.PoolStakers` (shares, queued shares included: they leave at payment)
 *   v2 (PhalaComputation / PhalaBasePool, computation.rs and base_pool.rs):
 *     sessions  `PhalaComputation.Sessions` and `PhalaComputation.Stakes`
 *     pools     `PhalaBasePool.Pools` (total_shares, total_value, the stake pool's workers, withdraw_queue); free
 *               stake is the pool account's W-PHA balance, `Assets.Account` of asset 10000
 *     stakers   the shares of the pool collection's stake NFTs: owner from `RmrkCore.Nfts`, shares from the
 *               "stake-info" property (`RmrkCore.Properties`, SCALE `NftAttr {shares: u128}`; base_pool.rs
 *               `get_nft_attr`); the NFTs of queued withdrawals (base_pool.rs `WithdrawInfo.nft_id`) count
 *               as the requester's queued shares
 *   both: the free balance (`System.Account`) of the subsidy pool and of the treasury.
 */
import {ApiPromise, HttpProvider, WsProvider} from '@polkadot/api'
import {SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT} from '../domain/constants'

/** Khala's and Phala's W-PHA asset id (runtime `WPhaAssetId = ConstU32<10000>`) */
export const WPHA_ASSET_ID = 10000
const STAKE_INFO = 'stake-info'

export interface ChainSession {
    /** state as the v2 pallet names it (v1 names are mapped: MiningIdle → WorkerIdle, …) */
    state: string
    /** Ve, the V at the last start (U64F64 bits) */
    veBits: bigint
    vBits: bigint
    stake: bigint
}

export interface ChainPool {
    kind: 'StakePool' | 'Vault' | 'StakePoolV1'
    shares: bigint
    value: bigint
    free: bigint
    /** worker public keys (stake pools) */
    workers: string[]
}

export interface ChainStaker {
    /** every share the staker holds in the pool, queued ones included */
    shares: bigint
    /** shares in a queued withdrawal */
    withdrawing: bigint
    /** v1 only (stakepool.rs `UserStakeInfo`): rewards settled to the staker, and the accumulator's debt */
    availableRewards?: bigint
    rewardDebt?: bigint
}

export interface ChainSnapshot {
    height: number
    hash: string
    specVersion: number
    era: 'v1' | 'v2'
    sessions: Map<string, ChainSession>
    /** by pid (decimal) */
    pools: Map<string, ChainPool>
    /** by `${pid}-${account}` (the index's delegation id) */
    stakers: Map<string, ChainStaker>
    subsidyPoolFree: bigint
    treasuryFree: bigint
}

const V1_STATES: Record<string, string> = {
    MiningIdle: 'WorkerIdle',
    MiningActive: 'WorkerIdle',
    MiningUnresponsive: 'WorkerUnresponsive',
    MiningCoolingDown: 'WorkerCoolingDown',
}

export class ChainReadError extends Error {}

/** waits this long for a WebSocket node to accept the connection */
const CONNECT_TIMEOUT_MS = 30_000

export async function connect(url: string): Promise<ApiPromise> {
    if (url.startsWith('http')) {
        try {
            return await ApiPromise.create({provider: new HttpProvider(url), noInitWarn: true, throwOnConnect: true})
        } catch (e: any) {
            throw new ChainReadError(`cannot read from the node at ${url}: ${String(e?.message ?? e).split('\n')[0]}`)
        }
    }
    const provider = new WsProvider(url, false)
    try {
        await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no connection within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS)
            provider.on('connected', () => {
                clearTimeout(timer)
                resolve()
            })
            provider.on('error', (e: any) => {
                clearTimeout(timer)
                reject(new Error(e?.message || 'connection refused'))
            })
            provider.connect().catch(reject)
        })
    } catch (e: any) {
        await provider.disconnect().catch(() => {})
        throw new ChainReadError(`cannot connect to the node at ${url}: ${e?.message ?? e}`)
    }
    return ApiPromise.create({provider, noInitWarn: true, throwOnConnect: true})
}

function key(pid: bigint | string, account: string): string {
    return `${pid}-${account}`
}

function addStaker(m: Map<string, ChainStaker>, id: string, shares: bigint, withdrawing: bigint): void {
    const s = m.get(id) ?? {shares: 0n, withdrawing: 0n}
    s.shares += shares
    s.withdrawing += withdrawing
    m.set(id, s)
}

/** the u128 of a SCALE-encoded `NftAttr {shares}` (16 bytes little-endian) */
export function nftAttrShares(bytes: Uint8Array): bigint {
    if (bytes.length !== 16) throw new ChainReadError(`a stake-info property of ${bytes.length} bytes (expected the 16 of a u128)`)
    let x = 0n
    for (let i = 15; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i])
    return x
}

/** the mining state at block `height` */
export async function readChain(api: ApiPromise, height: number): Promise<ChainSnapshot> {
    const head = (await api.rpc.chain.getHeader()).number.toNumber()
    if (height > head) throw new ChainReadError(`block ${height} is above the node's best block ${head}`)
    const hash = (await api.rpc.chain.getBlockHash(height)).toHex()
    const at: any = await api.at(hash)
    const specVersion = at.runtimeVersion.specVersion.toNumber()
    const q = at.query
    const snap: ChainSnapshot = {
        height,
        hash,
        specVersion,
        era: q.phalaComputation ? 'v2' : 'v1',
        sessions: new Map(),
        pools: new Map(),
        stakers: new Map(),
        subsidyPoolFree: 0n,
        treasuryFree: 0n,
    }
    if (!q.phalaComputation && !q.phalaMining)
        throw new ChainReadError(`the runtime at block ${height} (spec ${specVersion}) has neither PhalaMining nor PhalaComputation`)
    const comp = q.phalaComputation ?? q.phalaMining
    const stakes = new Map<string, bigint>()
    for (const [k, v] of await comp.stakes.entries()) stakes.set(k.args[0].toHex(), v.unwrap().toBigInt())
    const sessions = q.phalaComputation ? q.phalaComputation.sessions : q.phalaMining.miners
    for (const [k, v] of await sessions.entries()) {
        const id: string = k.args[0].toHex()
        const info = v.unwrap()
        const state: string = info.state.type
        snap.sessions.set(id, {state: V1_STATES[state] ?? state, veBits: info.ve.toBigInt(), vBits: info.v.toBigInt(), stake: stakes.get(id) ?? 0n})
    }
    if (snap.era === 'v1') await readPoolsV1(q, snap)
    else await readPoolsV2(q, snap)
    const [subsidy, treasury] = await q.system.account.multi([SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT])
    snap.subsidyPoolFree = subsidy.data.free.toBigInt()
    snap.treasuryFree = treasury.data.free.toBigInt()
    return snap
}

async function readPoolsV1(q: any, snap: ChainSnapshot): Promise<void> {
    if (!q.phalaStakePool) throw new ChainReadError(`the runtime at block ${snap.height} (spec ${snap.specVersion}) has no PhalaStakePool pallet`)
    const queued = new Map<string, bigint>()
    for (const [, v] of await q.phalaStakePool.stakePools.entries()) {
        const p = v.unwrap()
        const pid: bigint = p.pid.toBigInt()
        snap.pools.set(String(pid), {
            kind: 'StakePoolV1',
            shares: p.totalShares.toBigInt(),
            value: p.totalStake.toBigInt(),
            free: p.freeStake.toBigInt(),
            workers: p.workers.map((w: any) => w.toHex()),
        })
        for (const w of p.withdrawQueue) {
            const id = key(pid, w.user.toHex())
            queued.set(id, (queued.get(id) ?? 0n) + w.shares.toBigInt())
        }
    }
    for (const [k, v] of await q.phalaStakePool.poolStakers.entries()) {
        const [pid, user] = k.args[0]
        const id = key(pid.toBigInt(), user.toHex())
        const info = v.unwrap()
        addStaker(snap.stakers, id, info.shares.toBigInt(), queued.get(id) ?? 0n)
        const st = snap.stakers.get(id)!
        st.availableRewards = info.availableRewards.toBigInt()
        st.rewardDebt = info.rewardDebt.toBigInt()
    }
}

async function readPoolsV2(q: any, snap: ChainSnapshot): Promise<void> {
    for (const [pallet, name] of [
        ['phalaBasePool', 'PhalaBasePool'],
        ['assets', 'Assets'],
        ['rmrkCore', 'RmrkCore'],
    ]) {
        if (!q[pallet]) throw new ChainReadError(`the runtime at block ${snap.height} (spec ${snap.specVersion}) has no ${name} pallet`)
    }
    const entries: [bigint, any, boolean][] = []
    for (const [k, v] of await q.phalaBasePool.pools.entries()) {
        const p = v.unwrap()
        const isStake = p.isStakePool
        entries.push([k.args[0].toBigInt(), isStake ? p.asStakePool : p.asVault, isStake])
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    const accounts = entries.map(([, p]) => [WPHA_ASSET_ID, p.basepool.poolAccountId.toHex()])
    const balances = accounts.length ? await q.assets.account.multi(accounts) : []
    for (let i = 0; i < entries.length; i++) {
        const [pid, p, isStake] = entries[i]
        const bp = p.basepool
        const bal = balances[i]
        snap.pools.set(String(pid), {
            kind: isStake ? 'StakePool' : 'Vault',
            shares: bp.totalShares.toBigInt(),
            value: bp.totalValue.toBigInt(),
            free: bal.isSome ? bal.unwrap().balance.toBigInt() : 0n,
            workers: isStake ? p.workers.map((w: any) => w.toHex()) : [],
        })
        // the pool collection's NFTs: the stakers' own, and those of queued withdrawals (owned by the pallet)
        const cid = bp.cid.toNumber()
        const queueOwner = new Map<number, string>()
        for (const w of bp.withdrawQueue) queueOwner.set(w.nftId.toNumber(), w.user.toHex())
        const nfts: [number, string][] = []
        for (const [k, v] of await q.rmrkCore.nfts.entries(cid)) {
            const owner = v.unwrap().owner
            if (!owner.isAccountId) continue
            nfts.push([k.args[1].toNumber(), owner.asAccountId.toHex()])
        }
        const props = nfts.length ? await q.rmrkCore.properties.multi(nfts.map(([id]) => [cid, id, STAKE_INFO])) : []
        for (let j = 0; j < nfts.length; j++) {
            const [nftId, owner] = nfts[j]
            const prop = props[j]
            if (prop.isNone) throw new ChainReadError(`stake NFT ${cid}/${nftId} of pool ${pid} has no stake-info property`)
            const shares = nftAttrShares(prop.unwrap().toU8a(true))
            const requester = queueOwner.get(nftId)
            if (requester != null) addStaker(snap.stakers, key(pid, requester), shares, shares)
            else addStaker(snap.stakers, key(pid, owner), shares, 0n)
        }
    }
}
