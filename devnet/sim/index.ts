/**
 * The devnet's economy simulator: `buildScenario(name, opts)` → genesis storage, blocks, ground truth.
 * See docs/devnet.md.
 */
import type {DevBlock, DevStorageWrite, RuntimeEra} from '../model'
import {Engine, EngineConfig} from './engine'
import {Policy, PolicyConfig} from './policy'
import {scenarioSpec, ScenarioName} from './scenarios'
import {tinyPlaybook} from './tiny'
import {GroundTruth, emptyTruth, writeTruth as writeTruthFile} from './truth'

export type {GroundTruth} from './truth'
export type {ScenarioName} from './scenarios'
export {SCENARIOS} from './scenarios'
export {writeTruth, truthToJson} from './truth'
export {EVENTS, STORAGE, ERA_SPEC} from './events'
export {checkEvent, checkStorage} from './values'
export type {TypeDef, Fields, StorageDef} from './events'
export {geminiParams, genesisParams} from './tokenomics'
export type {TokenomicParams} from './tokenomics'
export type {EngineConfig} from './engine'
export type {PolicyConfig} from './policy'

export interface ScenarioOptions {
    /** PRNG seed (default 1) */
    seed?: number
    /** number of blocks after genesis */
    blocks?: number
    /** true: build every block into an array; false: a lazy, re-iterable generator (default per scenario) */
    eager?: boolean
    /** overrides of the engine configuration (timing, tokenomics, rates, storage output) */
    engine?: Partial<Omit<EngineConfig, 'name' | 'seed'>>
    /** overrides of the behaviour (not for `tiny`, which follows a fixed playbook) */
    policy?: Partial<PolicyConfig>
    /** shorthands, applied to `engine` / `policy` */
    blockTimeMs?: number
    startTimestamp?: number
    upgradeAt?: number | null
    heartbeatsPerBlock?: number
    recordPayouts?: boolean
    workers?: number
    stakePools?: number
    vaults?: number
    delegators?: number
}

export interface Scenario {
    name: string
    seed: number
    startEra: RuntimeEra
    /** number of blocks after genesis (known before iterating) */
    blockCount: number
    blockTimeMs: number
    /** timestamp (ms) of block 1 */
    startTimestamp: number
    /** first v2-era block (storage-only migration), or null */
    upgradeAt: number | null
    /** storage at block 0 */
    genesis: DevStorageWrite[]
    /**
     * blocks 1..blockCount. An array for eager scenarios; otherwise an iterable that re-runs the (deterministic)
     * simulation on each iteration, so memory stays bounded.
     */
    blocks: DevBlock[] | Iterable<DevBlock>
    /** complete for eager scenarios; for lazy ones it fills in as `blocks` is iterated (`truth.complete`) */
    truth: GroundTruth
    writeTruth(path: string): void
}

const ENGINE_KEYS = new Set(['blockTimeMs', 'startTimestamp', 'upgradeAt', 'heartbeatsPerBlock', 'recordPayouts', 'blocks'])
const POLICY_KEYS = new Set(['workers', 'stakePools', 'vaults', 'delegators'])

export function buildScenario(name: ScenarioName | string, opts: ScenarioOptions = {}): Scenario {
    const spec = scenarioSpec(name)
    const seed = opts.seed ?? 1
    const engineCfg: EngineConfig = {...spec.engine, ...opts.engine, name, seed}
    const policyCfg: PolicyConfig | null = spec.policy ? {...spec.policy, ...opts.policy} : null
    for (const [k, v] of Object.entries(opts)) {
        if (v === undefined) continue
        if (ENGINE_KEYS.has(k)) (engineCfg as any)[k] = v
        else if (POLICY_KEYS.has(k)) {
            if (!policyCfg) throw new Error(`scenario ${name} has a fixed playbook: option ${k} does not apply`)
            ;(policyCfg as any)[k] = v
        }
    }
    if (!policyCfg && opts.policy !== undefined) throw new Error(`scenario ${name} has a fixed playbook: policy options do not apply`)
    if (engineCfg.upgradeAt !== null && (engineCfg.upgradeAt < 2 || engineCfg.startEra !== 'v1')) {
        throw new Error(`upgradeAt must be ≥ 2 and needs a v1 start era`)
    }
    if (!Number.isInteger(engineCfg.blocks) || engineCfg.blocks < 1) throw new Error(`blocks must be a positive integer`)

    const truth = emptyTruth(name, seed)
    const run = function* (): Generator<DevBlock> {
        const engine = new Engine(engineCfg, truth)
        const act = policyCfg ? makePolicyActs(engine, policyCfg) : tinyPlaybook(engine)
        for (let b = 1; b <= engineCfg.blocks; b++) yield engine.step(act)
        engine.finish()
    }
    const genesis = new Engine(engineCfg).genesis()
    const eager = opts.eager ?? spec.eager
    const blocks: DevBlock[] | Iterable<DevBlock> = eager ? [...run()] : {[Symbol.iterator]: run}
    return {
        name,
        seed,
        startEra: engineCfg.startEra,
        blockCount: engineCfg.blocks,
        blockTimeMs: engineCfg.blockTimeMs,
        startTimestamp: engineCfg.startTimestamp,
        upgradeAt: engineCfg.upgradeAt,
        genesis,
        blocks,
        truth,
        writeTruth: (path: string) => writeTruthFile(path, truth),
    }
}

function makePolicyActs(engine: Engine, cfg: PolicyConfig): (e: Engine) => void {
    const policy = new Policy(engine, cfg)
    return () => policy.act()
}
