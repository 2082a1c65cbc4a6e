/**
 * Emission across chains, without a server: the EMISSION_PEERS setting and the combined projection
 * (checked against the single-chain projections and a hand-computed two-chain case).
 */
import {parseEmissionPeers, peerFailureReason} from '../../src/server/peers'
import {ChainSchedule, combinedProjection, constantProjection, decayProjection} from '../../src/queries/emission'
import {ConfigError} from '../../src/config'

const PHA = 10n ** 12n

describe('EMISSION_PEERS', () => {
    const base = {CHAIN: 'khala', DB_URL: 'postgres://postgres@db:5432/khala'}

    test('unset or empty: no peers', () => {
        expect(parseEmissionPeers(base)).toEqual([])
        expect(parseEmissionPeers({...base, EMISSION_PEERS: '  '})).toEqual([])
    })

    test('chain=url entries, in order, chain names in any case', () => {
        const peers = parseEmissionPeers({
            ...base,
            EMISSION_PEERS: ' Phala=postgres://reader:s3cret@phala-db:5432/squid , devnet=postgresql://u@127.0.0.1/dev',
        })
        expect(peers).toEqual([
            {chain: 'phala', url: 'postgres://reader:s3cret@phala-db:5432/squid'},
            {chain: 'devnet', url: 'postgresql://u@127.0.0.1/dev'},
        ])
    })

    const bad: [string, Record<string, string>, RegExp][] = [
        ['no =', {EMISSION_PEERS: 'postgres://x@h/db'}, /expected chain=postgres:\/\/… entries/],
        ['unknown chain', {EMISSION_PEERS: 'kusama=postgres://x@h/db'}, /unknown chain "kusama"; expected one of khala, phala, devnet/],
        ['the local chain', {EMISSION_PEERS: 'khala=postgres://x@h/db'}, /khala is the chain this server indexes \(CHAIN=khala\)/],
        ['the default local chain', {CHAIN: '', EMISSION_PEERS: 'devnet=postgres://x@h/db'}, /devnet is the chain this server indexes/],
        ['twice', {EMISSION_PEERS: 'phala=postgres://x@h/a,phala=postgres://x@h/b'}, /phala is listed twice/],
        ['not a URL', {EMISSION_PEERS: 'phala=db.example:5432'}, /phala: not a valid URL|phala: unsupported protocol/],
        ['not postgres', {EMISSION_PEERS: 'phala=mysql://x@h/db'}, /phala: unsupported protocol mysql:/],
        ['own database', {EMISSION_PEERS: 'phala=postgres://other@DB/khala'}, /phala: db:5432\/khala is this server's own database/],
        ['same database twice', {EMISSION_PEERS: 'phala=postgres://x@h/a,devnet=postgres://y@h:5432/a'}, /devnet: h:5432\/a is already the database of phala/],
    ]

    test.each(bad)('%s: a ConfigError naming EMISSION_PEERS', (_name, env, message) => {
        let err: unknown
        try {
            parseEmissionPeers({...base, ...env})
        } catch (e) {
            err = e
        }
        expect(err).toBeInstanceOf(ConfigError)
        expect((err as ConfigError).setting).toBe('EMISSION_PEERS')
        expect((err as Error).message).toMatch(/^EMISSION_PEERS: /)
        expect((err as Error).message).toMatch(message)
        // never the credentials of a URL
        expect((err as Error).message).not.toMatch(/s3cret/)
    })

    test('own database: localhost and 127.0.0.1, default port, are the same', () => {
        expect(() =>
            parseEmissionPeers({CHAIN: 'phala', DB_URL: 'postgres://p@localhost/squid', EMISSION_PEERS: 'khala=postgres://q@127.0.0.1:5432/squid'})
        ).toThrow(/own database/)
        // DB_HOST settings count too
        expect(() => parseEmissionPeers({CHAIN: 'phala', DB_HOST: 'pg', DB_NAME: 'a', EMISSION_PEERS: 'khala=postgres://q@pg/a'})).toThrow(/own database/)
        expect(parseEmissionPeers({CHAIN: 'phala', DB_HOST: 'pg', DB_NAME: 'a', EMISSION_PEERS: 'khala=postgres://q@pg/b'})).toHaveLength(1)
    })

    test('failure reasons are short and carry no host or driver text', () => {
        expect(peerFailureReason(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), {code: 'ECONNREFUSED'}))).toBe('connection refused')
        expect(peerFailureReason(Object.assign(new Error('database "x" does not exist'), {code: '3D000'}))).toBe('no such database')
        expect(peerFailureReason(Object.assign(new Error('relation "network_state" does not exist'), {code: '42P01'}))).toMatch(/not a squid database/)
        expect(peerFailureReason(new Error('timeout expired'))).toBe('connection timed out')
        expect(peerFailureReason(new Error('something at 10.0.0.1'))).toBe('unexpected error (logged on the server)')
    })
})

function schedule(over: Partial<ChainSchedule>): ChainSchedule {
    return {chain: 'a', height: 0, head: new Date('2023-01-01T00:00:00Z'), blockTimeMs: 12_000, perBlock: 10n, decay: null, ...over}
}

