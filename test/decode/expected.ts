/**
 * The specification of the normalization, per `Pallet.Event`: from an event's fields (by their metadata
 * names, snake_case; positional v900-era fields get the names their metadata docs give, mapped by
 * TUPLE_ALIASES to the later struct names) to the expected payload.
 *
 * `get(name)` demands the field in this spec; `opt(name)` is for fields only some specs have (undefined
 * when absent) — the tests check that every `opt` name exists in at least one real spec.
 */
import type {MiningPayload} from '../../src/decode'

export interface FieldAccess {
    get(name: string): any
    opt(name: string): any
}

type Expect = (f: FieldAccess) => MiningPayload

/** positional names from the v900 docs (`\[miner, v, payout\]`) → the names of the later struct fields */
export const TUPLE_ALIASES: Record<string, string> = {
    v: 'v_bits',
    payout: 'payout_bits',
    account: 'user',
    value: 'amount',
}

/** events of the covered pallets that are deliberately not decoded */
export const NOT_MINING: Record<string, string> = {
    'PhalaRegistry.GatekeeperAdded': 'gatekeeper set, not mining',
    'PhalaRegistry.GatekeeperRemoved': 'gatekeeper set, not mining',
    'PhalaRegistry.GatekeeperLaunched': 'gatekeeper set, not mining',
    'PhalaRegistry.MasterKeyRotated': 'key management, not mining',
    'PhalaRegistry.MasterKeyRotationFailed': 'key management, not mining',
    'PhalaRegistry.MinimumPRuntimeVersionChangedTo': 'pruntime versioning, not mining',
    'PhalaRegistry.PRuntimeConsensusVersionChangedTo': 'pruntime versioning, not mining',
}

const V1 = 'StakePoolV1' as const
const V2 = 'StakePool' as const
const BP = 'BasePool' as const

const miningShared = (pallet: 'PhalaMining' | 'PhalaComputation', session: 'miner' | 'session'): Record<string, Expect> => ({
    [`${pallet}.CoolDownExpirationChanged`]: f => ({kind: 'CoolDownExpirationChanged', period: f.get('period')}),
    [`${pallet}.SubsidyBudgetHalved`]: () => ({kind: 'SubsidyBudgetHalved'}),
    [`${pallet}.InternalErrorWrongHalvingConfigured`]: () => ({kind: 'WrongHalvingConfigured'}),
    [`${pallet}.TokenomicParametersChanged`]: () => ({kind: 'TokenomicParametersChanged'}),
    [`${pallet}.BenchmarkUpdated`]: f => ({kind: 'BenchmarkUpdated', session: f.get(session), pInstant: f.get('p_instant')}),
})

