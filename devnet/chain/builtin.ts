/**
 * Built-in block sets that need no simulator:
 *  - `fixture`: a small hand-made chain (v1 era, runtime upgrade, v2 era) touching every mining pallet, with
 *    storage writes (TokenomicParameters, Pools, System.Account); used by the devnet's own tests;
 *  - `synthetic`: a large v2 chain of settlement-shaped events for benchmarks (`synthetic:<blocks>:<eventsPerBlock>`).
 */
import {mulberry32} from '../prng'
import type {DevBlock, DevEvent, DevStorageWrite, DevValue} from '../model'

export interface Scenario {
    genesis: DevStorageWrite[]
    blocks: Iterable<DevBlock>
    truth?: unknown
}

export const FIXTURE_START = Date.UTC(2023, 0, 1)
export const BLOCK_MS = 12_000

export function hex32(prefix: number, n: number): string {
    return '0x' + prefix.toString(16).padStart(2, '0') + n.toString(16).padStart(62, '0')
}

export const acct = (n: number) => hex32(0xa0, n)
export const worker = (n: number) => hex32(0xb0, n)
export const session = (n: number) => hex32(0xc0, n)

const PHA = 1_000_000_000_000n
const FIX1 = 1n << 64n

export function tokenomics(budgetPha: bigint): {[k: string]: DevValue} {
    return {
        pha_rate: (83n * FIX1) / 100n,
        rho: FIX1 + 12297829382473n,
        budget_per_block: budgetPha * FIX1,
        v_max: 30000n * FIX1,
        cost_k: 1537n,
        cost_b: 3073n,
        slash_rate: 0n,
        treasury_ratio: FIX1 / 5n,
        heartbeat_window: 20,
        rig_k: 8297144692014305843n,
        rig_b: 0n,
        re: (3n * FIX1) / 2n,
        k: 50n * FIX1,
        kappa: FIX1,
    }
}

function basePool(pid: number, owner: string, totalShares: bigint, totalValue: bigint): {[k: string]: DevValue} {
    return {
        pid: BigInt(pid),
        owner,
        total_shares: totalShares,
        total_value: totalValue,
        withdraw_queue: [{user: acct(3), start_time: BigInt(FIXTURE_START / 1000), nft_id: 2}],
        value_subscribers: [],
        cid: pid,
        pool_account_id: hex32(0xd0, pid),
    }
}

export function stakePoolValue(pid: number, totalValue: bigint, workers: string[]): DevValue {
    return {
        __kind: 'StakePool',
        value: {
            basepool: basePool(pid, acct(1), totalValue, totalValue),
            payout_commission: 200_000,
            cap: null,
            workers,
            cd_workers: [],
            lock_account: hex32(0xd1, pid),
            owner_reward_account: hex32(0xd2, pid),
        },
    }
}

export function vaultValue(pid: number, totalValue: bigint): DevValue {
    return {
        __kind: 'Vault',
        value: {
            basepool: basePool(pid, acct(2), totalValue, totalValue),
            last_share_price_checkpoint: PHA,
            commission: 50_000,
            owner_shares: 0n,
            invest_pools: [0n],
        },
    }
}

function accountV1(free: bigint): DevValue {
    return {nonce: 0, consumers: 0, providers: 1, sufficients: 0, data: {free, reserved: 0n, misc_frozen: 0n, fee_frozen: 0n}}
}

function accountV2(free: bigint): DevValue {
    return {nonce: 0, consumers: 0, providers: 1, sufficients: 0, data: {free, reserved: 0n, frozen: 0n, flags: 1n << 127n}}
}

export interface FixtureOptions {
    /** produce spec-1254 shaped PhalaBasePool events (for a devnet run with v2Spec 1254) */
    spec1254?: boolean
    /** blocks in the v1 era (>= 1; default 6) */
    v1Blocks?: number
    /** blocks in the v2 era (default 14) */
    v2Blocks?: number
}

