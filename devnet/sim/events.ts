/**
 * The field-type table of every event and storage item the devnet emits or accepts, per runtime era,
 * transcribed from the real Khala metadata (spec 1170 for era 'v1', spec 1251 for era 'v2'): pallet and
 * event names, field names (snake_case, in metadata order) and SCALE types.
 *
 * One table serves three purposes: the simulator's events are checked against it (tests), the event
 * script reader converts JSON (decimal strings) into typed values with it, and the script writer
 * serializes with it.
 *
 * JS value conventions (devnet/model.ts): u8/u16/u32 → number; u64/u128 → bigint; AccountId32 and
 * [u8;32] → lowercase 0x-hex of 32 bytes; Option → null or the value; Vec → array; struct → object keyed
 * by the metadata field names; enum → {__kind: 'Variant'} or {__kind: 'Variant', value: …} (Subsquid's
 * JSON convention). A composite with a single unnamed field (e.g. ExtraFlags(u128)) is given as its inner value.
 */
import type {DevEvent, DevStorageWrite, DevValue, RuntimeEra} from '../model'

export type TypeDef =
    | 'u8'
    | 'u16'
    | 'u32'
    | 'u64'
    | 'u128'
    | 'bool'
    | 'AccountId32'
    | '[u8;32]'
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

/** the spec whose metadata each era's table was transcribed from */
export const ERA_SPEC: Record<RuntimeEra, number> = {v1: 1170, v2: 1251}

// ---- storage ----------------------------------------------------------------------------------------------

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

export interface StorageDef {
    keys: TypeDef[]
    value: TypeDef
}

