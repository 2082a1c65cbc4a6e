/**
 * Normalized storage readers: the tokenomic parameters and the v2 pools, read at a block through the
 * typegen `StorageType`s, with the same strict version check as the events.
 *
 * RPC methods used (via the runtime's RPC client): readTokenomicParameters → state_getStorageAt;
 * readPools with pids → state_queryStorageAt; readPools without pids → state_getKeysPaged + state_queryStorageAt.
 */
import type {Runtime} from '@subsquid/substrate-runtime'
import {pools as poolsStorage} from '../types/phala-base-pool/storage'
import {tokenomicParameters as computationParams} from '../types/phala-computation/storage'
import {tokenomicParameters as miningParams} from '../types/phala-mining/storage'
import {sts} from '../types/support'
import * as v1251 from '../types/v1251'
import {exactShape, hex32, StorageBlock} from './dispatch'
import {UnknownStorageVersionError} from './errors'
import {Hex} from './model'

/** Tokenomic parameters; every U64F64 value as its raw bits (value = bits / 2^64). */
export interface TokenomicParams {
    phaRate: bigint
    rho: bigint
    budgetPerBlock: bigint
    vMax: bigint
    costK: bigint
    costB: bigint
    slashRate: bigint
    treasuryRatio: bigint
    /** blocks (u32), not fixed-point */
    heartbeatWindow: number
    rigK: bigint
    rigB: bigint
    re: bigint
    k: bigint
    kappa: bigint
}

export interface WithdrawRequest {
    user: Hex
    /** unix seconds */
    startTime: bigint
    nftId: number
}

/** A PhalaBasePool.Pools entry, stake pool or vault, flattened. Fields of the other kind are null / []. */
export interface NormalizedPool {
    pid: bigint
    kind: 'StakePool' | 'Vault'
    owner: Hex
    /** NFT collection of the pool's shares */
    cid: number
    /** the pallet-controlled pool account ("bp/"…): its W-PHA balance is the pool's free stake */
    poolAccount: Hex
    /** Permill (ppm): StakePool payout_commission / Vault commission; null when never set */
    commission: number | null
    /** StakePool only; null = no cap (and always null for vaults) */
    cap: bigint | null
    totalShares: bigint
    /** estimated value owned by the pool (free stake + stake on workers / shares held + queued withdrawals) */
    totalValue: bigint
    withdrawQueue: WithdrawRequest[]
    /** vault pids that hold shares of this pool */
    valueSubscribers: bigint[]
    /** StakePool only: bound workers and workers cooling down */
    workers: Hex[]
    cdWorkers: Hex[]
    /** StakePool only */
    lockAccount: Hex | null
    ownerRewardAccount: Hex | null
    /** Vault only: share price at the last owner-share checkpoint, as the chain stores it (a 12-decimal Balance: price × 10^12) */
    lastSharePriceCheckpoint: bigint | null
    /** Vault only: shares minted to the owner as commission, not yet claimed */
    ownerShares: bigint | null
    /** Vault only: pids of the stake pools the vault invested in */
    investPools: bigint[]
}

// ---------------------------------------------------------------- strict storage version check

interface StorageTypeInternals {
    name: string
    key: sts.Type[]
    value: sts.Type
}

function internals(st: unknown): StorageTypeInternals {
    return st as StorageTypeInternals
}

function storageItem(runtime: Runtime, name: string) {
    const [pallet, item] = name.split('.')
    return runtime.description.storage[pallet]?.items[item]
}

/** `.is()` plus the exact field-name check (see dispatch.ts) */
function storageMatches(block: StorageBlock, st: {is(block: StorageBlock): boolean}): boolean {
    if (!st.is(block)) return false
    const {name, key, value} = internals(st)
    const item = storageItem(block._runtime, name)
    if (item == null) return false
    const types = block._runtime.description.types
    return exactShape(types, item.value, value) && item.keys.every((ti, i) => exactShape(types, ti, key[i]))
}

function specOf(block: StorageBlock): number | undefined {
    return block._runtime.specVersion
}

// ---------------------------------------------------------------- TokenomicParameters

const TOKENOMIC_ITEMS = [
    {name: 'PhalaComputation.TokenomicParameters', type: computationParams.v1251},
    {name: 'PhalaMining.TokenomicParameters', type: miningParams.v900},
] as const

/**
 * PhalaComputation.TokenomicParameters (spec 1251+) or PhalaMining.TokenomicParameters (v1 specs) at
 * `block`, normalized; undefined when the storage value is not set.
 */
