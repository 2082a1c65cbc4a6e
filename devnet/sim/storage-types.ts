/**
 * The type table of every storage item the devnet writes, per runtime era, transcribed from the Khala
 * metadata (spec 1170 for v1, 1251 for v2; chain/khala/*.scale) and checked against it by
 * test/devnet/sim-fields.test.ts. Values follow the conventions of events.ts.
 */
import type {RuntimeEra} from '../model'
import type {Fields, TypeDef} from './events'

const A: TypeDef = 'AccountId32'
const W: TypeDef = '[u8;32]'

// ---- items ----------------------------------------------------------------------------------------------

const TokenomicParameters: TypeDef = {
    struct: [
        ['pha_rate', 'u128'],
        ['rho', 'u128'],
        ['budget_per_block', 'u128'],
        ['v_max', 'u128'],
        ['cost_k', 'u128'],
        ['cost_b', 'u128'],
        ['slash_rate', 'u128'],
        ['treasury_ratio', 'u128'],
        ['heartbeat_window', 'u32'],
        ['rig_k', 'u128'],
        ['rig_b', 'u128'],
        ['re', 'u128'],
        ['k', 'u128'],
        ['kappa', 'u128'],
    ],
}

const BasePool: TypeDef = {
    struct: [
        ['pid', 'u64'],
        ['owner', A],
        ['total_shares', 'u128'],
        ['total_value', 'u128'],
        [
            'withdraw_queue',
            {
                vec: {
                    struct: [
                        ['user', A],
                        ['start_time', 'u64'],
                        ['nft_id', 'u32'],
                    ],
                },
            },
        ],
        ['value_subscribers', {vec: 'u64'}],
        ['cid', 'u32'],
        ['pool_account_id', A],
    ],
}

const PoolProxy: TypeDef = {
    enum: [
        [
            'StakePool',
            {
                struct: [
                    ['basepool', BasePool],
                    ['payout_commission', {option: 'u32'}],
                    ['cap', {option: 'u128'}],
                    ['workers', {vec: W}],
                    ['cd_workers', {vec: W}],
                    ['lock_account', A],
                    ['owner_reward_account', A],
                ],
            },
        ],
        [
            'Vault',
            {
                struct: [
                    ['basepool', BasePool],
                    ['last_share_price_checkpoint', 'u128'],
                    ['commission', {option: 'u32'}],
                    ['owner_shares', 'u128'],
                    ['invest_pools', {vec: 'u64'}],
                ],
            },
        ],
    ],
}

const accountInfo = (data: Fields): TypeDef => ({
    struct: [
        ['nonce', 'u32'],
        ['consumers', 'u32'],
        ['providers', 'u32'],
        ['sufficients', 'u32'],
        ['data', {struct: data}],
    ],
})

/** MinerInfo (v1) / SessionInfo (v2): mining.rs / computation.rs; the state enum and one benchmark field renamed */
const sessionInfo = (states: string[], startField: string): TypeDef => ({
    struct: [
        ['state', {enum: states.map((n): [string, null] => [n, null])}],
        ['ve', 'u128'],
        ['v', 'u128'],
        ['v_updated_at', 'u64'],
        [
            'benchmark',
            {
                struct: [
                    ['p_init', 'u32'],
                    ['p_instant', 'u32'],
                    ['iterations', 'u64'],
                    [startField, 'u64'],
                    ['challenge_time_last', 'u64'],
                ],
            },
        ],
        ['cool_down_start', 'u64'],
        ['stats', {struct: [['total_reward', 'u128']]}],
    ],
})

/** stakepool.rs (2022) PoolInfo */
const PoolInfoV1: TypeDef = {
    struct: [
        ['pid', 'u64'],
        ['owner', A],
        ['payout_commission', {option: 'u32'}],
        ['owner_reward', 'u128'],
        ['cap', {option: 'u128'}],
        ['reward_acc', 'u128'],
        ['total_shares', 'u128'],
        ['total_stake', 'u128'],
        ['free_stake', 'u128'],
        ['releasing_stake', 'u128'],
        ['workers', {vec: W}],
        [
            'withdraw_queue',
            {
                vec: {
                    struct: [
                        ['user', A],
                        ['shares', 'u128'],
                        ['start_time', 'u64'],
                    ],
                },
            },
        ],
    ],
}

