/**
 * Named scenarios: engine configuration + behaviour (a playbook for `tiny`, the stochastic policy otherwise).
 */
import {EngineConfig} from './engine'
import {PolicyConfig} from './policy'
import {geminiBudgetAfter} from './timeline'
import {type TokenomicParams, geminiParams} from './tokenomics'
import {TINY_BLOCKS, TINY_UPGRADE} from './tiny'

export type ScenarioName = 'tiny' | 'small' | 'khala-day'

export const SCENARIOS: ScenarioName[] = ['tiny', 'small', 'khala-day']

export interface ScenarioSpec {
    engine: Omit<EngineConfig, 'name' | 'seed'>
    /** null: the hand-written tiny playbook */
    policy: PolicyConfig | null
    /** build all blocks into an array (else a lazy, re-iterable generator) */
    eager: boolean
}

const PHA = 1_000_000_000_000n

/**
 * Khala's tokenomics from the first block halving (block 2,763,069, 2022-11-21) until the budget balancer
 * (2023-06-12): the Gemini parameters with budget 187.8783 × 0.75 = 140.908725 PHA/block. Every scenario
 * simulates a date in that span (docs/tokenomics.md).
 */
function afterFirstHalving(): TokenomicParams {
    return {...geminiParams(), budget_per_block: geminiBudgetAfter(1)}
}

export function scenarioSpec(name: string): ScenarioSpec {
    switch (name) {
        case 'tiny':
            return {
                eager: true,
                policy: null,
                engine: {
                    // crosses a UTC midnight (block 151) so per-day truth has two days
                    startTimestamp: Date.parse('2022-12-31T23:30:00Z'),
                    blockTimeMs: 12_000,
                    blocks: TINY_BLOCKS,
                    startEra: 'v1',
                    upgradeAt: TINY_UPGRADE,
                    params: afterFirstHalving(),
                    coolDownSecs: 604_800,
                    subsidyPoolGenesis: 10_000_000n * PHA,
                    // a handful of workers: ~1 answer per block, no per-worker cap, so each settles every few blocks
                    heartbeatsPerBlock: 1.2,
                    heartbeatCapPerHour: 0,
                    // compressed on purpose: the real next halving (block 4,059,069) is months away; one here
                    // makes SubsidyBudgetHalved appear in the fixture
                    halvingPeriodBlocks: 60,
                    recordPayouts: true,
                    poolStorage: true,
                    poolValueInterval: 1,
                    accountStorage: true,
                },
            }
        case 'small':
            return {
                eager: true,
                engine: {
                    startTimestamp: Date.parse('2022-12-01T00:00:00Z'),
                    // 24 s blocks: four days in 14,400 blocks
                    blockTimeMs: 24_000,
                    blocks: 14_400,
                    startEra: 'v1',
                    upgradeAt: 6_600,
                    params: afterFirstHalving(),
                    coolDownSecs: 604_800,
                    subsidyPoolGenesis: 50_000_000n * PHA,
                    heartbeatsPerBlock: 20,
                    heartbeatCapPerHour: 2,
                    // compressed on purpose (real: every 1,296,000 blocks, the next at 4,059,069 in 2023): one
                    // halving in the v1 era so that SubsidyBudgetHalved is exercised
                    halvingPeriodBlocks: 4_000,
                    recordPayouts: true,
                    poolStorage: true,
                    poolValueInterval: 1,
                    accountStorage: true,
                },
                policy: {
                    stakePools: 6,
                    stakePoolsAfterUpgrade: 2,
                    vaults: 2,
                    delegators: 60,
                    workers: 100,
                    rampBlocks: 300,
                    workerGrowthPerDay: 0.03,
                    contributionsPerDay: 40,
                    withdrawalsPerDay: 15,
                    stopsPerDay: 0.05,
                    unresponsivePerDay: 0.1,
                    unresponsiveBlocks: [20, 300],
                    restartProb: 0.6,
                    removeProb: 0.2,
                    ownerWithdrawsPerDay: 0.5,
                    stakerClaimsPerDay: 10,
                    vaultEveryBlocks: 300,
                    commissionChangesPerDay: 1,
                    whitelistFraction: 0.3,
                    capFraction: 0.3,
                    graceBlocks: 1_800,
                    // compressed on purpose: on Khala, BudgetUpdated began with the balancer (2023-06-12, one a
                    // day, a 0.75 decay every 180 days); here every 1,800 blocks with a 0.75 decay every 7,200
                    budgetEveryBlocks: 1_800,
                    budgetHalvingBlocks: 7_200,
                    workerUpdatesPerDay: 1,
                    v1EdgeCases: true,
                    quirksPerDay: {dust: 2, late: 1, dropped: 1, failed: 0.5},
                    // the devnet shortens the cool-down to 6 h (announced by CoolDownExpirationChanged at block 1)
                    coolDownChangeAt: 1,
                    coolDownChangeSecs: 21_600,
                },
            }
        case 'khala-day':
            return {
                eager: false,
                engine: {
                    startTimestamp: Date.parse('2023-06-01T00:00:00Z'),
                    blockTimeMs: 12_000,
                    blocks: 7_200,
                    startEra: 'v2',
                    upgradeAt: null,
                    params: afterFirstHalving(),
                    coolDownSecs: 604_800,
                    subsidyPoolGenesis: 150_000_000n * PHA,
                    // 21 answers a block ≈ 150k SessionSettled in a day
                    heartbeatsPerBlock: 21,
                    heartbeatCapPerHour: 2,
                    halvingPeriodBlocks: 0,
                    recordPayouts: false,
                    poolStorage: true,
                    // reward-only pool changes are written every 300 blocks (1 h): ~25k instead of ~230k writes
                    poolValueInterval: 300,
                    accountStorage: true,
                },
                policy: {
                    stakePools: 600,
                    stakePoolsAfterUpgrade: 0,
                    vaults: 30,
                    delegators: 8_000,
                    workers: 20_000,
                    rampBlocks: 100,
                    workerGrowthPerDay: 0.005,
                    contributionsPerDay: 600,
                    withdrawalsPerDay: 200,
                    stopsPerDay: 0.005,
                    unresponsivePerDay: 0.02,
                    unresponsiveBlocks: [30, 900],
                    restartProb: 0.6,
                    removeProb: 0.2,
                    ownerWithdrawsPerDay: 0.3,
                    stakerClaimsPerDay: 0,
                    vaultEveryBlocks: 600,
                    commissionChangesPerDay: 5,
                    whitelistFraction: 0.2,
                    capFraction: 0.3,
                    graceBlocks: 50_400,
                    // the balancer sends one update a day from 2023-06-12; the devnet sends two in this day
                    // (a compression) around the pre-balancer budget, decaying 0.75 per 180 days of blocks
                    budgetEveryBlocks: 3_600,
                    budgetHalvingBlocks: 1_296_000,
                    workerUpdatesPerDay: 20,
                    quirksPerDay: {dust: 3, late: 3, dropped: 5, failed: 1},
                    coolDownChangeAt: 0,
                    coolDownChangeSecs: 0,
                },
            }
        default:
            throw new Error(`unknown scenario ${JSON.stringify(name)} (known: ${SCENARIOS.join(', ')})`)
    }
}
