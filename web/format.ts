/**
 * Numbers as people read them. Amounts arrive as plancks (decimal strings, 12 decimals): they are split with
 * bigint arithmetic and cut (never rounded) to the decimals shown; the exact value stays in the element's
 * `value` (plancks) and `title` (all 12 decimals), so a shown amount can always be checked.
 */
const PLANCKS = 10n ** 12n

function decimalSeparator(locale: string): string {
    return new Intl.NumberFormat(locale).formatToParts(1.5).find(p => p.type === 'decimal')?.value ?? '.'
}

/** "1551379462062105208" → "1,551,379.4620" (en-US, 4 decimals) */
export function formatPlancks(plancks: string, locale: string, decimals: number): string {
    const v = BigInt(plancks)
    const neg = v < 0n
    const a = neg ? -v : v
    const int = new Intl.NumberFormat(locale, {useGrouping: true}).format(a / PLANCKS)
    const frac = (a % PLANCKS).toString().padStart(12, '0').slice(0, decimals)
    return `${neg ? '−' : ''}${int}${decimals > 0 ? decimalSeparator(locale) + frac : ''}`
}

/** the exact PHA string of plancks: all 12 decimals, no grouping ("1551379.462062105208") */
export function exactPha(plancks: string): string {
    const v = BigInt(plancks)
    const a = v < 0n ? -v : v
    return `${v < 0n ? '-' : ''}${(a / PLANCKS).toString()}.${(a % PLANCKS).toString().padStart(12, '0')}`
}

export function escapeHtml(s: unknown): string {
    return String(s ?? '').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)
}

/** an amount as HTML: `<data value=plancks title=exact>1,234.5678 PHA</data>` */
export function phaHtml(plancks: string | null | undefined, locale: string, decimals: number, field?: string): string {
    if (plancks == null) return '<span class="na">n/a</span>'
    const f = field ? ` data-field="${escapeHtml(field)}"` : ''
    return `<data class="amount" value="${escapeHtml(plancks)}" title="${exactPha(plancks)} PHA"${f}>${formatPlancks(plancks, locale, decimals)}<span class="unit"> PHA</span></data>`
}

export function num(n: number | null | undefined, locale: string, maxDecimals = 2): string {
    if (n == null || !Number.isFinite(n)) return 'n/a'
    return new Intl.NumberFormat(locale, {maximumFractionDigits: maxDecimals}).format(n)
}

/** a float shown rounded, with the exact value kept in `value` */
export function numHtml(n: number | null | undefined, locale: string, maxDecimals: number, field: string, suffix = ''): string {
    if (n == null) return `<span class="na" data-field="${field}">n/a</span>`
    return `<data value="${n}" data-field="${field}">${num(n, locale, maxDecimals)}${suffix}</data>`
}

export function intHtml(n: number, locale: string, field: string): string {
    return `<data value="${n}" data-field="${field}">${num(n, locale, 0)}</data>`
}

export function dateTime(iso: string | null | undefined, locale: string): string {
    if (!iso) return 'n/a'
    return new Intl.DateTimeFormat(locale, {dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC'}).format(new Date(iso)) + ' UTC'
}

export function day(iso: string, locale: string): string {
    return new Intl.DateTimeFormat(locale, {month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC'}).format(new Date(iso))
}

export function shortId(id: string | null | undefined): string {
    if (!id) return '—'
    return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id
}

/** plancks → PHA as a float, for chart axes only (never for a shown exact value) */
export function plancksToFloat(plancks: string): number {
    const v = BigInt(plancks)
    return Number(v / 1_000_000n) / 1e6
}