/** Events of one v1-era block number `i` (1-based) */
function v1Events(i: number): DevEvent[] {
    let e: DevEvent[] = []
    let ev = (pallet: string, name: string, args: DevEvent['args'] = {}) => e.push({pallet, name, args})
    switch (i) {
        case 1:
            ev('PhalaRegistry', 'WorkerAdded', {pubkey: worker(1)})
            ev('PhalaStakePool', 'PoolCreated', {owner: acct(1), pid: 0n})
            ev('PhalaStakePool', 'PoolCommissionSet', {pid: 0n, commission: 200_000})
            ev('PhalaMining', 'MinerBound', {miner: session(1), worker: worker(1)})
            ev('PhalaStakePool', 'PoolWorkerAdded', {pid: 0n, worker: worker(1), miner: session(1)})
            break
        case 2:
            ev('PhalaStakePool', 'Contribution', {pid: 0n, user: acct(3), amount: 5000n * PHA, shares: 5000n * PHA})
            ev('PhalaMining', 'MinerStarted', {miner: session(1), init_v: 3000n * FIX1, init_p: 1500})
            ev('PhalaStakePool', 'MiningStarted', {pid: 0n, worker: worker(1), amount: 5000n * PHA})
            break
        case 3:
            ev('PhalaMining', 'BenchmarkUpdated', {miner: session(1), p_instant: 1520})
            ev('Balances', 'Transfer', {from: hex32(0xee, 1), to: hex32(0xee, 2), amount: (7n * PHA) / 10n})
            ev('PhalaMining', 'MinerSettled', {miner: session(1), v_bits: 3001n * FIX1, payout_bits: (28n * FIX1) / 10n})
            ev('PhalaStakePool', 'RewardReceived', {pid: 0n, to_owner: (56n * PHA) / 100n, to_stakers: (224n * PHA) / 100n})
            break
        case 4:
            ev('PhalaMining', 'MinerEnterUnresponsive', {miner: session(1)})
            ev('PhalaStakePool', 'WithdrawalQueued', {pid: 0n, user: acct(3), shares: 1000n * PHA})
            break
        case 5:
            ev('PhalaMining', 'MinerExitUnresponsive', {miner: session(1)})
            ev('PhalaMining', 'TokenomicParametersChanged')
            ev('PhalaStakePool', 'Withdrawal', {pid: 0n, user: acct(3), amount: 1000n * PHA, shares: 1000n * PHA})
            break
        default:
            ev('PhalaMining', 'MinerSettled', {miner: session(1), v_bits: BigInt(3000 + i) * FIX1, payout_bits: FIX1 + BigInt(i)})
            ev('PhalaStakePool', 'RewardReceived', {pid: 0n, to_owner: (BigInt(i) * PHA) / 5n, to_stakers: BigInt(i) * PHA})
    }
    return e
}

/** Events of the `j`-th (1-based) v2-era block */
function v2Events(j: number, spec1254: boolean): DevEvent[] {
    let e: DevEvent[] = []
    let ev = (pallet: string, name: string, args: DevEvent['args'] = {}) => e.push({pallet, name, args})
    switch (j) {
        case 1:
            // the first block of the new runtime: only storage migration, no events
            break
        case 2:
            ev('PhalaRegistry', 'WorkerAdded', {pubkey: worker(2), attestation_provider: 'Ias', confidence_level: 2})
            ev('PhalaRegistry', 'InitialScoreSet', {pubkey: worker(2), init_score: 2100})
            ev('PhalaStakePoolv2', 'PoolCreated', {owner: acct(1), pid: 1n, cid: 1, pool_account_id: hex32(0xd0, 1)})
            ev('PhalaStakePoolv2', 'PoolCommissionSet', {pid: 1n, commission: 200_000})
            ev('PhalaComputation', 'SessionBound', {session: session(2), worker: worker(2)})
            ev('PhalaStakePoolv2', 'PoolWorkerAdded', {pid: 1n, worker: worker(2), session: session(2)})
            break
        case 3:
            ev('PhalaBasePool', 'NftCreated', {pid: 1n, cid: 1, nft_id: 0, owner: acct(3), shares: 8000n * PHA})
            ev('PhalaStakePoolv2', 'Contribution', {pid: 1n, user: acct(3), amount: 8000n * PHA, shares: 8000n * PHA, as_vault: null})
            ev('PhalaVault', 'PoolCreated', {owner: acct(2), pid: 2n, cid: 2, pool_account_id: hex32(0xd0, 2)})
            ev('PhalaVault', 'VaultCommissionSet', {pid: 2n, commission: 50_000})
            ev('PhalaVault', 'Contribution', {pid: 2n, user: acct(4), amount: 3000n * PHA, shares: 3000n * PHA})
            ev('PhalaStakePoolv2', 'Contribution', {pid: 1n, user: hex32(0xd0, 2), amount: 2000n * PHA, shares: 2000n * PHA, as_vault: 2n})
            break
        case 4:
            ev('PhalaComputation', 'WorkerStarted', {session: session(2), init_v: 4000n * FIX1, init_p: 2100})
            ev('PhalaStakePoolv2', 'WorkingStarted', {pid: 1n, worker: worker(2), amount: 10000n * PHA})
            break
        case 5:
            ev('PhalaComputation', 'BudgetUpdated', {nonce: 1n, budget: 187n * FIX1})
            ev('PhalaComputation', 'TokenomicParametersChanged')
            break
        case 6:
            ev('PhalaComputation', 'BenchmarkUpdated', {session: session(2), p_instant: 2150})
            ev('Balances', 'Transfer', {from: hex32(0xee, 1), to: hex32(0xee, 2), amount: PHA})
            ev('PhalaComputation', 'SessionSettled', {session: session(2), v_bits: 4001n * FIX1, payout_bits: 4n * FIX1})
            ev('PhalaStakePoolv2', 'RewardReceived', {pid: 1n, to_owner: (8n * PHA) / 10n, to_stakers: (32n * PHA) / 10n})
            ev('PhalaVault', 'OwnerSharesGained', {pid: 2n, shares: PHA / 100n, checkout_price: PHA + 1000n})
            break
        case 7:
            ev('PhalaBasePool', 'WithdrawalQueued', {
                pid: 1n,
                user: acct(3),
                shares: 500n * PHA,
                nft_id: 1,
                as_vault: null,
                ...(spec1254 ? {withdrawing_nft_id: 3} : {}),
            })
            ev('PhalaComputation', 'WorkerEnterUnresponsive', {session: session(2)})
            break
        case 8:
            ev('PhalaComputation', 'WorkerExitUnresponsive', {session: session(2)})
            ev('PhalaBasePool', 'Withdrawal', {
                pid: 1n,
                user: acct(3),
                amount: 500n * PHA,
                shares: 500n * PHA,
                ...(spec1254 ? {burnt_shares: 0n} : {}),
            })
            ev('PhalaStakePoolv2', 'RewardDismissedDust', {pid: 1n, amount: 3n})
            break
        case 9:
            ev('PhalaComputation', 'WorkerStopped', {session: session(2)})
            ev('PhalaComputation', 'SessionSettled', {session: session(2), v_bits: 4002n * FIX1, payout_bits: 0n})
            break
        case 10:
            ev('PhalaComputation', 'WorkerReclaimed', {session: session(2), original_stake: 10000n * PHA, slashed: 0n})
            ev('PhalaStakePoolv2', 'WorkerReclaimed', {pid: 1n, worker: worker(2)})
            ev('PhalaVault', 'OwnerSharesClaimed', {pid: 2n, user: acct(2), shares: PHA / 100n})
            break
        default:
            ev('PhalaComputation', 'SessionSettled', {session: session(2), v_bits: BigInt(4000 + j) * FIX1, payout_bits: FIX1 * BigInt(j)})
            ev('PhalaStakePoolv2', 'RewardReceived', {pid: 1n, to_owner: (BigInt(j) * PHA) / 5n, to_stakers: (BigInt(j) * 4n * PHA) / 5n})
    }
    return e
}

