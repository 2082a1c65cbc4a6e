/**
 * The v1-staker-rewards CSV export (src/export/csv.ts, through `streamCsv` as the server and the CLI run it)
 * on the indexed `small` devnet chain: for every v1 delegator its day rows, claims and carry-over into v2
 * equal the ground truth; a worker is refused.
 */
import {Client} from 'pg'
import {parseExportRequest, streamCsv} from '../../src/export/csv'
import {indexedDatabase} from '../helpers/indexed'
import {b} from '../helpers/truth'

describe('v1-staker-rewards CSV export on the small devnet chain', () => {
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

    async function csv(params: Record<string, string>): Promise<Record<string, string>[]> {
        let text = ''
        await streamCsv(client, parseExportRequest('v1-staker-rewards', params), c => {
            text += c
        })
        const [head, ...lines] = text.trimEnd().split('\r\n')
        const cols = head.split(',')
        return lines.map(l => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])))
    }

    it('gives every pool’s delegators their day ends, claims and upgrade as the truth has them', async () => {
        const pools = new Set(Object.keys(truth.v1Delegators).map(k => k.split('/')[0]))
        const wrong: string[] = []
        let claimRows = 0
        for (const pid of pools) {
            const rows = await csv({pool: pid})
            for (const [k, t] of Object.entries<any>(truth.v1Delegators)) {
                const [p, account] = k.split('/')
                if (p !== pid) continue
                const mine = rows.filter(r => r.account === account)
                const claims = mine.filter(r => r.row_kind === 'claim')
                claimRows += claims.length
                const claimed = claims.reduce((s, r) => s + b(r.claim_amount_plancks), 0n)
                if (claimed !== b(t.claimed)) wrong.push(`${k}: claims ${claimed} vs ${t.claimed}`)
                for (const [date, w] of Object.entries<any>(t.days)) {
                    const last = mine.filter(r => r.row_kind === 'day' && r.date <= date).pop()
                    const g = last ? [last.accrued_total_plancks, last.claimed_total_plancks, last.pending_plancks].join() : '0,0,0'
                    if (g !== [w.accrued, w.claimed, w.pending].map(String).join()) wrong.push(`${k} ${date}: ${g}`)
                }
                const up = mine.find(r => r.row_kind === 'upgrade')
                if (t.atUpgrade) {
                    const g = up ? [up.pending_plancks, up.shares_at_upgrade, up.v2_value_at_upgrade_plancks].join() : 'none'
                    if (g !== [t.atUpgrade.pending, t.atUpgrade.shares, t.atUpgrade.v2Value].map(String).join()) wrong.push(`${k} upgrade: ${g}`)
                } else if (up) wrong.push(`${k}: an upgrade row without an upgrade`)
            }
        }
        expect(claimRows).toBeGreaterThan(0)
        expect(wrong.slice(0, 20)).toEqual([])
    })

    it('refuses a worker', () => {
        expect(() => parseExportRequest('v1-staker-rewards', {worker: '0x' + '11'.repeat(32)})).toThrow(/unknown parameter/)
    })
})
