/**
 * The chain builder: real headers and hashes, the Timestamp.set inherent, System.Events decodable by the processor's
 * codec with the runtime the processor would pick, per-block storage, runtime upgrade semantics, forks,
 * determinism and chain files.
 */
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {TypeRegistry} from '@polkadot/types'
import {blake2AsHex} from '@polkadot/util-crypto'
import {Runtime} from '@subsquid/substrate-runtime'
import {buildChain, buildChainFromDevBlocks, saveChain, sourceFromDevBlocks, sourceFromFile, writeChainFile} from '../../devnet/chain/build'
import {BlockRec, Chain, KEYS} from '../../devnet/chain/chain'
import {DevnetNode} from '../../devnet/chain/node'
import {syntheticScenario} from '../../devnet/chain/builtin'
import {getRuntime} from '../../devnet/runtime'
import {toHex} from '../../devnet/runtime/codec'
import type {DevBlock} from '../../devnet/model'
import {acct, altTail, fixture, FIXTURE_HEIGHT, FIXTURE_UPGRADE_HEIGHT, hex32, quietPolkadotWarnings, session, worker} from './fixtures'

const runtimes = new Map<string, Runtime>()

/** the Subsquid runtime the processor would use for block b: metadata and version at its parent */
function processorRuntime(chain: Chain, b: BlockRec): Runtime {
    let parent = chain.blocks[Math.max(b.parent, 0)]
    let rt = chain.runtimeAt(parent)
    let key = `${rt.specVersion}`
    let r = runtimes.get(key)
    if (!r) {
        r = new Runtime(rt.version, rt.metadataHex)
        runtimes.set(key, r)
    }
    return r
}

function decodeEvents(chain: Chain, b: BlockRec): any[] {
    let r = processorRuntime(chain, b)
    return r.scaleCodec.decodeBinary(r.description.eventRecordList, chain.getStorage(KEYS.systemEvents, b)!)
}

function storageValue(chain: Chain, b: BlockRec, era: 'v1' | 'v2', pallet: string, item: string, keys: any[] = []): any {
    let rt = getRuntime(era)
    let bytes = chain.getStorage(toHex(rt.storageKey(pallet, item, keys)), b)
    if (bytes == null) return null
    let r = new Runtime(rt.version, rt.metadataHex)
    return r.decodeStorageValue(`${pallet}.${item}`, bytes)
}

const FIX1 = 1n << 64n

