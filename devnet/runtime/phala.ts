/**
 * Phala (the Polkadot parachain) runtimes for the devnet, in the three shapes of its mining events:
 *
 *   1240  the mining pallets arrive, already in their v2 form (PhalaComputation, PhalaStakePoolv2, PhalaVault,
 *         PhalaBasePool); PhalaStakePoolv2 has no RewardToOwnerDismissedDust / RewardToDistributionDismissedDust
 *         yet (they came with spec 1247)
 *   1254  PhalaBasePool.WithdrawalQueued gains `withdrawing_nft_id: u32`, Withdrawal gains `burnt_shares: u128`
 *   1260  phala_types::AttestationProvider gains `Dcap` (PhalaRegistry.WorkerAdded / WorkerUpdated)
 *
 * Phala never ran the v1 pallets (PhalaMining, PhalaStakePool v1): there is no 'v1' era on this chain.
 *
 * Sources (docs/chains.md): the runtime's `construct_runtime!` and `RuntimeVersion` in
 * Phala-Network/khala-parachain runtime/phala/src/lib.rs (commits 2582d410 for spec 1240, 399a7ef7 for 1260),
 * the pallets vendored there (pallets/phala/src/{registry.rs, compute/*.rs}), and the types Phala's own indexer
 * generated from Phala's metadata (Phala-Network/computation-squid src/types, commit c92a2793919f). No Phala
 * metadata is in this repository: everything but the mining pallets' names, indices and event shapes is Khala
 * 1251's (real metadata, devnet/runtime/khala1251.ts).
 */
import type {DevBlock, RuntimeEra} from '../model'
import type {RuntimeDesc} from './desc'
import {KHALA_1251} from './khala1251'
import {DevRuntime} from './runtime'

export type PhalaSpec = 1240 | 1254 | 1260

export const PHALA_SPECS: readonly PhalaSpec[] = [1240, 1254, 1260]

/** the devnet era name of a Phala runtime, e.g. `phala-1254` */
export type PhalaEra = `phala-${PhalaSpec}`

export function phalaEra(spec: PhalaSpec): PhalaEra {
    return `phala-${spec}`
}

/**
 * Phala's pallet indices, as in `construct_runtime!` of runtime/phala/src/lib.rs (the same from spec 1240 to
 * 1260 for every pallet listed). A pallet of the Khala base that is not listed is an error, not a guess.
 */
const PHALA_PALLET_INDEX: Readonly<Record<string, number>> = {
    System: 0,
    Timestamp: 1,
    Utility: 3,
    Multisig: 4,
    Proxy: 5,
    Vesting: 6,
    Scheduler: 7,
    Preimage: 8,
    ParachainInfo: 20,
    ParachainSystem: 21,
    XcmpQueue: 30,
    CumulusXcm: 31,
    DmpQueue: 32,
    PolkadotXcm: 33,
    Balances: 40,
    TransactionPayment: 41,
    Assets: 42,
    Authorship: 50,
    CollatorSelection: 51,
    Session: 52,
    Identity: 60,
    Democracy: 61,
    Council: 62,
    Treasury: 63,
    Bounties: 64,
    Lottery: 65,
    TechnicalCommittee: 66,
    TechnicalMembership: 67,
    PhragmenElection: 68,
    Tips: 69,
    ChildBounties: 70,
    ChainBridge: 80,
    XcmBridge: 81,
    XTransfer: 82,
    AssetsRegistry: 83,
    PhalaMq: 85,
    PhalaRegistry: 86,
    PhalaComputation: 87,
    PhalaStakePool: 88,
    PhalaStakePoolv2: 89,
    PhalaVault: 90,
    PhalaWrappedBalances: 91,
    PhalaBasePool: 92,
    PhalaPhatContracts: 93,
    PhalaPhatTokenomic: 94,
    Uniques: 101,
    RmrkCore: 102,
    RmrkEquip: 103,
    RmrkMarket: 104,
    PalletIndex: 121,
}

