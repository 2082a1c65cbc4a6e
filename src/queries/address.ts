/**
 * Account and worker identifiers as users type them → the raw lowercase 0x-hex the database stores.
 * Accounts accept any SS58 form (any network prefix, checksum verified) or 32-byte hex; workers are
 * 32-byte sr25519 public keys in hex (an SS58 form of the key is accepted too).
 */
import * as ss58 from '@subsquid/ss58'

export class InputError extends Error {
    constructor(
        readonly field: string,
        message: string
    ) {
        super(`${field}: ${message}`)
        this.name = 'InputError'
    }
}

const HEX32 = /^(0x)?[0-9a-fA-F]{64}$/

export function parseAccount(field: string, input: string): string {
    const s = input.trim()
    if (HEX32.test(s)) return '0x' + s.replace(/^0x/, '').toLowerCase()
    let decoded: ss58.Address
    try {
        decoded = ss58.decode(s)
    } catch (e: any) {
        throw new InputError(field, `not an SS58 address or 32-byte hex key: ${JSON.stringify(input)} (${e?.message ?? e})`)
    }
    const hex = decoded.bytes.toLowerCase()
    if (hex.length !== 66) {
        throw new InputError(field, `address ${JSON.stringify(input)} holds ${(hex.length - 2) / 2} bytes, expected a 32-byte account`)
    }
    return hex
}

export function parseWorker(field: string, input: string): string {
    return parseAccount(field, input)
}

/** SS58 form of a raw 32-byte account (Khala and Phala use prefix 30). */
export function toSs58(hex: string, prefix = 30): string {
    return ss58.codec(prefix).encode(hex)
}
