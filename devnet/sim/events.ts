/**
 * The field-type table of every event and storage item the devnet emits or accepts, per runtime era,
 * transcribed from the real Khala metadata (spec 1170 for era 'v1', spec 1251 for era 'v2'): pallet and
 * event names, field names (snake_case, in metadata order) and SCALE types.
 *
 * One table serves three purposes: the simulator's events are checked against it (tests), the event
 * script reader converts JSON (decimal strings) into typed values with it, and the script writer
 * serializes with it; the conversions and checks themselves are in ./values.
 *
 * JS value conventions (devnet/model.ts): u8/u16/u32 → number; u64/u128/Compact<u64> → bigint; AccountId32 and
 * [u8;32] → lowercase 0x-hex of 32 bytes; [u8;4] → lowercase 0x-hex of 4 bytes; Option → null or the value; Vec → array; struct → object keyed
 * by the metadata field names; enum → {__kind: 'Variant'} or {__kind: 'Variant', value: …} (Subsquid's
 * JSON convention). A composite with a single unnamed field (e.g. ExtraFlags(u128)) is given as its inner value.
 */
import type {RuntimeEra} from '../model'
import {MONEY_EVENTS_V1, MONEY_EVENTS_V2} from './events-money'

export type TypeDef =
    | 'u8'
    | 'u16'
    | 'u32'
    | 'u64'
    | 'u128'
    | 'bool'
    | 'AccountId32'
    | '[u8;32]'
    | '[u8;4]'
    | 'Compact<u64>'
    /** Vec<u8> (BoundedVec<u8>) as 0x-hex */
    | 'bytes'
    /** () */
    | 'unit'
    /** (u32, u32) as a two-number array */
    | '(u32,u32)'
    | {option: TypeDef}
    | {vec: TypeDef}
    | {struct: [string, TypeDef][]}
    | {enum: [string, TypeDef | null][]}

export type Fields = [string, TypeDef][]

const A: TypeDef = 'AccountId32'
const W: TypeDef = '[u8;32]'

const AttestationProvider: TypeDef = {
    enum: [
        ['Root', null],
        ['Ias', null],
    ],
}

// ---- events -----------------------------------------------------------------------------------------------

const balances: Record<string, Fields> = {
    Endowed: [
        ['account', A],
        ['free_balance', 'u128'],
    ],
    Transfer: [
        ['from', A],
        ['to', A],
        ['amount', 'u128'],
    ],
    Deposit: [
        ['who', A],
        ['amount', 'u128'],
    ],
    Withdraw: [
        ['who', A],
        ['amount', 'u128'],
    ],
}

