/**
 * Emission across chains, end to end: two databases indexed by the real processor from two devnet
 * scenarios (`small` as this server's chain, `tiny` as the peer "phala"), the real GraphQL server pointed at
 * the other database through EMISSION_PEERS, and every combined figure checked against the databases' own
 * single-chain answers (each from a server of its own) and the simulators' ground truth.
 */
import {spawn} from 'child_process'
import * as path from 'path'
import {Peer} from '../../src/server/peers'
import {dbUrl as serverDbUrl, indexedDatabase, IndexedDb, LIB, ROOT, serverUrl, testDbPrefix, withClient} from '../helpers/indexed'
import {GqlResponse, GraphqlServer} from '../helpers/graphql-server'
import {b} from '../helpers/truth'

const CAP = 700_000_000n * 10n ** 12n
const UNREACHABLE = 'postgres://postgres@127.0.0.1:1/squid'

let local: IndexedDb // small, seed 1: the chain the servers index (CHAIN=devnet)
let peer: IndexedDb // tiny: the peer, named phala
let copyUrl: string // a copy of the peer's database the cache test may change
let soloLocal: GraphqlServer
let soloPeer: GraphqlServer
let gql: GraphqlServer

const dbUrl = (name: string) => serverDbUrl(serverUrl(), name)

