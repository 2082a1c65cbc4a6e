/**
 * What the chaos scenarios share: the result rows, databases on the chosen PostgreSQL server, the state of an
 * index (per-table checksums and index definitions) and a reference index of a scenario built once per run.
 */
import {Client} from 'pg'
import {startScenarioDevnet} from '../../devnet'
import {applyMigrations} from '../../src/db/migrate'
import {runProcessor} from '../../test/e2e/processor-child'
import {tableChecksums} from '../checksums'

export interface Row {
    scenario: string
    /** what was done */
    done: string
    expected: string
    observed: string
    pass: boolean
}

export interface ChaosContext {
    /** a PostgreSQL server URL (any database): the scenarios create theirs on it */
    server: string
    quick: boolean
    /** prepended to the names of the databases created */
    prefix: string
    seed: number
    log: (msg: string) => void
    /** reference indexes built in this run, by scenario name */
    refs: Map<string, Promise<Reference>>
}

export interface Reference {
    scenario: string
    url: string
    height: number
    state: IndexState
}

export interface IndexState {
    tables: Record<string, {rows: number; md5: string}>
    /** `table.index: definition` of the public schema */
    indexes: string[]
}

export function dbUrl(server: string, name: string): string {
    const u = new URL(server)
    u.pathname = '/' + name
    return u.toString()
}

export async function withClient<T>(url: string, f: (c: Client) => Promise<T>): Promise<T> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        return await f(c)
    } finally {
        await c.end()
    }
}

/** a new empty database `name` (dropped first) with the migrations applied */
export async function freshMigrated(ctx: ChaosContext, name: string): Promise<string> {
    const full = `${ctx.prefix}${name}`
    if (!/^[a-z_][a-z0-9_]*$/.test(full)) throw new Error(`bad database name ${full}`)
    await withClient(dbUrl(ctx.server, 'postgres'), async c => {
        await c.query(`DROP DATABASE IF EXISTS ${full} WITH (FORCE)`)
        await c.query(`CREATE DATABASE ${full}`)
    })
    const url = dbUrl(ctx.server, full)
    await applyMigrations(url)
    return url
}

export async function indexState(url: string): Promise<IndexState> {
    const tables = await tableChecksums(url)
    const indexes = await withClient(url, async c => {
        const r = await c.query(`SELECT tablename || '.' || indexname || ': ' || indexdef AS d FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`)
        return r.rows.map(x => String(x.d))
    })
    return {tables, indexes}
}

/** the differences between an index and the reference, in words (empty when equal) */
export function stateDiff(got: IndexState, ref: IndexState): string[] {
    const out: string[] = []
    for (const t of new Set([...Object.keys(ref.tables), ...Object.keys(got.tables)])) {
        const a = got.tables[t]
        const b = ref.tables[t]
        if (!a || !b) out.push(`table ${t} ${a ? 'extra' : 'missing'}`)
        else if (a.rows !== b.rows) out.push(`${t}: ${a.rows} rows, reference ${b.rows}`)
        else if (a.md5 !== b.md5) out.push(`${t}: same ${a.rows} rows, different contents`)
    }
    const gi = new Set(got.indexes)
    const ri = new Set(ref.indexes)
    for (const d of ref.indexes) if (!gi.has(d)) out.push(`index missing: ${d.split(':')[0]}`)
    for (const d of got.indexes) if (!ri.has(d)) out.push(`index extra: ${d.split(':')[0]}`)
    return out
}

export function describeEqual(state: IndexState): string {
    return `equal: ${Object.keys(state.tables).length} tables, ${state.indexes.length} indexes`
}

/** the scenario each indexing attack runs on: `small` (14,400 blocks), `tiny` (240) in quick mode */
export function indexScenario(ctx: ChaosContext): string {
    return ctx.quick ? 'tiny' : 'small'
}

/** a clean index of `scenario` (devnet seed 1, every block final), built once per run */
export function reference(ctx: ChaosContext, scenario: string): Promise<Reference> {
    let p = ctx.refs.get(scenario)
    if (!p) {
        p = (async () => {
            const dn = await startScenarioDevnet({scenario, seed: 1, port: 0})
            try {
                const url = await freshMigrated(ctx, `chaos_ref_${scenario.replace(/[^a-z0-9]/g, '_')}`)
                const t0 = Date.now()
                await runProcessor(url, dn.url, dn.height)
                ctx.log(`reference index of ${scenario}: ${dn.height} blocks in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
                return {scenario, url, height: dn.height, state: await indexState(url)}
            } finally {
                await dn.close()
            }
        })()
        ctx.refs.set(scenario, p)
    }
    return p
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** the last line(s) of a process's output that say why it stopped */
export function lastWords(output: string, max = 240): string {
    const lines = output
        .split('\n')
        .map(l => l.trim())
        .filter(Boolean)
    const pick = lines.filter(l => /error|fatal|fork|final|cannot|refus/i.test(l)).pop() ?? lines.pop() ?? ''
    const clean = pick.replace(/\s+/g, ' ')
    return clean.length > max ? clean.slice(0, max) + '…' : clean
}

export function percentile(values: number[], p: number): number {
    if (values.length === 0) return Number.NaN
    const s = [...values].sort((a, b) => a - b)
    return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}