const EVENTS_V1: Record<string, Record<string, Fields>> = {
    ...MONEY_EVENTS_V1,
    Balances: balances,
    PhalaRegistry: {
        GatekeeperAdded: [['pubkey', W]],
        GatekeeperRemoved: [['pubkey', W]],
        WorkerAdded: [['pubkey', W]],
        WorkerUpdated: [['pubkey', W]],
    },
    PhalaMining: {
        CoolDownExpirationChanged: [['period', 'u64']],
        MinerStarted: [
            ['miner', A],
            ['init_v', 'u128'],
            ['init_p', 'u32'],
        ],
        MinerStopped: [['miner', A]],
        MinerReclaimed: [
            ['miner', A],
            ['original_stake', 'u128'],
            ['slashed', 'u128'],
        ],
        MinerBound: [
            ['miner', A],
            ['worker', W],
        ],
        MinerUnbound: [
            ['miner', A],
            ['worker', W],
        ],
        MinerEnterUnresponsive: [['miner', A]],
        MinerExitUnresponsive: [['miner', A]],
        MinerSettled: [
            ['miner', A],
            ['v_bits', 'u128'],
            ['payout_bits', 'u128'],
        ],
        InternalErrorMinerSettleFailed: [['worker', W]],
        SubsidyBudgetHalved: [],
        InternalErrorWrongHalvingConfigured: [],
        TokenomicParametersChanged: [],
        MinerSettlementDropped: [
            ['miner', A],
            ['v', 'u128'],
            ['payout', 'u128'],
        ],
        BenchmarkUpdated: [
            ['miner', A],
            ['p_instant', 'u32'],
        ],
    },
    PhalaStakePool: {
        PoolCreated: [
            ['owner', A],
            ['pid', 'u64'],
        ],
        PoolCommissionSet: [
            ['pid', 'u64'],
            ['commission', 'u32'],
        ],
        PoolCapacitySet: [
            ['pid', 'u64'],
            ['cap', 'u128'],
        ],
        PoolWorkerAdded: [
            ['pid', 'u64'],
            ['worker', W],
            ['miner', A],
        ],
        Contribution: [
            ['pid', 'u64'],
            ['user', A],
            ['amount', 'u128'],
            ['shares', 'u128'],
        ],
        Withdrawal: [
            ['pid', 'u64'],
            ['user', A],
            ['amount', 'u128'],
            ['shares', 'u128'],
        ],
        RewardsWithdrawn: [
            ['pid', 'u64'],
            ['user', A],
            ['amount', 'u128'],
        ],
        OwnerRewardsWithdrawn: [
            ['pid', 'u64'],
            ['user', A],
            ['amount', 'u128'],
        ],
        StakerRewardsWithdrawn: [
            ['pid', 'u64'],
            ['user', A],
            ['amount', 'u128'],
        ],
        PoolSlashed: [
            ['pid', 'u64'],
            ['amount', 'u128'],
        ],
        SlashSettled: [
            ['pid', 'u64'],
            ['user', A],
            ['amount', 'u128'],
        ],
        RewardDismissedNotInPool: [
            ['worker', W],
            ['amount', 'u128'],
        ],
        RewardDismissedNoShare: [
            ['pid', 'u64'],
            ['amount', 'u128'],
        ],
        RewardDismissedDust: [
            ['pid', 'u64'],
            ['amount', 'u128'],
        ],
        DustRemoved: [
            ['user', A],
            ['amount', 'u128'],
        ],
        PoolWorkerRemoved: [
            ['pid', 'u64'],
            ['worker', W],
        ],
        WithdrawalQueued: [
            ['pid', 'u64'],
            ['user', A],
            ['shares', 'u128'],
        ],
        PoolWhitelistCreated: [['pid', 'u64']],
        PoolWhitelistDeleted: [['pid', 'u64']],
        PoolWhitelistStakerAdded: [
            ['pid', 'u64'],
            ['staker', A],
        ],
        PoolWhitelistStakerRemoved: [
            ['pid', 'u64'],
            ['staker', A],
        ],
        WorkerReclaimed: [
            ['pid', 'u64'],
            ['worker', W],
        ],
        RewardReceived: [
            ['pid', 'u64'],
            ['to_owner', 'u128'],
            ['to_stakers', 'u128'],
        ],
        MiningStarted: [
            ['pid', 'u64'],
            ['worker', W],
            ['amount', 'u128'],
        ],
    },
}