beforeAll(async () => {
    local = await indexedDatabase('small', {log: m => console.log(`[emission test] ${m}`)})
    peer = await indexedDatabase('tiny', {log: m => console.log(`[emission test] ${m}`)})
    // a copy of the peer (taken before anything connects to it)
    const copy = `${testDbPrefix()}emission_peer_copy`
    await withClient(dbUrl('postgres'), async c => {
        await c.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`)
        await c.query(`CREATE DATABASE ${copy} TEMPLATE ${new URL(peer.url).pathname.slice(1)}`)
    })
    copyUrl = dbUrl(copy)
    ;[soloLocal, soloPeer, gql] = await Promise.all([
        GraphqlServer.start(local.url),
        GraphqlServer.start(peer.url, {CHAIN: 'phala'}),
        GraphqlServer.start(local.url, {EMISSION_PEERS: `phala=${peer.url}`}),
    ])
}, 1_200_000)

afterAll(async () => {
    await Promise.all([soloLocal?.stop(), soloPeer?.stop(), gql?.stop()])
})

const REPORT = `
    chain height at allocation allocationPha emitted emittedPha emittedPayout emittedTreasury percentOfAllocation allocationEmittedPercent
    remaining remainingPha droppedPayout budgetPerBlock budgetPerBlockPha treasuryRatio avgBlockTimeMs halvings budgetUpdates
    budgetHistory { id kind blockHeight timestamp nonce budgetPerBlock budgetPerBlockPha previousBudgetPerBlock }
    granularity series { start end partial blocks settleCount payout treasury emitted emittedPha cumulative remaining budgetPerBlock }
    halvingPeriodBlocks decayAnchorHeight
    projections { method perBlock perBlockPha blockTimeMs exhausts blocksUntilExhausted exhaustionHeight exhaustionDate
                  projectedTotal projectedTotalPha projectedPercentOfAllocation allocationProjectedPercent decays nextDecayHeight }`

const COMBINED = `
    combined {
        allocation allocationPha emitted emittedPha emittedPayout emittedTreasury percentOfAllocation allocationEmittedPercent remaining remainingPha
        budgetPerBlock budgetPerBlockPha
        chains { chain local height at emitted emittedPha emittedPayout emittedTreasury percentOfAllocation percentOfCombined
                 allocationEmittedPercent combinedSharePercent remaining remainingPha budgetPerBlock budgetPerBlockPha avgBlockTimeMs halvings decayAnchorHeight }
        projections { method perBlock perBlockPha exhausts exhaustionDate projectedTotal projectedTotalPha projectedPercentOfAllocation
                      allocationProjectedPercent chains { chain perBlock perBlockPha blockTimeMs blocksUntilExhausted exhaustionHeight paid paidPha decays nextDecayHeight } } }`

async function emission(server: GraphqlServer, args: string, fields: string): Promise<any> {
    return (await server.data(`{ emission${args ? `(${args})` : ''} { ${fields} } }`)).emission
}

function expectNoStack(raw: string) {
    expect(raw).not.toMatch(/stacktrace|\n\s+at |node_modules|\.js:\d+/)
}

function expectCleanError(r: GqlResponse, message: RegExp, code: string) {
    expect(r.status).toBeLessThan(500)
    expect(r.errors?.length).toBeGreaterThan(0)
    expect(r.errors![0].message).toMatch(message)
    expect(r.errors![0].extensions?.code).toBe(code)
    expectNoStack(r.raw)
}

describe('this server alone and its own chain: unchanged', () => {
    test('no peers: combined is null; the report is the same with or without peers configured', async () => {
        const alone = await emission(soloLocal, '', `${REPORT} combined { emitted }`)
        expect(alone.combined).toBeNull()
        const withPeers = await emission(gql, '', REPORT)
        expect(withPeers).toEqual({...alone, combined: undefined})
        // naming this server's chain: the same report, no combined view
        const named = await emission(gql, 'chain: DEVNET', `${REPORT} combined { emitted }`)
        expect(named).toEqual(alone)
    })
})

describe('a peer chain', () => {
    test('emission(chain: PHALA) is the report the peer database gives on its own server', async () => {
        for (const args of ['', 'granularity: HOUR', 'granularity: MONTH, halvingPeriodBlocks: 1000', 'from: "2022-12-31", to: "2023-01-02"']) {
            const own = await emission(soloPeer, args, `${REPORT} combined { emitted }`)
            const viaPeer = await emission(gql, `chain: PHALA${args ? ', ' + args : ''}`, `${REPORT} combined { emitted }`)
            expect(own.chain).toBe('phala')
            expect(viaPeer).toEqual(own)
        }
    })
})

describe('combined', () => {
    let own: any[]
    let c: any

    beforeAll(async () => {
        own = await Promise.all([emission(soloLocal, '', REPORT), emission(soloPeer, '', REPORT)])
        c = (await emission(gql, '', `chain emitted ${COMBINED}`)).combined
    })

    test('per chain: each database’s own single-chain emission', () => {
        expect(c.chains.map((x: any) => [x.chain, x.local])).toEqual([
            ['devnet', true],
            ['phala', false],
        ])
        for (let i = 0; i < 2; i++) {
            const x = c.chains[i]
            const o = own[i]
            for (const f of [
                'height',
                'at',
                'emitted',
                'emittedPha',
                'emittedPayout',
                'emittedTreasury',
                'percentOfAllocation',
                'remaining',
                'remainingPha',
                'budgetPerBlock',
                'budgetPerBlockPha',
                'avgBlockTimeMs',
                'halvings',
                'decayAnchorHeight',
            ]) {
                expect([x.chain, f, x[f]]).toEqual([x.chain, f, o[f]])
            }
        }
        // and the simulators' ground truth of each scenario
        expect(b(c.chains[0].emitted)).toBe(b(local.truth.totals.emission))
        expect(b(c.chains[1].emitted)).toBe(b(peer.truth.totals.emission))
        expect(c.chains[0].emitted).not.toBe(c.chains[1].emitted)
    })

    test('combined emitted is the exact sum; remaining = 700,000,000 PHA − combined', () => {
        const sum = b(own[0].emitted) + b(own[1].emitted)
        expect(b(c.emitted)).toBe(sum)
        expect(b(c.emittedPayout)).toBe(b(own[0].emittedPayout) + b(own[1].emittedPayout))
        expect(b(c.emittedTreasury)).toBe(b(own[0].emittedTreasury) + b(own[1].emittedTreasury))
        expect(b(c.allocation)).toBe(CAP)
        expect(c.allocationPha).toBe('700000000.000000000000')
        expect(b(c.remaining)).toBe(CAP - sum)
        // exact PHA strings: 12 decimals of the planck sums
        const pha = (x: bigint) => `${x / 10n ** 12n}.${(x % 10n ** 12n).toString().padStart(12, '0')}`
        expect(c.emittedPha).toBe(pha(sum))
        expect(c.remainingPha).toBe(pha(CAP - sum))
        expect(c.percentOfAllocation).toBeCloseTo((Number(sum) / Number(CAP)) * 100, 6)
        expect(c.chains[0].percentOfCombined + c.chains[1].percentOfCombined).toBeCloseTo(100, 5)
        expect(b(c.budgetPerBlock)).toBe(b(own[0].budgetPerBlock) + b(own[1].budgetPerBlock))
    })

    test('the fields named for their unit (…Percent: 0–100) equal the deprecated ones they replace', () => {
        const pct = (part: bigint, whole: bigint) => Number((part * 1_000_000_000n) / whole) / 10_000_000
        const sum = b(own[0].emitted) + b(own[1].emitted)
        expect([c.allocationEmittedPercent, c.percentOfAllocation]).toEqual([pct(sum, CAP), pct(sum, CAP)])
        c.chains.forEach((x: any, i: number) => {
            expect([x.allocationEmittedPercent, x.percentOfAllocation]).toEqual([pct(b(own[i].emitted), CAP), pct(b(own[i].emitted), CAP)])
            expect([x.combinedSharePercent, x.percentOfCombined]).toEqual([pct(b(own[i].emitted), sum), pct(b(own[i].emitted), sum)])
            expect(x.allocationEmittedPercent).toBe(own[i].allocationEmittedPercent)
        })
        for (const p of c.projections) expect([p.allocationProjectedPercent, p.method]).toEqual([p.projectedPercentOfAllocation, p.method])
        for (const o of own) {
            expect(o.allocationEmittedPercent).toBe(o.percentOfAllocation)
            for (const p of o.projections) expect(p.allocationProjectedPercent).toBe(pct(b(p.projectedTotal), CAP))
        }
    })

    test('CONSTANT_BUDGET: the first millisecond at which both chains, each from its head at its block time, have paid the remainder', () => {
        const p = c.projections.find((x: any) => x.method === 'CONSTANT_BUDGET')
        const remaining = b(c.remaining)
        expect(p.exhausts).toBe(true)
        expect(b(p.perBlock)).toBe(b(c.budgetPerBlock))
        expect(b(p.projectedTotal)).toBe(CAP)
        const t = Date.parse(p.exhaustionDate)
        const paidBy = (ms: number) =>
            c.chains.reduce((s: bigint, x: any) => {
                const blocks = ms <= Date.parse(x.at) ? 0n : BigInt(Math.floor((ms - Date.parse(x.at)) / x.avgBlockTimeMs))
                return s + b(x.budgetPerBlock) * blocks
            }, 0n)
        expect(paidBy(t)).toBeGreaterThanOrEqual(remaining)
        expect(paidBy(t - 1)).toBeLessThan(remaining)
        for (const x of p.chains) {
            const ch = c.chains.find((y: any) => y.chain === x.chain)
            const blocks = BigInt(Math.floor((t - Date.parse(ch.at)) / ch.avgBlockTimeMs))
            expect([x.chain, b(x.blocksUntilExhausted), b(x.exhaustionHeight), b(x.paid)]).toEqual([
                x.chain,
                blocks,
                BigInt(ch.height) + blocks,
                blocks * b(ch.budgetPerBlock),
            ])
        }
    })

    test('DECAY: each chain on its own decay heights; never exhausted → what each chain alone would still pay, summed', async () => {
        const period = 1000 // short periods: neither chain can pay the allocation
        const [a, p] = await Promise.all([
            emission(soloLocal, `halvingPeriodBlocks: ${period}`, REPORT),
            emission(soloPeer, `halvingPeriodBlocks: ${period}`, REPORT),
        ])
        const cc = (await emission(gql, `halvingPeriodBlocks: ${period}`, COMBINED)).combined
        const d = cc.projections.find((x: any) => x.method === 'DECAY')
        const da = a.projections.find((x: any) => x.method === 'DECAY')
        const dp = p.projections.find((x: any) => x.method === 'DECAY')
        expect([da.exhausts, dp.exhausts, d.exhausts]).toEqual([false, false, false])
        expect(d.exhaustionDate).toBeNull()
        const stillA = b(da.projectedTotal) - b(a.emitted)
        const stillP = b(dp.projectedTotal) - b(p.emitted)
        expect(b(d.projectedTotal)).toBe(b(cc.emitted) + stillA + stillP)
        expect(d.chains.map((x: any) => [x.chain, b(x.paid), x.decays, x.nextDecayHeight])).toEqual([
            ['devnet', stillA, da.decays, da.nextDecayHeight],
            ['phala', stillP, dp.decays, dp.nextDecayHeight],
        ])
        // the default period: together they do exhaust it, each chain past its own next decay height
        const dd = c.projections.find((x: any) => x.method === 'DECAY')
        expect(dd.exhausts).toBe(true)
        expect(b(dd.chains[0].paid) + b(dd.chains[1].paid)).toBeGreaterThanOrEqual(b(c.remaining))
        expect(dd.chains.map((x: any) => x.nextDecayHeight)).toEqual(own.map(o => o.projections.find((x: any) => x.method === 'DECAY').nextDecayHeight))
    })

    test('OBSERVED_RATE: the sum of the rates each chain observed', () => {
        const rates = own.map(o => o.projections.find((x: any) => x.method === 'OBSERVED_RATE'))
        const p = c.projections.find((x: any) => x.method === 'OBSERVED_RATE')
        expect(rates.every(Boolean)).toBe(true)
        expect(b(p.perBlock)).toBe(b(rates[0].perBlock) + b(rates[1].perBlock))
        expect(p.chains.map((x: any) => x.perBlock)).toEqual(rates.map(r => r.perBlock))
    })
})

describe('errors', () => {
    test('a chain neither indexed nor configured: a clean input error listing the known chains', async () => {
        const r = await gql.query(`{ emission(chain: KHALA) { emitted } }`)
        expectCleanError(
            r,
            /^chain: this server indexes devnet, not khala; known chains: devnet, phala \(the others through EMISSION_PEERS\)$/,
            'BAD_USER_INPUT'
        )
        expect(r.data?.emission ?? null).toBeNull()
        // without peers the message is the one it always was
        const alone = await soloLocal.query(`{ emission(chain: PHALA) { emitted } }`)
        expectCleanError(alone, /^chain: this server indexes devnet, not phala$/, 'BAD_USER_INPUT')
        const unknown = await gql.query(`{ emission(chain: KUSAMA) { emitted } }`)
        expectCleanError(unknown, /Value "KUSAMA" does not exist in "ChainName" enum/, 'GRAPHQL_VALIDATION_FAILED')
    })

    describe('a peer that cannot be reached', () => {
        let down: GraphqlServer

        beforeAll(async () => {
            down = await GraphqlServer.start(local.url, {EMISSION_PEERS: `phala=${peer.url},khala=${UNREACHABLE}`})
        }, 120_000)

        afterAll(async () => {
            await down?.stop()
        })

        test('combined is an error naming it, never a partial total; the rest of the answer stands', async () => {
            const r = await down.query(`{ emission { chain emitted combined { emitted chains { chain } } } }`)
            expectCleanError(
                r,
                /^chain khala: its database \(EMISSION_PEERS\) cannot be read: connection refused; no combined figures without it$/,
                'PEER_UNAVAILABLE'
            )
            expect(r.errors![0].extensions.chain).toBe('khala')
            expect(r.errors![0].path).toEqual(['emission', 'combined'])
            expect(r.data?.emission).toEqual({chain: 'devnet', emitted: (await emission(soloLocal, '', 'emitted')).emitted, combined: null})
            // where the peer lives is for the server log only
            expect(r.raw).not.toContain('127.0.0.1:1')
            expect(down.log).toMatch(/peer khala \(127\.0\.0\.1:1\/squid\): ECONNREFUSED/)
        })

        test('naming it: the same error; the reachable peer and the other analytics still answer', async () => {
            const r = await down.query(`{ emission(chain: KHALA) { emitted } }`)
            expectCleanError(r, /^chain khala: its database \(EMISSION_PEERS\) cannot be read: connection refused$/, 'PEER_UNAVAILABLE')
            expect(r.data?.emission ?? null).toBeNull()
            expect((await emission(down, 'chain: PHALA', 'emitted')).emitted).toBe(peer.truth.totals.emission)
            const stats = await down.data(`{ networkStats { height } }`)
            expect(stats.networkStats.height).toBe(local.truth.chain.blocks)
        })
    })

    test('peer databases that are not readable squid databases: the reason, never the driver text', async () => {
        const empty = `${testDbPrefix()}emission_empty`
        await withClient(dbUrl('postgres'), async c => {
            await c.query(`DROP DATABASE IF EXISTS ${empty} WITH (FORCE)`)
            await c.query(`CREATE DATABASE ${empty}`)
        })
        const log: string[] = []
        const cases: [string, RegExp][] = [
            [dbUrl(`${testDbPrefix()}emission_no_such_database`), /^chain khala: its database \(EMISSION_PEERS\) cannot be read: no such database$/],
            [dbUrl(empty), /cannot be read: not a squid database of this schema/],
            [UNREACHABLE, /cannot be read: connection refused/],
        ]
        for (const [url, message] of cases) {
            const p = new Peer('khala', url, {}, m => log.push(m))
            try {
                await expect(p.read(q => q(`SELECT emitted_total FROM network_state`))).rejects.toMatchObject({
                    message: expect.stringMatching(message),
                    extensions: {code: 'PEER_UNAVAILABLE', chain: 'khala'},
                })
            } finally {
                await p.close()
            }
        }
        expect(log.length).toBe(3)
        // read only: a peer is never written to
        const p = new Peer('phala', copyUrl, {}, m => log.push(m))
        try {
            await expect(p.read(q => q(`UPDATE network_state SET height = height`))).rejects.toMatchObject({extensions: {code: 'PEER_UNAVAILABLE'}})
            expect(log[3]).toMatch(/read-only transaction/)
        } finally {
            await p.close()
        }
    })

    test('a bad EMISSION_PEERS stops the server at start with a message naming it', async () => {
        const run = (peers: string) =>
            new Promise<{code: number | null; out: string}>(resolve => {
                const child = spawn(process.execPath, [path.join(LIB, 'src/serve.js')], {
                    cwd: ROOT,
                    env: {...process.env, CHAIN: 'devnet', DB_URL: local.url, GQL_PORT: '1', EMISSION_PEERS: peers},
                    stdio: ['ignore', 'pipe', 'pipe'],
                })
                let out = ''
                child.stdout.on('data', d => (out += d))
                child.stderr.on('data', d => (out += d))
                // a server that did not refuse the setting would keep running: stop it
                const t = setTimeout(() => child.kill('SIGKILL'), 30_000)
                child.on('exit', code => {
                    clearTimeout(t)
                    resolve({code, out})
                })
            })
        const bad = await run(`devnet=${peer.url}`)
        expect(bad.code).toBe(2)
        expect(bad.out).toMatch(/configuration error: EMISSION_PEERS: devnet is the chain this server indexes/)
        const own = await run(`phala=${local.url}`)
        expect(own.code).toBe(2)
        expect(own.out).toMatch(/configuration error: EMISSION_PEERS: phala: .* is this server's own database/)
    })
})

describe('caches follow the peers', () => {
    let srv: GraphqlServer

    beforeAll(async () => {
        srv = await GraphqlServer.start(local.url, {EMISSION_PEERS: `phala=${copyUrl}`, GQL_CACHE_HEAD_MS: '200'})
    }, 120_000)

    afterAll(async () => {
        await srv?.stop()
    })

    test('a new batch on the peer (its head moves) changes the combined answer, though this chain stands still', async () => {
        const q = `{ emission { emitted combined { emitted chains { chain emitted } } } }`
        const first = (await srv.data(q)).emission
        await new Promise(r => setTimeout(r, 600))
        const again = (await srv.data(q)).emission
        expect(again).toEqual(first)
        // what the peer's processor would commit: more emitted, a new head
        await withClient(copyUrl, c =>
            c.query(`UPDATE network_state SET emitted_payout = emitted_payout + 1000, emitted_total = emitted_total + 1000,
                            emission_remaining = emission_remaining - 1000, height = height + 1, hash = hash || 'x'
                     WHERE id = 'network'`)
        )
        await new Promise(r => setTimeout(r, 1000))
        const after = (await srv.data(q)).emission
        expect(after.emitted).toBe(first.emitted)
        expect(b(after.combined.emitted)).toBe(b(first.combined.emitted) + 1000n)
        expect(b(after.combined.chains[1].emitted)).toBe(b(first.combined.chains[1].emitted) + 1000n)
    })
})
