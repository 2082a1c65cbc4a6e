/**
 * Lazily generated chains: a scenario streamed block by block into a chain file and served from disk is the
 * chain built in memory (same hashes, events, extrinsics, storage), the fingerprints (head hashes) of the
 * built-in scenarios stay as they were, and a chain served from a file keeps no block bodies in memory.
 */
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {cryptoWaitReady} from '@polkadot/util-crypto'
import {buildChain, sourceFromDevBlocks, sourceFromFile, writeChainFile} from '../../devnet/chain/build'
import {Chain, KEYS} from '../../devnet/chain/chain'
import {toHex} from '../../devnet/runtime/codec'
import {startDevnet} from '../../devnet'
import {buildScenario, type ScenarioOptions} from '../../devnet/sim'

/** head hashes of the built-in scenarios (seed 1): a change of the simulator or the encoder changes them */
const FINGERPRINTS: Record<string, string> = {
    tiny: '0x31ea706bf50130419d5d6dc0d3c44afd7267f0efd52c29fd15f2d967e1b34e3f',
    small: '0x36c93153d0ce368696423593c5474606a9555caa7e43f1b410cda46b03585bdb',
}

let dir: string
beforeAll(async () => {
    await cryptoWaitReady()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lazy-chain-'))
})
afterAll(() => fs.rmSync(dir, {recursive: true, force: true}))

function hex(b: Uint8Array | null): string | null {
    return b == null ? null : toHex(b)
}

/** generates `name` lazily into a chain file (the simulator's blocks are never all in memory) */
function generate(name: string, file: string, opts: ScenarioOptions = {}): void {
    const s = buildScenario(name, {seed: 1, eager: false, ...opts})
    expect(Array.isArray(s.blocks)).toBe(false)
    writeChainFile(file, sourceFromDevBlocks(s.genesis, s.blocks, {size: s.blockCount}), {scenario: name, seed: 1})
}

describe('lazy generation, served from disk', () => {
    for (const name of ['tiny', 'small']) {
        test(`${name}: the file-served chain is the eagerly built one (fingerprint ${FINGERPRINTS[name].slice(0, 10)}…)`, () => {
            const eager = buildScenario(name, {seed: 1, eager: true})
            expect(Array.isArray(eager.blocks)).toBe(true)
            const mem = buildChain(sourceFromDevBlocks(eager.genesis, eager.blocks))
            expect(mem.head.hashHex).toBe(FINGERPRINTS[name])

            const file = path.join(dir, `${name}.chain`)
            generate(name, file)
            const disk = Chain.fromFile(file, {cacheBlocks: 8})
            expect(disk.headHeight).toBe(mem.headHeight)
            expect(disk.head.hashHex).toBe(FINGERPRINTS[name])
            expect(disk.stats()).toEqual(mem.stats())
            const step = name === 'tiny' ? 1 : 97
            const heights: number[] = []
            for (let h = 0; h < mem.headHeight; h += step) heights.push(h)
            heights.push(mem.headHeight)
            for (const h of heights) {
                const a = mem.byNumber(h)!
                const b = disk.byNumber(h)!
                expect(b.hashHex).toBe(a.hashHex)
                expect(toHex(b.header)).toBe(toHex(a.header))
                expect(toHex(b.events)).toBe(toHex(a.events))
                expect(b.extrinsics.map(toHex)).toEqual(a.extrinsics.map(toHex))
                expect(disk.codeEra(b)).toBe(mem.codeEra(a))
                expect(disk.byHashHex(a.hashHex)!.height).toBe(h)
                expect(disk.changedKeys(b)).toEqual(mem.changedKeys(a))
                if (h % (step * 50) === 0 || h === mem.headHeight) {
                    // every storage entry at this block, historical values included
                    const keys = mem.keys('0x', a)
                    expect(disk.keys('0x', b)).toEqual(keys)
                    for (const k of keys) expect(hex(disk.getStorage(k, b))).toBe(hex(mem.getStorage(k, a)))
                }
            }
            expect(disk.frozen!.resident).toBeLessThanOrEqual(9)
            disk.frozen!.close()
        })
    }

    test('a chain file streamed as a source rebuilds the same chain', () => {
        const file = path.join(dir, 'tiny.chain')
        if (!fs.existsSync(file)) generate('tiny', file)
        const src = sourceFromFile(file)
        expect(src.size).toBe(240)
        expect(buildChain(src).head.hashHex).toBe(FINGERPRINTS.tiny)
    })

    test('memory is not O(blocks): a file-served chain holds no block bodies, only fixed-size index entries', () => {
        const file = path.join(dir, 'days.chain')
        generate('khala-days:1', file, {blocks: 3000, workers: 400, stakePools: 30, vaults: 3, delegators: 300})
        const chain = Chain.fromFile(file, {cacheBlocks: 16})
        expect(chain.headHeight).toBe(3000)
        // nothing is materialized until asked for
        expect(chain.blocks.filter(b => b !== undefined)).toHaveLength(0)
        expect(chain.frozen!.resident).toBe(0)
        let events = 0
        for (let h = 1; h <= 3000; h++) events += chain.byNumber(h)!.eventCount
        expect(events).toBe(chain.stats().events)
        // walking the whole chain keeps the cache's blocks only, and the in-memory list stays empty
        expect(chain.frozen!.resident).toBeLessThanOrEqual(17)
        expect(chain.blocks.filter(b => b !== undefined)).toHaveLength(0)
        // the index is a small fraction of the file: no events, extrinsics or storage values in it
        const size = fs.statSync(file).size
        expect(chain.frozen!.indexBytes).toBeLessThan(size / 10)
        chain.frozen!.close()
    })

    test('a devnet serves a chain file from disk and appends empty tail blocks in memory', async () => {
        const file = path.join(dir, 'tiny.chain')
        if (!fs.existsSync(file)) generate('tiny', file)
        const dn = await startDevnet({fromFile: file, port: 0, finalityLag: 2, tailBlocks: 3, tailBlockMs: 20})
        try {
            expect(dn.chain.frozen).not.toBeNull()
            expect(dn.height).toBeGreaterThanOrEqual(240)
            await dn.waitForHeight(243, 10_000)
            expect(dn.chain.byNumber(240)!.hashHex).toBe(FINGERPRINTS.tiny)
            expect(dn.chain.byNumber(241)!.parentHashHex).toBe(FINGERPRINTS.tiny)
            const call = async (method: string, params: unknown[]) => {
                const res = await fetch(dn.url, {
                    method: 'POST',
                    headers: {'content-type': 'application/json'},
                    body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params}),
                })
                return ((await res.json()) as any).result
            }
            const h100 = await call('chain_getBlockHash', [100])
            expect(h100).toBe(dn.chain.byNumber(100)!.hashHex)
            expect(await call('state_getStorageAt', [KEYS.systemEvents, h100])).toBe(toHex(dn.chain.byNumber(100)!.events))
            expect((await call('chain_getBlock', [h100])).block.header.number).toBe('0x64')
            expect(dn.chain.finalizedHeight).toBe(dn.height - 2)
        } finally {
            await dn.close()
            dn.chain.frozen!.close()
        }
    })
})