/** The hand-made fixture chain: v1 blocks, an upgrade, v2 blocks. Deterministic. */
export function fixtureScenario(opts: FixtureOptions = {}): Scenario & {blocks: DevBlock[]} {
    let v1n = opts.v1Blocks ?? 6
    let v2n = opts.v2Blocks ?? 14
    let genesis: DevStorageWrite[] = [
        {pallet: 'PhalaMining', item: 'TokenomicParameters', keys: [], value: tokenomics(100n)},
        {pallet: 'PhalaMining', item: 'CoolDownPeriod', keys: [], value: 604800n},
        {pallet: 'Balances', item: 'TotalIssuance', keys: [], value: 1_000_000_000n * PHA},
        {pallet: 'System', item: 'Account', keys: [hex32(0xee, 1)], value: accountV1(10_000_000n * PHA)},
        {pallet: 'PhalaStakePool', item: 'PoolCount', keys: [], value: 0n},
    ]
    let blocks: DevBlock[] = []
    let t = FIXTURE_START
    for (let i = 1; i <= v1n; i++) {
        let storage: DevStorageWrite[] = []
        if (i === 1) storage.push({pallet: 'PhalaStakePool', item: 'PoolCount', keys: [], value: 1n})
        if (i === 3) storage.push({pallet: 'System', item: 'Account', keys: [hex32(0xee, 1)], value: accountV1(10_000_000n * PHA - (7n * PHA) / 10n)})
        if (i === 5) storage.push({pallet: 'PhalaMining', item: 'TokenomicParameters', keys: [], value: tokenomics(150n)})
        blocks.push({timestamp: t, era: 'v1', events: v1Events(i), storage})
        t += BLOCK_MS
    }
    for (let j = 1; j <= v2n; j++) {
        let storage: DevStorageWrite[] = []
        if (j === 1) {
            storage.push(
                {pallet: 'PhalaComputation', item: 'TokenomicParameters', keys: [], value: tokenomics(150n)},
                {pallet: 'PhalaComputation', item: 'CoolDownPeriod', keys: [], value: 604800n},
                {pallet: 'PhalaBasePool', item: 'Pools', keys: [0n], value: stakePoolValue(0, 5000n * PHA, [worker(1)])},
                {pallet: 'PhalaBasePool', item: 'PoolCount', keys: [], value: 1n},
                {pallet: 'System', item: 'Account', keys: [hex32(0xee, 1)], value: accountV2(10_000_000n * PHA - (7n * PHA) / 10n)},
                // the v1 pool storage is migrated away
                {pallet: 'PhalaStakePool', item: 'PoolCount', keys: [], value: null}
            )
        }
        if (j === 2) storage.push({pallet: 'PhalaBasePool', item: 'Pools', keys: [1n], value: stakePoolValue(1, 0n, [worker(2)])})
        if (j === 3) {
            storage.push(
                {pallet: 'PhalaBasePool', item: 'Pools', keys: [1n], value: stakePoolValue(1, 10000n * PHA, [worker(2)])},
                {pallet: 'PhalaBasePool', item: 'Pools', keys: [2n], value: vaultValue(2, 3000n * PHA)},
                {pallet: 'PhalaBasePool', item: 'PoolCount', keys: [], value: 3n}
            )
        }
        if (j === 5) storage.push({pallet: 'PhalaComputation', item: 'TokenomicParameters', keys: [], value: tokenomics(187n)})
        if (j >= 6) {
            storage.push({pallet: 'PhalaBasePool', item: 'Pools', keys: [1n], value: stakePoolValue(1, 10000n * PHA + BigInt(j) * PHA, [worker(2)])})
        }
        blocks.push({timestamp: t, era: 'v2', events: v2Events(j, !!opts.spec1254), storage})
        t += BLOCK_MS
    }
    return {genesis, blocks}
}

