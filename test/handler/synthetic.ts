/**
 * Synthetic chains of normalized MiningEvents for the ledger tests: blocks with deterministic hashes,
 * Subsquid-style event ids, forks.
 */
import {createHash} from 'crypto'
import type {MiningEvent, MiningPayload} from '../../src/decode/model'
import {SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT, WPHA_ACCOUNT} from '../../src/domain/constants'
import {ONE_FIXED, PLANCKS_PER_PHA, decimalToFixed} from '../../src/domain/fixed'

export const PHA = PLANCKS_PER_PHA

export function acct(n: number): string {
    return '0x' + n.toString(16).padStart(64, '0')
}

export function worker(n: number): string {
    return '0x' + ('ff' + n.toString(16).padStart(62, '0'))
}

/** U64F64 bits of a decimal PHA amount */
export function bits(x: string | number): bigint {
    return decimalToFixed(String(x))
}

export interface SynthHeader {
    id: string
    height: number
    hash: string
    parentHash: string
    timestamp: number
    specVersion: number
    specName: string
    implName: string
    implVersion: number
    _runtime: any
    _runtimeOfPrevBlock: any
    getParent(): any
}

export interface SynthBlock {
    header: SynthHeader
    events: MiningEvent[]
}

export function blockHash(label: string, height: number): string {
    return '0x' + createHash('sha256').update(`${label}:${height}`).digest('hex')
}

/** A chain of blocks; `fork(at, label)` copies blocks below `at` and continues on a new branch. */
export class SynthChain {
    readonly blocks: SynthBlock[] = []
    constructor(
        readonly label = 'main',
        readonly genesisTs = Date.UTC(2024, 0, 1, 0, 0, 0),
        readonly blockTimeMs = 12_000,
        public specVersion = 1251
    ) {}

    get head(): SynthBlock | undefined {
        return this.blocks[this.blocks.length - 1]
    }

    nextHeight(): number {
        return (this.head?.header.height ?? 0) + 1
    }

    /** append a block (timestamp: previous + block time, or `at`); a group of payloads is flattened in place */
    add(items: (MiningPayload | MiningPayload[])[], opts: {at?: number; specVersion?: number} = {}): SynthBlock {
        const payloads = items.flat()
        const height = this.nextHeight()
        const prev = this.head
        const ts = opts.at ?? (prev ? prev.header.timestamp + this.blockTimeMs : this.genesisTs)
        const hash = blockHash(this.label, height)
        const spec = opts.specVersion ?? this.specVersion
        const header: SynthHeader = {
            id: `${String(height).padStart(10, '0')}-${hash.slice(2, 7)}`,
            height,
            hash,
            parentHash: prev?.header.hash ?? '0x' + '00'.repeat(32),
            timestamp: ts,
            specVersion: spec,
            specName: 'khala',
            implName: 'khala',
            implVersion: 0,
            _runtime: {specVersion: spec},
            _runtimeOfPrevBlock: {specVersion: prev?.header.specVersion ?? spec},
            getParent() {
                return {hash: this.parentHash, height: height - 1, _runtime: this._runtimeOfPrevBlock}
            },
        }
        const events = payloads.map((p, index) => ({
            id: `${header.id}-${String(index).padStart(6, '0')}`,
            blockHeight: height,
            blockHash: hash,
            timestamp: ts,
            index,
            name: p.kind,
            ...p,
        })) as MiningEvent[]
        const b = {header, events}
        this.blocks.push(b)
        return b
    }

    /** empty blocks up to (and including) timestamp `ts` are not needed: just jump the clock */
    fork(at: number, label: string): SynthChain {
        const c = new SynthChain(label, this.genesisTs, this.blockTimeMs, this.specVersion)
        for (const b of this.blocks) if (b.header.height < at) c.blocks.push(b)
        return c
    }
}

// ---------------------------------------------------------------- payload shorthands