export async function tryReadTokenomicParameters(block: StorageBlock): Promise<TokenomicParams | undefined> {
    const present = TOKENOMIC_ITEMS.filter(it => block._runtime.hasStorageItem(it.name))
    if (present.length === 0) {
        throw new UnknownStorageVersionError(
            'PhalaComputation.TokenomicParameters',
            specOf(block),
            block.height,
            'the runtime has neither PhalaComputation.TokenomicParameters nor PhalaMining.TokenomicParameters'
        )
    }
    for (const it of present) {
        if (!storageMatches(block, it.type)) continue
        const v = await it.type.get(block)
        return v == null ? undefined : normalizeParams(v)
    }
    throw new UnknownStorageVersionError(present[0].name, specOf(block), block.height)
}

/** Like tryReadTokenomicParameters, but an unset value is an error. */
export async function readTokenomicParameters(block: StorageBlock): Promise<TokenomicParams> {
    const p = await tryReadTokenomicParameters(block)
    if (p == null) {
        throw new Error(`TokenomicParameters are not set at block #${block.height} (${block.hash})`)
    }
    return p
}

function normalizeParams(v: v1251.TokenomicParameters): TokenomicParams {
    return {
        phaRate: v.phaRate,
        rho: v.rho,
        budgetPerBlock: v.budgetPerBlock,
        vMax: v.vMax,
        costK: v.costK,
        costB: v.costB,
        slashRate: v.slashRate,
        treasuryRatio: v.treasuryRatio,
        heartbeatWindow: v.heartbeatWindow,
        rigK: v.rigK,
        rigB: v.rigB,
        re: v.re,
        k: v.k,
        kappa: v.kappa,
    }
}

// ---------------------------------------------------------------- Pools

const POOLS_NAME = 'PhalaBasePool.Pools'
const PAGE_SIZE = 500

function checkPools(block: StorageBlock): void {
    if (!block._runtime.hasStorageItem(POOLS_NAME)) {
        throw new UnknownStorageVersionError(
            POOLS_NAME,
            specOf(block),
            block.height,
            'the runtime has no PhalaBasePool.Pools (v1 stake pools live in PhalaStakePool.StakePools, not read here)'
        )
    }
    if (!storageMatches(block, poolsStorage.v1251)) {
        throw new UnknownStorageVersionError(POOLS_NAME, specOf(block), block.height)
    }
}

/**
 * PhalaBasePool.Pools at `block`, normalized. With `pids`: those pools, in that order, skipping pids that
 * have no pool. Without: every pool, ordered by pid.
 */
export async function readPools(block: StorageBlock, pids?: bigint[]): Promise<NormalizedPool[]> {
    checkPools(block)
    const st = poolsStorage.v1251
    const out: NormalizedPool[] = []
    if (pids != null) {
        if (pids.length === 0) return out
        const values = await st.getMany(block, pids)
        pids.forEach((pid, i) => {
            const v = values[i]
            if (v != null) out.push(normalizePool(pid, v))
        })
        return out
    }
    for await (const page of st.getPairsPaged(PAGE_SIZE, block)) {
        for (const [pid, v] of page) {
            if (v != null) out.push(normalizePool(pid, v))
        }
    }
    out.sort((a, b) => (a.pid < b.pid ? -1 : a.pid > b.pid ? 1 : 0))
    return out
}

function normalizePool(pid: bigint, proxy: v1251.PoolProxy): NormalizedPool {
    const base = proxy.value.basepool
    if (base.pid !== pid) {
        throw new Error(`PhalaBasePool.Pools: entry under key ${pid} holds pool ${base.pid}`)
    }
    const common = {
        pid,
        owner: hex32(base.owner),
        cid: base.cid,
        poolAccount: hex32(base.poolAccountId),
        totalShares: base.totalShares,
        totalValue: base.totalValue,
        withdrawQueue: base.withdrawQueue.map(w => ({user: hex32(w.user), startTime: w.startTime, nftId: w.nftId})),
        valueSubscribers: [...base.valueSubscribers],
    }
    if (proxy.__kind === 'StakePool') {
        const p = proxy.value
        return {
            ...common,
            kind: 'StakePool',
            commission: p.payoutCommission ?? null,
            cap: p.cap ?? null,
            workers: p.workers.map(hex32),
            cdWorkers: p.cdWorkers.map(hex32),
            lockAccount: hex32(p.lockAccount),
            ownerRewardAccount: hex32(p.ownerRewardAccount),
            lastSharePriceCheckpoint: null,
            ownerShares: null,
            investPools: [],
        }
    }
    const v = proxy.value
    return {
        ...common,
        kind: 'Vault',
        commission: v.commission ?? null,
        cap: null,
        workers: [],
        cdWorkers: [],
        lockAccount: null,
        ownerRewardAccount: null,
        lastSharePriceCheckpoint: v.lastSharePriceCheckpoint,
        ownerShares: v.ownerShares,
        investPools: [...v.investPools],
    }
}
