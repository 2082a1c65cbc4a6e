/**
 * The CSV export: over HTTP (the export server as a child process, as `npm start` runs it) and as the CLI,
 * against the devnet-indexed database. Sums equal payoutAudit and the ground truth; bad input is a 400.
 */
import {ChildProcess, spawn, spawnSync} from 'child_process'
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {toSs58} from '../../src/queries/address'
import {formatPha} from '../../src/queries/pha'
import {indexedDatabase} from '../helpers/indexed'
import {freePort, GraphqlServer, httpRequest} from '../helpers/graphql-server'
import {b, busiestOwner, busiestWorkers, days, ownedPools} from '../helpers/truth'
import {LIB, ROOT} from '../helpers/indexed'

let truth: any
let dbUrl: string
let exportUrl: string
let exportChild: ChildProcess
let gql: GraphqlServer

beforeAll(async () => {
    const db = await indexedDatabase('small', {log: m => console.log(`[api test] ${m}`)})
    truth = db.truth
    dbUrl = db.url
    const port = await freePort()
    exportChild = spawn(process.execPath, [path.join(LIB, 'src/export/server.js')], {
        cwd: ROOT,
        env: {...process.env, DB_URL: dbUrl, EXPORT_PORT: String(port)},
        stdio: ['ignore', 'pipe', 'pipe'],
    })
    exportUrl = `http://127.0.0.1:${port}`
    const until = Date.now() + 30_000
    for (;;) {
        const ok = await httpRequest(`${exportUrl}/health`).then(
            r => r.status === 200,
            () => false
        )
        if (ok) break
        if (Date.now() > until || exportChild.exitCode != null) throw new Error('the export server did not start')
        await new Promise(r => setTimeout(r, 100))
    }
    gql = await GraphqlServer.start(dbUrl)
}, 1_200_000)

afterAll(async () => {
    if (exportChild && exportChild.exitCode == null) {
        const exited = new Promise(r => exportChild.once('exit', r))
        exportChild.kill('SIGTERM')
        await exited
    }
    await gql?.stop()
})

/** parse a CSV (no quoted fields in these exports except where quoted by the writer) */
function parseCsv(text: string): {header: string[]; rows: Record<string, string>[]} {
    expect(text.endsWith('\r\n')).toBe(true)
    const lines = text.slice(0, -2).split('\r\n')
    const header = lines[0].split(',')
    const rows = lines.slice(1).map(l => {
        const v = l.split(',')
        expect(v.length).toBe(header.length)
        return Object.fromEntries(header.map((h, i) => [h, v[i]]))
    })
    return {header, rows}
}