describe('devnet chain builder', () => {
    let fx = fixture()
    let chain: Chain

    beforeAll(() => {
        quietPolkadotWarnings()
        chain = buildChainFromDevBlocks(fx.genesis, fx.blocks)
    })

    it('builds every block on a linear canonical chain', () => {
        expect(chain.headHeight).toBe(FIXTURE_HEIGHT)
        for (let h = 1; h <= chain.headHeight; h++) {
            let b = chain.byNumber(h)!
            expect(b.height).toBe(h)
            expect(b.parentHashHex).toBe(chain.byNumber(h - 1)!.hashHex)
            expect(chain.byHashHex(b.hashHex)).toBe(b)
        }
    })

    it('hashes headers with blake2-256 over their SCALE encoding (as @polkadot/types does)', () => {
        let registry = new TypeRegistry()
        for (let h of [0, 1, FIXTURE_UPGRADE_HEIGHT, FIXTURE_HEIGHT]) {
            let b = chain.byNumber(h)!
            expect(blake2AsHex(b.header, 256)).toBe(b.hashHex)
            let header: any = registry.createType('Header', b.header)
            expect(header.hash.toHex()).toBe(b.hashHex)
            expect(header.number.toNumber()).toBe(h)
            expect(header.parentHash.toHex()).toBe(b.parentHashHex)
            let json = chain.headerJson(b)
            expect(json.number).toBe('0x' + h.toString(16))
            expect(json.digest.logs).toEqual(header.digest.logs.map((l: any) => l.toHex()))
        }
    })

    it('has one Timestamp.set inherent per block, decodable with the block runtime', () => {
        for (let h = 1; h <= chain.headHeight; h++) {
            let b = chain.byNumber(h)!
            expect(b.extrinsics).toHaveLength(1)
            let ex = processorRuntime(chain, b).decodeExtrinsic(b.extrinsics[0])
            expect(ex.call).toEqual({__kind: 'Timestamp', value: {__kind: 'set', now: BigInt(fx.blocks[h - 1].timestamp)}})
        }
        expect(chain.genesis.extrinsics).toHaveLength(0)
    })

    it('stores System.Events per block: ExtrinsicSuccess, the block events in order, CodeUpdated before an upgrade', () => {
        let total = 0
        for (let h = 1; h <= chain.headHeight; h++) {
            let b = chain.byNumber(h)!
            let recs = decodeEvents(chain, b)
            let dev = fx.blocks[h - 1]
            let names = recs.map((r: any) => `${r.event.__kind}.${r.event.value.__kind}`)
            let want = ['System.ExtrinsicSuccess', ...dev.events.map(e => `${e.pallet}.${e.name}`)]
            if (h === FIXTURE_UPGRADE_HEIGHT - 1) want.push('System.CodeUpdated')
            expect([h, names]).toEqual([h, want])
            expect(recs[0].phase).toEqual({__kind: 'ApplyExtrinsic', value: 0})
            for (let r of recs.slice(1)) expect(r.phase).toEqual({__kind: 'Finalization'})
            expect(recs.every((r: any) => r.topics.length === 0)).toBe(true)
            total += dev.events.length
        }
        expect(total).toBeGreaterThan(50)
        expect(toHex(chain.getStorage(KEYS.systemEvents, chain.genesis)!)).toBe('0x00')
        // a value decoded through the whole stack
        let b3 = decodeEvents(chain, chain.byNumber(3)!)
        let settled = b3.find((r: any) => r.event.value.__kind === 'MinerSettled')
        expect(settled.event.value).toEqual({__kind: 'MinerSettled', miner: session(1), vBits: 3001n * FIX1, payoutBits: (28n * FIX1) / 10n})
    })

    it('reports at each block the runtime of its next block (how Substrate and the processor see an upgrade)', () => {
        let spec = (h: number) => chain.runtimeAt(chain.byNumber(h)!).specVersion
        expect(spec(0)).toBe(1170)
        expect(spec(FIXTURE_UPGRADE_HEIGHT - 2)).toBe(1170)
        expect(spec(FIXTURE_UPGRADE_HEIGHT - 1)).toBe(1251) // the last v1 block's post-state holds the new code
        expect(spec(FIXTURE_UPGRADE_HEIGHT)).toBe(1251)
        expect(spec(FIXTURE_HEIGHT)).toBe(1251)
        expect(chain.byNumber(FIXTURE_UPGRADE_HEIGHT - 1)!.era).toBe('v1')
        expect(chain.byNumber(FIXTURE_UPGRADE_HEIGHT)!.era).toBe('v2')
    })

    it('keeps storage per block', () => {
        let at = (h: number) => chain.byNumber(h)!
        let budget = (h: number) => storageValue(chain, at(h), 'v1', 'PhalaMining', 'TokenomicParameters')?.budgetPerBlock
        expect(budget(0)).toBe(100n * FIX1)
        expect(budget(4)).toBe(100n * FIX1)
        expect(budget(5)).toBe(150n * FIX1)
        expect(budget(FIXTURE_HEIGHT)).toBe(150n * FIX1)
        let budget2 = (h: number) => storageValue(chain, at(h), 'v2', 'PhalaComputation', 'TokenomicParameters')?.budgetPerBlock
        expect(budget2(FIXTURE_UPGRADE_HEIGHT - 1)).toBeUndefined()
        expect(budget2(FIXTURE_UPGRADE_HEIGHT)).toBe(150n * FIX1)
        expect(budget2(FIXTURE_UPGRADE_HEIGHT + 4)).toBe(187n * FIX1)
        let pool1 = (h: number) => storageValue(chain, at(h), 'v2', 'PhalaBasePool', 'Pools', [1n])
        expect(pool1(FIXTURE_UPGRADE_HEIGHT)).toBeNull()
        expect(pool1(FIXTURE_UPGRADE_HEIGHT + 1).value.basepool.totalValue).toBe(0n)
        expect(pool1(FIXTURE_UPGRADE_HEIGHT + 2).value.basepool.totalValue).toBe(10000n * 10n ** 12n)
        expect(pool1(FIXTURE_HEIGHT).value.basepool.totalValue).toBe((10000n + 14n) * 10n ** 12n)
        expect(pool1(FIXTURE_HEIGHT).value.workers).toEqual([worker(2)])
        // deletion
        let count = (h: number) => storageValue(chain, at(h), 'v1', 'PhalaStakePool', 'PoolCount')
        expect(count(0)).toBe(0n)
        expect(count(FIXTURE_UPGRADE_HEIGHT - 1)).toBe(1n)
        expect(count(FIXTURE_UPGRADE_HEIGHT)).toBeNull()
        // per-block system items
        expect(toHex(chain.getStorage(KEYS.timestampNow, at(3))!)).toBe(toHex(new Uint8Array(new BigUint64Array([BigInt(fx.blocks[2].timestamp)]).buffer)))
        expect(chain.getStorage(KEYS.systemNumber, at(3))).toEqual(new Uint8Array([3, 0, 0, 0]))
        // key listing
        let poolsPrefix = toHex(getRuntime('v2').storagePrefix('PhalaBasePool', 'Pools'))
        expect(chain.keys(poolsPrefix, at(FIXTURE_UPGRADE_HEIGHT))).toHaveLength(1)
        expect(chain.keys(poolsPrefix, at(FIXTURE_HEIGHT))).toHaveLength(3)
        expect(chain.keys(poolsPrefix, at(FIXTURE_HEIGHT))).toEqual([...chain.keys(poolsPrefix, at(FIXTURE_HEIGHT))].sort())
    })

    it('is deterministic: the same DevBlocks give byte-identical blocks and hashes', () => {
        let again = buildChainFromDevBlocks(fixture().genesis, fixture().blocks)
        expect(again.headHeight).toBe(chain.headHeight)
        for (let h = 0; h <= chain.headHeight; h++) {
            let a = chain.byNumber(h)!
            let b = again.byNumber(h)!
            expect(toHex(b.header)).toBe(toHex(a.header))
            expect(toHex(b.events)).toBe(toHex(a.events))
            expect(b.extrinsics.map(toHex)).toEqual(a.extrinsics.map(toHex))
        }
        // and a different block changes every later hash
        let changed = fixture()
        changed.blocks[9].timestamp += 1
        let other = buildChainFromDevBlocks(changed.genesis, changed.blocks)
        expect(other.byNumber(9)!.hashHex).toBe(chain.byNumber(9)!.hashHex)
        expect(other.byNumber(10)!.hashHex).not.toBe(chain.byNumber(10)!.hashHex)
        expect(other.head.hashHex).not.toBe(chain.head.hashHex)
    })

    it('saves and loads chain files byte-identically', () => {
        let dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devnet-chain-'))
        try {
            let f1 = path.join(dir, 'a.chain')
            let f2 = path.join(dir, 'b.chain')
            saveChain(chain, f1, {}, {scenario: 'fixture'})
            writeChainFile(f2, sourceFromDevBlocks(fx.genesis, fx.blocks), {scenario: 'fixture'})
            expect(fs.readFileSync(f1).equals(fs.readFileSync(f2))).toBe(true)
            let loaded = buildChain(sourceFromFile(f1))
            expect(loaded.headHeight).toBe(chain.headHeight)
            for (let h = 0; h <= chain.headHeight; h++) {
                expect(loaded.byNumber(h)!.hashHex).toBe(chain.byNumber(h)!.hashHex)
                expect(toHex(loaded.byNumber(h)!.events)).toBe(toHex(chain.byNumber(h)!.events))
            }
            let pools = toHex(getRuntime('v2').storageKey('PhalaBasePool', 'Pools', [2n]))
            expect(toHex(loaded.getStorage(pools, loaded.head)!)).toBe(toHex(chain.getStorage(pools, chain.head)!))
            // a truncated file is rejected
            let buf = fs.readFileSync(f1)
            fs.writeFileSync(f2, buf.subarray(0, buf.length - 20))
            expect(() => sourceFromFile(f2)).toThrow(/truncated|end marker|incomplete/)
        } finally {
            fs.rmSync(dir, {recursive: true, force: true})
        }
    })

    it('rejects events and storage that do not fit the runtime, naming the problem', () => {
        let bad = (b: Partial<DevBlock>) => () => buildChainFromDevBlocks([], [{timestamp: 1, era: 'v2', events: [], storage: [], ...b}])
        expect(bad({events: [{pallet: 'PhalaComputation', name: 'Nope', args: {}}]})).toThrow(/PhalaComputation\.Nope does not exist/)
        expect(bad({era: 'v1', events: [{pallet: 'PhalaComputation', name: 'WorkerStopped', args: {session: session(1)}}]})).toThrow(/era v1/)
        expect(bad({events: [{pallet: 'PhalaComputation', name: 'WorkerStopped', args: {}}]})).toThrow(/missing field 'session'/)
        expect(bad({events: [{pallet: 'PhalaComputation', name: 'WorkerStopped', args: {session: session(1), extra: 1}}]})).toThrow(/unknown field 'extra'/)
        expect(bad({events: [{pallet: 'PhalaComputation', name: 'WorkerStopped', args: {session: '0x1234'}}]})).toThrow(/32 bytes/)
        expect(bad({events: [{pallet: 'PhalaComputation', name: 'BenchmarkUpdated', args: {session: session(1), p_instant: 2 ** 32}}]})).toThrow(
            /does not fit u32/
        )
        expect(bad({events: [{pallet: 'PhalaComputation', name: 'SessionSettled', args: {session: session(1), v_bits: -1n, payout_bits: 0n}}]})).toThrow(
            /does not fit u128/
        )
        expect(bad({storage: [{pallet: 'PhalaBasePool', item: 'Pools', keys: [1n], value: {__kind: 'Nope'}}]})).toThrow(/no variant 'Nope'/)
        expect(bad({storage: [{pallet: 'PhalaBasePool', item: 'Nope', keys: [], value: 1n}]})).toThrow(/PhalaBasePool\.Nope does not exist/)
        expect(() =>
            buildChainFromDevBlocks(
                [],
                [
                    {timestamp: 10, era: 'v2', events: [], storage: []},
                    {timestamp: 5, era: 'v2', events: [], storage: []},
                ]
            )
        ).toThrow(/timestamp/)
        // integers may also come as decimal strings (JSON), bytes in upper case
        let ok = buildChainFromDevBlocks(
            [],
            [
                {
                    timestamp: 1,
                    era: 'v2',
                    storage: [],
                    events: [
                        {
                            pallet: 'PhalaComputation',
                            name: 'SessionSettled',
                            args: {session: session(1).toUpperCase().replace('0X', '0x'), v_bits: '123', payout_bits: 5},
                        },
                    ],
                },
            ]
        )
        expect(decodeEvents(ok, ok.head)[1].event.value.vBits).toBe(123n)
    })

    it('builds the spec-1254 variant with its own runtime', () => {
        let f = fixture({spec1254: true})
        let c = buildChainFromDevBlocks(f.genesis, f.blocks, {v2Spec: 1254})
        expect(c.runtimeAt(c.head).specVersion).toBe(1254)
        let all = []
        for (let h = FIXTURE_UPGRADE_HEIGHT; h <= c.headHeight; h++) all.push(...decodeEvents(c, c.byNumber(h)!))
        let w = all.find((r: any) => r.event.value.__kind === 'Withdrawal')
        expect(w.event.value.burntShares).toBe(0n)
        let q = all.find((r: any) => r.event.value.__kind === 'WithdrawalQueued')
        expect(q.event.value.withdrawingNftId).toBe(3)
        // the 1251-shaped events do not fit the 1254 runtime
        expect(() => buildChainFromDevBlocks(fx.genesis, fx.blocks, {v2Spec: 1254})).toThrow(/missing field 'withdrawing_nft_id'/)
    })

    it('scales: a synthetic chain of 300 blocks x 200 events builds fast and stays compact', () => {
        let t0 = Date.now()
        let s = syntheticScenario({blocks: 300, eventsPerBlock: 200, seed: 7})
        let c = buildChain(sourceFromDevBlocks(s.genesis, s.blocks))
        let ms = Date.now() - t0
        expect(c.stats().events).toBe(300 * 201)
        let bytes = 0
        for (let b of c.blocks) bytes += b.events.length
        expect(bytes / c.stats().events).toBeLessThan(100)
        expect(ms).toBeLessThan(15_000)
    })
})

