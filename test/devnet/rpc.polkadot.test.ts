/**
 * @polkadot/api (ApiPromise + WsProvider) against the devnet: connects, reads PhalaComputation.TokenomicParameters
 * and a PhalaBasePool.Pools entry now and at a past block, and v1 storage before the runtime upgrade.
 */
import {ApiPromise, WsProvider} from '@polkadot/api'
import {startDevnet, Devnet} from '../../devnet/rpc'
import {fixture, FIXTURE_UPGRADE_HEIGHT, quietPolkadotWarnings, worker} from './fixtures'

const FIX1 = 1n << 64n
const PHA = 10n ** 12n

describe('@polkadot/api against the devnet', () => {
    let dn: Devnet
    let api: ApiPromise

    beforeAll(async () => {
        quietPolkadotWarnings()
        let fx = fixture()
        dn = await startDevnet({genesis: fx.genesis, blocks: fx.blocks, port: 0, finalityLag: 2, tailBlocks: 0})
        api = await ApiPromise.create({provider: new WsProvider(dn.wsUrl), noInitWarn: true, throwOnConnect: true})
        await api.isReady
    })

    afterAll(async () => {
        await api?.disconnect()
        await dn?.close()
    })

    it('initializes with the devnet chain, properties and runtime', async () => {
        expect(api.genesisHash.toHex()).toBe(dn.chain.genesis.hashHex)
        expect(api.runtimeVersion.specVersion.toNumber()).toBe(1251)
        expect(api.registry.chainSS58).toBe(30)
        expect(api.registry.chainDecimals).toEqual([12])
        let header = await api.rpc.chain.getHeader()
        expect(header.number.toNumber()).toBe(dn.height)
        expect(header.hash.toHex()).toBe(dn.chain.head.hashHex)
    })

    it('reads PhalaComputation.TokenomicParameters', async () => {
        let tp: any = await api.query.phalaComputation.tokenomicParameters()
        expect(tp.isSome).toBe(true)
        let v = tp.unwrap()
        expect(v.budgetPerBlock.toBigInt()).toBe(187n * FIX1)
        expect(v.heartbeatWindow.toNumber()).toBe(20)
        expect(v.treasuryRatio.toBigInt()).toBe(FIX1 / 5n)
    })

    it('reads a PhalaBasePool.Pools entry at a past block', async () => {
        let past = dn.chain.byNumber(FIXTURE_UPGRADE_HEIGHT + 2)!.hashHex
        let at = await api.at(past)
        let pool: any = await at.query.phalaBasePool.pools(1)
        expect(pool.isSome).toBe(true)
        let p = pool.unwrap()
        expect(p.isStakePool).toBe(true)
        expect(p.asStakePool.basepool.totalValue.toBigInt()).toBe(10000n * PHA)
        expect(p.asStakePool.workers.map((w: any) => w.toHex())).toEqual([worker(2)])
        let now: any = await api.query.phalaBasePool.pools(1)
        expect(now.unwrap().asStakePool.basepool.totalValue.toBigInt()).toBe((10000n + 14n) * PHA)
        let vault: any = await api.query.phalaBasePool.pools(2)
        expect(vault.unwrap().isVault).toBe(true)
        let entries = await at.query.phalaBasePool.pools.entries()
        expect(entries.map(([k]) => (k.args[0] as any).toNumber()).sort()).toEqual([0, 1, 2])
    })

    it('reads v1-era storage and events before the upgrade', async () => {
        let v1 = dn.chain.byNumber(3)!.hashHex
        let at = await api.at(v1)
        expect(at.runtimeVersion.specVersion.toNumber()).toBe(1170)
        let tp: any = await at.query.phalaMining.tokenomicParameters()
        expect(tp.unwrap().budgetPerBlock.toBigInt()).toBe(100n * FIX1)
        let events: any = await at.query.system.events()
        let names = events.map((e: any) => `${e.event.section}.${e.event.method}`)
        expect(names).toEqual([
            'system.ExtrinsicSuccess',
            'phalaMining.BenchmarkUpdated',
            'balances.Transfer',
            'phalaMining.MinerSettled',
            'phalaStakePool.RewardReceived',
        ])
        let block = await api.rpc.chain.getBlock(v1)
        expect(block.block.extrinsics[0].method.section).toBe('timestamp')
        expect(block.block.extrinsics[0].method.method).toBe('set')
    })
})
