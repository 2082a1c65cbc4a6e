/**
 * The events of the system and money pallets the devnet emits around the mining pallets, per runtime era,
 * transcribed from the real Khala metadata (spec 1170 for 'v1', spec 1251 for 'v2'): the extrinsic outcome
 * (System), the fee (TransactionPayment), the treasury's deposit (Treasury) and, in 'v2', the W-PHA asset
 * (Assets, PhalaWrappedBalances). Merged into the table of ./events; only the variants the devnet emits or
 * accepts in scripts are listed (the test against the metadata checks that each listed one is exact).
 */
import type {Fields, TypeDef} from './events'

const A: TypeDef = 'AccountId32'

const unitEnum = (...names: string[]): TypeDef => ({enum: names.map(n => [n, null] as [string, null])})

const DispatchClass = unitEnum('Normal', 'Operational', 'Mandatory')
const Pays = unitEnum('Yes', 'No')
const ModuleError: TypeDef = {
    struct: [
        ['index', 'u8'],
        ['error', '[u8;4]'],
    ],
}
const ArithmeticError = unitEnum('Underflow', 'Overflow', 'DivisionByZero')
const TransactionalError = unitEnum('LimitReached', 'NoLayer')

/** sp_runtime::DispatchError of each era (1251 adds three unit variants and renames token errors) */
function dispatchError(tokenErrors: string[], extra: string[]): TypeDef {
    return {
        enum: [
            ['Other', null],
            ['CannotLookup', null],
            ['BadOrigin', null],
            ['Module', ModuleError],
            ['ConsumerRemaining', null],
            ['NoProviders', null],
            ['TooManyConsumers', null],
            ['Token', unitEnum(...tokenErrors)],
            ['Arithmetic', ArithmeticError],
            ['Transactional', TransactionalError],
            ...extra.map(n => [n, null] as [string, null]),
        ],
    }
}

function systemEvents(weight: TypeDef, error: TypeDef): Record<string, Fields> {
    const DispatchInfo: TypeDef = {
        struct: [
            ['weight', weight],
            ['class', DispatchClass],
            ['pays_fee', Pays],
        ],
    }
    return {
        ExtrinsicSuccess: [['dispatch_info', DispatchInfo]],
        ExtrinsicFailed: [
            ['dispatch_error', error],
            ['dispatch_info', DispatchInfo],
        ],
    }
}

const transactionPayment: Record<string, Fields> = {
    TransactionFeePaid: [
        ['who', A],
        ['actual_fee', 'u128'],
        ['tip', 'u128'],
    ],
}

const treasury: Record<string, Fields> = {
    Deposit: [['value', 'u128']],
}

export const MONEY_EVENTS_V1: Record<string, Record<string, Fields>> = {
    System: systemEvents('u64', dispatchError(['NoFunds', 'WouldDie', 'BelowMinimum', 'CannotCreate', 'UnknownAsset', 'Frozen', 'Unsupported'], [])),
    TransactionPayment: transactionPayment,
    Treasury: treasury,
}

export const MONEY_EVENTS_V2: Record<string, Record<string, Fields>> = {
    System: systemEvents(
        {
            struct: [
                ['ref_time', 'Compact<u64>'],
                ['proof_size', 'Compact<u64>'],
            ],
        },
        dispatchError(
            ['FundsUnavailable', 'OnlyProvider', 'BelowMinimum', 'CannotCreate', 'UnknownAsset', 'Frozen', 'Unsupported', 'CannotCreateHold', 'NotExpendable'],
            ['Exhausted', 'Corruption', 'Unavailable']
        )
    ),
    TransactionPayment: transactionPayment,
    Treasury: treasury,
    // pallet_assets as configured in Khala 1251 (AssetId = u32); W-PHA is one of its assets
    Assets: {
        Issued: [
            ['asset_id', 'u32'],
            ['owner', A],
            ['amount', 'u128'],
        ],
        Transferred: [
            ['asset_id', 'u32'],
            ['from', A],
            ['to', A],
            ['amount', 'u128'],
        ],
        Burned: [
            ['asset_id', 'u32'],
            ['owner', A],
            ['balance', 'u128'],
        ],
    },
}
