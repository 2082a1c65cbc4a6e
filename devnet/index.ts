/**
 * The project's local Phala-compatible chain ("devnet"): public API.
 *
 *   const dn = await startDevnet({genesis, blocks, port: 0, finalityLag: 3})   // or {fromFile}, {source}
 *   dn.url / dn.wsUrl / dn.fork({depth: 2}) / dn.release(5) / await dn.close()
 *
 *   const node = await startScenarioDevnet({scenario: 'small', port: 9944, seed: 1})
 */
import {cryptoWaitReady} from '@polkadot/util-crypto'
import {sourceFromDevBlocks, sourceFromFile, writeChainFile, ChainSource} from './chain/build'
import {loadScenario, loadScript} from './chain/scenario'
import type {V2Spec} from './runtime'
import {Devnet, startDevnet, StartDevnetOptions} from './rpc'

export * from './model'
export {startDevnet, DevnetLimitError} from './rpc'
export type {Devnet, StartDevnetOptions} from './rpc'
export {
    buildChain,
    buildChainFromDevBlocks,
    sourceFromDevBlocks,
    sourceFromFile,
    saveChain,
    writeChainFile,
    newChain,
    appendNext,
} from './chain/build'
export type {ChainSource, SourceBlock, DevSourceOptions} from './chain/build'
export {Chain, KEYS} from './chain/chain'
export type {BlockRec, ChainStats} from './chain/chain'
export {encodeBlockContent} from './chain/content'
export type {BlockContent, StorageWrite} from './chain/content'
export {readChainFile} from './chain/file'
export {DevnetNode} from './chain/node'
export type {ForkOptions, ForkResult, ScheduledFork, NodeOptions} from './chain/node'
export {loadScenario, loadScript, BUILTIN_SCENARIOS, MissingModuleError} from './chain/scenario'
export {fixtureScenario, syntheticScenario, alternativeBlocks} from './chain/builtin'
export {getRuntime, runtimeSet, runtimeDesc, spec1254, phalaBlock, getPhalaRuntime, PHALA_SPECS} from './runtime'
export type {V2Spec, RuntimeOptions, RuntimeSet, PhalaSpec} from './runtime'
export type {FaultOptions, FaultErrorKind} from './rpc/faults'

export interface ScenarioDevnetOptions extends Omit<StartDevnetOptions, 'source' | 'blocks' | 'genesis'> {
    /** scenario name (the simulator's, or a built-in: fixture, synthetic:<blocks>:<eventsPerBlock>) */
    scenario?: string
    seed?: number
    /** an event script for devnet/script instead of a scenario */
    script?: string
    /** write the generated chain to this file first, then serve from it */
    saveFile?: string
    /** 'phala': serve the blocks with Phala's runtimes (devnet/runtime/phala.ts); default Khala's */
    runtimeChain?: 'khala' | 'phala'
}

/** The chain source for a scenario, a script or a chain file (fromFile wins). */
export function scenarioSource(opts: ScenarioDevnetOptions): ChainSource {
    if (opts.fromFile) return sourceFromFile(opts.fromFile)
    let seed = opts.seed ?? 1
    let scenario = opts.script ? loadScript(opts.script) : loadScenario(opts.scenario ?? 'small', {seed, v2Spec: opts.v2Spec as V2Spec})
    let info = opts.script ? {script: opts.script} : {scenario: opts.scenario ?? 'small', seed}
    let size = typeof (scenario as any).blockCount === 'number' ? (scenario as any).blockCount : undefined
    let src = sourceFromDevBlocks(scenario.genesis, scenario.blocks, {v2Spec: opts.v2Spec, chain: opts.runtimeChain, info, size})
    if (opts.saveFile) {
        writeChainFile(opts.saveFile, src, info)
        return sourceFromFile(opts.saveFile)
    }
    return src
}

/** Starts a devnet serving a scenario (default 'small'), a script or a chain file. */
export async function startScenarioDevnet(opts: ScenarioDevnetOptions = {}): Promise<Devnet> {
    await cryptoWaitReady()
    return startDevnet({...opts, source: scenarioSource(opts)})
}
export {GatewayServer, GatewayRequestError, decodeBlockEvents} from './gateway'
export type {GatewayOptions, GatewayStats, GatewayEvent} from './gateway'
