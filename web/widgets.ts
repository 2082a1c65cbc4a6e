/** the embeddable elements: a worker, a pool, an account's payouts, the emission */
import {PhalaElement} from './base'
import {chart, sparkline} from './chart'
import {dateTime, day, escapeHtml, intHtml, num, numHtml, phaHtml, plancksToFloat, shortId} from './format'

const enc = encodeURIComponent

function kpi(label: string, value: string): string {
    return `<div class="kpi"><div class="label">${label}</div><div class="value">${value}</div></div>`
}

export class WorkerStats extends PhalaElement {
    static override get observedAttributes(): string[] {
        return [...PhalaElement.observedAttributes, 'worker']
    }
    override get label(): string {
        return 'Worker'
    }
    protected async load(): Promise<string> {
        const w = await this.api(`/api/v1/worker/${enc(this.need('worker'))}`)
        const L = this.locale
        const d = this.decimals
        const days: any[] = w.daily.days
        const shown = this.size === 'small' ? days.slice(-14) : days
        return `<h2>Worker <span class="sub" title="${escapeHtml(w.worker)}">${escapeHtml(shortId(w.workerSs58))}</span>
<span class="state ${escapeHtml(w.state ?? 'unbound')}" data-field="state">${escapeHtml(w.state ?? 'not computing')}</span></h2>
<div class="kpis">
${kpi('Payout 24 h', phaHtml(w.payouts['24h'].amount, L, d, 'payout24h'))}
${kpi('Payout 7 d', phaHtml(w.payouts['7d'].amount, L, d, 'payout7d'))}
${kpi('Payout 30 d', phaHtml(w.payouts['30d'].amount, L, d, 'payout30d'))}
${kpi('Uptime 30 d', numHtml(w.uptime.percent, L, 2, 'uptime', ' %'))}
${kpi('V', numHtml(w.v, L, 2, 'v'))}
${kpi('Stake', phaHtml(w.stake, L, 2, 'stake'))}
</div>
${sparkline(shown.map(x => plancksToFloat(x.amount)))}
<div class="foot">Payouts per UTC day, ${escapeHtml(day(shown[0]?.day ?? w.daily.from, L))} – ${escapeHtml(day(shown[shown.length - 1]?.day ?? w.daily.to, L))} · pool ${escapeHtml(w.poolId ?? '—')} · block #${intHtml(w.head.height, L, 'height')} · ${escapeHtml(dateTime(w.head.timestamp, L))}</div>`
    }
}

export class PoolStats extends PhalaElement {
    static override get observedAttributes(): string[] {
        return [...PhalaElement.observedAttributes, 'pid']
    }
    override get label(): string {
        return 'Pool'
    }
    protected async load(): Promise<string> {
        const p = await this.api(`/api/v1/pool/${enc(this.need('pid'))}`)
        const L = this.locale
        return `<h2>Pool <span data-field="pid">#${escapeHtml(p.pid)}</span> <span class="sub">${escapeHtml(p.kind)} · owner <span title="${escapeHtml(p.ownerSs58)}">${escapeHtml(shortId(p.ownerSs58))}</span></span></h2>
<div class="kpis">
${kpi('APR', numHtml(p.aprPercent, L, 2, 'apr', ' %'))}
${kpi('Commission', numHtml(p.commissionPercent, L, 2, 'commission', ' %'))}
${kpi('Total value', phaHtml(p.totalValue, L, 2, 'totalValue'))}
${kpi('Workers', `${intHtml(p.workers, L, 'workers')}<div class="note">${num(p.idleWorkers, L, 0)} computing</div>`)}
${kpi('Delegators', intHtml(p.delegators, L, 'delegators'))}
${kpi('Rewards 24 h', phaHtml(p.rewards24h, L, 2, 'rewards24h'))}
</div>
<div class="foot">${p.rank ? `Rank ${num(p.rank, L, 0)} by APR · ` : ''}block #${num(p.head.height, L, 0)} · ${escapeHtml(dateTime(p.head.timestamp, L))}</div>`
    }
}

