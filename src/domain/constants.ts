/**
 * Well-known accounts and allocation constants of Phala mining.
 */
import {PLANCKS_PER_PHA} from './fixed'

/** AccountId of a Substrate PalletId: "modl" ++ id (8 bytes), zero-padded to 32 bytes, as 0x-hex. */
export function palletAccount(id: string): string {
    if (id.length !== 8) throw new RangeError(`a PalletId has 8 bytes, got ${JSON.stringify(id)}`)
    const bytes = Buffer.alloc(32)
    Buffer.from('modl' + id, 'latin1').copy(bytes)
    return '0x' + bytes.toString('hex')
}

/** the subsidy pool that pays every payout and treasury share: PalletId("phala/pp") */
export const SUBSIDY_POOL_ACCOUNT = palletAccount('phala/pp')
/** the on-chain treasury: PalletId("py/trsry") */
export const TREASURY_ACCOUNT = palletAccount('py/trsry')

/** 70% of the 1,000,000,000 PHA supply is reserved for computation rewards */
export const EMISSION_CAP = 700_000_000n * PLANCKS_PER_PHA

export const NETWORK_ID = 'network'

export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
export const YEAR_MS = 365 * DAY_MS
