/**
 * Resolves a scenario name to DevBlocks: built-ins (`fixture`, `synthetic[:blocks[:eventsPerBlock]]`), the economy
 * simulator (`devnet/sim`, `buildScenario(name, {seed})`) for every other name, or an event script
 * (`devnet/script`, `readScript(path)`).
 */
import * as path from 'path'
import type {V2Spec} from '../runtime'
import {fixtureScenario, Scenario, syntheticScenario} from './builtin'

export interface ScenarioOptions {
    seed: number
    v2Spec?: V2Spec
}

export class MissingModuleError extends Error {}

/** require() of one of the devnet's optional sibling modules, with a clear error when it is not there */
export function requireOptionalModule(baseDir: string, name: string, why: string): any {
    let modPath = path.resolve(baseDir, name)
    try {
        return require(modPath)
    } catch (e: any) {
        if (e?.code === 'MODULE_NOT_FOUND' && String(e.message).split('\n')[0].includes(`'${modPath}'`)) {
            throw new MissingModuleError(
                `${why} needs devnet/${name}, which is not available in this build (${modPath} not found). ` +
                    `Use --scenario fixture or --scenario synthetic:<blocks>:<eventsPerBlock>, or --from-file <chain file>.`
            )
        }
        throw e
    }
}

function requireSibling(name: 'sim' | 'script', why: string): any {
    return requireOptionalModule(path.resolve(__dirname, '..'), name, why)
}

export const BUILTIN_SCENARIOS = ['fixture', 'synthetic[:<blocks>[:<eventsPerBlock>]]']

export function loadScenario(name: string, opts: ScenarioOptions): Scenario {
    if (name === 'fixture' || name === 'devnet-fixture') {
        return fixtureScenario({spec1254: opts.v2Spec === 1254})
    }
    if (name === 'synthetic' || name.startsWith('synthetic:')) {
        let [, b, e] = name.split(':')
        let blocks = b ? parseInt(b, 10) : 7200
        let eventsPerBlock = e ? parseInt(e, 10) : 70
        if (!(blocks > 0) || !(eventsPerBlock >= 0)) throw new Error(`bad synthetic scenario '${name}'`)
        return syntheticScenario({blocks, eventsPerBlock, seed: opts.seed})
    }
    let sim = requireSibling('sim', `scenario '${name}'`)
    if (typeof sim.buildScenario !== 'function') throw new Error('devnet/sim does not export buildScenario(name, {seed})')
    let s = sim.buildScenario(name, {seed: opts.seed})
    if (!s || !Array.isArray(s.genesis) || s.blocks == null) throw new Error(`devnet/sim buildScenario('${name}') returned no {genesis, blocks}`)
    return s
}

export function loadScript(file: string): Scenario {
    let script = requireSibling('script', `--script ${file}`)
    if (typeof script.readScript !== 'function') throw new Error('devnet/script does not export readScript(path)')
    return script.readScript(file)
}
