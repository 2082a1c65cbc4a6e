/** what every element shares: its shadow root and styles, options (theme, size, locale), fetching and errors */
import {ELEMENT_CSS} from './styles'

/** the origin this script was loaded from: the API of every element (unless it sets `api`) */
const SCRIPT_BASE = (() => {
    const s = document.currentScript as HTMLScriptElement | null
    try {
        return s?.src ? new URL('/', s.src).href : new URL('/', location.href).href
    } catch {
        return '/'
    }
})()

let sheet: CSSStyleSheet | null = null
function styleSheet(): CSSStyleSheet | null {
    if (sheet) return sheet
    try {
        sheet = new CSSStyleSheet()
        sheet.replaceSync(ELEMENT_CSS)
        return sheet
    } catch {
        return null
    }
}

export class ApiError extends Error {}

export abstract class PhalaElement extends HTMLElement {
    protected root: ShadowRoot
    private generation = 0

    constructor() {
        super()
        this.root = this.attachShadow({mode: 'open'})
        const s = styleSheet()
        if (s) this.root.adoptedStyleSheets = [s]
        else this.root.innerHTML = `<style>${ELEMENT_CSS}</style>`
    }

    static get observedAttributes(): string[] {
        return ['theme', 'size', 'locale', 'decimals', 'api']
    }

    get locale(): string {
        const l = this.getAttribute('locale') || navigator.language || 'en-US'
        try {
            new Intl.NumberFormat(l)
            return l
        } catch {
            return 'en-US'
        }
    }

    get decimals(): number {
        const d = Number(this.getAttribute('decimals') ?? 4)
        return Number.isInteger(d) && d >= 0 && d <= 12 ? d : 4
    }

    /** what the element shows, named in its error message */
    get label(): string {
        return 'Phala mining'
    }

    get size(): string {
        return this.getAttribute('size') ?? 'medium'
    }

    /** absolute URL of a path of the API */
    url(path: string): string {
        return new URL(path.replace(/^\//, ''), this.getAttribute('api') || SCRIPT_BASE).href
    }

    async api(path: string): Promise<any> {
        let r: Response
        try {
            r = await fetch(this.url(path), {headers: {accept: 'application/json'}})
        } catch {
            throw new ApiError(`could not reach ${new URL(this.url(path)).origin}`)
        }
        let body: any = null
        try {
            body = await r.json()
        } catch {
            // not JSON
        }
        if (!r.ok) throw new ApiError(body?.error?.message ?? `the server answered ${r.status}`)
        return body
    }

    connectedCallback(): void {
        this.refresh()
    }

    attributeChangedCallback(name: string, old: string | null, value: string | null): void {
        if (old !== value && this.isConnected && name !== 'theme') this.refresh()
        else if (name === 'theme' && this.isConnected) this.refresh()
    }

    /** render loading, then `load()`'s HTML, or the error */
    refresh(): void {
        const g = ++this.generation
        if (!this.root.querySelector('.body')) this.set(`<div class="loading" role="status">Loading…</div>`)
        this.load().then(
            html => {
                if (g !== this.generation) return
                this.set(html)
                this.setAttribute('data-ready', '')
                this.removeAttribute('data-error')
                this.rendered()
            },
            e => {
                if (g !== this.generation) return
                this.set(`<div class="error" role="alert"><strong>${this.label}:</strong> ${escapeText(e?.message ?? String(e))}</div>`)
                this.setAttribute('data-error', '')
            }
        )
    }

    private set(html: string): void {
        this.root.innerHTML = `<div class="body">${html}</div>`
        if (!this.root.adoptedStyleSheets?.length) this.root.innerHTML = `<style>${ELEMENT_CSS}</style>` + this.root.innerHTML
    }

    /** required attribute, or an error shown in the element */
    need(name: string): string {
        const v = this.getAttribute(name)?.trim()
        if (!v) throw new ApiError(`set the ${name} attribute`)
        return v
    }

    protected abstract load(): Promise<string>

    /** after the HTML is in place (charts, listeners) */
    protected rendered(): void {}
}

function escapeText(s: string): string {
    return s.replace(/[&<>]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;'})[c]!)
}

export function define(name: string, cls: CustomElementConstructor): void {
    if (!customElements.get(name)) customElements.define(name, cls)
}
