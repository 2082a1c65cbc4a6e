/**
 * The v1 stakers' rewards of the `tiny` and `small` devnet chains, indexed by the real processor into PostgreSQL, against
 * the simulator's ground truth (`truth.v1Delegators`, computed with the devnet's own arithmetic): every
 * delegator's accrued, claimed and pending at the end of every UTC day of the v1 era, and its pending,
 * shares and v2 value at the v1→v2 upgrade, to the planck.
 *
 * The index writes a V1StakerDay row only for a day on which the delegator's rewards moved, so the value at
 * a day's end is the latest row at or before it (cumulative values).
 */
import {Client} from 'pg'
import {v1Pending} from '../../src/domain/ledger/v1-stakers'
import {indexedDatabase} from '../helpers/indexed'
import {b} from '../helpers/truth'

async function query(url: string, text: string, params: unknown[] = []): Promise<any[]> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        return (await c.query(text, params)).rows
    } finally {
        await c.end()
    }
}

interface Point {
    accrued: bigint
    claimed: bigint
    pending: bigint
}

const point = (r: any): Point => ({accrued: b(r?.accrued), claimed: b(r?.claimed), pending: b(r?.pending)})

describe.each(['tiny', 'small'])('v1 stakers of the %s devnet chain against the ground truth', scenario => {
    let url: string
    let truth: any
    let stakers: Map<string, any>
    let days: Map<string, {date: string; p: Point}[]>
    let accs: Map<string, any>

    beforeAll(async () => {
        const db = await indexedDatabase(scenario)
        url = db.url
        truth = db.truth
        stakers = new Map((await query(url, `SELECT * FROM v1_staker`)).map(r => [`${r.pool_id}/${r.account_id}`, r]))
        accs = new Map((await query(url, `SELECT * FROM v1_pool_accumulator`)).map(r => [r.id, r]))
        days = new Map()
        for (const r of await query(url, `SELECT * FROM v1_staker_day ORDER BY date`)) {
            const k = `${r.pool_id}/${r.account_id}`
            if (!days.has(k)) days.set(k, [])
            days.get(k)?.push({date: r.date, p: point(r)})
        }
    }, 1_800_000)

    it('has v1 delegators, days and an upgrade to compare', () => {
        const keys = Object.keys(truth.v1Delegators)
        expect(keys.length).toBeGreaterThan(0)
        expect(keys.some(k => Object.keys(truth.v1Delegators[k].days).length > 0)).toBe(true)
        expect(keys.some(k => truth.v1Delegators[k].atUpgrade != null)).toBe(true)
        expect([...stakers.keys()].sort()).toEqual(keys.sort())
    })

    it('gives every delegator accrued, claimed and pending at every day end equal to the truth', () => {
        const wrong: string[] = []
        for (const [k, t] of Object.entries<any>(truth.v1Delegators)) {
            const rows = days.get(k) ?? []
            for (const [date, want] of Object.entries<any>(t.days)) {
                let got: Point = {accrued: 0n, claimed: 0n, pending: 0n}
                for (const r of rows) if (r.date <= date) got = r.p
                const w = point(want)
                if (got.accrued !== w.accrued || got.claimed !== w.claimed || got.pending !== w.pending) {
                    wrong.push(`${k} ${date}: index ${JSON.stringify(got, (_, v) => (typeof v === 'bigint' ? v.toString() : v))} truth ${JSON.stringify(want)}`)
                }
            }
        }
        expect(wrong.slice(0, 20)).toEqual([])
    })

    it('gives every delegator the truth’s values at the upgrade (or now) and the v2 value it carried over', () => {
        const wrong: string[] = []
        for (const [k, t] of Object.entries<any>(truth.v1Delegators)) {
            const s = stakers.get(k)
            const w = point(t)
            const u = t.atUpgrade
            // after the upgrade the row holds its values at the migration; before it, the book's state now
            const pending =
                u != null
                    ? b(s.pending)
                    : v1Pending(
                          {id: s.pool_id, rewardAccBits: b(accs.get(s.pool_id)?.reward_acc_bits), totalShares: 0n, distributions: 0, distributed: 0n},
                          {
                              poolId: s.pool_id,
                              accountId: s.account_id,
                              shares: b(s.shares),
                              availableRewards: b(s.available_rewards),
                              rewardDebt: b(s.reward_debt),
                              claimed: b(s.claimed),
                          },
                          'u64f64'
                      )
            const got = {accrued: b(s.claimed) + pending, claimed: b(s.claimed), pending}
            if (got.accrued !== w.accrued || got.claimed !== w.claimed || got.pending !== w.pending)
                wrong.push(`${k}: ${got.pending} / ${got.claimed} vs ${w.pending} / ${w.claimed}`)
            if (u != null) {
                const at = [b(s.pending_at_upgrade), b(s.shares_at_upgrade), b(s.v2_value_at_upgrade)]
                const want = [b(u.pending), b(u.shares), b(u.v2Value)]
                if (at.join() !== want.join()) wrong.push(`${k} at upgrade: index ${at.join(' ')} truth ${want.join(' ')}`)
            }
        }
        expect(wrong.slice(0, 20)).toEqual([])
    })
})