describe('devnet forks', () => {
    let fx = fixture()

    function node(lag: number) {
        let n = new DevnetNode(sourceFromDevBlocks(fx.genesis, fx.blocks), {finalityLag: lag})
        n.releaseAll()
        return n
    }

    it('replaces the last k unfinalized blocks by a salted branch: same events, new hashes', () => {
        let n = node(4)
        let c = n.chain
        let old = [17, 18, 19, 20].map(h => c.byNumber(h)!)
        let heads: string[] = []
        n.on('block', (b: BlockRec) => heads.push(b.hashHex))
        let r = n.fork({depth: 3})
        expect(r.base.height).toBe(17)
        expect(r.replaced).toEqual(old.slice(1).map(b => b.hashHex))
        expect(r.added).toHaveLength(3)
        expect(heads).toEqual(r.added)
        expect(c.headHeight).toBe(20)
        expect(c.byNumber(17)).toBe(old[0])
        for (let i = 1; i < 4; i++) {
            let now = c.byNumber(17 + i)!
            expect(now.hashHex).not.toBe(old[i].hashHex)
            expect(toHex(now.events)).toBe(toHex(old[i].events))
            // the orphan is still there by hash, not by number
            expect(c.byHashHex(old[i].hashHex)).toBe(old[i])
            expect(c.isCanonical(old[i])).toBe(false)
        }
        // the finalized part cannot be forked
        expect(() => n.fork({depth: 5})).toThrow(/unfinalized/)
        expect(() => node(0).fork({depth: 1})).toThrow(/unfinalized/)
    })

    it('keeps storage correct on both branches', () => {
        let n = node(4)
        let c = n.chain
        let key = toHex(getRuntime('v2').storageKey('PhalaBasePool', 'Pools', [1n]))
        let oldHead = c.head
        let oldValue = toHex(c.getStorage(key, oldHead)!)
        let alt: DevBlock[] = altTail(fx.blocks, 3).map((b, i) => ({
            ...b,
            storage: [
                {
                    pallet: 'PhalaBasePool',
                    item: 'Pools',
                    keys: [1n],
                    value: {
                        __kind: 'StakePool',
                        value: {
                            basepool: {
                                pid: 1n,
                                owner: acct(1),
                                total_shares: 1n,
                                total_value: BigInt(i + 1),
                                withdraw_queue: [],
                                value_subscribers: [],
                                cid: 1,
                                pool_account_id: hex32(0xd0, 1),
                            },
                            payout_commission: null,
                            cap: null,
                            workers: [],
                            cd_workers: [],
                            lock_account: hex32(0xd1, 1),
                            owner_reward_account: hex32(0xd2, 1),
                        },
                    },
                },
            ],
        }))
        let r = n.fork({depth: 3, blocks: alt})
        expect(r.added).toHaveLength(3)
        let newValue = storageValue(c, c.head, 'v2', 'PhalaBasePool', 'Pools', [1n])
        expect(newValue.value.basepool.totalValue).toBe(3n)
        // the orphaned head still answers with its own state
        expect(toHex(c.getStorage(key, oldHead)!)).toBe(oldValue)
        // the common ancestor is unchanged
        let base = c.byNumber(17)!
        expect(storageValue(c, base, 'v2', 'PhalaBasePool', 'Pools', [1n]).value.basepool.totalValue).toBe((10000n + 11n) * 10n ** 12n)
        // events of the new branch
        let names = decodeEvents(c, c.head).map((x: any) => x.event.value.__kind)
        expect(names).toEqual(['ExtrinsicSuccess', 'BenchmarkUpdated'])
        // a second fork on top of the first
        let r2 = n.fork({depth: 2, mode: 'empty', length: 3})
        expect(c.headHeight).toBe(21)
        expect(r2.replaced).toEqual(r.added.slice(1))
        expect(decodeEvents(c, c.head).map((x: any) => x.event.value.__kind)).toEqual(['ExtrinsicSuccess'])
        expect(storageValue(c, c.head, 'v2', 'PhalaBasePool', 'Pools', [1n]).value.basepool.totalValue).toBe(1n)
    })

    it('runs scheduled forks and advances finality with the lag', () => {
        let n = new DevnetNode(sourceFromDevBlocks(fx.genesis, fx.blocks), {finalityLag: 2, forks: [{at: 10, depth: 2}]})
        let forks: any[] = []
        n.on('fork', f => forks.push(f))
        expect(n.release(10)).toBe(10)
        expect(n.chain.finalizedHeight).toBe(8)
        let h10 = n.chain.head.hashHex
        expect(n.pendingFork).toBe(true)
        expect(n.release(1)).toBe(1) // the fork happens first, then block 11
        expect(forks).toHaveLength(1)
        expect(n.chain.byNumber(10)!.hashHex).not.toBe(h10)
        expect(n.chain.headHeight).toBe(11)
        expect(n.chain.finalizedHeight).toBe(9)
        expect(() => new DevnetNode(sourceFromDevBlocks(fx.genesis, fx.blocks), {finalityLag: 1, forks: [{at: 10, depth: 2}]})).toThrow(/finality lag/)
    })
})
