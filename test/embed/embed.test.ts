/**
 * The embeds against the real GraphQL server on a database the processor indexed from the devnet `small`
 * chain: the /api/v1 JSON, badges and CSV over HTTP, then every page and element in a real Chromium,
 * each number compared with the GraphQL answer to the same question (plancks as strings).
 */
import * as fs from 'fs'
import * as path from 'path'
import * as zlib from 'zlib'
import type {Browser, BrowserContext, Page} from 'playwright-core'
import {toSs58} from '../../src/queries/address'
import {GraphqlServer, httpRequest} from '../helpers/graphql-server'
import {indexedDatabase, LIB} from '../helpers/indexed'
import {busiestOwner, busiestWorkers} from '../helpers/truth'
import {launch, newPage, otherOrigin, ready, screenshot, shownIsCutOf, unreachableByTab} from './browser'

let gql: GraphqlServer
let base: string
let browser: Browser
let ctx: BrowserContext
let worker: string
let owner: string
let head: {height: number; timestamp: string}

const DAY_MS = 86_400_000

beforeAll(async () => {
    const db = await indexedDatabase('small', {log: m => console.log(`[embed test] ${m}`)})
    worker = busiestWorkers(db.truth)[0]
    owner = busiestOwner(db.truth)
    gql = await GraphqlServer.start(db.url)
    base = `http://127.0.0.1:${gql.port}`
    const h = (await gql.data(`{ networkStateById(id: "network") { height timestamp } }`)).networkStateById
    head = {height: h.height, timestamp: new Date(h.timestamp).toISOString()}
    browser = await launch()
    ctx = await browser.newContext({viewport: {width: 1280, height: 900}, locale: 'en-US', colorScheme: 'light'})
}, 600_000)

afterAll(async () => {
    await browser?.close()
    await gql?.stop()
})

async function getJson(p: string, headers: Record<string, string> = {}) {
    const r = await httpRequest(base + p, {headers})
    return {...r, json: r.body ? JSON.parse(r.body) : null}
}

/** the rolling window the JSON documents: [head − ms, head + 1 ms) */
function win(ms: number) {
    const t = Date.parse(head.timestamp)
    return {from: new Date(t - ms).toISOString(), to: new Date(t + 1).toISOString()}
}

function headDay(offsetDays: number): string {
    return new Date(Math.floor(Date.parse(head.timestamp) / DAY_MS) * DAY_MS + offsetDays * DAY_MS).toISOString().slice(0, 10)
}