/** An alternative branch for fork tests: same eras and timestamps as `base`, different events. */
export function alternativeBlocks(base: DevBlock[], salt = 1): DevBlock[] {
    return base.map((b, i) => ({
        timestamp: b.timestamp,
        era: b.era,
        events:
            b.era === 'v1'
                ? [{pallet: 'PhalaMining', name: 'BenchmarkUpdated', args: {miner: session(1), p_instant: 10_000 + salt * 100 + i}}]
                : [{pallet: 'PhalaComputation', name: 'BenchmarkUpdated', args: {session: session(2), p_instant: 10_000 + salt * 100 + i}}],
        storage: [],
    }))
}

// ------------------------------------------------------------------ synthetic

export interface SyntheticOptions {
    blocks: number
    eventsPerBlock: number
    seed?: number
    /** number of sessions / pools to rotate through */
    sessions?: number
    pools?: number
    /** write a Pools entry every this many blocks (0 = never) */
    poolWriteEvery?: number
}

/** A large v2-era chain with settlement-shaped traffic (lazy: blocks are generated as they are pulled). */
export function syntheticScenario(opts: SyntheticOptions): Scenario {
    let rnd = mulberry32(opts.seed ?? 1)
    let sessions = opts.sessions ?? 5000
    let pools = opts.pools ?? 200
    let poolEvery = opts.poolWriteEvery ?? 10
    let genesis: DevStorageWrite[] = [{pallet: 'PhalaComputation', item: 'TokenomicParameters', keys: [], value: tokenomics(187n)}]
    function* gen(): Generator<DevBlock> {
        for (let n = 1; n <= opts.blocks; n++) {
            let events: DevEvent[] = []
            while (events.length < opts.eventsPerBlock) {
                let s = Math.floor(rnd() * sessions)
                let pid = BigInt(s % pools)
                let payout = BigInt(Math.floor(rnd() * 2 ** 40)) << 16n
                events.push({pallet: 'PhalaComputation', name: 'BenchmarkUpdated', args: {session: session(s), p_instant: 1000 + (s % 2000)}})
                events.push({pallet: 'Balances', name: 'Transfer', args: {from: hex32(0xee, 1), to: hex32(0xee, 2), amount: payout / 4n}})
                events.push({
                    pallet: 'PhalaComputation',
                    name: 'SessionSettled',
                    args: {session: session(s), v_bits: BigInt(3000 + s) << 64n, payout_bits: payout},
                })
                events.push({pallet: 'PhalaStakePoolv2', name: 'RewardReceived', args: {pid, to_owner: payout / 10n, to_stakers: payout - payout / 10n}})
            }
            events.length = opts.eventsPerBlock
            let storage: DevStorageWrite[] = []
            if (poolEvery > 0 && n % poolEvery === 0) {
                let pid = n % pools
                storage.push({pallet: 'PhalaBasePool', item: 'Pools', keys: [BigInt(pid)], value: stakePoolValue(pid, BigInt(n) * PHA, [worker(pid)])})
            }
            yield {timestamp: FIXTURE_START + (n - 1) * BLOCK_MS, era: 'v2', events, storage}
        }
    }
    return {genesis, blocks: {[Symbol.iterator]: gen}}
}