function expectWellFormed(csv: {header: string[]; rows: Record<string, string>[]}) {
    for (const r of csv.rows) {
        for (const h of csv.header) {
            if (h.endsWith('_pha')) {
                const plancks = r[h.replace(/_pha$/, '_plancks')]
                expect(r[h]).toBe(plancks === '' ? '' : formatPha(plancks))
                if (r[h] !== '') expect(r[h]).toMatch(/^-?\d+\.\d{12}$/)
            }
        }
        const ts = r.timestamp ?? r.bucket_start
        expect(ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
        const block = r.block_height ?? r.first_block
        expect(block).toMatch(/^\d+$/)
    }
}

describe('HTTP export', () => {
    test("a v1 delegator's rewards over HTTP: its claims as the ground truth has them", async () => {
        const [key, t] = Object.entries<any>(truth.v1Delegators).find(([, t]) => BigInt(t.claimed) > 0n)!
        const [pid, account] = key.split('/')
        const r = await httpRequest(`${exportUrl}/export/v1-staker-rewards.csv?account=${encodeURIComponent(toSs58(account))}`)
        expect(r.status).toBe(200)
        expect(r.headers['content-type']).toBe('text/csv; charset=utf-8')
        const csv = parseCsv(r.body)
        const claims = csv.rows.filter(x => x.pool === pid && x.row_kind === 'claim')
        expect(claims.reduce((s, x) => s + b(x.claim_amount_plancks), 0n)).toBe(BigInt(t.claimed))
    })

    test("an account's payouts: one header row, every payout, the same total as payoutAudit", async () => {
        const acct = busiestOwner(truth)
        const from = days(truth)[0]
        const to = '2022-12-05'
        const r = await httpRequest(`${exportUrl}/export/payouts.csv?account=${encodeURIComponent(toSs58(acct))}&from=${from}&to=${to}`)
        expect(r.status).toBe(200)
        expect(r.headers['content-type']).toBe('text/csv; charset=utf-8')
        expect(r.headers['transfer-encoding']).toBe('chunked') // streamed, never buffered whole
        expect(r.headers['content-disposition']).toMatch(/^attachment; filename="payouts-account-0x[0-9a-f]{64}-2022-12-01-2022-12-05\.csv"$/)
        const csv = parseCsv(r.body)
        expect(csv.header.filter(h => h === 'payout_id').length).toBe(1)
        expect(csv.rows.filter(x => x.payout_id === 'payout_id').length).toBe(0)
        expect(csv.header).toEqual(
            expect.arrayContaining(['block_height', 'timestamp', 'amount_pha', 'amount_plancks', 'treasury_pha', 'treasury_plancks', 'to_owner_plancks'])
        )
        expectWellFormed(csv)
        const audit = (
            await gql.data(`{ payoutAudit(account: "${acct}", from: "${from}", to: "${to}", limit: 0) { count total { amount amountPha toOwner } } }`)
        ).payoutAudit
        expect(csv.rows.length).toBe(audit.count)
        const sum = csv.rows.reduce((s, x) => s + b(x.amount_plancks), 0n)
        expect(sum).toBe(b(audit.total.amount))
        expect(formatPha(sum)).toBe(audit.total.amountPha)
        // the owner's commission includes what its pools were paid for dropped settles (on_reward sees every
        // SettleInfo): those rows are listed with includeDropped, and carry no payout of their own to the totals
        const all = parseCsv(
            (await httpRequest(`${exportUrl}/export/payouts.csv?account=${encodeURIComponent(toSs58(acct))}&from=${from}&to=${to}&includeDropped=true`)).body
        )
        expect(all.rows.filter(x => x.dropped !== 'true').length).toBe(audit.count)
        expect(all.rows.reduce((s, x) => s + b(x.to_owner_plancks), 0n)).toBe(b(audit.total.toOwner))
        const pools = ownedPools(truth, acct)
        expect(sum).toBe(pools.reduce((s, p) => s + b(truth.pools[p].payout), 0n))
        // chain order
        const heights = csv.rows.map(x => Number(x.block_height))
        expect(heights).toEqual([...heights].sort((x, y) => x - y))
    })

    test("a pool's payouts, dropped ones included: the payout, credited, paid to pool and treasury side by side", async () => {
        // the pool whose credited rewards differ most from its settled payouts (dropped settles, dismissals)
        const pid = Object.keys(truth.pools).sort((x, y) => {
            const d = (p: string) => b(truth.pools[p].rewardsCredited) - b(truth.pools[p].payout)
            const dx = d(x) < 0n ? -d(x) : d(x)
            const dy = d(y) < 0n ? -d(y) : d(y)
            return dx === dy ? 0 : dx > dy ? -1 : 1
        })[0]
        const csv = parseCsv((await httpRequest(`${exportUrl}/export/payouts.csv?pool=${pid}&includeDropped=true`)).body)
        const at = (h: string) => csv.header.indexOf(h)
        // side by side, in this order
        expect(
            [at('amount_plancks'), at('credited_plancks'), at('paid_to_pool_plancks'), at('treasury_plancks')].every(
                (i, k, a) => i >= 0 && (k === 0 || i > a[k - 1])
            )
        ).toBe(true)
        expectWellFormed(csv)
        const sum = (h: string, rows = csv.rows) => rows.reduce((s, x) => s + b(x[h]), 0n)
        // on_reward credits every settle info, dropped ones too (stake_pool_v2.rs / stakepool.rs `on_reward`)
        expect(sum('credited_plancks')).toBe(b(truth.pools[pid].rewardsCredited))
        const accepted = csv.rows.filter(x => x.dropped === 'false')
        expect(sum('amount_plancks', accepted)).toBe(b(truth.pools[pid].payout))
        expect(
            sum(
                'treasury_plancks',
                csv.rows.filter(x => x.dropped === 'true')
            )
        ).toBe(0n)
        // v2 pays at once what it credits (transfer to the W-PHA account); v1 pays nothing at the settle
        for (const x of csv.rows) {
            if (x.reward_transfer_event_id) expect(b(x.paid_to_pool_plancks)).toBe(b(x.to_owner_plancks) + b(x.to_stakers_plancks))
            else expect(x.paid_to_pool_plancks).toBe('0')
        }
    })

    test("a worker's payouts without a range: all of them", async () => {
        const w = busiestWorkers(truth)[0]
        const csv = parseCsv((await httpRequest(`${exportUrl}/export/payouts.csv?worker=${w}`)).body)
        expect(csv.rows.length).toBe(truth.workers[w].settleCount)
        expect(csv.rows.reduce((s, x) => s + b(x.amount_plancks), 0n)).toBe(b(truth.workers[w].payout))
        expect(csv.rows.reduce((s, x) => s + b(x.treasury_plancks), 0n)).toBe(b(truth.workers[w].treasury))
    })

    test('from / to without a zone are UTC', async () => {
        const w = busiestWorkers(truth)[0]
        const utc = await httpRequest(`${exportUrl}/export/payouts.csv?worker=${w}&from=2022-12-01T06:30:00Z&to=2022-12-02T18:00Z`)
        const plain = await httpRequest(`${exportUrl}/export/payouts.csv?worker=${w}&from=2022-12-01T06:30:00&to=2022-12-02T18:00`)
        expect(plain.status).toBe(200)
        expect(parseCsv(plain.body).rows.length).toBeGreaterThan(0)
        expect(plain.body).toBe(utc.body)
        const first = parseCsv(plain.body).rows[0]
        expect(first.timestamp >= '2022-12-01T06:30:00.000Z').toBe(true)
    })

    test("a pool's rewards and daily rollups equal the ground truth", async () => {
        const pid = Object.values<any>(truth.pools).sort((x, y) => (b(y.payout) > b(x.payout) ? 1 : -1))[0].pid
        const p = truth.pools[pid]
        const rewards = parseCsv((await httpRequest(`${exportUrl}/export/pool-rewards.csv?pool=${pid}`)).body)
        expectWellFormed(rewards)
        expect(rewards.rows.reduce((s, x) => s + b(x.to_owner_plancks), 0n)).toBe(b(p.rewardsToOwner))
        expect(rewards.rows.reduce((s, x) => s + b(x.to_stakers_plancks), 0n)).toBe(b(p.rewardsToStakers))
        const rollups = parseCsv((await httpRequest(`${exportUrl}/export/rollups.csv?pool=${pid}&from=2022-01-01`)).body)
        expectWellFormed(rollups)
        expect(rollups.rows.length).toBeGreaterThan(0)
        for (const r of rollups.rows) {
            const d = truth.days[r.bucket_start.slice(0, 10)]
            expect([r.bucket_start, b(r.payout_plancks), b(r.to_owner_plancks)]).toEqual([r.bucket_start, b(d.pools[pid]?.payout), b(d.pools[pid]?.toOwner)])
            expect(Number(r.last_block) - Number(r.first_block) + 1).toBe(86_400_000 / truth.chain.blockTimeMs)
        }
    })

    test("a worker's pool rewards and hourly rollups", async () => {
        const w = busiestWorkers(truth)[0]
        const rewards = parseCsv((await httpRequest(`${exportUrl}/export/pool-rewards.csv?worker=${w}`)).body)
        const mine = (truth.payouts as any[]).filter(p => p.worker === w && b(p.toOwner) + b(p.toStakers) > 0n)
        expect(rewards.rows.length).toBe(mine.length)
        expect(rewards.rows.reduce((s, x) => s + b(x.to_stakers_plancks), 0n)).toBe(mine.reduce((s, p) => s + b(p.toStakers), 0n))
        const hourly = parseCsv((await httpRequest(`${exportUrl}/export/rollups.csv?worker=${w}&period=hour&from=2022-12-01&to=2022-12-02`)).body)
        const day = truth.days['2022-12-01'].workers[w]
        expect(hourly.rows.reduce((s, x) => s + b(x.payout_plancks), 0n)).toBe(b(day?.payout))
    })

    test.each([
        ['/export/payouts.csv?account=nope', 400, /^bad request: account: not an SS58 address/],
        ['/export/payouts.csv?pool=1&from=2023-02-01&to=2023-01-01', 400, /^bad request: from: from \(2023-02-01T00:00:00.000Z\) must be before to/],
        ['/export/payouts.csv?pool=1&from=last-week', 400, /^bad request: from: not an ISO 8601 date/],
        ['/export/payouts.csv?pool=1&to=2022-12-01T6', 400, /^bad request: to: not an ISO 8601 date or date-time: "2022-12-01T6"/],
        ['/export/payouts.csv?pool=1&worker=0x' + '11'.repeat(32), 400, /^bad request: .*only one of account, worker or pool/],
        ['/export/payouts.csv', 400, /^bad request: account: give one of account, worker or pool/],
        ['/export/payouts.csv?pool=1&limit=5', 400, /^bad request: limit: unknown parameter/],
        ['/export/payouts.csv?pool=1&pool=2', 400, /^bad request: pool: given more than once/],
        ['/export/rollups.csv?pool=1&period=week', 400, /^bad request: period: unknown period "week"/],
        ['/export/payouts.csv?pool=x1', 400, /^bad request: pool: a pool is its numeric pid/],
        ['/export/payouts.csv?worker=0x' + '11'.repeat(32), 404, /^no worker 0x1111.* is known to the indexer/],
        ['/export/stakes.csv?pool=1', 404, /^no such export/],
    ])('%s → %d', async (url, status, message) => {
        const r = await httpRequest(exportUrl + url)
        expect(r.status).toBe(status)
        expect(r.headers['content-type']).toBe('text/plain; charset=utf-8')
        expect(r.body).toMatch(message)
        expect(r.body).not.toMatch(/\n\s+at |node_modules/)
    })

    test('POST is refused', async () => {
        const r = await httpRequest(`${exportUrl}/export/payouts.csv?pool=1`, {method: 'POST', body: 'x'})
        expect(r.status).toBe(405)
    })
})

describe('CLI export', () => {
    const cli = (args: string[]) =>
        spawnSync(process.execPath, [path.join(LIB, 'src/export/cli.js'), ...args], {cwd: ROOT, env: {...process.env, DB_URL: dbUrl}, encoding: 'utf8'})

    test('writes the same file the HTTP export serves', async () => {
        const acct = busiestOwner(truth)
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'api-export-')), 'payouts.csv')
        const r = cli(['payouts', '--account', toSs58(acct), '--from', '2022-12-01', '--to', '2022-12-05', '--out', out])
        expect(r.stderr).toMatch(/rows written to/)
        expect(r.status).toBe(0)
        const http = await httpRequest(`${exportUrl}/export/payouts.csv?account=${acct}&from=2022-12-01&to=2022-12-05`)
        expect(fs.readFileSync(out, 'utf8')).toBe(http.body)
        fs.rmSync(path.dirname(out), {recursive: true, force: true})
    })

    test('to stdout, and bad input exits 2 with a message', () => {
        const w = busiestWorkers(truth)[0]
        const ok = cli(['rollups', '--worker', w, '--from=2022-12-01', '--to=2022-12-03'])
        expect(ok.status).toBe(0)
        const csv = parseCsv(ok.stdout)
        expect(csv.rows.map(r => r.bucket_start)).toEqual(['2022-12-01T00:00:00.000Z', '2022-12-02T00:00:00.000Z'])
        for (const [args, message] of [
            [['payouts', '--pool', '1', '--from', '2023-02-01', '--to', '2023-01-01'], /error: from: .* must be before to/],
            [['payouts', '--account', 'bogus'], /error: account: not an SS58 address/],
            [['trades', '--pool', '1'], /error: export: unknown export "trades"/],
            [['payouts', '--pool', '1', '--limit', '3'], /error: unknown option --limit/],
        ] as [string[], RegExp][]) {
            const r = cli(args)
            expect([args.join(' '), r.status]).toEqual([args.join(' '), 2])
            expect(r.stderr).toMatch(message)
            expect(r.stderr).toMatch(/usage: npm run export/)
        }
    })
})