export const ev = {
    workerAdded: (w: string, confidenceLevel = 1): MiningPayload => ({kind: 'WorkerAdded', worker: w, attestationProvider: 'Ias', confidenceLevel}),
    initialScore: (w: string, initScore: number): MiningPayload => ({kind: 'InitialScoreSet', worker: w, initScore}),
    poolCreated: (pid: number, owner: string, poolKind: 'StakePool' | 'Vault' | 'StakePoolV1' = 'StakePool'): MiningPayload => ({
        kind: 'PoolCreated',
        poolKind,
        pid: BigInt(pid),
        owner,
        cid: poolKind === 'StakePoolV1' ? null : pid,
        poolAccount: poolKind === 'StakePoolV1' ? null : acct(0xb0000 + pid),
    }),
    commission: (pid: number, ppm: number, poolKind: 'StakePool' | 'StakePoolV1' = 'StakePool'): MiningPayload => ({
        kind: 'PoolCommissionSet',
        poolKind,
        pid: BigInt(pid),
        commission: ppm,
    }),
    contribution: (
        pid: number,
        user: string,
        amount: bigint,
        shares: bigint,
        poolKind: 'StakePool' | 'Vault' | 'StakePoolV1' = 'StakePool',
        asVault: bigint | null = null
    ): MiningPayload => ({
        kind: 'Contribution',
        poolKind,
        pid: BigInt(pid),
        user,
        amount,
        shares,
        asVault,
    }),
    bound: (session: string, w: string): MiningPayload => ({kind: 'SessionBound', session, worker: w}),
    unbound: (session: string, w: string): MiningPayload => ({kind: 'SessionUnbound', session, worker: w}),
    poolWorkerAdded: (pid: number, w: string, session: string, poolKind: 'StakePool' | 'StakePoolV1' = 'StakePool'): MiningPayload => ({
        kind: 'PoolWorkerAdded',
        poolKind,
        pid: BigInt(pid),
        worker: w,
        session,
    }),
    poolWorkerRemoved: (pid: number, w: string, poolKind: 'StakePool' | 'StakePoolV1' = 'StakePool'): MiningPayload => ({
        kind: 'PoolWorkerRemoved',
        poolKind,
        pid: BigInt(pid),
        worker: w,
    }),
    started: (session: string, initV: bigint, initP: number): MiningPayload => ({kind: 'WorkerStarted', session, initV, initP}),
    workingStarted: (pid: number, w: string, amount: bigint, poolKind: 'StakePool' | 'StakePoolV1' = 'StakePool'): MiningPayload => ({
        kind: 'WorkingStarted',
        poolKind,
        pid: BigInt(pid),
        worker: w,
        amount,
    }),
    stopped: (session: string): MiningPayload => ({kind: 'WorkerStopped', session}),
    reclaimed: (session: string, originalStake: bigint, slashed = 0n): MiningPayload => ({kind: 'WorkerReclaimed', session, originalStake, slashed}),
    poolWorkerReclaimed: (pid: number, w: string): MiningPayload => ({kind: 'PoolWorkerReclaimed', poolKind: 'StakePool', pid: BigInt(pid), worker: w}),
    enterUnresponsive: (session: string): MiningPayload => ({kind: 'WorkerEnterUnresponsive', session}),
    exitUnresponsive: (session: string): MiningPayload => ({kind: 'WorkerExitUnresponsive', session}),
    /**
     * a settle's treasury share as computation.rs `try_handle_settle` takes it: Currency::withdraw from the
     * subsidy pool, resolved into the treasury by OnTreasurySettled (Balances.Deposit, Treasury.Deposit)
     */
    treasury: (amount: bigint): MiningPayload[] => [
        {kind: 'BalancesWithdraw', who: SUBSIDY_POOL_ACCOUNT, amount},
        {kind: 'BalancesDeposit', who: TREASURY_ACCOUNT, amount},
        {kind: 'TreasuryDeposit', value: amount},
    ],
    /** the old (wrong) shape of a treasury share: a transfer to the treasury */
    treasuryTransfer: (amount: bigint): MiningPayload => ({kind: 'Transfer', from: SUBSIDY_POOL_ACCOUNT, to: TREASURY_ACCOUNT, amount}),
    /** v2: stake_pool_v2.rs `handle_pool_new_reward` pays the reward to the W-PHA account (withdraw_subsidy_pool) */
    rewardTransfer: (amount: bigint): MiningPayload => ({kind: 'Transfer', from: SUBSIDY_POOL_ACCOUNT, to: WPHA_ACCOUNT, amount}),
    transfer: (from: string, to: string, amount: bigint): MiningPayload => ({kind: 'Transfer', from, to, amount}),
    settled: (session: string, vBits: bigint, payoutBits: bigint): MiningPayload => ({kind: 'SessionSettled', session, vBits, payoutBits}),
    benchmark: (session: string, pInstant: number): MiningPayload => ({kind: 'BenchmarkUpdated', session, pInstant}),
    /** a pool's reward: v2 with its transfer to the W-PHA account first, v1 alone (it stays in the subsidy pool) */
    reward: (pid: number, toOwner: bigint, toStakers: bigint, poolKind: 'StakePool' | 'StakePoolV1' = 'StakePool'): MiningPayload[] => [
        ...(poolKind === 'StakePoolV1' ? [] : [ev.rewardTransfer(toOwner + toStakers)]),
        ev.rewardOnly(pid, toOwner, toStakers, poolKind),
    ],
    /** the RewardReceived event alone */
    rewardOnly: (pid: number, toOwner: bigint, toStakers: bigint, poolKind: 'StakePool' | 'StakePoolV1' = 'StakePool'): MiningPayload => ({
        kind: 'RewardReceived',
        poolKind,
        pid: BigInt(pid),
        toOwner,
        toStakers,
    }),
    /** `endsMessage`: as the decoder says for the pallet (v1 always; v2 only before stake_pool_v2.rs 652127863) */
    notInPool: (w: string, amount: bigint, poolKind: 'StakePool' | 'StakePoolV1' = 'StakePool', endsMessage = poolKind === 'StakePoolV1'): MiningPayload => ({
        kind: 'RewardDismissedNotInPool',
        poolKind,
        worker: w,
        amount,
        endsMessage,
    }),
    dropped: (session: string, v: bigint, payout: bigint): MiningPayload => ({kind: 'SessionSettlementDropped', session, v, payout}),
    noShare: (pid: number, amount: bigint): MiningPayload => ({kind: 'RewardDismissedNoShare', poolKind: 'StakePool', pid: BigInt(pid), amount}),
    dust: (pid: number, amount: bigint): MiningPayload => ({kind: 'RewardDismissedDust', poolKind: 'StakePool', pid: BigInt(pid), amount}),
    ownerDust: (pid: number, amount: bigint): MiningPayload => ({kind: 'RewardToOwnerDismissedDust', poolKind: 'StakePool', pid: BigInt(pid), amount}),
    distributionDust: (pid: number, amount: bigint): MiningPayload => ({
        kind: 'RewardToDistributionDismissedDust',
        poolKind: 'StakePool',
        pid: BigInt(pid),
        amount,
    }),
    withdrawalQueued: (pid: number, user: string, shares: bigint): MiningPayload => ({
        kind: 'WithdrawalQueued',
        poolKind: 'BasePool',
        pid: BigInt(pid),
        user,
        shares,
        nftId: 1,
        asVault: null,
        withdrawingNftId: 2,
    }),
    withdrawal: (pid: number, user: string, amount: bigint, shares: bigint, burntShares: bigint | null = 0n): MiningPayload => ({
        kind: 'Withdrawal',
        poolKind: 'BasePool',
        pid: BigInt(pid),
        user,
        amount,
        shares,
        burntShares,
    }),
    ownerRewardsWithdrawn: (pid: number, user: string, amount: bigint, poolKind: 'StakePool' | 'StakePoolV1' = 'StakePool'): MiningPayload => ({
        kind: 'OwnerRewardsWithdrawn',
        poolKind,
        pid: BigInt(pid),
        user,
        amount,
    }),
    stakerRewardsWithdrawn: (pid: number, user: string, amount: bigint): MiningPayload => ({
        kind: 'StakerRewardsWithdrawn',
        poolKind: 'StakePoolV1',
        pid: BigInt(pid),
        user,
        amount,
    }),
    paramsChanged: (): MiningPayload => ({kind: 'TokenomicParametersChanged'}),
    budgetUpdated: (nonce: bigint, budget: bigint): MiningPayload => ({kind: 'BudgetUpdated', nonce, budget}),
    halved: (): MiningPayload => ({kind: 'SubsidyBudgetHalved'}),
}

export const ONE = ONE_FIXED