/** The devnet description of Phala spec `spec`, built from Khala 1251's with Phala's names, indices and shapes. */
export function phalaDesc(spec: PhalaSpec): RuntimeDesc {
    if (!PHALA_SPECS.includes(spec)) throw new Error(`no devnet runtime for Phala spec ${spec} (known: ${PHALA_SPECS.join(', ')})`)
    let desc: RuntimeDesc = JSON.parse(JSON.stringify(KHALA_1251))
    desc.specName = 'phala'
    desc.implName = 'phala'
    desc.specVersion = spec
    desc.transactionVersion = 5 // RuntimeVersion of runtime/phala at 1240 and 1260
    desc.runtimePath = 'phala_parachain_runtime'
    for (let t of Object.values(desc.types)) t.path = t.path.replace(/^khala_parachain_runtime::/, 'phala_parachain_runtime::')
    for (let p of desc.pallets) {
        let index = PHALA_PALLET_INDEX[p.name]
        if (index == null) throw new Error(`pallet ${p.name} of the Khala base has no Phala index in devnet/runtime/phala.ts`)
        p.index = index
    }
    desc.pallets.sort((a, b) => a.index - b.index)
    if (spec < 1247) {
        // stake_pool_v2.rs before khala-parachain 1215e0f2 (spec 1247) has no dust events for the reward split
        let sp = pallet(desc, 'PhalaStakePoolv2')
        sp.events!.variants = sp.events!.variants.filter(v => v.name !== 'RewardToOwnerDismissedDust' && v.name !== 'RewardToDistributionDismissedDust')
    }
    if (spec >= 1254) {
        // base_pool.rs: WithdrawalQueued { .., as_vault, withdrawing_nft_id }, Withdrawal { .., shares, burnt_shares }
        for (let v of pallet(desc, 'PhalaBasePool').events!.variants) {
            let f = v.fields as {[k: string]: string}
            if (v.name === 'WithdrawalQueued') f.withdrawing_nft_id = 'u32'
            if (v.name === 'Withdrawal') f.burnt_shares = 'u128'
        }
    }
    if (spec >= 1260) {
        // phala_types::AttestationProvider { Root, Ias, Dcap }
        let ap = desc.types.AttestationProvider
        if (!('variants' in ap)) throw new Error('AttestationProvider of the Khala base is not an enum')
        if (!ap.variants.some(v => v.name === 'Dcap')) ap.variants.push({index: 2, name: 'Dcap'})
    }
    return desc
}

function pallet(desc: RuntimeDesc, name: string) {
    let p = desc.pallets.find(x => x.name === name)
    if (!p?.events) throw new Error(`pallet ${name} with events is missing from the Khala base`)
    return p
}

const cache = new Map<PhalaSpec, DevRuntime>()

export function getPhalaRuntime(spec: PhalaSpec): DevRuntime {
    let rt = cache.get(spec)
    if (!rt) {
        rt = new DevRuntime(phalaEra(spec), phalaDesc(spec))
        cache.set(spec, rt)
    }
    return rt
}

/**
 * The runtime of a Phala era: `phala-1240`, `phala-1254`, `phala-1260`, and `v2` for the newest (so that v2-era
 * blocks and fixtures can be served as Phala).
 */
export function phalaRuntime(era: string): DevRuntime {
    if (era === 'v2') return getPhalaRuntime(1260)
    let m = /^phala-(\d+)$/.exec(era)
    let spec = m ? (Number(m[1]) as PhalaSpec) : undefined
    if (spec != null && PHALA_SPECS.includes(spec)) return getPhalaRuntime(spec)
    if (era === 'v1') throw new Error(`Phala has no 'v1' era: its mining pallets arrived in their v2 form (spec 1240)`)
    throw new Error(`unknown Phala runtime era '${era}' (expected ${PHALA_SPECS.map(phalaEra).join(', ')} or 'v2')`)
}

/**
 * A DevBlock executed by a Phala runtime. DevBlock's `era` names Khala's eras; the chain builder takes any era
 * its runtime set knows, and a Phala chain's runtime set (runtimeSet({chain: 'phala'})) knows these.
 */
export function phalaBlock(spec: PhalaSpec, block: Omit<DevBlock, 'era'>): DevBlock {
    return {...block, era: phalaEra(spec) as string as RuntimeEra}
}