const EVENTS_V2: Record<string, Record<string, Fields>> = {
    ...MONEY_EVENTS_V2,
    Balances: balances,
    PhalaRegistry: {
        GatekeeperAdded: [['pubkey', W]],
        GatekeeperRemoved: [['pubkey', W]],
        WorkerAdded: [
            ['pubkey', W],
            ['attestation_provider', {option: AttestationProvider}],
            ['confidence_level', 'u8'],
        ],
        WorkerUpdated: [
            ['pubkey', W],
            ['attestation_provider', {option: AttestationProvider}],
            ['confidence_level', 'u8'],
        ],
        InitialScoreSet: [
            ['pubkey', W],
            ['init_score', 'u32'],
        ],
    },
    PhalaComputation: {
        CoolDownExpirationChanged: [['period', 'u64']],
        WorkerStarted: [
            ['session', A],
            ['init_v', 'u128'],
            ['init_p', 'u32'],
        ],
        WorkerStopped: [['session', A]],
        WorkerReclaimed: [
            ['session', A],
            ['original_stake', 'u128'],
            ['slashed', 'u128'],
        ],
        SessionBound: [
            ['session', A],
            ['worker', W],
        ],
        SessionUnbound: [
            ['session', A],
            ['worker', W],
        ],
        WorkerEnterUnresponsive: [['session', A]],
        WorkerExitUnresponsive: [['session', A]],
        SessionSettled: [
            ['session', A],
            ['v_bits', 'u128'],
            ['payout_bits', 'u128'],
        ],
        InternalErrorWorkerSettleFailed: [['worker', W]],
        SubsidyBudgetHalved: [],
        InternalErrorWrongHalvingConfigured: [],
        TokenomicParametersChanged: [],
        SessionSettlementDropped: [
            ['session', A],
            ['v', 'u128'],
            ['payout', 'u128'],
        ],
        BenchmarkUpdated: [
            ['session', A],
            ['p_instant', 'u32'],
        ],
        BudgetUpdated: [
            ['nonce', 'u64'],
            ['budget', 'u128'],
        ],
    },
    PhalaStakePoolv2: {
        PoolCreated: [
            ['owner', A],
            ['pid', 'u64'],
            ['cid', 'u32'],
            ['pool_account_id', A],
        ],
        PoolCommissionSet: [
            ['pid', 'u64'],
            ['commission', 'u32'],
        ],
        PoolCapacitySet: [
            ['pid', 'u64'],
            ['cap', 'u128'],
        ],
        PoolWorkerAdded: [
            ['pid', 'u64'],
            ['worker', W],
            ['session', A],
        ],
        Contribution: [
            ['pid', 'u64'],
            ['user', A],
            ['amount', 'u128'],
            ['shares', 'u128'],
            ['as_vault', {option: 'u64'}],
        ],
        OwnerRewardsWithdrawn: [
            ['pid', 'u64'],
            ['user', A],
            ['amount', 'u128'],
        ],
        PoolSlashed: [
            ['pid', 'u64'],
            ['amount', 'u128'],
        ],
        SlashSettled: [
            ['pid', 'u64'],
            ['user', A],
            ['amount', 'u128'],
        ],
        RewardDismissedNotInPool: [
            ['worker', W],
            ['amount', 'u128'],
        ],
        RewardDismissedNoShare: [
            ['pid', 'u64'],
            ['amount', 'u128'],
        ],
        RewardDismissedDust: [
            ['pid', 'u64'],
            ['amount', 'u128'],
        ],
        PoolWorkerRemoved: [
            ['pid', 'u64'],
            ['worker', W],
        ],
        WorkerReclaimed: [
            ['pid', 'u64'],
            ['worker', W],
        ],
        RewardReceived: [
            ['pid', 'u64'],
            ['to_owner', 'u128'],
            ['to_stakers', 'u128'],
        ],
        WorkingStarted: [
            ['pid', 'u64'],
            ['worker', W],
            ['amount', 'u128'],
        ],
        RewardToOwnerDismissedDust: [
            ['pid', 'u64'],
            ['amount', 'u128'],
        ],
        RewardToDistributionDismissedDust: [
            ['pid', 'u64'],
            ['amount', 'u128'],
        ],
    },
    PhalaVault: {
        PoolCreated: [
            ['owner', A],
            ['pid', 'u64'],
            ['cid', 'u32'],
            ['pool_account_id', A],
        ],
        VaultCommissionSet: [
            ['pid', 'u64'],
            ['commission', 'u32'],
        ],
        OwnerSharesClaimed: [
            ['pid', 'u64'],
            ['user', A],
            ['shares', 'u128'],
        ],
        OwnerSharesGained: [
            ['pid', 'u64'],
            ['shares', 'u128'],
            ['checkout_price', 'u128'],
        ],
        Contribution: [
            ['pid', 'u64'],
            ['user', A],
            ['amount', 'u128'],
            ['shares', 'u128'],
        ],
    },
    PhalaBasePool: {
        NftCreated: [
            ['pid', 'u64'],
            ['cid', 'u32'],
            ['nft_id', 'u32'],
            ['owner', A],
            ['shares', 'u128'],
        ],
        WithdrawalQueued: [
            ['pid', 'u64'],
            ['user', A],
            ['shares', 'u128'],
            ['nft_id', 'u32'],
            ['as_vault', {option: 'u64'}],
        ],
        Withdrawal: [
            ['pid', 'u64'],
            ['user', A],
            ['amount', 'u128'],
            ['shares', 'u128'],
        ],
        PoolWhitelistCreated: [['pid', 'u64']],
        PoolWhitelistDeleted: [['pid', 'u64']],
        PoolWhitelistStakerAdded: [
            ['pid', 'u64'],
            ['staker', A],
        ],
        PoolWhitelistStakerRemoved: [
            ['pid', 'u64'],
            ['staker', A],
        ],
    },
}

export const EVENTS: Record<RuntimeEra, Record<string, Record<string, Fields>>> = {v1: EVENTS_V1, v2: EVENTS_V2}

// the storage items' table lives in storage-types.ts
export {STORAGE, type StorageDef, storageDef} from './storage-types'

/** the spec whose metadata each era's table was transcribed from */
export const ERA_SPEC: Record<RuntimeEra, number> = {v1: 1170, v2: 1251}

// ---- lookups ------------------------------------------------------------------------------------------------

export function eventFields(era: RuntimeEra, pallet: string, name: string): Fields | undefined {
    return EVENTS[era][pallet]?.[name]
}
