/**
 * The simulator's scenarios (devnet/sim, someone else's module; skipped with a message when absent) through the
 * chain builder: every block encodes with the devnet runtimes, and every event decodes with the runtime the
 * processor would pick, in the order the simulator produced it.
 */
import * as fs from 'fs'
import * as path from 'path'
import {Runtime} from '@subsquid/substrate-runtime'
import {buildChain, sourceFromDevBlocks} from '../../devnet/chain/build'
import {Chain, KEYS, BlockRec} from '../../devnet/chain/chain'
import {loadScenario, requireOptionalModule, MissingModuleError} from '../../devnet/chain/scenario'
import type {DevBlock} from '../../devnet/model'

const SIM_DIR = path.resolve(__dirname, '../../devnet/sim')
const HAVE_SIM = fs.existsSync(path.join(SIM_DIR, 'index.js'))

const runtimes = new Map<number, Runtime>()

function eventsOf(chain: Chain, b: BlockRec): any[] {
    let rt = chain.runtimeAt(chain.blocks[Math.max(b.parent, 0)])
    let r = runtimes.get(rt.specVersion)
    if (!r) runtimes.set(rt.specVersion, (r = new Runtime(rt.version, rt.metadataHex)))
    return r.scaleCodec.decodeBinary(r.description.eventRecordList, chain.getStorage(KEYS.systemEvents, b)!)
}

describe('optional modules', () => {
    it('reports a missing simulator / script module clearly', () => {
        let dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'devnet-nosim-'))
        try {
            expect(() => requireOptionalModule(dir, 'sim', "scenario 'small'")).toThrow(MissingModuleError)
            expect(() => requireOptionalModule(dir, 'sim', "scenario 'small'")).toThrow(/scenario 'small' needs devnet\/sim.*--scenario fixture/)
            // an error inside the module is not mistaken for a missing module (a fresh name: resolvers cache misses)
            fs.mkdirSync(path.join(dir, 'sim2'))
            fs.writeFileSync(path.join(dir, 'sim2', 'index.js'), "require('./missing-inner')")
            expect(() => requireOptionalModule(dir, 'sim2', 'x')).toThrow(/missing-inner/)
            expect(() => requireOptionalModule(dir, 'sim2', 'x')).not.toThrow(MissingModuleError)
        } finally {
            fs.rmSync(dir, {recursive: true, force: true})
        }
    })

    it('knows the built-in scenarios without the simulator', () => {
        let f = loadScenario('fixture', {seed: 1})
        expect([...f.blocks].length).toBe(20)
        let s = loadScenario('synthetic:5:3', {seed: 1})
        let blocks = [...s.blocks]
        expect(blocks).toHaveLength(5)
        expect(blocks.every(b => b.events.length === 3)).toBe(true)
    })
})

const describeSim = HAVE_SIM ? describe : describe.skip
if (!HAVE_SIM) console.log(`skipping the simulator scenarios: ${SIM_DIR} is not built`)

describeSim('simulator scenarios through the chain builder', () => {
    for (let name of ['tiny', 'small']) {
        it(`builds '${name}' and every event decodes in order`, () => {
            let sc = loadScenario(name, {seed: 1})
            let chain = buildChain(sourceFromDevBlocks(sc.genesis, sc.blocks))
            let dev: DevBlock[] = [...loadScenario(name, {seed: 1}).blocks]
            expect(chain.headHeight).toBe(dev.length)
            let total = 0
            let upgrades = 0
            for (let h = 1; h <= chain.headHeight; h++) {
                let b = chain.byNumber(h)!
                let recs = eventsOf(chain, b)
                let names = recs.map((r: any) => `${r.event.__kind}.${r.event.value.__kind}`)
                let want = ['System.ExtrinsicSuccess', ...dev[h - 1].events.map(e => `${e.pallet}.${e.name}`)]
                if (h < dev.length && dev[h].era !== dev[h - 1].era) {
                    want.push('System.CodeUpdated')
                    upgrades++
                }
                if (names.join() !== want.join()) expect([h, names]).toEqual([h, want])
                total += dev[h - 1].events.length
            }
            expect(total).toBeGreaterThan(100)
            expect(upgrades).toBe(dev[0].era === dev[dev.length - 1].era ? 0 : 1)
            if (name === 'tiny') {
                // same seed, same chain; another seed, another chain
                let again = loadScenario(name, {seed: 1})
                expect(buildChain(sourceFromDevBlocks(again.genesis, again.blocks)).head.hashHex).toBe(chain.head.hashHex)
                let other = loadScenario(name, {seed: 2})
                expect(buildChain(sourceFromDevBlocks(other.genesis, other.blocks)).head.hashHex).not.toBe(chain.head.hashHex)
            }
        })
    }
})
