/**
 * The devnet's runtimes: 'v1' (shaped like Khala spec 1170: PhalaMining, PhalaStakePool v1) and 'v2' (Khala 1251:
 * PhalaComputation, PhalaStakePoolv2, PhalaVault, PhalaBasePool), optionally as a spec-1254 variant in which
 * PhalaBasePool.WithdrawalQueued gains `withdrawing_nft_id: u32` and Withdrawal gains `burnt_shares: u128`.
 * With the option `chain: 'phala'`, Phala's runtimes instead (specs 1240, 1254, 1260: ./phala.ts).
 */
import type {RuntimeEra} from '../model'
import type {RuntimeDesc} from './desc'
import {KHALA_1170} from './khala1170'
import {KHALA_1251} from './khala1251'
import {phalaRuntime} from './phala'
import {DevRuntime} from './runtime'

export {DevRuntime} from './runtime'
export type {RuntimeVersionJson, Phase, StorageDef} from './runtime'
export type {RuntimeDesc} from './desc'
export {PHALA_SPECS, phalaBlock, phalaDesc, phalaEra, getPhalaRuntime} from './phala'
export type {PhalaEra, PhalaSpec} from './phala'

export type V2Spec = 1251 | 1254

export interface RuntimeOptions {
    /** spec of the v2-era runtime: 1251 (default) or 1254 (PhalaBasePool events with the extra fields) */
    v2Spec?: V2Spec
    /**
     * 'khala' (default): the eras 'v1' and 'v2' above. 'phala': Phala's runtimes (devnet/runtime/phala.ts),
     * eras 'phala-1240', 'phala-1254', 'phala-1260' and 'v2' (= phala-1260); v2Spec does not apply.
     */
    chain?: 'khala' | 'phala'
}

export const RUNTIME_ERAS: readonly RuntimeEra[] = ['v1', 'v2']

/** Khala 1251 with the spec-1254 PhalaBasePool event changes. */
export function spec1254(base: RuntimeDesc = KHALA_1251): RuntimeDesc {
    let desc: RuntimeDesc = JSON.parse(JSON.stringify(base))
    desc.specVersion = 1254
    let bp = desc.pallets.find(p => p.name === 'PhalaBasePool')!
    for (let v of bp.events!.variants) {
        let f = v.fields as {[k: string]: string}
        if (v.name === 'WithdrawalQueued') f.withdrawing_nft_id = 'u32'
        if (v.name === 'Withdrawal') f.burnt_shares = 'u128'
    }
    return desc
}

export function runtimeDesc(era: RuntimeEra, opts: RuntimeOptions = {}): RuntimeDesc {
    switch (era) {
        case 'v1':
            return KHALA_1170
        case 'v2':
            return (opts.v2Spec ?? 1251) === 1254 ? spec1254() : KHALA_1251
        default:
            throw new Error(`unknown runtime era '${era}'`)
    }
}

const cache = new Map<string, DevRuntime>()

export function getRuntime(era: RuntimeEra, opts: RuntimeOptions = {}): DevRuntime {
    let key = `${era}/${era === 'v2' ? (opts.v2Spec ?? 1251) : ''}`
    let rt = cache.get(key)
    if (!rt) {
        rt = new DevRuntime(era, runtimeDesc(era, opts))
        cache.set(key, rt)
    }
    return rt
}

export type RuntimeSet = (era: string) => DevRuntime

export function runtimeSet(opts: RuntimeOptions = {}): RuntimeSet {
    if (opts.chain === 'phala') return phalaRuntime
    if (opts.chain != null && opts.chain !== 'khala') throw new Error(`unknown chain '${opts.chain}' (expected 'khala' or 'phala')`)
    return (era: string) => {
        if (era !== 'v1' && era !== 'v2') throw new Error(`unknown runtime era '${era}' (expected 'v1' or 'v2')`)
        return getRuntime(era, opts)
    }
}
