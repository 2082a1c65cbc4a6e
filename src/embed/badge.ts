/**
 * Flat SVG badges (label | value), drawn here: no fonts or images from elsewhere. Text widths are estimated
 * from per-character widths of an 11 px sans-serif, enough for a badge.
 */

const NARROW = new Set([...".,:;|!il1I()[]{} '`"])
const WIDE = new Set([...'mwMW%@'])

function textWidth(s: string): number {
    let w = 0
    for (const c of s) w += NARROW.has(c) ? 3.6 : WIDE.has(c) ? 10 : /[A-Z0-9]/.test(c) ? 7.4 : 6.4
    return Math.ceil(w)
}

export function escapeXml(s: string): string {
    return s.replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'})[c]!)
}

export const BADGE_COLORS = {ok: '#2f9e5b', info: '#3b6fd8', warn: '#c98a16', bad: '#c2413b', muted: '#777'}

export function badgeSvg(label: string, value: string, color: string): string {
    const lw = textWidth(label) + 12
    const vw = textWidth(value) + 12
    const w = lw + vw
    const l = escapeXml(label)
    const v = escapeXml(value)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${v}">
<title>${l}: ${v}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="${color}"/><rect width="${w}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${lw / 2}" y="15" fill="#010101" fill-opacity=".3">${l}</text><text x="${lw / 2}" y="14">${l}</text>
<text x="${lw + vw / 2}" y="15" fill="#010101" fill-opacity=".3">${v}</text><text x="${lw + vw / 2}" y="14">${v}</text>
</g></svg>
`
}

/** "1234567.891234567890" (exact PHA) → "1,234,567.89 PHA": grouped, cut (never rounded) to `decimals` */
export function shortPha(exact: string, decimals = 2): string {
    const neg = exact.startsWith('-')
    const [int, frac = ''] = exact.replace(/^-/, '').split('.')
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
    const f = frac.slice(0, decimals)
    return `${neg ? '-' : ''}${grouped}${decimals > 0 ? '.' + f.padEnd(decimals, '0') : ''} PHA`
}
