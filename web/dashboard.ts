/** the elements of the dashboard and the audit page */
import {PhalaElement} from './base'
import {chart} from './chart'
import {dateTime, escapeHtml, intHtml, num, numHtml, phaHtml, shortId} from './format'
import {compact} from './widgets'

const enc = encodeURIComponent

function kpi(label: string, value: string): string {
    return `<div class="kpi"><div class="label">${label}</div><div class="value">${value}</div></div>`
}

export class NetworkStats extends PhalaElement {
    private data: any = null
    override get label(): string {
        return 'Network'
    }
    protected async load(): Promise<string> {
        const n = await this.api('/api/v1/network?points=24&step=hour')
        this.data = n
        const s = n.now
        const L = this.locale
        return `<h2>Network <span class="sub">now, and hourly over the last day</span></h2>
<div class="kpis">
${kpi('Workers', `${intHtml(s.workers.total, L, 'workers')}<div class="note">${num(s.workers.idle, L, 0)} computing</div>`)}
${kpi('Stake in sessions', phaHtml(s.totalStake, L, 0, 'totalStake'))}
${kpi('Pool value', phaHtml(s.totalValue, L, 0, 'totalValue'))}
${kpi('Average APR', numHtml(s.averageApr == null ? null : s.averageApr * 100, L, 2, 'averageApr', ' %'))}
${kpi('Pools', intHtml(s.pools, L, 'pools'))}
${kpi('Delegators', intHtml(s.delegators, L, 'delegators'))}
</div>
<div class="chart" data-chart="network"></div>
<div class="foot">Block #${num(s.height, L, 0)} · ${escapeHtml(dateTime(s.asOf, L))}</div>`
    }
    protected override rendered(): void {
        const el = this.root.querySelector<HTMLElement>('[data-chart=network]')
        const h: any[] = this.data?.history ?? []
        if (!el || h.length < 2) return
        chart(
            el,
            this,
            h.map(x => Date.parse(x.at) / 1000),
            [
                {label: 'computing workers', values: h.map(x => x.workers.idle), kind: 'line', format: v => num(v, this.locale, 0)},
                {label: 'workers', values: h.map(x => x.workers.total), kind: 'dashed', color: 'accent2', format: v => num(v, this.locale, 0)},
            ],
            150,
            v => num(v, this.locale, 0)
        )
    }
}

export class TopPools extends PhalaElement {
    override get label(): string {
        return 'Top pools'
    }
    protected async load(): Promise<string> {
        const limit = Number(this.getAttribute('limit') ?? 10) || 10
        const t = await this.api(`/api/v1/pools/top?limit=${limit}&orderBy=APR`)
        const L = this.locale
        const rows = (t.pools as any[])
            .map(
                p => `<tr data-pid="${escapeHtml(p.pid)}"><td>${num(p.rank, L, 0)}</td><td><a href="${escapeHtml(this.url(`/audit/pool/${p.pid}`))}">#${escapeHtml(p.pid)}</a></td>
<td class="r">${numHtml(p.apr == null ? null : p.apr * 100, L, 2, 'apr', ' %')}</td><td class="r">${num(p.commissionPercent, L, 2)} %</td>
<td class="r">${phaHtml(p.totalValue, L, 0, 'totalValue')}</td><td class="r">${num(p.workerCount, L, 0)}</td><td class="r">${num(p.delegatorCount, L, 0)}</td></tr>`
            )
            .join('')
        return `<h2>Top pools <span class="sub">by APR</span></h2>
<div class="scroll"><table><thead><tr><th>#</th><th>Pool</th><th class="r">APR</th><th class="r">Commission</th><th class="r">Value</th><th class="r">Workers</th><th class="r">Delegators</th></tr></thead>
<tbody>${rows || '<tr><td colspan="7" class="muted">No pools yet</td></tr>'}</tbody></table></div>`
    }
}

export class RecentPayouts extends PhalaElement {
    override get label(): string {
        return 'Recent payouts'
    }
    protected async load(): Promise<string> {
        const limit = Number(this.getAttribute('limit') ?? 10) || 10
        const r = await this.api(`/api/v1/payouts/recent?limit=${limit}`)
        const L = this.locale
        const rows = (r.payouts as any[])
            .map(
                p => `<tr data-id="${escapeHtml(p.id)}"><td>#${num(p.blockHeight, L, 0)}</td>
<td>${p.workerId ? `<a href="${escapeHtml(this.url(`/audit/worker/${p.workerId}`))}" title="${escapeHtml(p.workerId)}">${escapeHtml(shortId(p.workerId))}</a>` : '—'}</td>
<td>${p.poolId ? `#${escapeHtml(p.poolId)}` : '—'}</td><td class="r">${phaHtml(p.amount, L, 4, 'amount')}</td></tr>`
            )
            .join('')
        return `<h2>Recent payouts <span class="sub">${escapeHtml(dateTime(r.head.timestamp, L))}</span></h2>
<div class="scroll"><table><thead><tr><th>Block</th><th>Worker</th><th>Pool</th><th class="r">Payout</th></tr></thead><tbody>${rows}</tbody></table></div>`
    }
}

export class SearchBox extends PhalaElement {
    override get label(): string {
        return 'Search'
    }
    protected async load(): Promise<string> {
        return `<form class="row" role="search"><label for="q" class="muted">Find</label>
<input id="q" name="q" type="search" placeholder="account (SS58 or 0x…), worker key or pool id" style="flex:1;min-width:220px" autocomplete="off">
<button type="submit">Search</button></form><div class="msg" aria-live="polite"></div>`
    }
    protected override rendered(): void {
        const form = this.root.querySelector('form')!
        const msg = this.root.querySelector<HTMLElement>('.msg')!
        form.addEventListener('submit', ev => {
            ev.preventDefault()
            const q = (this.root.querySelector('input') as HTMLInputElement).value
            msg.textContent = ''
            this.api(`/api/v1/search?q=${enc(q)}`).then(
                r => {
                    location.href = this.url(r.audit)
                },
                e => {
                    msg.innerHTML = `<p class="error" role="alert">${escapeHtml(e.message)}</p>`
                }
            )
        })
    }
}

export class ThemeToggle extends HTMLElement {
    connectedCallback(): void {
        const saved = localStorage.getItem('phala-theme')
        if (saved) apply(saved)
        const b = document.createElement('button')
        b.type = 'button'
        b.className = 'theme-toggle'
        const label = () => {
            const dark = currentTheme() === 'dark'
            b.textContent = dark ? '☀ Light' : '☾ Dark'
            b.setAttribute('aria-label', dark ? 'switch to the light theme' : 'switch to the dark theme')
        }
        b.addEventListener('click', () => {
            const next = currentTheme() === 'dark' ? 'light' : 'dark'
            localStorage.setItem('phala-theme', next)
            apply(next)
            label()
        })
        label()
        this.replaceChildren(b)
    }
}

function currentTheme(): string {
    const t = document.documentElement.dataset.theme
    if (t === 'dark' || t === 'light') return t
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

function apply(theme: string): void {
    document.documentElement.dataset.theme = theme
    for (const el of document.querySelectorAll('*')) if (el instanceof PhalaElement) el.setAttribute('theme', theme)
}

/** set the page's theme on elements created after load */
export function applySavedTheme(): void {
    const t = document.documentElement.dataset.theme
    if (t === 'dark' || t === 'light') apply(t)
}

export {apply as applyTheme, compact}
