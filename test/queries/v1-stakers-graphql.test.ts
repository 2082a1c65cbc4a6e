/**
 * payoutAudit.v1StakerRewards over HTTP against the real GraphQL server, on the indexed `small` devnet chain:
 * a v1 delegator addressed in SS58 gets, per pool, the truth's accrued / claimed / pending, its day ends and
 * its carry-over into v2; a worker gets [].
 */
import {toSs58} from '../../src/queries/address'
import {GraphqlServer} from '../helpers/graphql-server'
import {indexedDatabase} from '../helpers/indexed'
import {b} from '../helpers/truth'

let gql: GraphqlServer
let truth: any

beforeAll(async () => {
    const db = await indexedDatabase('small')
    truth = db.truth
    gql = await GraphqlServer.start(db.url)
}, 1_800_000)

afterAll(async () => {
    await gql?.stop()
})

const FIELDS = `v1StakerRewards { poolId shares accrued claimed pending pendingPha
    days { date accrued claimed accruedTotal claimedTotal pending } claims { eventId blockHeight amount }
    migratedAtHeight pendingAtUpgrade sharesAtUpgrade v2ValueAtUpgrade reconciled }`

test('a v1 delegator with claims: every pool as the truth has it', async () => {
    // the delegator with the most claimed
    const [key, t] = Object.entries<any>(truth.v1Delegators).sort((x, y) => (b(y[1].claimed) > b(x[1].claimed) ? 1 : -1))[0]
    expect(b(t.claimed)).toBeGreaterThan(0n)
    const [pid, account] = key.split('/')
    const res = await gql.data(`{ payoutAudit(account: "${toSs58(account)}", from: "2020-01-01", to: "2030-01-01", limit: 0) { ${FIELDS} } }`)
    const pools = res.payoutAudit.v1StakerRewards
    const mine = Object.entries<any>(truth.v1Delegators).filter(([k]) => k.endsWith(`/${account}`))
    expect(pools.map((p: any) => p.poolId).sort()).toEqual(mine.map(([k]) => k.split('/')[0]).sort())
    const p = pools.find((x: any) => x.poolId === pid)
    expect([b(p.accrued), b(p.claimed), b(p.pending)]).toEqual([b(t.accrued), b(t.claimed), b(t.pending)])
    expect(p.claims.reduce((s: bigint, c: any) => s + b(c.amount), 0n)).toBe(b(t.claimed))
    expect(p.reconciled).toBe(true)
    for (const [date, w] of Object.entries<any>(t.days)) {
        const last = p.days.filter((d: any) => d.date <= date).pop()
        expect([b(last?.accruedTotal), b(last?.claimedTotal), b(last?.pending)]).toEqual([b(w.accrued), b(w.claimed), b(w.pending)])
    }
    if (t.atUpgrade) {
        expect([b(p.pendingAtUpgrade), b(p.sharesAtUpgrade), b(p.v2ValueAtUpgrade)]).toEqual([
            b(t.atUpgrade.pending),
            b(t.atUpgrade.shares),
            b(t.atUpgrade.v2Value),
        ])
    }
})

test('a worker has no v1 staker rewards', async () => {
    const w = Object.keys(truth.workers)[0]
    const res = await gql.data(`{ payoutAudit(worker: "${w}", from: "2020-01-01", to: "2030-01-01", limit: 0) { v1StakerRewards { poolId } } }`)
    expect(res.payoutAudit.v1StakerRewards).toEqual([])
})
