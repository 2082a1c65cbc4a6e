import {InputError, parseAccount, parseWorker, toSs58} from '../../src/queries/address'

// Alice's well-known sr25519 key and its SS58 forms under prefix 42 (generic) and 30 (Phala/Khala)
const ALICE = '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d'
const ALICE_42 = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'

describe('address parsing', () => {
    it('accepts hex with or without 0x, any case', () => {
        expect(parseAccount('account', ALICE.toUpperCase().replace('0X', '0x'))).toBe(ALICE)
        expect(parseAccount('account', ALICE.slice(2))).toBe(ALICE)
    })
    it('accepts any SS58 prefix and round-trips through prefix 30', () => {
        expect(parseAccount('account', ALICE_42)).toBe(ALICE)
        const phala = toSs58(ALICE)
        expect(phala).not.toBe(ALICE_42)
        expect(phala.startsWith('4')).toBe(true)
        expect(parseAccount('account', phala)).toBe(ALICE)
        expect(parseWorker('worker', phala)).toBe(ALICE)
    })
    it('rejects malformed input naming the field', () => {
        expect(() => parseAccount('account', 'hello')).toThrow(InputError)
        expect(() => parseAccount('account', 'hello')).toThrow(/^account: not an SS58 address/)
        // one character changed: checksum fails
        const bad = ALICE_42.slice(0, -1) + (ALICE_42.endsWith('Y') ? 'Z' : 'Y')
        expect(() => parseAccount('account', bad)).toThrow(/^account: /)
        expect(() => parseWorker('worker', '0x1234')).toThrow(/^worker: /)
    })
})
