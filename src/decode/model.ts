/**
 * The normalized mining events: one typed union for everything the mining analytics need.
 *
 * Decoding (src/decode/*) knows about runtime versions and pallet renames; nothing after it does.
 * - PhalaMining.Miner* (Khala before Dec 2022) and PhalaComputation.Worker* / Session* become the same kinds.
 * - Accounts, sessions and worker pubkeys are lowercase 0x-hex of their 32 bytes (raw; SS58 is for display).
 * - Amounts and shares are bigint plancks / 12-decimal share units; fixed-point values stay as their raw
 *   U64F64 bits (bigint); commission is parts per million (Permill).
 */

export type Hex = string

export interface EventMeta {
    /** Subsquid event id (`<height>-<hash prefix>-<index>`), unique across the chain */
    id: string
    blockHeight: number
    blockHash: string
    /** block timestamp, ms since epoch */
    timestamp: number
    /** index of the event inside the block */
    index: number
    /** original `Pallet.Event` name, kept for traceability */
    name: string
}

/**
 * which pool implementation an event or pool belongs to.
 * 'BasePool' (added by the decode layer): an event of the shared PhalaBasePool pallet (WithdrawalQueued,
 * Withdrawal, whitelists). Its pid is a v2 StakePool or a Vault and the event does not say which:
 * resolve it by pid (PoolCreated / readPools).
 */
export type PoolKind = 'StakePoolV1' | 'StakePool' | 'Vault' | 'BasePool'

