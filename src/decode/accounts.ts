/**
 * The accounts mining moves money through, as lowercase 0x-hex of their 32 bytes. Defined here, below the
 * domain, because the decode layer already uses them to keep only the balance events that touch them.
 */

/** AccountId of a Substrate PalletId: "modl" ++ id (8 bytes), zero-padded to 32 bytes, as 0x-hex. */
export function palletAccount(id: string): string {
    if (id.length !== 8) throw new RangeError(`a PalletId has 8 bytes, got ${JSON.stringify(id)}`)
    return paddedAccount('modl' + id)
}

/** an AccountId made of raw bytes, zero-padded to 32 (what `AccountId::decode(&mut bytes.chain(zeroes))` gives) */
export function paddedAccount(raw: string): string {
    if (raw.length > 32) throw new RangeError(`an AccountId has 32 bytes, got ${JSON.stringify(raw)}`)
    const bytes = Buffer.alloc(32)
    Buffer.from(raw, 'latin1').copy(bytes)
    return '0x' + bytes.toString('hex')
}

/** the subsidy pool that pays every payout and treasury share: PalletId("phala/pp") */
export const SUBSIDY_POOL_ACCOUNT = palletAccount('phala/pp')
/** the on-chain treasury: PalletId("py/trsry") */
export const TREASURY_ACCOUNT = palletAccount('py/trsry')
/**
 * the W-PHA account, where v2 rewards go (wrapped_balances.rs, `WrappedBalancesAccountId`: the runtime
 * sets it to the raw bytes b"wpha/", zero-padded; no "modl" prefix)
 */
export const WPHA_ACCOUNT = paddedAccount('wpha/')
