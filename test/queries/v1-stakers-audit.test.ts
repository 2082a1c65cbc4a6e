/**
 * payoutAudit's v1 part (src/queries/audit/v1-stakers.ts) on the indexed `small` devnet chain: for every v1
 * delegator of the ground truth, the audit's accrued / claimed / pending per pool, its cumulative values at
 * each day's end and the carry-over into v2 equal the truth; the reconciliation holds, and fails when a day
 * row is altered.
 */
import {Client} from 'pg'
import {v1StakerRewards} from '../../src/queries/audit/v1-stakers'
import {pgQuery} from '../../src/queries/sql'
import {indexedDatabase} from '../helpers/indexed'
import {b} from '../helpers/truth'

describe('payoutAudit v1StakerRewards on the small devnet chain', () => {
    let client: Client
    let truth: any

    beforeAll(async () => {
        const db = await indexedDatabase('small')
        truth = db.truth
        client = new Client({connectionString: db.url})
        await client.connect()
    }, 1_800_000)

    afterAll(async () => {
        await client?.end()
    })

    it('answers every v1 delegator as the truth has it, and reconciles', async () => {
        const byAccount = new Map<string, [string, any][]>()
        for (const [k, t] of Object.entries<any>(truth.v1Delegators)) {
            const [pid, account] = k.split('/')
            if (!byAccount.has(account)) byAccount.set(account, [])
            byAccount.get(account)?.push([pid, t])
        }
        expect(byAccount.size).toBeGreaterThan(10)
        const wrong: string[] = []
        let claimsSeen = 0
        for (const [account, pools] of byAccount) {
            const out = await v1StakerRewards(pgQuery(client), account)
            expect(out.map(r => r.poolId).sort()).toEqual(pools.map(([pid]) => pid).sort())
            for (const [pid, t] of pools) {
                const r = out.find(x => x.poolId === pid)!
                claimsSeen += r.claims.length
                if (!r.reconciled) wrong.push(`${pid}/${account}: not reconciled`)
                const got = [r.accrued, r.claimed, r.pending].join()
                const want = [b(t.accrued), b(t.claimed), b(t.pending)].join()
                if (got !== want) wrong.push(`${pid}/${account}: ${got} vs ${want}`)
                for (const [date, w] of Object.entries<any>(t.days)) {
                    const last = r.days.filter(d => d.date <= date).pop()
                    const g = last ? [last.accruedTotal, last.claimedTotal, last.pending].join() : '0,0,0'
                    if (g !== [b(w.accrued), b(w.claimed), b(w.pending)].join()) wrong.push(`${pid}/${account} ${date}: ${g}`)
                }
                if (t.atUpgrade) {
                    const g = [r.pendingAtUpgrade, r.sharesAtUpgrade, r.v2ValueAtUpgrade].join()
                    if (g !== [b(t.atUpgrade.pending), b(t.atUpgrade.shares), b(t.atUpgrade.v2Value)].join()) wrong.push(`${pid}/${account} upgrade: ${g}`)
                }
            }
        }
        expect(claimsSeen).toBeGreaterThan(0)
        expect(wrong.slice(0, 20)).toEqual([])
    })

    it('reports an altered day row as not reconciled', async () => {
        const [row] = (await client.query(`SELECT account_id, pool_id, id FROM v1_staker_day WHERE accrued > 0 ORDER BY id LIMIT 1`)).rows
        await client.query('BEGIN')
        try {
            // one more planck accrued at a day's end: no longer claimed + pending
            await client.query(`UPDATE v1_staker_day SET accrued = accrued + 1 WHERE id = $1`, [row.id])
            const out = await v1StakerRewards(pgQuery(client), row.account_id)
            expect(out.find(r => r.poolId === row.pool_id)?.reconciled).toBe(false)
        } finally {
            await client.query('ROLLBACK')
        }
    })
})