export class AccountPayouts extends PhalaElement {
    private data: any = null
    static override get observedAttributes(): string[] {
        return [...PhalaElement.observedAttributes, 'account', 'from', 'to']
    }
    override get label(): string {
        return 'Account payouts'
    }
    protected async load(): Promise<string> {
        const q = new URLSearchParams({limit: '0'})
        for (const k of ['from', 'to']) if (this.getAttribute(k)) q.set(k, this.getAttribute(k)!)
        const a = await this.api(`/api/v1/account/${enc(this.need('account'))}/payouts?${q}`)
        this.data = a
        const L = this.locale
        const d = this.decimals
        return `<h2>Payouts <span class="sub" title="${escapeHtml(a.subject)}">${escapeHtml(shortId(a.subjectSs58))} · pools ${escapeHtml(a.pools.join(', ') || '—')}</span></h2>
<div class="kpis">
${kpi('Payouts', phaHtml(a.total.amount, L, d, 'total'))}
${kpi('To owner', phaHtml(a.total.toOwner, L, d, 'toOwner'))}
${kpi('To stakers', phaHtml(a.total.toStakers, L, d, 'toStakers'))}
${kpi('Settlements', intHtml(a.total.count, L, 'count'))}
</div>
${this.size === 'small' ? '' : '<div class="chart" data-chart="daily"></div>'}
<div class="foot">${escapeHtml(day(a.from, L))} – ${escapeHtml(day(new Date(Date.parse(a.to) - 1).toISOString(), L))} (UTC) · reconciliation <span class="${a.reconciliation.ok ? 'ok' : 'bad'}" data-field="reconciled">${a.reconciliation.ok ? 'OK' : `${a.reconciliation.differences} differences`}</span> · <a href="${escapeHtml(this.url(`/audit/account/${a.subjectSs58}`))}" target="_top">audit</a></div>`
    }
    protected override rendered(): void {
        const el = this.root.querySelector<HTMLElement>('[data-chart=daily]')
        if (!el || !this.data) return
        const b: any[] = this.data.buckets
        chart(
            el,
            this,
            b.map(x => Date.parse(x.start) / 1000),
            [{label: 'PHA per day', values: b.map(x => plancksToFloat(x.amount)), kind: 'bars', format: v => num(v, this.locale, 2)}],
            160,
            v => num(v, this.locale, 0)
        )
    }
}

export class EmissionElement extends PhalaElement {
    private data: any = null
    override get label(): string {
        return 'Emission'
    }
    protected async load(): Promise<string> {
        const e = await this.api('/api/v1/emission')
        this.data = e
        const L = this.locale
        const pct = e.allocationEmittedPercent
        const projections = (e.projections as any[])
            .map(
                p => `<tr><td>${escapeHtml(methodName(p.method))}</td><td class="r">${p.exhausts ? escapeHtml(p.exhaustionDate ? day(p.exhaustionDate, L) : '—') : 'never'}</td>
<td class="r">${phaHtml(p.projectedTotal, L, 0)}</td><td class="r">${num(p.allocationProjectedPercent, L, 2)} %</td></tr>`
            )
            .join('')
        const halvings = (e.budgetHistory as any[])
            .filter(h => h.kind !== 'Initial')
            .slice(-4)
            .map(h => `<li>${escapeHtml(day(h.timestamp, L))}: ${escapeHtml(h.kind)} → ${phaHtml(h.budgetPerBlock, L, 4)} per block</li>`)
            .join('')
        const large = this.size !== 'small'
        return `<h2>Emission <span class="sub">of the ${phaHtml(e.allocation, L, 0, 'allocation')} miner allocation</span></h2>
<div class="bar" role="progressbar" aria-valuenow="${pct}" aria-valuemin="0" aria-valuemax="100" aria-label="emitted of the allocation"><span style="width:${Math.min(100, pct)}%"></span></div>
<p class="row muted"><span>${numHtml(pct, L, 4, 'percent', ' %')} emitted</span></p>
<div class="kpis">
${kpi('Emitted', phaHtml(e.emitted, L, 2, 'emitted'))}
${kpi('Remaining', phaHtml(e.remaining, L, 0, 'remaining'))}
${kpi('Budget / block', phaHtml(e.budgetPerBlock, L, 4, 'budgetPerBlock'))}
${kpi('Halvings', intHtml(e.halvings, L, 'halvings'))}
</div>
${large ? `<div class="chart" data-chart="emission"></div>` : ''}
${large ? `<div class="scroll"><table><thead><tr><th>Projection</th><th class="r">Runs out</th><th class="r">Projected total</th><th class="r">%</th></tr></thead><tbody>${projections}</tbody></table></div>` : ''}
${large && halvings ? `<div class="foot">Budget changes: <ul>${halvings}</ul></div>` : ''}
<div class="foot">Block #${num(e.height, L, 0)} · ${escapeHtml(dateTime(e.at, L))}</div>`
    }
    protected override rendered(): void {
        const el = this.root.querySelector<HTMLElement>('[data-chart=emission]')
        if (!el || !this.data) return
        const s: any[] = this.data.series
        chart(
            el,
            this,
            s.map(x => Date.parse(x.end) / 1000),
            [
                {label: 'Emitted (cumulative, PHA)', values: s.map(x => plancksToFloat(x.cumulative)), kind: 'line', format: v => num(v, this.locale, 0)},
                {label: 'per day', values: s.map(x => plancksToFloat(x.emitted)), kind: 'bars', color: 'accent2', format: v => num(v, this.locale, 0)},
            ],
            170,
            v => compact(v, this.locale)
        )
    }
}

export function compact(v: number, locale: string): string {
    return new Intl.NumberFormat(locale, {notation: 'compact', maximumFractionDigits: 1}).format(v)
}

function methodName(m: string): string {
    return m === 'CONSTANT_BUDGET' ? 'Budget stays as now' : m === 'DECAY' ? 'Budget keeps halving' : m === 'OBSERVED_RATE' ? 'Last day’s rate' : m
}