export type MiningPayload =
    // ---- PhalaRegistry
    | {kind: 'WorkerAdded'; worker: Hex; attestationProvider: string | null; confidenceLevel: number}
    | {kind: 'WorkerUpdated'; worker: Hex; attestationProvider: string | null; confidenceLevel: number}
    | {kind: 'InitialScoreSet'; worker: Hex; initScore: number}
    // ---- PhalaMining (v1 era) / PhalaComputation (v2 era)
    | {kind: 'CoolDownExpirationChanged'; period: bigint}
    | {kind: 'SessionBound'; session: Hex; worker: Hex}
    | {kind: 'SessionUnbound'; session: Hex; worker: Hex}
    /** initV (U64F64 bits) and initP are null before spec 1170 */
    | {kind: 'WorkerStarted'; session: Hex; initV: bigint | null; initP: number | null}
    | {kind: 'WorkerStopped'; session: Hex}
    | {kind: 'WorkerReclaimed'; session: Hex; originalStake: bigint; slashed: bigint}
    | {kind: 'WorkerEnterUnresponsive'; session: Hex}
    | {kind: 'WorkerExitUnresponsive'; session: Hex}
    /** vBits and payoutBits are U64F64 bits */
    | {kind: 'SessionSettled'; session: Hex; vBits: bigint; payoutBits: bigint}
    /** v and payout are U64F64 bits */
    | {kind: 'SessionSettlementDropped'; session: Hex; v: bigint; payout: bigint}
    | {kind: 'BenchmarkUpdated'; session: Hex; pInstant: number}
    | {kind: 'WorkerSettleFailed'; worker: Hex}
    | {kind: 'SubsidyBudgetHalved'}
    | {kind: 'WrongHalvingConfigured'}
    | {kind: 'TokenomicParametersChanged'}
    /** budget is U64F64 bits (PHA per block) */
    | {kind: 'BudgetUpdated'; nonce: bigint; budget: bigint}
    // ---- pools: PhalaStakePool (v1), PhalaStakePoolv2, PhalaVault, PhalaBasePool
    /** cid and poolAccount are null for v1 pools */
    | {kind: 'PoolCreated'; poolKind: PoolKind; pid: bigint; owner: Hex; cid: number | null; poolAccount: Hex | null}
    /** commission in parts per million */
    | {kind: 'PoolCommissionSet'; poolKind: PoolKind; pid: bigint; commission: number}
    | {kind: 'PoolCapacitySet'; poolKind: PoolKind; pid: bigint; cap: bigint}
    | {kind: 'PoolWorkerAdded'; poolKind: PoolKind; pid: bigint; worker: Hex; session: Hex | null}
    | {kind: 'PoolWorkerRemoved'; poolKind: PoolKind; pid: bigint; worker: Hex}
    /** v2: amount is the stake; v1: MiningStarted */
    | {kind: 'WorkingStarted'; poolKind: PoolKind; pid: bigint; worker: Hex; amount: bigint}
    | {kind: 'PoolWorkerReclaimed'; poolKind: PoolKind; pid: bigint; worker: Hex}
    /** shares null for v1 specs before 1170; asVault is the vault pid when a vault delegated */
    | {kind: 'Contribution'; poolKind: PoolKind; pid: bigint; user: Hex; amount: bigint; shares: bigint | null; asVault: bigint | null}
    /** withdrawingNftId only from spec 1254 (null before) */
    | {
          kind: 'WithdrawalQueued'
          poolKind: PoolKind
          pid: bigint
          user: Hex
          shares: bigint
          nftId: number | null
          asVault: bigint | null
          withdrawingNftId: number | null
      }
    /** burntShares only from spec 1254 (null before); shares null for v1 specs before 1170 */
    | {kind: 'Withdrawal'; poolKind: PoolKind; pid: bigint; user: Hex; amount: bigint; shares: bigint | null; burntShares: bigint | null}
    | {kind: 'OwnerRewardsWithdrawn'; poolKind: PoolKind; pid: bigint; user: Hex; amount: bigint}
    /** v1 only: StakerRewardsWithdrawn / RewardsWithdrawn */
    | {kind: 'StakerRewardsWithdrawn'; poolKind: PoolKind; pid: bigint; user: Hex; amount: bigint}
    | {kind: 'RewardReceived'; poolKind: PoolKind; pid: bigint; toOwner: bigint; toStakers: bigint}
    | {
          kind: 'RewardDismissedNotInPool'
          poolKind: PoolKind
          worker: Hex
          amount: bigint
          /** the pallet's on_reward returned here: the message's later settles get no reward (stakepool.rs 2022; stake_pool_v2.rs before 652127863) */
          endsMessage: boolean
      }
    | {kind: 'RewardDismissedNoShare'; poolKind: PoolKind; pid: bigint; amount: bigint}
    | {kind: 'RewardDismissedDust'; poolKind: PoolKind; pid: bigint; amount: bigint}
    | {kind: 'RewardToOwnerDismissedDust'; poolKind: PoolKind; pid: bigint; amount: bigint}
    | {kind: 'RewardToDistributionDismissedDust'; poolKind: PoolKind; pid: bigint; amount: bigint}
    /** v1 only (PhalaStakePool.DustRemoved, added by the decode layer): a user's leftover dust stake was slashed to the treasury (OnSlashed); the event carries no pid */
    | {kind: 'DustRemoved'; poolKind: PoolKind; user: Hex; amount: bigint}
    | {kind: 'PoolSlashed'; poolKind: PoolKind; pid: bigint; amount: bigint}
    | {kind: 'SlashSettled'; poolKind: PoolKind; pid: bigint; user: Hex; amount: bigint}
    | {kind: 'NftCreated'; pid: bigint; cid: number; nftId: number; owner: Hex; shares: bigint}
    | {kind: 'VaultCommissionSet'; pid: bigint; commission: number}
    | {kind: 'OwnerSharesClaimed'; pid: bigint; user: Hex; shares: bigint}
    /** checkoutPrice: the u128 share price checkpoint as the chain emits it, kept raw */
    | {kind: 'OwnerSharesGained'; pid: bigint; shares: bigint; checkoutPrice: bigint}
    | {kind: 'PoolWhitelistCreated'; poolKind: PoolKind; pid: bigint}
    | {kind: 'PoolWhitelistDeleted'; poolKind: PoolKind; pid: bigint}
    | {kind: 'PoolWhitelistStakerAdded'; poolKind: PoolKind; pid: bigint; staker: Hex}
    | {kind: 'PoolWhitelistStakerRemoved'; poolKind: PoolKind; pid: bigint; staker: Hex}
    // ---- Balances and Treasury: money movements (only those touching the subsidy pool, the treasury or the
    // W-PHA account are kept, see src/decode/balances.ts `trackedEvents`)
    | {kind: 'Transfer'; from: Hex; to: Hex; amount: bigint}
    /** Balances.Withdraw: `Currency::withdraw` (the treasury share leaving the subsidy pool) */
    | {kind: 'BalancesWithdraw'; who: Hex; amount: bigint}
    /** Balances.Deposit: an imbalance resolved into an account (the treasury share reaching the treasury) */
    | {kind: 'BalancesDeposit'; who: Hex; amount: bigint}
    /** Treasury.Deposit: the treasury pallet's own record of the same deposit */
    | {kind: 'TreasuryDeposit'; value: bigint}

export type MiningEventKind = MiningPayload['kind']

export type MiningEvent = EventMeta & MiningPayload

/** Narrow helper: the payload of one kind */
export type PayloadOf<K extends MiningEventKind> = Extract<MiningPayload, {kind: K}>
