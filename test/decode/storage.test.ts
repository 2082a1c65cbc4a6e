/**
 * The storage readers over every real spec that has the item: values generated from the metadata's type
 * info, encoded with @polkadot/types, served by an in-memory node under keys computed independently
 * (xxhash via @polkadot/util-crypto), read back through the subsquid runtime → normalized.
 */
import {NormalizedPool, readPools, readTokenomicParameters, tryReadTokenomicParameters, UnknownStorageVersionError} from '../../src/decode'
import {decimalToFixed} from '../../src/domain/fixed'
import {
    blockHash,
    Canon,
    encodeChecked,
    fakeRuntime,
    FakeRpc,
    plainKey,
    realSpec,
    realSpecs,
    rngFor,
    sampleOf,
    sqdStorageValueFields,
    twox64ConcatKey,
    u64le,
    RealSpec,
} from '../helpers/realChain'

const HEIGHT = 777
const HASH = blockHash(HEIGHT)

function blockWith(spec: RealSpec, rpc: FakeRpc, specVersion = spec.specVersion, md = spec.sqdMetadataCopy()) {
    const runtime = fakeRuntime(specVersion, md, rpc)
    return {height: HEIGHT, hash: HASH, _runtime: runtime}
}

function camel(s: string): string {
    return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

function paramsPallet(spec: RealSpec): 'PhalaMining' | 'PhalaComputation' {
    return spec.storageItem('PhalaComputation', 'TokenomicParameters') ? 'PhalaComputation' : 'PhalaMining'
}

describe('readTokenomicParameters', () => {
    for (const spec of realSpecs()) {
        test(`spec ${spec.specVersion}: generated values round-trip field by field`, async () => {
            const pallet = paramsPallet(spec)
            const item = spec.storageItem(pallet, 'TokenomicParameters')!
            expect(item).toBeDefined()
            const sample = sampleOf(spec.registry, item.valueTypeId, rngFor(`params/${spec.specVersion}`), {some: true, variant: 0})
            const canon = sample.canon as Record<string, Canon>
            // the documented field list, in order
            expect(Object.keys(canon)).toEqual([
                'pha_rate',
                'rho',
                'budget_per_block',
                'v_max',
                'cost_k',
                'cost_b',
                'slash_rate',
                'treasury_ratio',
                'heartbeat_window',
                'rig_k',
                'rig_b',
                're',
                'k',
                'kappa',
            ])
            const rpc = new FakeRpc(HASH)
            rpc.set(plainKey(pallet, 'TokenomicParameters'), encodeChecked(spec.registry, item.valueTypeId, sample))
            const params = await readTokenomicParameters(blockWith(spec, rpc))
            const expected: Record<string, Canon> = {}
            for (const [k, v] of Object.entries(canon)) expected[camel(k)] = v
            expect(params).toStrictEqual(expected)
            expect(typeof params.heartbeatWindow).toBe('number')
            expect(params.budgetPerBlock).toBeGreaterThanOrEqual(2n ** 64n) // generated u128s are ≥ 2^64
            expect(rpc.calls.map(c => c.method)).toEqual(['state_getStorageAt'])
        })
    }

    test('spec 1251: the Gemini values, hand-written', async () => {
        const spec = realSpec(1251)
        const item = spec.storageItem('PhalaComputation', 'TokenomicParameters')!
        const input = {
            phaRate: decimalToFixed('0.83'),
            rho: decimalToFixed('1.000000666600231'),
            budgetPerBlock: decimalToFixed('187.8783'),
            vMax: 30000n << 64n,
            costK: decimalToFixed('0.0000000153935'),
            costB: decimalToFixed('0.0000412'),
            slashRate: 0n,
            treasuryRatio: decimalToFixed('0.2'),
            heartbeatWindow: 20,
            rigK: decimalToFixed('0.449775'),
            rigB: 0n,
            re: decimalToFixed('1.5'),
            k: 50n << 64n,
            kappa: 1n << 64n,
        }
        const canon: Record<string, Canon> = {}
        for (const [k, v] of Object.entries(input)) canon[k.replace(/[A-Z]/g, c => '_' + c.toLowerCase())] = v
        const rpc = new FakeRpc(HASH)
        rpc.set(plainKey('PhalaComputation', 'TokenomicParameters'), encodeChecked(spec.registry, item.valueTypeId, {input, canon}))
        const p = await readTokenomicParameters(blockWith(spec, rpc))
        expect(p).toStrictEqual(input)
        expect(p.budgetPerBlock).toBe(3_465_742_917_103_625_251_376n) // floor(187.8783 · 2^64)
        expect(p.treasuryRatio).toBe(3_689_348_814_741_910_323n) // floor(0.2 · 2^64)
        expect(p.heartbeatWindow).toBe(20)
    })

    test('an unset value: tryRead gives undefined, read throws', async () => {
        const spec = realSpec(1251)
        const block = blockWith(spec, new FakeRpc(HASH))
        await expect(tryReadTokenomicParameters(block)).resolves.toBeUndefined()
        await expect(readTokenomicParameters(block)).rejects.toThrow(/TokenomicParameters are not set at block #777/)
    })

    test('a changed struct is an UnknownStorageVersionError (renamed field, added field)', async () => {
        for (const edit of [
            (fields: {name?: string | null}[]) => {
                fields[0].name = 'pha_price'
            },
            (fields: {name?: string | null; type: number}[]) => {
                fields.push({name: 'extra_ratio', type: fields[0].type})
            },
        ]) {
            const spec = realSpec(1251)
            const md = spec.sqdMetadataCopy()
            edit(sqdStorageValueFields(md, 'PhalaComputation', 'TokenomicParameters') as any)
            const block = blockWith(spec, new FakeRpc(HASH), 1300, md)
            await expect(readTokenomicParameters(block)).rejects.toThrow(UnknownStorageVersionError)
            await expect(readTokenomicParameters(block)).rejects.toThrow(
                /^PhalaComputation\.TokenomicParameters: storage type at spec 1300, block #777 matches no known version/
            )
        }
    })

    test('a v1 runtime reads PhalaMining.TokenomicParameters', async () => {
        const spec = realSpec(1170)
        expect(spec.storageItem('PhalaComputation', 'TokenomicParameters')).toBeUndefined()
        const rpc = new FakeRpc(HASH)
        const item = spec.storageItem('PhalaMining', 'TokenomicParameters')!
        const sample = sampleOf(spec.registry, item.valueTypeId, rngFor('v1'), {some: true, variant: 0})
        rpc.set(plainKey('PhalaMining', 'TokenomicParameters'), encodeChecked(spec.registry, item.valueTypeId, sample))
        const p = await readTokenomicParameters(blockWith(spec, rpc))
        expect(p.kappa).toBe((sample.canon as any).kappa)
    })
})

// ---------------------------------------------------------------- Pools

function expectedPool(pid: bigint, canon: any): NormalizedPool {
    const v = canon.value
    const b = v.basepool
    const common = {
        pid,
        owner: b.owner,
        cid: b.cid,
        poolAccount: b.pool_account_id,
        totalShares: b.total_shares,
        totalValue: b.total_value,
        withdrawQueue: b.withdraw_queue.map((w: any) => ({user: w.user, startTime: w.start_time, nftId: w.nft_id})),
        valueSubscribers: b.value_subscribers,
    }
    if (canon.__kind === 'StakePool') {
        return {
            ...common,
            kind: 'StakePool',
            commission: v.payout_commission,
            cap: v.cap,
            workers: v.workers,
            cdWorkers: v.cd_workers,
            lockAccount: v.lock_account,
            ownerRewardAccount: v.owner_reward_account,
            lastSharePriceCheckpoint: null,
            ownerShares: null,
            investPools: [],
        }
    }
    expect(canon.__kind).toBe('Vault')
    return {
        ...common,
        kind: 'Vault',
        commission: v.commission,
        cap: null,
        workers: [],
        cdWorkers: [],
        lockAccount: null,
        ownerRewardAccount: null,
        lastSharePriceCheckpoint: v.last_share_price_checkpoint,
        ownerShares: v.owner_shares,
        investPools: v.invest_pools,
    }
}

describe('readPools', () => {
    /**
     * Four distinct generated pools (StakePool / Vault × options Some / None), replicated to `count` pids
     * by patching the pid, which is the first field (u64) after the enum byte in both variants.
     */
    function poolNode(count: number): {rpc: FakeRpc; expected: NormalizedPool[]} {
        const spec = realSpec(1251)
        const item = spec.storageItem('PhalaBasePool', 'Pools')!
        expect(item.hashers).toEqual(['Twox64Concat'])
        const templates = [
            {some: true, variant: 0},
            {some: false, variant: 0},
            {some: true, variant: 1},
            {some: false, variant: 1},
        ].map((opts, i) => {
            const s = sampleOf(spec.registry, item.valueTypeId, rngFor(`pool/${i}`), opts)
            return {bytes: encodeChecked(spec.registry, item.valueTypeId, s), canon: s.canon as any}
        })
        // the commission / cap options really are Some in the first and None in the second template
        expect(templates[0].canon.value.payout_commission).not.toBeNull()
        expect(templates[1].canon.value.cap).toBeNull()
        expect(templates[2].canon.__kind).toBe('Vault')
        const rpc = new FakeRpc(HASH)
        const expected: NormalizedPool[] = []
        for (let i = 0; i < count; i++) {
            const pid = BigInt(i * 3 + 1) + (i % 2 === 0 ? 2n ** 40n : 0n) // spread, some above 2^32
            const t = templates[i % templates.length]
            const bytes = t.bytes.slice()
            bytes.set(u64le(pid), 1)
            rpc.set(twox64ConcatKey('PhalaBasePool', 'Pools', u64le(pid)), bytes)
            const canon = structuredClone(t.canon)
            canon.value.basepool.pid = pid
            expected.push(expectedPool(pid, canon))
        }
        expected.sort((a, b) => (a.pid < b.pid ? -1 : a.pid > b.pid ? 1 : 0))
        return {rpc, expected}
    }

    test('all pools, across several pages, ordered by pid', async () => {
        const {rpc, expected} = poolNode(1203)
        const pools = await readPools(blockWith(realSpec(1251), rpc))
        expect(pools.length).toBe(1203)
        expect(pools).toStrictEqual(expected)
        expect(rpc.calls.filter(c => c.method === 'state_getKeysPaged').length).toBeGreaterThanOrEqual(3)
        expect(new Set(pools.map(p => p.kind))).toEqual(new Set(['StakePool', 'Vault']))
    })

    test('selected pids, in the order asked, skipping missing ones', async () => {
        const {rpc, expected} = poolNode(8)
        const byPid = new Map(expected.map(p => [p.pid, p]))
        const want = [expected[5].pid, 999_999n, expected[0].pid, expected[2].pid]
        const pools = await readPools(blockWith(realSpec(1251), rpc), want)
        expect(pools).toStrictEqual([byPid.get(want[0]), byPid.get(want[2]), byPid.get(want[3])])
        expect(await readPools(blockWith(realSpec(1251), rpc), [])).toEqual([])
    })

    test('a pool stored under another pid is an error', async () => {
        const {rpc, expected} = poolNode(1)
        const wrongKey = twox64ConcatKey('PhalaBasePool', 'Pools', u64le(5n))
        rpc.set(wrongKey, rpc['data'].get(twox64ConcatKey('PhalaBasePool', 'Pools', u64le(expected[0].pid)).toLowerCase())!)
        await expect(readPools(blockWith(realSpec(1251), rpc), [5n])).rejects.toThrow(/entry under key 5 holds pool/)
    })

    test('a v1 runtime has no PhalaBasePool.Pools: a clear error', async () => {
        const spec = realSpec(1170)
        await expect(readPools(blockWith(spec, new FakeRpc(HASH)))).rejects.toThrow(
            /^PhalaBasePool\.Pools: storage type at spec 1170, block #777 matches no known version \(the runtime has no PhalaBasePool\.Pools/
        )
    })

    test('a changed BasePool struct is an UnknownStorageVersionError', async () => {
        const spec = realSpec(1251)
        const md = spec.sqdMetadataCopy()
        // add a field to the base_pool::BasePool composite
        const types = (md as any).value.lookup.types
        const basePool = types.find((t: any) => t.type.path.join('::') === 'phala_pallets::compute::base_pool::pallet::BasePool')
        const u64 = basePool.type.def.value.fields.find((f: any) => f.name === 'pid').type
        basePool.type.def.value.fields.push({name: 'generation', type: u64, typeName: 'u64', docs: []})
        await expect(readPools(blockWith(spec, new FakeRpc(HASH), 1300, md))).rejects.toThrow(UnknownStorageVersionError)
    })
})
