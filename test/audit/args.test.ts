/**
 * The audit's arguments and node setting: clear errors for a missing or bad --at, an unknown flag, no node,
 * a node URL of the wrong kind; the stake-info property decoded as the u128 the pallet encodes.
 */
import {parseAuditArgs, UsageError} from '../../src/audit/cli'
import {ChainReadError, connect, nftAttrShares} from '../../src/audit/chain'
import {heightMismatch} from '../../src/audit/database'
import {auditRpcEndpoint} from '../../src/config/audit'
import {ConfigError} from '../../src/config'

describe('audit arguments', () => {
    it('reads --at, --rpc and --limit, in both spellings', () => {
        expect(parseAuditArgs(['--at', '6600', '--rpc', 'ws://node:9944', '--limit=3'])).toEqual({at: 6600, rpc: 'ws://node:9944', limit: 3})
        expect(parseAuditArgs(['--at=0'])).toEqual({at: 0, rpc: undefined, limit: 10})
    })

    it.each([
        [[], '--at BLOCK is required'],
        [['--at'], '--at needs a whole number, got nothing'],
        [['--at', '-5'], '--at needs a whole number, got "-5"'],
        [['--at', '12.5'], '--at needs a whole number, got "12.5"'],
        [['--at', '10', '--limit', '0'], '--limit must be at least 1, got 0'],
        [['--at', '10', '--from', '3'], 'unknown argument "--from"'],
    ])('%j → %s', (argv, message) => {
        expect(() => parseAuditArgs(argv)).toThrow(new UsageError(message))
    })
})

describe('the node to read from', () => {
    it('takes --rpc over RPC_ENDPOINT, and the devnet default only under CHAIN=devnet', () => {
        expect(auditRpcEndpoint('wss://a.example', {RPC_ENDPOINT: 'ws://b:1'})).toBe('wss://a.example')
        expect(auditRpcEndpoint(undefined, {RPC_ENDPOINT: 'http://b:1'})).toBe('http://b:1')
        expect(auditRpcEndpoint(undefined, {CHAIN: 'devnet'})).toBe('ws://127.0.0.1:9944')
    })

    it('names the setting when there is none or it is not a node URL', () => {
        expect(() => auditRpcEndpoint(undefined, {CHAIN: 'khala'})).toThrow(ConfigError)
        expect(() => auditRpcEndpoint(undefined, {})).toThrow('RPC_ENDPOINT: the audit needs a node to read chain storage from')
        expect(() => auditRpcEndpoint('postgres://x/y', {})).toThrow('--rpc: must be a ws://, wss://, http:// or https:// URL, got postgres://x/y')
        expect(() => auditRpcEndpoint(undefined, {RPC_ENDPOINT: 'not a url'})).toThrow('RPC_ENDPOINT: not a URL: "not a url"')
    })
})

describe('the database height', () => {
    it('says how to reach the block from below, from above and from nothing', () => {
        expect(heightMismatch(3000, {height: 2000, hash: '0x'})).toBe(
            'the database is indexed to block 2000, not 3000: index it to 3000 with TO_BLOCK=3000 (node lib/src/main.js, or npm run process); it continues from 2000'
        )
        expect(heightMismatch(3000, {height: 4000, hash: '0x'})).toContain('past 3000: its tables hold the state of 4000 only')
        expect(heightMismatch(3000, null)).toContain('the database has indexed nothing yet')
    })
})

describe('stake-info property', () => {
    it('is the little-endian u128 of NftAttr {shares}', () => {
        const shares = (1n << 100n) + 123_456_789n
        const bytes = new Uint8Array(16)
        for (let i = 0; i < 16; i++) bytes[i] = Number((shares >> BigInt(8 * i)) & 0xffn)
        expect(nftAttrShares(bytes)).toBe(shares)
        expect(() => nftAttrShares(new Uint8Array(15))).toThrow('a stake-info property of 15 bytes (expected the 16 of a u128)')
    })
})

describe('a node that does not answer', () => {
    it('is one error naming the URL, not a hang', async () => {
        // nothing listens on port 1 of this machine
        const err = await connect('ws://127.0.0.1:1').catch(e => e)
        expect(err).toBeInstanceOf(ChainReadError)
        expect(err.message).toBe('cannot connect to the node at ws://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1')
    })
})