describe('/api/v1 over HTTP', () => {
    test('worker: payouts of 24 h / 7 d / 30 d, stake and uptime equal GraphQL', async () => {
        const r = await getJson(`/api/v1/worker/${worker}`)
        expect(r.status).toBe(200)
        expect(r.headers['access-control-allow-origin']).toBe('*')
        const w = r.json
        for (const [name, ms] of [
            ['24h', DAY_MS],
            ['7d', 7 * DAY_MS],
            ['30d', 30 * DAY_MS],
        ] as const) {
            const range = win(ms)
            const a = (
                await gql.data(`{ payoutAudit(worker: "${worker}", from: "${range.from}", to: "${range.to}", limit: 0) { total { count amount amountPha } } }`)
            ).payoutAudit
            expect(w.payouts[name]).toMatchObject({...range, count: a.total.count, amount: a.total.amount, amountPha: a.total.amountPha})
        }
        expect(BigInt(w.payouts['24h'].amount)).toBeGreaterThan(0n)
        const e = (await gql.data(`{ workerById(id: "${worker}") { state stake totalPayout } }`)).workerById
        expect([w.state, w.stake, w.totalPayout]).toEqual([e.state, e.stake, e.totalPayout])
        const tl = (await gql.data(`{ workerTimeline(worker: "${worker}", from: "${headDay(-29)}", to: "${headDay(1)}") { uptimePercent totalPayout } }`))
            .workerTimeline
        expect(w.uptime.percent).toBe(tl.uptimePercent)
        expect(w.daily.total).toBe(tl.totalPayout)
    })

    test('ETag follows the chain head: the same URL answers 304; CORS preflight is open', async () => {
        const r1 = await getJson('/api/v1/emission')
        expect(r1.headers.etag).toMatch(/^"[\w-]+"$/)
        expect(r1.headers['cache-control']).toMatch(/max-age=\d+/)
        expect(r1.headers['x-chain-head']).toBe(String(head.height))
        const r2 = await httpRequest(base + '/api/v1/emission', {headers: {'if-none-match': r1.headers.etag as string}})
        expect([r2.status, r2.body]).toEqual([304, ''])
        const other = await getJson('/api/v1/pools/top?limit=3')
        expect(other.headers.etag).not.toBe(r1.headers.etag)
        const pre = await httpRequest(base + '/api/v1/emission', {
            method: 'OPTIONS',
            headers: {origin: 'http://example.test', 'access-control-request-method': 'GET'},
        })
        expect(pre.status).toBe(204)
        expect(pre.headers['access-control-allow-methods']).toContain('GET')
    })

    test('emission, network, top pools and account payouts equal GraphQL', async () => {
        const em = (await getJson('/api/v1/emission')).json
        const g = (await gql.data(`{ emission { emitted emittedPha remaining allocation halvings allocationEmittedPercent } }`)).emission
        expect(em).toMatchObject(g)
        const net = (await getJson('/api/v1/network?points=3&step=hour')).json
        const n = (await gql.data(`{ networkStats { workers { total idle } totalValue emitted } }`)).networkStats
        expect(net.now).toMatchObject(n)
        expect(net.history.length).toBe(3)
        const at = (await gql.data(`{ networkStats(at: "${net.history[0].at}") { workers { total } totalValue } }`)).networkStats
        expect(net.history[0]).toMatchObject(at)
        const top = (await getJson('/api/v1/pools/top?limit=5')).json
        const lb = (await gql.data(`{ poolLeaderboard(orderBy: APR, window: DAY, limit: 5) { entries { pid apr totalValue } } }`)).poolLeaderboard
        expect(top.pools.map((p: any) => [p.pid, p.apr, p.totalValue])).toEqual(lb.entries.map((p: any) => [p.pid, p.apr, p.totalValue]))
        const acc = (await getJson(`/api/v1/account/${toSs58(owner)}/payouts?from=2022-12-01&to=2022-12-05&limit=5&offset=5`)).json
        const pa = (
            await gql.data(
                `{ payoutAudit(account: "${owner}", from: "2022-12-01", to: "2022-12-05", limit: 5, offset: 5) { count total { amount } payouts { id amount } reconciliation { ok } } }`
            )
        ).payoutAudit
        expect(acc).toMatchObject(pa)
    })

    test('bad and unknown ids are 400 / 404 JSON with a message, never a stack', async () => {
        const cases: [string, number, RegExp][] = [
            ['/api/v1/worker/not-a-key', 400, /^worker: not an SS58 address/],
            [`/api/v1/worker/0x${'0'.repeat(63)}1`, 404, /no worker .* is known/],
            ['/api/v1/pool/abc', 400, /numeric pid/],
            ['/api/v1/pool/987654', 404, /no pool with pid 987654/],
            [`/api/v1/account/${owner}/payouts?from=2022-13-40`, 400, /^from: /],
            [`/api/v1/account/${owner}/payouts?limit=-1`, 400, /^limit: /],
            ['/api/v1/pools/top?orderBy=NOPE', 400, /^orderBy: /],
            ['/api/v1/nothing-here', 404, /no such endpoint/],
        ]
        for (const [p, status, msg] of cases) {
            const r = await getJson(p)
            expect([p, r.status]).toEqual([p, status])
            expect(r.json.error.message).toMatch(msg)
            expect(r.body).not.toMatch(/\bat .*\.js:\d+|stack|SELECT/i)
            expect(r.headers['cache-control']).toBe('no-store')
        }
    })

    test('badges show the GraphQL figures', async () => {
        const w = (await getJson(`/api/v1/worker/${worker}`)).json
        const svg = await httpRequest(`${base}/badge/worker/${worker}/payout-24h.svg`)
        expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/)
        const [int, frac] = w.payouts['24h'].amountPha.split('.')
        expect(svg.body).toContain(`${Number(int).toLocaleString('en-US')}.${frac.slice(0, 2)} PHA`)
        const up = await httpRequest(`${base}/badge/worker/${worker}/uptime.svg`)
        expect(up.body).toContain(`${w.uptime.percent.toFixed(2)} %`)
        const bad = await httpRequest(`${base}/badge/worker/xyz/uptime.svg`)
        expect([bad.status, bad.body.includes('bad request')]).toEqual([400, true])
    })

    test('the dashboard is at /, GraphiQL stays at /graphql, pages with a bad id are a 400 page', async () => {
        const dash = await httpRequest(`${base}/`, {headers: {accept: 'text/html'}})
        expect([dash.status, dash.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8'])
        expect(dash.body).toContain('<phala-emission')
        expect(dash.body).not.toMatch(/<(script|link)[^>]+(src|href)="(https?:)?\/\//)
        const console = await httpRequest(`${base}/graphql`, {headers: {accept: 'text/html'}})
        expect([console.status, console.body.includes('Query node playground')]).toEqual([200, true])
        const bad = await httpRequest(`${base}/audit/worker/xyz`)
        expect([bad.status, bad.body.includes('worker: not an SS58 address')]).toEqual([400, true])
        const js = await httpRequest(`${base}/embed/embed.js`, {headers: {origin: 'http://elsewhere.test'}})
        expect([js.status, js.headers['content-type'], js.headers['access-control-allow-origin']]).toEqual([200, 'application/javascript; charset=utf-8', '*'])
    })

    test('the embed script is under 150 KB gzipped', () => {
        const js = fs.readFileSync(path.join(LIB, 'web', 'embed.js'))
        expect(zlib.gzipSync(js, {level: 9}).length).toBeLessThan(150 * 1024)
        expect(js.toString()).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}\//i)
    })
})

async function open(url: string, selector: string): Promise<{page: Page; errors: string[]}> {
    const w = await newPage(ctx)
    await w.page.goto(url)
    await ready(w.page, selector)
    return w
}

async function amountsOf(page: Page, scope: string): Promise<Record<string, {value: string; text: string}>> {
    const out: Record<string, {value: string; text: string}> = {}
    for (const el of await page.locator(`${scope} [data-field]`).all()) {
        out[(await el.getAttribute('data-field'))!] = {value: (await el.getAttribute('value')) ?? '', text: (await el.innerText()).trim()}
    }
    return out
}

function expectPha(shown: {value: string; text: string} | undefined, plancks: string, exact: string) {
    expect(shown?.value).toBe(plancks)
    expect([shown?.text, shownIsCutOf(shown!.text, exact)]).toEqual([shown?.text, true])
}

describe('in Chromium', () => {
    test('dashboard: emission, network, top pools and recent payouts equal GraphQL; Tab reaches every control', async () => {
        const {page, errors} = await open(`${base}/`, 'phala-emission, phala-network-stats, phala-top-pools, phala-recent-payouts')
        const em = (await gql.data(`{ emission { emitted emittedPha remaining remainingPha halvings allocationEmittedPercent } }`)).emission
        const e = await amountsOf(page, 'phala-emission')
        expectPha(e.emitted, em.emitted, em.emittedPha)
        expectPha(e.remaining, em.remaining, em.remainingPha)
        expect([e.halvings.value, e.percent.value]).toEqual([String(em.halvings), String(em.allocationEmittedPercent)])
        const n = (await gql.data(`{ networkStats { workers { total } totalValue totalValuePha pools delegators } }`)).networkStats
        const ns = await amountsOf(page, 'phala-network-stats')
        expect([ns.workers.value, ns.pools.value, ns.delegators.value]).toEqual([n.workers.total, n.pools, n.delegators].map(String))
        expectPha(ns.totalValue, n.totalValue, n.totalValuePha)
        const lb = (await gql.data(`{ poolLeaderboard(orderBy: APR, window: DAY, limit: 10) { entries { pid apr totalValue } } }`)).poolLeaderboard
        const rows = page.locator('phala-top-pools tbody tr')
        expect(await rows.count()).toBe(lb.entries.length)
        for (let i = 0; i < lb.entries.length; i++) {
            const row = rows.nth(i)
            expect(await row.getAttribute('data-pid')).toBe(lb.entries[i].pid)
            expect(await row.locator('[data-field=apr]').getAttribute('value')).toBe(String(lb.entries[i].apr * 100))
            expect(await row.locator('[data-field=totalValue]').getAttribute('value')).toBe(lb.entries[i].totalValue)
        }
        const recent = (await gql.data(`{ payouts(orderBy: [blockHeight_DESC, eventIndex_DESC], limit: 12, where: {dropped_eq: false}) { id amount } }`))
            .payouts
        const shown = await page
            .locator('phala-recent-payouts tbody tr')
            .evaluateAll(trs => trs.map(tr => [tr.getAttribute('data-id'), tr.querySelector('[data-field=amount]')?.getAttribute('value')]))
        expect(shown).toEqual(recent.map((p: any) => [p.id, p.amount]))
        await screenshot(page, 'dashboard-light')
        expect(await unreachableByTab(page)).toEqual([])
        // the theme toggle switches every element to dark
        await page.locator('phala-theme-toggle button').click()
        await ready(page, 'phala-emission')
        expect(await page.locator('phala-emission').getAttribute('theme')).toBe('dark')
        await page.waitForTimeout(300)
        await screenshot(page, 'dashboard-dark')
        expect(errors).toEqual([])
        await page.close()
    })

    test('search finds a worker and opens its audit page', async () => {
        const {page, errors} = await open(`${base}/`, 'phala-search')
        await page.locator('phala-search input').fill('nonsense')
        await page.locator('phala-search button').click()
        await page.locator('phala-search .error').waitFor()
        expect(await page.locator('phala-search .error').innerText()).toMatch(/not an SS58 address/)
        await page.locator('phala-search input').fill(worker)
        await Promise.all([page.waitForURL(`${base}/audit/worker/${worker}`), page.locator('phala-search button').click()])
        await ready(page, 'phala-audit')
        expect(await page.locator('phala-audit').getAttribute('data-ready')).toBe('')
        // a pool id opens the pool's audit page, whose totals are payoutAudit(pool:)
        await page.goto(`${base}/`)
        await page.locator('phala-search input').fill('1')
        await Promise.all([page.waitForURL(`${base}/audit/pool/1`), page.locator('phala-search input').press('Enter')])
        await ready(page, 'phala-audit')
        const a = (await gql.data(`{ payoutAudit(pool: "1", from: "${headDay(-29)}", to: "${headDay(1)}", limit: 0) { total { amount amountPha } } }`))
            .payoutAudit
        expectPha((await amountsOf(page, 'phala-audit')).total, a.total.amount, a.total.amountPha)
        expect(errors.filter(e => !/status of 400/.test(e))).toEqual([])
        await page.close()
    })

    test('account audit: totals, pages of payouts, reconciliation and the CSV equal payoutAudit', async () => {
        const acct = toSs58(owner)
        const {page, errors} = await open(`${base}/audit/account/${acct}`, 'phala-audit')
        const from = headDay(-29)
        const to = headDay(1)
        const q = (offset: number) =>
            gql.data(
                `{ payoutAudit(account: "${owner}", from: "${from}", to: "${to}", limit: 25, offset: ${offset}) { count hasMore
                    total { count amount amountPha treasury treasuryPha toOwner toOwnerPha toStakers toStakersPha }
                    payouts { id amount } reconciliation { ok checks { name ok ledger recorded } } } }`
            )
        const a = (await q(0)).payoutAudit
        const s = await amountsOf(page, 'phala-audit')
        expectPha(s.total, a.total.amount, a.total.amountPha)
        expectPha(s.treasury, a.total.treasury, a.total.treasuryPha)
        expectPha(s.toOwner, a.total.toOwner, a.total.toOwnerPha)
        expectPha(s.toStakers, a.total.toStakers, a.total.toStakersPha)
        expect(s.count.value).toBe(String(a.total.count))
        const rowsOf = () =>
            page
                .locator('phala-audit table.payouts tbody tr')
                .evaluateAll(trs => trs.map(tr => [tr.getAttribute('data-id'), tr.querySelector('[data-field=amount]')?.getAttribute('value')]))
        expect(await rowsOf()).toEqual(a.payouts.map((p: any) => [p.id, p.amount]))
        const checks = await page.locator('phala-audit table.checks tbody tr').evaluateAll(trs => trs.map(tr => tr.getAttribute('data-check')))
        expect(checks).toEqual(a.reconciliation.checks.map((c: any) => c.name))
        expect(await page.locator('phala-audit [data-field=reconciled]').innerText()).toBe(a.reconciliation.ok ? 'all checks pass' : expect.anything())
        // the CSV link: the export's own rows, whose amounts add up to the audit's total
        const href = (await page.locator('phala-audit [data-field=csv]').getAttribute('href'))!
        const csv = await httpRequest(href)
        expect([csv.status, csv.headers['content-type']]).toEqual([200, 'text/csv; charset=utf-8'])
        const lines = csv.body.trim().split('\n')
        const col = lines[0].split(',').indexOf('amount_plancks')
        expect(col).toBeGreaterThanOrEqual(0)
        expect(lines.length - 1).toBe(a.total.count)
        expect(lines.slice(1).reduce((sum, l) => sum + BigInt(l.split(',')[col]), 0n)).toBe(BigInt(a.total.amount))
        await screenshot(page, 'audit-account')
        expect(await unreachableByTab(page)).toEqual([])
        // the next page, by keyboard
        await page.locator('phala-audit [data-page=next]').focus()
        await page.keyboard.press('Enter')
        await page.waitForFunction(`document.querySelector('phala-audit')?.shadowRoot?.querySelector('[data-field=rows]')?.textContent?.startsWith('26')`)
        expect(await rowsOf()).toEqual((await q(25)).payoutAudit.payouts.map((p: any) => [p.id, p.amount]))
        expect(errors).toEqual([])
        await page.close()
    })

    test('worker audit page in the dark theme', async () => {
        // one context for the whole file: closing one ends a single-process Chromium
        const {page, errors} = await newPage(ctx)
        await page.emulateMedia({colorScheme: 'dark'})
        await page.goto(`${base}/audit/worker/${worker}`)
        await ready(page, 'phala-audit')
        const a = (
            await gql.data(
                `{ payoutAudit(worker: "${worker}", from: "${headDay(-29)}", to: "${headDay(1)}", limit: 0) { total { amount amountPha } reconciliation { checks { name ledger } } } }`
            )
        ).payoutAudit
        expectPha((await amountsOf(page, 'phala-audit')).total, a.total.amount, a.total.amountPha)
        // a check of counts shows a count, not an amount
        const count = a.reconciliation.checks.find((c: any) => c.name === 'worker.settleCount')
        expect(await page.locator('phala-audit tr[data-check="worker.settleCount"] td.r').first().innerText()).toBe(
            Number(count.ledger).toLocaleString('en-US')
        )
        await screenshot(page, 'audit-worker-dark')
        expect(errors).toEqual([])
        await page.close()
    })

    test('iframe pages of each element show the GraphQL figures', async () => {
        const w = await open(`${base}/embed/worker/${worker}?theme=dark`, 'phala-worker-stats')
        const range = win(DAY_MS)
        const d = (await gql.data(`{ payoutAudit(worker: "${worker}", from: "${range.from}", to: "${range.to}", limit: 0) { total { amount amountPha } } }`))
            .payoutAudit
        const ws = await amountsOf(w.page, 'phala-worker-stats')
        expectPha(ws.payout24h, d.total.amount, d.total.amountPha)
        const we = (await gql.data(`{ workerById(id: "${worker}") { state } }`)).workerById
        expect(ws.state.text).toBe(we.state)
        await screenshot(w.page, 'embed-worker-dark', 'phala-worker-stats')
        await w.page.locator('phala-worker-stats').evaluate(el => el.setAttribute('theme', 'light'))
        await ready(w.page, 'phala-worker-stats')
        await screenshot(w.page, 'embed-worker', 'phala-worker-stats')

        const pid = (await gql.data(`{ poolLeaderboard(limit: 1) { entries { pid apr commissionPercent totalValue workerCount delegatorCount } } }`))
            .poolLeaderboard.entries[0]
        const p = await open(`${base}/embed/pool/${pid.pid}`, 'phala-pool-stats')
        const ps = await amountsOf(p.page, 'phala-pool-stats')
        expect([ps.apr.value, ps.commission.value, ps.totalValue.value, ps.workers.value, ps.delegators.value]).toEqual(
            [pid.apr * 100, pid.commissionPercent, pid.totalValue, pid.workerCount, pid.delegatorCount].map(String)
        )
        await screenshot(p.page, 'embed-pool', 'phala-pool-stats')

        const ac = await open(`${base}/embed/account/${toSs58(owner)}?size=large`, 'phala-account-payouts')
        const t = (
            await gql.data(`{ payoutAudit(account: "${owner}", from: "${headDay(-29)}", to: "${headDay(1)}", limit: 0) { total { amount amountPha count } } }`)
        ).payoutAudit.total
        const as = await amountsOf(ac.page, 'phala-account-payouts')
        expectPha(as.total, t.amount, t.amountPha)
        expect(as.count.value).toBe(String(t.count))
        await screenshot(ac.page, 'embed-account', 'phala-account-payouts')

        const em = await open(`${base}/embed/emission?size=small`, 'phala-emission')
        await screenshot(em.page, 'embed-emission-small', 'phala-emission')
        for (const x of [w, p, ac, em]) {
            expect(x.errors).toEqual([])
            await x.page.close()
        }
    })

    test('from another origin: one script tag, the elements load over CORS; a bad id shows its error', async () => {
        const html = `<!doctype html><html><head><meta charset="utf-8"><title>explorer</title><link rel="icon" href="data:,">
<script src="${base}/embed/embed.js" defer></script></head>
<body style="font-family:sans-serif;max-width:900px;margin:20px auto;display:grid;gap:12px">
<h1>Some block explorer</h1>
<phala-worker-stats worker="${worker}" locale="de-DE"></phala-worker-stats>
<phala-pool-stats pid="1" theme="dark" size="small"></phala-pool-stats>
<phala-account-payouts account="${toSs58(owner)}"></phala-account-payouts>
<phala-emission size="small"></phala-emission>
<phala-worker-stats id="bad" worker="0x1234"></phala-worker-stats>
<img alt="payout badge" src="${base}/badge/worker/${worker}/payout-24h.svg"> <img alt="uptime badge" src="${base}/badge/worker/${worker}/uptime.svg">
</body></html>`
        const site = await otherOrigin(html)
        try {
            const {page, errors} = await open(site.url, 'phala-worker-stats, phala-pool-stats, phala-account-payouts, phala-emission')
            expect(await page.evaluate('location.origin')).not.toBe(base)
            const ready = await page.locator('[data-ready]').count()
            expect(ready).toBe(4)
            expect(await page.locator('#bad').getAttribute('data-error')).toBe('')
            expect(await page.locator('#bad .error').innerText()).toMatch(/^Worker: worker: not an SS58 address or 32-byte hex key: "0x1234"/)
            // de-DE: grouped with dots, a decimal comma; the value is still the plancks
            const range = win(DAY_MS)
            const d = (
                await gql.data(`{ payoutAudit(worker: "${worker}", from: "${range.from}", to: "${range.to}", limit: 0) { total { amount amountPha } } }`)
            ).payoutAudit
            const de = page.locator('phala-worker-stats:not(#bad) [data-field=payout24h]')
            expect(await de.getAttribute('value')).toBe(d.total.amount)
            const [int, frac] = d.total.amountPha.split('.')
            expect(await de.innerText()).toBe(`${Number(int).toLocaleString('de-DE')},${frac.slice(0, 4)} PHA`)
            await screenshot(page, 'other-origin')
            // the bad id's 400 is the one console error a browser logs for it
            expect(errors.filter(e => !/status of 400/.test(e))).toEqual([])
        } finally {
            await site.close()
        }
    })
})