export const STORAGE: Record<RuntimeEra, Record<string, StorageDef>> = {
    v1: {
        'PhalaMining.TokenomicParameters': {keys: [], value: TokenomicParameters},
        'PhalaMining.CoolDownPeriod': {keys: [], value: 'u64'},
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

// ---- lookups ------------------------------------------------------------------------------------------------

export function eventFields(era: RuntimeEra, pallet: string, name: string): Fields | undefined {
    return EVENTS[era][pallet]?.[name]
}

export function storageDef(era: RuntimeEra, pallet: string, item: string): StorageDef | undefined {
    return STORAGE[era][`${pallet}.${item}`]
}

// ---- JSON ⇄ typed values ------------------------------------------------------------------------------------

export class ValueError extends Error {
    constructor(
        public readonly path: string,
        message: string
    ) {
        super(`${path}: ${message}`)
    }
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/
const UINT = /^(0|[1-9][0-9]*)$/
const MAX: Record<string, bigint> = {u8: 0xffn, u16: 0xffffn, u32: 0xffffffffn, u64: (1n << 64n) - 1n, u128: (1n << 128n) - 1n}

function typeName(t: TypeDef): string {
    if (typeof t === 'string') return t
    if ('option' in t) return `Option<${typeName(t.option)}>`
    if ('vec' in t) return `Vec<${typeName(t.vec)}>`
    if ('struct' in t) return 'struct'
    return `enum(${t.enum.map(v => v[0]).join('|')})`
}

function parseUint(t: 'u8' | 'u16' | 'u32' | 'u64' | 'u128', json: unknown, path: string): bigint {
    let n: bigint
    if (typeof json === 'string') {
        const s = json.trim()
        if (s.startsWith('-')) throw new ValueError(path, `negative amount ${JSON.stringify(json)} for ${t}`)
        if (!UINT.test(s)) throw new ValueError(path, `expected a decimal ${t} string, got ${JSON.stringify(json)}`)
        n = BigInt(s)
    } else if (typeof json === 'number') {
        if (json < 0) throw new ValueError(path, `negative amount ${json} for ${t}`)
        if (!Number.isSafeInteger(json)) throw new ValueError(path, `expected an integer ${t} (use a decimal string above 2^53), got ${json}`)
        n = BigInt(json)
    } else if (typeof json === 'bigint') {
        if (json < 0n) throw new ValueError(path, `negative amount ${json} for ${t}`)
        n = json
    } else {
        throw new ValueError(path, `expected ${t} (decimal string), got ${json === null ? 'null' : typeof json}`)
    }
    if (n > MAX[t]) throw new ValueError(path, `${n} does not fit in ${t}`)
    return n
}

/** JSON (as in an event script: decimal strings, hex, null, {__kind}) → typed DevValue; throws ValueError naming the path */
export function fromJson(t: TypeDef, json: unknown, path: string): DevValue {
    if (typeof t === 'string') {
        switch (t) {
            case 'u8':
            case 'u16':
            case 'u32':
                return Number(parseUint(t, json, path))
            case 'u64':
            case 'u128':
                return parseUint(t, json, path)
            case 'bool':
                if (typeof json !== 'boolean') throw new ValueError(path, `expected bool, got ${JSON.stringify(json)}`)
                return json
            case 'AccountId32':
            case '[u8;32]':
                if (typeof json !== 'string' || !HEX32.test(json)) {
                    throw new ValueError(path, `expected ${t} as 0x-hex of 32 bytes, got ${JSON.stringify(json)}`)
                }
                return json.toLowerCase()
        }
    }
    if ('option' in t) return json === null || json === undefined ? null : fromJson(t.option, json, path)
    if ('vec' in t) {
        if (!Array.isArray(json)) throw new ValueError(path, `expected an array (${typeName(t)}), got ${JSON.stringify(json)}`)
        return json.map((x, i) => fromJson(t.vec, x, `${path}[${i}]`))
    }
    if ('struct' in t) {
        if (json === null || typeof json !== 'object' || Array.isArray(json)) {
            throw new ValueError(path, `expected an object, got ${JSON.stringify(json)}`)
        }
        return fieldsFromJson(t.struct, json as Record<string, unknown>, path)
    }
    // enum
    if (json === null || typeof json !== 'object' || Array.isArray(json) || typeof (json as any).__kind !== 'string') {
        throw new ValueError(path, `expected an enum value {"__kind": ${t.enum.map(v => JSON.stringify(v[0])).join('|')}}, got ${JSON.stringify(json)}`)
    }
    const kind = (json as any).__kind as string
    const variant = t.enum.find(v => v[0] === kind)
    if (!variant) throw new ValueError(`${path}.__kind`, `unknown variant ${JSON.stringify(kind)} (expected ${t.enum.map(v => v[0]).join(', ')})`)
    for (const k of Object.keys(json as object)) {
        if (k !== '__kind' && k !== 'value') throw new ValueError(`${path}.${k}`, 'unknown field in enum value')
    }
    if (variant[1] === null) {
        if ((json as any).value !== undefined && (json as any).value !== null) throw new ValueError(`${path}.value`, `variant ${kind} carries no value`)
        return {__kind: kind}
    }
    if (!('value' in (json as object))) throw new ValueError(`${path}.value`, `missing value of variant ${kind}`)
    return {__kind: kind, value: fromJson(variant[1], (json as any).value, `${path}.value`)}
}

/** an object with exactly the given fields (missing → error, unknown → error) */
export function fieldsFromJson(fields: Fields, json: Record<string, unknown>, path: string): {[k: string]: DevValue} {
    const out: {[k: string]: DevValue} = {}
    for (const [name, t] of fields) {
        if (!(name in json)) {
            // an absent Option is allowed to mean None
            if (typeof t === 'object' && 'option' in t) {
                out[name] = null
                continue
            }
            throw new ValueError(`${path}.${name}`, `missing field ${name} (${typeName(t)})`)
        }
        out[name] = fromJson(t, json[name], `${path}.${name}`)
    }
    for (const k of Object.keys(json)) {
        if (!fields.some(f => f[0] === k)) {
            throw new ValueError(`${path}.${k}`, `unknown field ${k} (expected ${fields.map(f => f[0]).join(', ') || 'no fields'})`)
        }
    }
    return out
}

/** typed DevValue → JSON for a script line (u64/u128 as decimal strings) */
export function toJson(t: TypeDef, v: DevValue): unknown {
    if (typeof t === 'string') {
        if (t === 'u64' || t === 'u128') return (v as bigint).toString()
        return v
    }
    if ('option' in t) return v === null || v === undefined ? null : toJson(t.option, v)
    if ('vec' in t) return (v as DevValue[]).map(x => toJson(t.vec, x))
    if ('struct' in t) {
        const o = v as {[k: string]: DevValue}
        const out: Record<string, unknown> = {}
        for (const [name, ft] of t.struct) out[name] = toJson(ft, o[name])
        return out
    }
    const e = v as {__kind: string; value?: DevValue}
    const variant = t.enum.find(x => x[0] === e.__kind)
    if (!variant) throw new ValueError('value', `unknown variant ${e.__kind}`)
    return variant[1] === null ? {__kind: e.__kind} : {__kind: e.__kind, value: toJson(variant[1], e.value as DevValue)}
}

/**
 * Check an already typed value (what the simulator emits) against a type; returns null when valid,
 * otherwise a message naming the path. Strict: JS types must match the conventions above.
 */
export function checkValue(t: TypeDef, v: unknown, path: string): string | null {
    if (typeof t === 'string') {
        switch (t) {
            case 'u8':
            case 'u16':
            case 'u32':
                return typeof v === 'number' && Number.isInteger(v) && v >= 0 && BigInt(v) <= MAX[t]
                    ? null
                    : `${path}: expected ${t} number, got ${String(v)} (${typeof v})`
            case 'u64':
            case 'u128':
                return typeof v === 'bigint' && v >= 0n && v <= MAX[t] ? null : `${path}: expected ${t} bigint, got ${String(v)} (${typeof v})`
            case 'bool':
                return typeof v === 'boolean' ? null : `${path}: expected boolean`
            default:
                return typeof v === 'string' && HEX32.test(v) && v === v.toLowerCase()
                    ? null
                    : `${path}: expected lowercase 0x-hex of 32 bytes, got ${String(v)}`
        }
    }
    if ('option' in t) return v === null ? null : checkValue(t.option, v, path)
    if ('vec' in t) {
        if (!Array.isArray(v)) return `${path}: expected array`
        for (let i = 0; i < v.length; i++) {
            const e = checkValue(t.vec, v[i], `${path}[${i}]`)
            if (e) return e
        }
        return null
    }
    if ('struct' in t) {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return `${path}: expected object`
        return checkFields(t.struct, v as Record<string, unknown>, path)
    }
    if (v === null || typeof v !== 'object') return `${path}: expected enum value`
    const kind = (v as any).__kind
    const variant = t.enum.find(x => x[0] === kind)
    if (!variant) return `${path}: unknown variant ${String(kind)}`
    if (variant[1] === null) return Object.keys(v).length === 1 ? null : `${path}: unit variant ${kind} with extra keys`
    if (Object.keys(v).length !== 2) return `${path}: variant ${kind} must be {__kind, value}`
    return checkValue(variant[1], (v as any).value, `${path}.value`)
}

export function checkFields(fields: Fields, o: Record<string, unknown>, path: string): string | null {
    const keys = Object.keys(o)
    if (keys.length !== fields.length || fields.some(([n]) => !(n in o))) {
        return `${path}: fields {${keys.join(', ')}} differ from {${fields.map(f => f[0]).join(', ')}}`
    }
    for (const [name, t] of fields) {
        const e = checkValue(t, o[name], `${path}.${name}`)
        if (e) return e
    }
    return null
}

/** null if the event matches the era's table exactly, otherwise why not */
export function checkEvent(era: RuntimeEra, ev: DevEvent): string | null {
    const fields = eventFields(era, ev.pallet, ev.name)
    if (!fields) return `${ev.pallet}.${ev.name}: no such event in era ${era} (spec ${ERA_SPEC[era]})`
    return checkFields(fields, ev.args, `${ev.pallet}.${ev.name}`)
}

export function checkStorage(era: RuntimeEra, w: DevStorageWrite): string | null {
    const def = storageDef(era, w.pallet, w.item)
    const name = `${w.pallet}.${w.item}`
    if (!def) return `${name}: storage item not known in era ${era}`
    if (w.keys.length !== def.keys.length) return `${name}: expected ${def.keys.length} keys, got ${w.keys.length}`
    for (let i = 0; i < def.keys.length; i++) {
        const e = checkValue(def.keys[i], w.keys[i], `${name}.keys[${i}]`)
        if (e) return e
    }
    if (w.value === null) return null
    return checkValue(def.value, w.value, `${name}.value`)
}
