/**
 * Deterministic account ids, derived the way the Phala runtime derives them (a short ASCII prefix followed
 * by blake2_256 of the SCALE-encoded seed, truncated to 32 bytes), so they look like the real thing.
 */
import {u8aConcat} from '@polkadot/util'
import {blake2AsU8a} from '@polkadot/util-crypto'

const hex = (b: Uint8Array): string => {
    let s = '0x'
    for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16)
    return s
}

const fromHex = (h: string): Uint8Array => {
    const s = h.startsWith('0x') ? h.slice(2) : h
    const out = new Uint8Array(s.length / 2)
    for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16)
    return out
}

const u64le = (n: number | bigint): Uint8Array => {
    const out = new Uint8Array(8)
    let x = BigInt(n)
    for (let i = 0; i < 8; i++) {
        out[i] = Number(x & 0xffn)
        x >>= 8n
    }
    return out
}

/** `prefix` bytes followed by the bytes of `rest`, zero-padded / truncated to 32 bytes */
export function padAccount(prefix: string, rest: Uint8Array = new Uint8Array(0)): string {
    const out = new Uint8Array(32)
    const p = new TextEncoder().encode(prefix)
    out.set(p.slice(0, 32))
    if (p.length < 32) out.set(rest.slice(0, 32 - p.length), p.length)
    return hex(out)
}

/** PalletId account: "modl" + 8-byte pallet id, zero-padded (e.g. the subsidy pool "modlphala/pp") */
export function palletAccount(palletId: string): string {
    return padAccount('modl' + palletId)
}

/** the computation subsidy pool, PalletId("phala/pp") */
export const SUBSIDY_POOL = palletAccount('phala/pp')
/** the on-chain treasury, PalletId("py/trsry") */
export const TREASURY = palletAccount('py/trsry')
/**
 * the base-pool pallet account that holds withdrawal NFTs: `b"basepool"` zero-padded, without the "modl" prefix
 * (base_pool.rs `pallet_id`)
 */
export const BASE_POOL_PALLET = padAccount('basepool')
/** the W-PHA reserve, `WrappedBalancesAccountId` of the Khala runtime: `b"wpha/"` zero-padded */
export const WPHA_ACCOUNT = padAccount('wpha/')
/** W-PHA's asset id in pallet_assets (`WPhaAssetId` of the Khala runtime) */
export const WPHA_ASSET_ID = 10000

function derive(prefix: string, ...parts: Uint8Array[]): string {
    return padAccount(prefix, blake2AsU8a(u8aConcat(...parts), 256))
}

/** a session ("miner") account of a worker in a pool: "spm/" + blake2_256((pid, worker)) */
export function sessionAccount(pid: number, worker: string): string {
    return derive('spm/', u64le(pid), fromHex(worker))
}

/** stake pool / vault account: "bp/" + blake2_256((pid, owner)) */
export function poolAccount(pid: number, owner: string): string {
    return derive('bp/', u64le(pid), fromHex(owner))
}

/** stake pool lock account: "sl/" + blake2_256((pid, owner)) */
export function lockAccount(pid: number, owner: string): string {
    return derive('sl/', u64le(pid), fromHex(owner))
}

/** stake pool owner-reward account: "so/" + blake2_256((pid, owner)) */
export function ownerRewardAccount(pid: number, owner: string): string {
    return derive('so/', u64le(pid), fromHex(owner))
}