describe('combined projection (exact integers)', () => {
    test('one chain: exactly the single-chain constant and decay projections', () => {
        const head = new Date('2023-01-01T00:00:00Z')
        const cases: [bigint, bigint, number, bigint, bigint][] = [
            // remaining, budget, height, next decay, period
            [1000n, 7n, 100, 150n, 50n],
            [100n, 10n, 0, 5n, 10n],
            [150n, 10n, 0, 5n, 10n],
            [10n ** 9n, 3n, 17, 17n, 1n],
            [700_000_000n * PHA, 101_920_571_546_038n, 14_400, 1_300_000n, 1_296_000n], // never exhausted
            [600_000_000n * PHA, 187_878_299_999_999n, 14_400, 1_300_000n, 1_296_000n],
            [5n, 0n, 3, 10n, 10n], // no budget
            [0n, 10n, 3, 10n, 10n], // nothing left
        ]
        for (const [remaining, budget, height, next, period] of cases) {
            const emitted = 123n
            const c = constantProjection('CONSTANT_BUDGET', remaining, emitted, budget, height, head, 12_000)
            const cc = combinedProjection('CONSTANT_BUDGET', remaining, emitted, [schedule({height, perBlock: budget, head})])
            expect([cc.exhausts, cc.chains[0].blocksUntilExhausted, cc.chains[0].exhaustionHeight, cc.exhaustionDate, cc.projectedTotal]).toEqual([
                c.exhausts,
                c.blocksUntilExhausted,
                c.exhaustionHeight,
                c.exhaustionDate,
                c.projectedTotal,
            ])
            const d = decayProjection(remaining, emitted, budget, height, next, period, head, 12_000)
            const dc = combinedProjection('DECAY', remaining, emitted, [schedule({height, perBlock: budget, head, decay: {next, period}})])
            expect([
                dc.exhausts,
                dc.chains[0].blocksUntilExhausted,
                dc.chains[0].exhaustionHeight,
                dc.exhaustionDate,
                dc.projectedTotal,
                dc.chains[0].decays,
            ]).toEqual([d.exhausts, d.blocksUntilExhausted, d.exhaustionHeight, d.exhaustionDate, d.projectedTotal, d.decays])
        }
    })

    test('two chains with different block times and heads: the first millisecond both together pay the remainder', () => {
        const t0 = Date.parse('2023-01-01T00:00:00Z')
        // A: 10 per block every 1 s from t0; B: 5 per block every 2 s from t0 + 0.5 s. Remaining 100:
        // at t0+8 s A has paid 80 and B 3 blocks = 15 (95); B's 4th block at t0+8.5 s makes it 100.
        const p = combinedProjection('CONSTANT_BUDGET', 100n, 1000n, [
            schedule({chain: 'a', height: 10, head: new Date(t0), blockTimeMs: 1000, perBlock: 10n}),
            schedule({chain: 'b', height: 20, head: new Date(t0 + 500), blockTimeMs: 2000, perBlock: 5n}),
        ])
        expect(p.exhausts).toBe(true)
        expect(p.perBlock).toBe(15n)
        expect(p.exhaustionDate!.getTime()).toBe(t0 + 8500)
        expect(p.projectedTotal).toBe(1100n)
        expect(p.chains.map(c => [c.chain, c.blocksUntilExhausted, c.exhaustionHeight, c.paid])).toEqual([
            ['a', 8n, 18n, 80n],
            ['b', 4n, 24n, 20n],
        ])
        // a remainder of 95 is paid by A's 8th block already (t0 + 8 s: 80 + 15)
        expect(
            combinedProjection('CONSTANT_BUDGET', 95n, 0n, [
                schedule({chain: 'a', head: new Date(t0), blockTimeMs: 1000, perBlock: 10n}),
                schedule({chain: 'b', head: new Date(t0 + 500), blockTimeMs: 2000, perBlock: 5n}),
            ]).exhaustionDate!.getTime()
        ).toBe(t0 + 8000)
    })

    test('two decaying chains: each on its own decay heights; never exhausted → the sum of what each would pay', () => {
        const a = schedule({chain: 'a', height: 100, perBlock: 1000n, decay: {next: 110n, period: 20n}})
        const b = schedule({chain: 'b', height: 7, perBlock: 400n, blockTimeMs: 6000, decay: {next: 8n, period: 20n}})
        const big = 10n ** 12n
        const p = combinedProjection('DECAY', big, 5n, [a, b])
        const da = decayProjection(big, 0n, 1000n, 100, 110n, 20n, a.head, 12_000)
        const db = decayProjection(big, 0n, 400n, 7, 8n, 20n, b.head, 6000)
        expect(p.exhausts).toBe(false)
        expect(p.exhaustionDate).toBeNull()
        expect(p.projectedTotal).toBe(5n + da.projectedTotal + db.projectedTotal)
        expect(p.chains.map(c => [c.paid, c.decays, c.blocksUntilExhausted])).toEqual([
            [da.projectedTotal, da.decays, null],
            [db.projectedTotal, db.decays, null],
        ])
        // a remainder both can pay: a brute-force walk over the blocks of both chains in time order agrees
        const remaining = (da.projectedTotal + db.projectedTotal) / 2n
        const q = combinedProjection('DECAY', remaining, 0n, [a, b])
        const rate = (s: ChainSchedule, n: bigint) => {
            // budget of the n-th block (1-based) after the head
            const first = s.decay!.next - BigInt(s.height)
            const k = n <= first ? 0n : (n - first - 1n) / s.decay!.period + 1n
            return (s.perBlock * 3n ** k) / 4n ** k
        }
        let paid = 0n
        let na = 0n
        let nb = 0n
        let t = 0n
        while (paid < remaining) {
            const ta = (na + 1n) * 12_000n
            const tb = (nb + 1n) * 6000n
            t = ta < tb ? ta : tb
            if (ta === t) paid += rate(a, ++na)
            if (tb === t) paid += rate(b, ++nb)
        }
        expect(q.exhausts).toBe(true)
        expect(q.exhaustionDate!.getTime()).toBe(a.head!.getTime() + Number(t))
        expect([q.chains[0].blocksUntilExhausted, q.chains[1].blocksUntilExhausted]).toEqual([na, nb])
        expect(q.chains[0].paid + q.chains[1].paid).toBe(paid)
    })
})
