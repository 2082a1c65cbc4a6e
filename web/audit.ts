/** <phala-audit account=… | worker=… | pool=…>: a miner's payout audit, paged, with its reconciliation */
import {PhalaElement} from './base'
import {chart} from './chart'
import {dateTime, day, escapeHtml, intHtml, num, phaHtml, plancksToFloat, shortId} from './format'

const enc = encodeURIComponent
const PAGE = 25

function kpi(label: string, value: string): string {
    return `<div class="kpi"><div class="label">${label}</div><div class="value">${value}</div></div>`
}

export class Audit extends PhalaElement {
    private data: any = null
    private offset = 0
    static override get observedAttributes(): string[] {
        return [...PhalaElement.observedAttributes, 'account', 'worker', 'pool', 'from', 'to']
    }
    override get label(): string {
        return 'Audit'
    }
    private subject(): [string, string] {
        for (const k of ['account', 'worker', 'pool']) {
            const v = this.getAttribute(k)?.trim()
            if (v) return [k, v]
        }
        throw new Error('set the account, worker or pool attribute')
    }
    protected async load(): Promise<string> {
        const [kind, id] = this.subject()
        const q = new URLSearchParams({limit: String(PAGE), offset: String(this.offset)})
        for (const k of ['from', 'to']) if (this.getAttribute(k)) q.set(k, this.getAttribute(k)!)
        const a = await this.api(`/api/v1/${kind}/${enc(id)}/payouts?${q}`)
        this.data = a
        const L = this.locale
        const t = a.total
        const r = a.reconciliation
        const rows = (a.payouts as any[])
            .map(
                p => `<tr data-id="${escapeHtml(p.id)}"><td>${escapeHtml(dateTime(p.timestamp, L))}</td><td class="r">#${num(p.blockHeight, L, 0)}</td>
<td title="${escapeHtml(p.workerId ?? '')}">${escapeHtml(shortId(p.workerId))}</td><td>${p.poolId ? '#' + escapeHtml(p.poolId) : '—'}</td>
<td class="r">${phaHtml(p.amount, L, 6, 'amount')}</td><td class="r">${phaHtml(p.treasury, L, 6)}</td><td>${p.dropped ? '<span class="bad">dropped</span>' : ''}</td></tr>`
            )
            .join('')
        const checks = (r.checks as any[])
            .map(
                c => `<tr data-check="${escapeHtml(c.name)}"><td><span class="${c.ok ? 'ok' : 'bad'}">${c.ok ? '✓' : '✗'}</span> ${escapeHtml(c.name)}</td>
<td class="explain">${escapeHtml(c.description)} <span class="muted">(${escapeHtml(c.scope)})</span></td>
${[c.ledger, c.recorded, c.difference].map(v => `<td class="r">${/count$/i.test(c.name) ? escapeHtml(BigInt(v).toLocaleString(L)) : phaHtml(v, L, 4)}</td>`).join('')}</tr>`
            )
            .join('')
        const inv = r.invariant
        const last = a.offset + a.payouts.length
        const csv = this.url(a.csv)
        const toDay = new Date(Date.parse(a.to) - 1).toISOString().slice(0, 10)
        return `<form class="row range" aria-label="date range">
<label>From <input type="date" name="from" value="${a.from.slice(0, 10)}"></label>
<label>To (inclusive) <input type="date" name="to" value="${toDay}"></label>
<button type="submit">Apply</button>
<a class="button" href="${escapeHtml(csv)}" download data-field="csv">Download CSV</a>
</form>
<h2>Totals <span class="sub">${escapeHtml(day(a.from, L))} – ${escapeHtml(day(toDay, L))} (UTC) · ${escapeHtml(a.subjectKind)} ${escapeHtml(shortId(a.subjectSs58 ?? a.subject))}${a.pools.length ? ` · pools ${escapeHtml(a.pools.join(', '))}` : ''}</span></h2>
<div class="kpis">
${kpi('Payouts', phaHtml(t.amount, L, this.decimals, 'total'))}
${kpi('Settlements', intHtml(t.count, L, 'count'))}
${kpi('Treasury share', phaHtml(t.treasury, L, this.decimals, 'treasury'))}
${kpi('To owner', phaHtml(t.toOwner, L, this.decimals, 'toOwner'))}
${kpi('To stakers', phaHtml(t.toStakers, L, this.decimals, 'toStakers'))}
${kpi('Dismissed', phaHtml(t.dismissed, L, this.decimals, 'dismissed'))}
</div>
<div class="chart" data-chart="daily"></div>
<h2>Reconciliation <span class="${r.ok ? 'ok' : 'bad'}" data-field="reconciled">${r.ok ? 'all checks pass' : `${num(r.differences, L, 0)} differences`}</span></h2>
<p class="muted">Each check re-adds the payout ledger row by row and compares the sum with the figure the indexer keeps (a running total or a rollup). Equal sums mean every planck of the ledger is accounted for.</p>
<div class="scroll"><table class="checks"><thead><tr><th>Check</th><th>What it compares</th><th class="r">Ledger</th><th class="r">Recorded</th><th class="r">Difference</th></tr></thead><tbody>${checks}</tbody></table></div>
<p><span class="${inv.mismatched + inv.unpaired + inv.rowMismatched === 0 ? 'ok' : 'bad'}">Settlement ↔ pool reward:</span> ${num(inv.matched, L, 0)} of ${num(inv.checked, L, 0)} settlements match the reward their pool received (owner + stakers + dismissed = payout); ${num(inv.mismatched, L, 0)} differ, ${num(inv.unpaired, L, 0)} have no pool event, ${num(inv.rowMismatched, L, 0)} rows do not add up.</p>
<h2>Payouts <span class="sub" data-field="rows">${a.count ? `${num(a.offset + 1, L, 0)}–${num(last, L, 0)} of ${num(a.count, L, 0)}` : 'none in this range'}</span></h2>
<div class="scroll"><table class="payouts"><thead><tr><th>Time</th><th class="r">Block</th><th>Worker</th><th>Pool</th><th class="r">Payout</th><th class="r">Treasury</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>
<div class="row pager"><button type="button" data-page="prev" ${a.offset === 0 ? 'disabled' : ''}>← Earlier</button><button type="button" data-page="next" ${a.hasMore ? '' : 'disabled'}>Later →</button>
<span class="muted">Block #${num(a.head.height, L, 0)} · ${escapeHtml(dateTime(a.head.timestamp, L))}</span></div>`
    }
    protected override rendered(): void {
        const a = this.data
        const el = this.root.querySelector<HTMLElement>('[data-chart=daily]')
        if (el && a) {
            const b: any[] = a.buckets
            chart(
                el,
                this,
                b.map(x => Date.parse(x.start) / 1000),
                [
                    {label: 'PHA per day', values: b.map(x => plancksToFloat(x.amount)), kind: 'bars', format: v => num(v, this.locale, 4)},
                    {
                        label: 'cumulative',
                        values: b.map(x => plancksToFloat(x.cumulative)),
                        kind: 'line',
                        color: 'accent2',
                        format: v => num(v, this.locale, 4),
                    },
                ],
                180,
                v => num(v, this.locale, 0)
            )
        }
        this.root.querySelector('[data-page=prev]')?.addEventListener('click', () => this.page(-PAGE))
        this.root.querySelector('[data-page=next]')?.addEventListener('click', () => this.page(PAGE))
        this.root.querySelector('form.range')?.addEventListener('submit', ev => {
            ev.preventDefault()
            const f = new FormData(ev.target as HTMLFormElement)
            const from = String(f.get('from') ?? '')
            const to = String(f.get('to') ?? '')
            this.offset = 0
            if (from) this.setAttribute('from', from)
            if (to) this.setAttribute('to', new Date(Date.parse(to) + 86_400_000).toISOString().slice(0, 10))
        })
    }
    private page(delta: number): void {
        this.offset = Math.max(0, this.offset + delta)
        this.refresh()
    }
}