export const EXPECTED: Record<string, Expect> = {
    // ---------------------------------------------------------------- PhalaRegistry
    'PhalaRegistry.WorkerAdded': f => ({
        kind: 'WorkerAdded',
        worker: f.get('pubkey'),
        attestationProvider: f.opt('attestation_provider')?.__kind ?? null,
        confidenceLevel: f.opt('confidence_level') ?? 0,
    }),
    'PhalaRegistry.WorkerUpdated': f => ({
        kind: 'WorkerUpdated',
        worker: f.get('pubkey'),
        attestationProvider: f.opt('attestation_provider')?.__kind ?? null,
        confidenceLevel: f.opt('confidence_level') ?? 0,
    }),
    'PhalaRegistry.InitialScoreSet': f => ({kind: 'InitialScoreSet', worker: f.get('pubkey'), initScore: f.get('init_score')}),

    // ---------------------------------------------------------------- PhalaMining (v1)
    ...miningShared('PhalaMining', 'miner'),
    'PhalaMining.MinerStarted': f => ({
        kind: 'WorkerStarted',
        session: f.get('miner'),
        initV: f.opt('init_v') ?? null,
        initP: f.opt('init_p') ?? null,
    }),
    'PhalaMining.MinerStopped': f => ({kind: 'WorkerStopped', session: f.get('miner')}),
    'PhalaMining.MinerReclaimed': f => ({
        kind: 'WorkerReclaimed',
        session: f.get('miner'),
        originalStake: f.get('original_stake'),
        slashed: f.get('slashed'),
    }),
    'PhalaMining.MinerBound': f => ({kind: 'SessionBound', session: f.get('miner'), worker: f.get('worker')}),
    'PhalaMining.MinerUnbound': f => ({kind: 'SessionUnbound', session: f.get('miner'), worker: f.get('worker')}),
    'PhalaMining.MinerEnterUnresponsive': f => ({kind: 'WorkerEnterUnresponsive', session: f.get('miner')}),
    'PhalaMining.MinerExitUnresponive': f => ({kind: 'WorkerExitUnresponsive', session: f.get('miner')}),
    'PhalaMining.MinerExitUnresponsive': f => ({kind: 'WorkerExitUnresponsive', session: f.get('miner')}),
    'PhalaMining.MinerSettled': f => ({
        kind: 'SessionSettled',
        session: f.get('miner'),
        vBits: f.get('v_bits'),
        payoutBits: f.get('payout_bits'),
    }),
    'PhalaMining.InternalErrorMinerSettleFailed': f => ({kind: 'WorkerSettleFailed', worker: f.get('worker')}),
    'PhalaMining.MinerSettlementDropped': f => ({
        kind: 'SessionSettlementDropped',
        session: f.get('miner'),
        v: f.get('v'),
        payout: f.get('payout'),
    }),

    // ---------------------------------------------------------------- PhalaComputation (v2)
    ...miningShared('PhalaComputation', 'session'),
    'PhalaComputation.WorkerStarted': f => ({
        kind: 'WorkerStarted',
        session: f.get('session'),
        initV: f.get('init_v'),
        initP: f.get('init_p'),
    }),
    'PhalaComputation.WorkerStopped': f => ({kind: 'WorkerStopped', session: f.get('session')}),
    'PhalaComputation.WorkerReclaimed': f => ({
        kind: 'WorkerReclaimed',
        session: f.get('session'),
        originalStake: f.get('original_stake'),
        slashed: f.get('slashed'),
    }),
    'PhalaComputation.SessionBound': f => ({kind: 'SessionBound', session: f.get('session'), worker: f.get('worker')}),
    'PhalaComputation.SessionUnbound': f => ({kind: 'SessionUnbound', session: f.get('session'), worker: f.get('worker')}),
    'PhalaComputation.WorkerEnterUnresponsive': f => ({kind: 'WorkerEnterUnresponsive', session: f.get('session')}),
    'PhalaComputation.WorkerExitUnresponsive': f => ({kind: 'WorkerExitUnresponsive', session: f.get('session')}),
    'PhalaComputation.SessionSettled': f => ({
        kind: 'SessionSettled',
        session: f.get('session'),
        vBits: f.get('v_bits'),
        payoutBits: f.get('payout_bits'),
    }),
    'PhalaComputation.InternalErrorWorkerSettleFailed': f => ({kind: 'WorkerSettleFailed', worker: f.get('worker')}),
    'PhalaComputation.SessionSettlementDropped': f => ({
        kind: 'SessionSettlementDropped',
        session: f.get('session'),
        v: f.get('v'),
        payout: f.get('payout'),
    }),
    'PhalaComputation.BudgetUpdated': f => ({kind: 'BudgetUpdated', nonce: f.get('nonce'), budget: f.get('budget')}),

    // ---------------------------------------------------------------- PhalaStakePool (v1)
    'PhalaStakePool.PoolCreated': f => ({
        kind: 'PoolCreated',
        poolKind: V1,
        pid: f.get('pid'),
        owner: f.get('owner'),
        cid: null,
        poolAccount: null,
    }),
    'PhalaStakePool.PoolCommissionSet': f => ({kind: 'PoolCommissionSet', poolKind: V1, pid: f.get('pid'), commission: f.get('commission')}),
    'PhalaStakePool.PoolCapacitySet': f => ({kind: 'PoolCapacitySet', poolKind: V1, pid: f.get('pid'), cap: f.get('cap')}),
    'PhalaStakePool.PoolWorkerAdded': f => ({
        kind: 'PoolWorkerAdded',
        poolKind: V1,
        pid: f.get('pid'),
        worker: f.get('worker'),
        session: f.opt('miner') ?? null,
    }),
    'PhalaStakePool.Contribution': f => ({
        kind: 'Contribution',
        poolKind: V1,
        pid: f.get('pid'),
        user: f.get('user'),
        amount: f.get('amount'),
        shares: f.opt('shares') ?? null,
        asVault: null,
    }),
    'PhalaStakePool.Withdrawal': f => ({
        kind: 'Withdrawal',
        poolKind: V1,
        pid: f.get('pid'),
        user: f.get('user'),
        amount: f.get('amount'),
        shares: f.opt('shares') ?? null,
        burntShares: null,
    }),
    'PhalaStakePool.RewardsWithdrawn': f => ({
        kind: 'StakerRewardsWithdrawn',
        poolKind: V1,
        pid: f.get('pid'),
        user: f.get('user'),
        amount: f.get('amount'),
    }),
    'PhalaStakePool.PoolSlashed': f => ({kind: 'PoolSlashed', poolKind: V1, pid: f.get('pid'), amount: f.get('amount')}),
    'PhalaStakePool.SlashSettled': f => ({kind: 'SlashSettled', poolKind: V1, pid: f.get('pid'), user: f.get('user'), amount: f.get('amount')}),
    'PhalaStakePool.RewardDismissedNotInPool': f => ({
        kind: 'RewardDismissedNotInPool',
        poolKind: V1,
        worker: f.get('worker'),
        amount: f.get('amount'),
        // stakepool.rs (2022) on_reward returns after it
        endsMessage: true,
    }),
    'PhalaStakePool.RewardDismissedNoShare': f => ({kind: 'RewardDismissedNoShare', poolKind: V1, pid: f.get('pid'), amount: f.get('amount')}),
    'PhalaStakePool.RewardDismissedDust': f => ({kind: 'RewardDismissedDust', poolKind: V1, pid: f.get('pid'), amount: f.get('amount')}),
    'PhalaStakePool.DustRemoved': f => ({kind: 'DustRemoved', poolKind: V1, user: f.get('user'), amount: f.get('amount')}),
    'PhalaStakePool.PoolWorkerRemoved': f => ({kind: 'PoolWorkerRemoved', poolKind: V1, pid: f.get('pid'), worker: f.get('worker')}),
    'PhalaStakePool.WithdrawalQueued': f => ({
        kind: 'WithdrawalQueued',
        poolKind: V1,
        pid: f.get('pid'),
        user: f.get('user'),
        shares: f.get('shares'),
        nftId: null,
        asVault: null,
        withdrawingNftId: null,
    }),
    'PhalaStakePool.OwnerRewardsWithdrawn': f => ({
        kind: 'OwnerRewardsWithdrawn',
        poolKind: V1,
        pid: f.get('pid'),
        user: f.get('user'),
        amount: f.get('amount'),
    }),
    'PhalaStakePool.StakerRewardsWithdrawn': f => ({
        kind: 'StakerRewardsWithdrawn',
        poolKind: V1,
        pid: f.get('pid'),
        user: f.get('user'),
        amount: f.get('amount'),
    }),
    'PhalaStakePool.PoolWhitelistCreated': f => ({kind: 'PoolWhitelistCreated', poolKind: V1, pid: f.get('pid')}),
    'PhalaStakePool.PoolWhitelistDeleted': f => ({kind: 'PoolWhitelistDeleted', poolKind: V1, pid: f.get('pid')}),
    'PhalaStakePool.PoolWhitelistStakerAdded': f => ({
        kind: 'PoolWhitelistStakerAdded',
        poolKind: V1,
        pid: f.get('pid'),
        staker: f.get('staker'),
    }),
    'PhalaStakePool.PoolWhitelistStakerRemoved': f => ({
        kind: 'PoolWhitelistStakerRemoved',
        poolKind: V1,
        pid: f.get('pid'),
        staker: f.get('staker'),
    }),
    'PhalaStakePool.WorkerReclaimed': f => ({kind: 'PoolWorkerReclaimed', poolKind: V1, pid: f.get('pid'), worker: f.get('worker')}),
    'PhalaStakePool.RewardReceived': f => ({
        kind: 'RewardReceived',
        poolKind: V1,
        pid: f.get('pid'),
        toOwner: f.get('to_owner'),
        toStakers: f.get('to_stakers'),
    }),
    'PhalaStakePool.MiningStarted': f => ({
        kind: 'WorkingStarted',
        poolKind: V1,
        pid: f.get('pid'),
        worker: f.get('worker'),
        amount: f.get('amount'),
    }),

    // ---------------------------------------------------------------- PhalaStakePoolv2
    'PhalaStakePoolv2.PoolCreated': f => ({
        kind: 'PoolCreated',
        poolKind: V2,
        pid: f.get('pid'),
        owner: f.get('owner'),
        cid: f.get('cid'),
        poolAccount: f.get('pool_account_id'),
    }),
    'PhalaStakePoolv2.PoolCommissionSet': f => ({kind: 'PoolCommissionSet', poolKind: V2, pid: f.get('pid'), commission: f.get('commission')}),
    'PhalaStakePoolv2.PoolCapacitySet': f => ({kind: 'PoolCapacitySet', poolKind: V2, pid: f.get('pid'), cap: f.get('cap')}),
    'PhalaStakePoolv2.PoolWorkerAdded': f => ({
        kind: 'PoolWorkerAdded',
        poolKind: V2,
        pid: f.get('pid'),
        worker: f.get('worker'),
        session: f.get('session'),
    }),
    'PhalaStakePoolv2.Contribution': f => ({
        kind: 'Contribution',
        poolKind: V2,
        pid: f.get('pid'),
        user: f.get('user'),
        amount: f.get('amount'),
        shares: f.get('shares'),
        asVault: f.get('as_vault'),
    }),
    'PhalaStakePoolv2.OwnerRewardsWithdrawn': f => ({
        kind: 'OwnerRewardsWithdrawn',
        poolKind: V2,
        pid: f.get('pid'),
        user: f.get('user'),
        amount: f.get('amount'),
    }),
    'PhalaStakePoolv2.PoolSlashed': f => ({kind: 'PoolSlashed', poolKind: V2, pid: f.get('pid'), amount: f.get('amount')}),
    'PhalaStakePoolv2.SlashSettled': f => ({kind: 'SlashSettled', poolKind: V2, pid: f.get('pid'), user: f.get('user'), amount: f.get('amount')}),
    'PhalaStakePoolv2.RewardDismissedNotInPool': f => ({
        kind: 'RewardDismissedNotInPool',
        poolKind: V2,
        worker: f.get('worker'),
        amount: f.get('amount'),
        // Khala 1251 runs stake_pool_v2.rs after 652127863, whose on_reward continues
        endsMessage: false,
    }),
    'PhalaStakePoolv2.RewardDismissedNoShare': f => ({kind: 'RewardDismissedNoShare', poolKind: V2, pid: f.get('pid'), amount: f.get('amount')}),
    'PhalaStakePoolv2.RewardDismissedDust': f => ({kind: 'RewardDismissedDust', poolKind: V2, pid: f.get('pid'), amount: f.get('amount')}),
    'PhalaStakePoolv2.PoolWorkerRemoved': f => ({kind: 'PoolWorkerRemoved', poolKind: V2, pid: f.get('pid'), worker: f.get('worker')}),
    'PhalaStakePoolv2.WorkerReclaimed': f => ({kind: 'PoolWorkerReclaimed', poolKind: V2, pid: f.get('pid'), worker: f.get('worker')}),
    'PhalaStakePoolv2.RewardReceived': f => ({
        kind: 'RewardReceived',
        poolKind: V2,
        pid: f.get('pid'),
        toOwner: f.get('to_owner'),
        toStakers: f.get('to_stakers'),
    }),
    'PhalaStakePoolv2.WorkingStarted': f => ({
        kind: 'WorkingStarted',
        poolKind: V2,
        pid: f.get('pid'),
        worker: f.get('worker'),
        amount: f.get('amount'),
    }),
    'PhalaStakePoolv2.RewardToOwnerDismissedDust': f => ({
        kind: 'RewardToOwnerDismissedDust',
        poolKind: V2,
        pid: f.get('pid'),
        amount: f.get('amount'),
    }),
    'PhalaStakePoolv2.RewardToDistributionDismissedDust': f => ({
        kind: 'RewardToDistributionDismissedDust',
        poolKind: V2,
        pid: f.get('pid'),
        amount: f.get('amount'),
    }),

    // ---------------------------------------------------------------- PhalaBasePool
    'PhalaBasePool.NftCreated': f => ({
        kind: 'NftCreated',
        pid: f.get('pid'),
        cid: f.get('cid'),
        nftId: f.get('nft_id'),
        owner: f.get('owner'),
        shares: f.get('shares'),
    }),
    'PhalaBasePool.WithdrawalQueued': f => ({
        kind: 'WithdrawalQueued',
        poolKind: BP,
        pid: f.get('pid'),
        user: f.get('user'),
        shares: f.get('shares'),
        nftId: f.get('nft_id'),
        asVault: f.get('as_vault'),
        withdrawingNftId: f.opt('withdrawing_nft_id') ?? null,
    }),
    'PhalaBasePool.Withdrawal': f => ({
        kind: 'Withdrawal',
        poolKind: BP,
        pid: f.get('pid'),
        user: f.get('user'),
        amount: f.get('amount'),
        shares: f.get('shares'),
        burntShares: f.opt('burnt_shares') ?? null,
    }),
    'PhalaBasePool.PoolWhitelistCreated': f => ({kind: 'PoolWhitelistCreated', poolKind: BP, pid: f.get('pid')}),
    'PhalaBasePool.PoolWhitelistDeleted': f => ({kind: 'PoolWhitelistDeleted', poolKind: BP, pid: f.get('pid')}),
    'PhalaBasePool.PoolWhitelistStakerAdded': f => ({
        kind: 'PoolWhitelistStakerAdded',
        poolKind: BP,
        pid: f.get('pid'),
        staker: f.get('staker'),
    }),
    'PhalaBasePool.PoolWhitelistStakerRemoved': f => ({
        kind: 'PoolWhitelistStakerRemoved',
        poolKind: BP,
        pid: f.get('pid'),
        staker: f.get('staker'),
    }),

    // ---------------------------------------------------------------- PhalaVault
    'PhalaVault.PoolCreated': f => ({
        kind: 'PoolCreated',
        poolKind: 'Vault',
        pid: f.get('pid'),
        owner: f.get('owner'),
        cid: f.get('cid'),
        poolAccount: f.get('pool_account_id'),
    }),
    'PhalaVault.VaultCommissionSet': f => ({kind: 'VaultCommissionSet', pid: f.get('pid'), commission: f.get('commission')}),
    'PhalaVault.OwnerSharesClaimed': f => ({kind: 'OwnerSharesClaimed', pid: f.get('pid'), user: f.get('user'), shares: f.get('shares')}),
    'PhalaVault.OwnerSharesGained': f => ({
        kind: 'OwnerSharesGained',
        pid: f.get('pid'),
        shares: f.get('shares'),
        checkoutPrice: f.get('checkout_price'),
    }),
    'PhalaVault.Contribution': f => ({
        kind: 'Contribution',
        poolKind: 'Vault',
        pid: f.get('pid'),
        user: f.get('user'),
        amount: f.get('amount'),
        shares: f.get('shares'),
        asVault: null,
    }),

    // ---------------------------------------------------------------- Balances
    'Balances.Transfer': f => ({kind: 'Transfer', from: f.get('from'), to: f.get('to'), amount: f.get('amount')}),
    // the v900 docs name the positional fields [who, value] (value → amount) and [who, deposit]
    'Balances.Withdraw': f => ({kind: 'BalancesWithdraw', who: f.get('who'), amount: f.get('amount')}),
    'Balances.Deposit': f => ({kind: 'BalancesDeposit', who: f.get('who'), amount: f.opt('amount') ?? f.get('deposit')}),
    // ---------------------------------------------------------------- Treasury (v900: one positional [deposit])
    'Treasury.Deposit': f => ({kind: 'TreasuryDeposit', value: f.opt('value') ?? f.get('deposit')}),
}

/** the pallets whose every event is either in EXPECTED or in NOT_MINING */
export const COVERED_PALLETS = ['PhalaRegistry', 'PhalaMining', 'PhalaComputation', 'PhalaStakePool', 'PhalaStakePoolv2', 'PhalaBasePool', 'PhalaVault']

/** events of other pallets that are decoded */
export const EXTRA_EVENTS = ['Balances.Transfer', 'Balances.Withdraw', 'Balances.Deposit', 'Treasury.Deposit']
