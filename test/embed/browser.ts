/**
 * A real Chromium (the one shipped inside @sparticuz/chromium) driven by playwright-core, for the embed
 * tests: one browser for a test file, console errors collected per page, screenshots into test-artifacts/.
 */
import * as fs from 'fs'
import * as http from 'http'
import * as path from 'path'
import type {Browser, BrowserContext, Page} from 'playwright-core'
import {freePort} from '../helpers/graphql-server'
import {ROOT} from '../helpers/indexed'

/** the page's document, inside functions run in the browser (the tests compile without the DOM library) */
declare const document: any

export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'embed')

export async function launch(): Promise<Browser> {
    const pw = require('playwright-core')
    const sparticuz = require('@sparticuz/chromium')
    const chromium = sparticuz.default ?? sparticuz
    const exe: string = await chromium.executablePath()
    // keep the browser's same-origin policy: the cross-origin test must prove CORS, not bypass it
    const args = (chromium.args as string[]).filter(a => a !== '--disable-web-security' && a !== '--allow-running-insecure-content')
    return pw.chromium.launch({executablePath: exe, args, headless: true})
}

export interface Watched {
    page: Page
    errors: string[]
}

export async function newPage(ctx: BrowserContext): Promise<Watched> {
    const page = await ctx.newPage()
    const errors: string[] = []
    page.on('console', m => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`)
    })
    page.on('pageerror', e => errors.push(`page error: ${e.message}`))
    page.on('requestfailed', r => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`))
    return {page, errors}
}

/** the whole page, or only the element `selector` names */
export async function screenshot(page: Page, name: string, selector?: string): Promise<string> {
    fs.mkdirSync(ARTIFACTS, {recursive: true})
    const file = path.join(ARTIFACTS, `${name}.png`)
    await page.evaluate('window.scrollTo(0, 0)')
    if (selector) await page.locator(selector).screenshot({path: file})
    else await page.screenshot({path: file, fullPage: true})
    return file
}

/** waits until every element `selector` names has rendered its data (or shown an error) */
export async function ready(page: Page, selector: string): Promise<void> {
    await page.waitForFunction(
        sel => {
            const els = [...document.querySelectorAll(sel)]
            return els.length > 0 && els.every(e => e.hasAttribute('data-ready') || e.hasAttribute('data-error'))
        },
        selector,
        {timeout: 30_000}
    )
}

/**
 * every keyboard control of the page (shadow roots included), then Tab pressed until focus has gone round:
 * returns the controls never reached (their descriptions)
 */
export async function unreachableByTab(page: Page): Promise<string[]> {
    const total: number = await page.evaluate(() => {
        const out: any[] = []
        const walk = (root: any) => {
            for (const el of root.querySelectorAll('*')) {
                if (el.matches('a[href], button:not([disabled]), input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])')) {
                    const r = (el as any).getBoundingClientRect()
                    if (r.width > 0 && r.height > 0) out.push(el)
                }
                if (el.shadowRoot) walk(el.shadowRoot)
            }
        }
        walk(document)
        for (let i = 0; i < out.length; i++) out[i].setAttribute('data-kbd', String(i))
        return out.length
    })
    const seen = new Set<string>()
    await page.evaluate(() => (document.activeElement as any)?.blur())
    // a date input takes several presses (one per part of the date): go on until all were seen, or far past
    for (let i = 0; i < total * 5 + 10 && seen.size < total; i++) {
        await page.keyboard.press('Tab')
        const k = await page.evaluate(() => {
            let a: any = document.activeElement
            while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement
            return a?.getAttribute('data-kbd') ?? null
        })
        if (k != null) seen.add(k)
    }
    return page.evaluate(
        (seenList: string[]) => {
            const missing: string[] = []
            const walk = (root: any) => {
                for (const el of root.querySelectorAll('[data-kbd]')) {
                    if (!seenList.includes(el.getAttribute('data-kbd')!))
                        missing.push(`${el.tagName.toLowerCase()} ${(el.textContent ?? '').trim().slice(0, 40)}`)
                }
                for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot)
            }
            walk(document)
            return missing
        },
        [...seen]
    )
}

/** a plain static server on another port (another origin) serving `html` at / */
export async function otherOrigin(html: string): Promise<{url: string; close(): Promise<void>}> {
    const port = await freePort()
    const server = http.createServer((req, res) => {
        if (req.url === '/' || req.url?.startsWith('/?')) {
            res.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
            res.end(html)
        } else {
            res.writeHead(204)
            res.end()
        }
    })
    await new Promise<void>(r => server.listen(port, '127.0.0.1', () => r()))
    return {url: `http://localhost:${port}/`, close: () => new Promise(r => server.close(() => r()))}
}

/**
 * the text an amount element shows is a cut of the exact PHA string (grouped with commas, en-US), and its
 * value is the plancks
 */
export function shownIsCutOf(shown: string, exactPha: string): boolean {
    const s = shown.replace(/\s*PHA$/, '').trim()
    if (!/^−?\d{1,3}(,\d{3})*(\.\d+)?$/.test(s)) return false
    return exactPha.replace(/^-/, '').startsWith(s.replace(/,/g, '').replace(/^−/, ''))
}
