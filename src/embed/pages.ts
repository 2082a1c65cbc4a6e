/**
 * The HTML pages of the API server: the dashboard at `/`, the audit pages, and one page per web component
 * for iframes. Each is a small shell that loads /embed/embed.js (built from web/) and places elements; the
 * elements fetch /api/v1 themselves. Nothing is loaded from another origin.
 */
import {escapeXml} from './badge'

export interface PageOptions {
    title: string
    body: string
    /** `embed`: no header or footer, transparent background (for iframes) */
    frame?: boolean
    theme?: 'light' | 'dark' | 'auto'
}

const esc = escapeXml

export function page(o: PageOptions): string {
    const theme = o.theme ?? 'auto'
    const header = o.frame
        ? ''
        : `<header class="top"><a class="brand" href="/"><span class="logo" aria-hidden="true"></span>Phala mining</a>
<nav><a href="/">Dashboard</a><a href="/graphql">GraphQL</a><a href="/api/v1">API</a></nav>
<phala-theme-toggle></phala-theme-toggle></header>`
    const footer = o.frame
        ? ''
        : `<footer class="bottom">Figures are those of the GraphQL API at the indexed chain head. Amounts in PHA (1 PHA = 10¹² plancks).</footer>`
    return `<!doctype html>
<html lang="en" data-theme="${theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/embed/page.css">
<script src="/embed/embed.js" defer></script>
</head>
<body class="${o.frame ? 'frame' : 'site'}">
${header}
<main>${o.body}</main>
${footer}
</body>
</html>
`
}

/** attributes the iframe pages pass on to their element (theme, size, locale) from the query string */
export function passOn(query: Record<string, unknown>): string {
    let out = ''
    for (const k of ['theme', 'size', 'locale', 'decimals']) {
        const v = query[k]
        if (typeof v === 'string' && /^[A-Za-z0-9-]{1,20}$/.test(v)) out += ` ${k}="${esc(v)}"`
    }
    return out
}

export function dashboardPage(): string {
    return page({
        title: 'Phala mining — dashboard',
        body: `<h1 class="page-title">Mining dashboard</h1>
<phala-search></phala-search>
<section class="grid two">
<phala-emission size="large"></phala-emission>
<phala-network-stats></phala-network-stats>
</section>
<section class="grid two">
<phala-top-pools limit="10"></phala-top-pools>
<phala-recent-payouts limit="12"></phala-recent-payouts>
</section>`,
    })
}

export function auditPage(kind: 'account' | 'worker' | 'pool', id: string): string {
    return page({
        title: `Payout audit — ${kind} ${id}`,
        body: `<h1 class="page-title">Payout audit <span class="muted">${kind}</span></h1>
<p class="subject"><code>${esc(id)}</code></p>
<phala-audit ${kind}="${esc(id)}"></phala-audit>`,
    })
}

export const EMBED_ELEMENTS = {
    worker: {tag: 'phala-worker-stats', attr: 'worker'},
    pool: {tag: 'phala-pool-stats', attr: 'pid'},
    account: {tag: 'phala-account-payouts', attr: 'account'},
} as const

export function embedPage(kind: keyof typeof EMBED_ELEMENTS | 'emission', id: string | null, query: Record<string, unknown>): string {
    const theme = query.theme === 'dark' || query.theme === 'light' ? query.theme : 'auto'
    const body =
        kind === 'emission'
            ? `<phala-emission${passOn(query)}></phala-emission>`
            : `<${EMBED_ELEMENTS[kind].tag} ${EMBED_ELEMENTS[kind].attr}="${esc(id ?? '')}"${passOn(query)}></${EMBED_ELEMENTS[kind].tag}>`
    return page({title: `Phala mining — ${kind}`, body, frame: true, theme})
}

export function errorPage(status: number, message: string): string {
    return page({
        title: `Phala mining — ${status}`,
        body: `<h1 class="page-title">${status === 404 ? 'Not found' : 'Bad request'}</h1><p class="error-box" role="alert">${esc(message)}</p><p><a href="/">Back to the dashboard</a></p>`,
    })
}
