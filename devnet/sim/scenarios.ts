/**
 * Named scenarios: engine configuration + behaviour (a playbook for `tiny`, the stochastic policy otherwise).
 */
import {EngineConfig} from './engine'
import {PolicyConfig} from './policy'
import {geminiBudgetAfter} from './timeline'
import {type TokenomicParams, geminiParams} from './tokenomics'
import {TINY_BLOCKS, TINY_UPGRADE} from './tiny'

export type ScenarioName = 'tiny' | 'small' | 'khala-day' | 'khala-month'

export const SCENARIOS: ScenarioName[] = ['tiny', 'small', 'khala-day', 'khala-month']

/** `khala-days:<N>`: the khala-month network over N days (khala-month is N = 30) */
export const KHALA_DAYS_PREFIX = 'khala-days:'
const MAX_DAYS = 3650

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

/** the number of days of a `khala-month` / `khala-days:<N>` name, or null for other names */
export function khalaDays(name: string): number | null {
    if (name === 'khala-month') return 30
    if (!name.startsWith(KHALA_DAYS_PREFIX)) return null
    const v = name.slice(KHALA_DAYS_PREFIX.length)
    const n = /^[0-9]+$/.test(v) ? Number(v) : NaN
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_DAYS) {
        throw new Error(`bad scenario ${JSON.stringify(name)}: expected ${KHALA_DAYS_PREFIX}<days> with 1 ≤ days ≤ ${MAX_DAYS}`)
    }
    return n
}

const DAY_MS = 86_400_000
/** the budget balancer's first 180-day step (2023-06-12 + 180 days): its budget × 0.75 (docs/tokenomics.md) */
const BALANCER_STEP = Date.parse('2023-12-09T00:00:00Z')

/**
 * The khala-day network over `days` days, growing and churning: ~5,000 workers at the start, +2% a day (the
 * heartbeats follow the network's size, so blocks get denser), new pools and delegators every day, pools wound
 * down, withdrawals past the grace period forcing stops, reclaims after the 7-day cool-down. The run is centred
 * on the balancer's first 180-day step (2023-12-09), so the budget steps down ×0.75 on day ⌊days/2⌋ + 1.
 */
function khalaDaysSpec(days: number): ScenarioSpec {
    const blocksPerDay = DAY_MS / 12_000
    const start = BALANCER_STEP - Math.floor(days / 2) * DAY_MS
    return {
        eager: false,
        engine: {
            startTimestamp: start,
            blockTimeMs: 12_000,
            blocks: days * blocksPerDay,
            startEra: 'v2',
            upgradeAt: null,
            params: afterFirstHalving(),
            coolDownSecs: 604_800,
            subsidyPoolGenesis: 150_000_000n * PHA + BigInt(days) * 2_000_000n * PHA,
            heartbeatsPerBlock: 21,
            // ~8 answers a worker a day (khala-day: ~6.5, 150k answers from ~23k workers): ~25M events in 30 days
            heartbeatsPerWorkerHour: 0.33,
            heartbeatCapPerHour: 2,
            halvingPeriodBlocks: 0,
            recordPayouts: false,
            poolStorage: true,
            poolValueInterval: 300,
            accountStorage: true,
            // the truth keeps per-day totals and pools, not per-day workers: O(workers + days), not O(workers·days)
            dayWorkerTruth: false,
        },
        policy: {
            stakePools: 250,
            stakePoolsAfterUpgrade: 0,
            vaults: 15,
            delegators: 3_000,
            workers: 5_000,
            rampBlocks: 100,
            workerGrowthPerDay: 0.02,
            contributionsPerDay: 400,
            withdrawalsPerDay: 150,
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
            // 7 days: withdrawals left unpaid that long make their pools stop workers
            graceBlocks: 50_400,
            // the balancer: one BudgetUpdated a day (at the day's last block), a ×0.75 step mid-run
            budgetEveryBlocks: blocksPerDay,
            budgetHalvingBlocks: 0,
            budgetStepAt: Math.floor(days / 2) * blocksPerDay + 1,
            workerUpdatesPerDay: 10,
            quirksPerDay: {dust: 3, late: 3, dropped: 5, failed: 1},
            coolDownChangeAt: 0,
            coolDownChangeSecs: 0,
            newPoolsPerDay: 4,
            poolRetirementsPerDay: 0.5,
            delegatorGrowthPerDay: 0.02,
        },
    }
}

export function scenarioSpec(name: string): ScenarioSpec {
    const days = khalaDays(name)
    if (days !== null) return khalaDaysSpec(days)
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
            throw new Error(`unknown scenario ${JSON.stringify(name)} (known: ${SCENARIOS.join(', ')}, ${KHALA_DAYS_PREFIX}<days>)`)
    }
}