/** stakepool.rs (2022) UserStakeInfo */
const UserStakeInfo: TypeDef = {
    struct: [
        ['user', A],
        ['locked', 'u128'],
        ['shares', 'u128'],
        ['available_rewards', 'u128'],
        ['reward_debt', 'u128'],
    ],
}

/** pallet_assets AssetAccount (the W-PHA balance of an account) */
const AssetAccount: TypeDef = {
    struct: [
        ['balance', 'u128'],
        ['is_frozen', 'bool'],
        [
            'reason',
            {
                enum: [
                    ['Consumer', null],
                    ['Sufficient', null],
                    ['DepositHeld', 'u128'],
                    ['DepositRefunded', null],
                ],
            },
        ],
        ['extra', 'unit'],
    ],
}

/** rmrk_traits NftInfo (a stake NFT: its owner) */
const NftInfo: TypeDef = {
    struct: [
        [
            'owner',
            {
                enum: [
                    ['AccountId', A],
                    ['CollectionAndNftTuple', '(u32,u32)'],
                ],
            },
        ],
        [
            'royalty',
            {
                option: {
                    struct: [
                        ['recipient', A],
                        ['amount', 'u32'],
                    ],
                },
            },
        ],
        ['metadata', 'bytes'],
        ['equipped', {option: '(u32,u32)'}],
        ['pending', 'bool'],
        ['transferable', 'bool'],
    ],
}

export interface StorageDef {
    keys: TypeDef[]
    value: TypeDef
}

export const STORAGE: Record<RuntimeEra, Record<string, StorageDef>> = {
    v1: {
        'PhalaMining.TokenomicParameters': {keys: [], value: TokenomicParameters},
        'PhalaMining.CoolDownPeriod': {keys: [], value: 'u64'},
        'PhalaMining.Miners': {
            keys: [A],
            value: sessionInfo(['Ready', 'MiningIdle', 'MiningActive', 'MiningUnresponsive', 'MiningCoolingDown'], 'mining_start_time'),
        },
        'PhalaMining.Stakes': {keys: [A], value: 'u128'},
        'PhalaStakePool.StakePools': {keys: ['u64'], value: PoolInfoV1},
        'PhalaStakePool.PoolStakers': {keys: ['u64', A], value: UserStakeInfo},
        'System.Account': {
            keys: [A],
            value: accountInfo([
                ['free', 'u128'],
                ['reserved', 'u128'],
                ['misc_frozen', 'u128'],
                ['fee_frozen', 'u128'],
            ]),
        },
    },
    v2: {
        'PhalaComputation.TokenomicParameters': {keys: [], value: TokenomicParameters},
        'PhalaComputation.CoolDownPeriod': {keys: [], value: 'u64'},
        'PhalaBasePool.Pools': {keys: ['u64'], value: PoolProxy},
        'PhalaComputation.Sessions': {
            keys: [A],
            value: sessionInfo(['Ready', 'WorkerIdle', '_Unused', 'WorkerUnresponsive', 'WorkerCoolingDown'], 'working_start_time'),
        },
        'PhalaComputation.Stakes': {keys: [A], value: 'u128'},
        'Assets.Account': {keys: ['u32', A], value: AssetAccount},
        'RmrkCore.Nfts': {keys: ['u32', 'u32'], value: NftInfo},
        'RmrkCore.Properties': {keys: ['u32', {option: 'u32'}, 'bytes'], value: 'bytes'},
        'System.Account': {
            keys: [A],
            // flags is ExtraFlags(u128), given as its inner u128
            value: accountInfo([
                ['free', 'u128'],
                ['reserved', 'u128'],
                ['frozen', 'u128'],
                ['flags', 'u128'],
            ]),
        },
    },
}

export function storageDef(era: RuntimeEra, pallet: string, item: string): StorageDef | undefined {
    return STORAGE[era][`${pallet}.${item}`]
}
