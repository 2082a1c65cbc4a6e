/**
 * Well-known accounts and allocation constants of Phala mining.
 */
import {PLANCKS_PER_PHA} from './fixed'

export {palletAccount, SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT, WPHA_ACCOUNT} from '../decode/accounts'

/** 70% of the 1,000,000,000 PHA supply is reserved for computation rewards */
export const EMISSION_CAP = 700_000_000n * PLANCKS_PER_PHA

export const NETWORK_ID = 'network'

export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
export const YEAR_MS = 365 * DAY_MS
