/**
 * Hostile GraphQL requests against the real server (`node lib/src/serve.js`) on an indexed database: alias
 * bombs, deep nesting, huge filters, malformed JSON, bad arguments (negative limits, NUL bytes, wrong types),
 * persisted-query floods, oversized bodies, introspection abuse, batches. Counts 5xx answers, checks that every
 * error is a clear message without stack traces, SQL or file paths, samples the server's RSS, and measures a
 * small probe query's latency while 20 expensive queries run.
 */
import {spawn} from 'child_process'
import {createHash} from 'crypto'
import * as fs from 'fs'
import * as path from 'path'
import {mulberry32} from '../../devnet/prng'
import {GraphqlServer, HttpResult, httpRequest} from '../../test/helpers/graphql-server'
import {ChaosContext, indexScenario, percentile, reference, Row, sleep} from './common'

interface Req {
    category: string
    method?: string
    body?: string
    headers?: Record<string, string>
    path?: string
}

const JSON_CT = {'content-type': 'application/json'}
const gql = (category: string, query: string, variables?: unknown, extensions?: unknown): Req => ({
    category,
    method: 'POST',
    body: JSON.stringify({query, variables, extensions}),
    headers: JSON_CT,
})
const raw = (category: string, body: string, headers: Record<string, string> = JSON_CT, method = 'POST'): Req => ({category, method, body, headers})

const INTROSPECTION = `query { __schema { queryType { name } types { kind name description fields(includeDeprecated: true) { name args { name type { kind name ofType { kind name ofType { kind name } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } inputFields { name type { kind name } } enumValues(includeDeprecated: true) { name } possibleTypes { name } } directives { name locations args { name } } } }`

function nest(depth: number): string {
    let s = 'name'
    for (let i = 0; i < depth; i++) s = i % 2 === 0 ? `fields { type { ${s} } }` : `ofType { ${s} }`
    return `{ __type(name: "Payout") { ${s} } }`
}

/** one request of each kind, varied by `k` so that caches do not answer them */
const KINDS: ((k: number) => Req)[] = [
    k =>
        gql('alias bomb', `{ ${Array.from({length: 200 + (k % 5) * 200}, (_, i) => `a${i}: payouts(limit: 100, offset: ${k + i}) { id amount }`).join(' ')} }`),
    k => gql('alias bomb', `{ ${Array.from({length: 2000}, (_, i) => `s${i}_${k}: squidStatus { height }`).join(' ')} }`),
    k => gql('deep nesting', nest(20 + (k % 40))),
    k => gql('deep nesting', `{ payouts(limit: 1, offset: ${k}) { ${'id '.repeat(5000)} } }`),
    k =>
        gql('huge filter', `{ payouts(limit: 10, where: {OR: [${Array.from({length: 3000}, (_, i) => `{amount_gt: "${k * 3000 + i}"}`).join(',')}]}) { id } }`),
    k => gql('huge filter', `{ payouts(limit: 10, where: ${'{AND: '.repeat(150)}{amount_gt: "${k}"}${'}'.repeat(150)}) { id } }`),
    k =>
        raw(
            'malformed JSON',
            [
                '{"query": "{ squidStatus {',
                '{',
                '{"query": 5}',
                '[]',
                'null',
                '""',
                '{"query":"{ squidStatus { height } }","variables":"x"}',
                '\u0000\u0001\u0002',
            ][k % 8]
        ),
    k => raw('malformed JSON', `{"query":"{ s${k}: squidStatus { height } }"}`, {'content-type': 'text/plain'}),
    k =>
        gql(
            'bad arguments',
            [
                `{ payouts(limit: -${k + 1}) { id } }`,
                `{ payouts(limit: "x${k}") { id } }`,
                `{ payouts(offset: -${k + 10}) { id } }`,
                `{ payouts(limit: 99999999999${k}) { id } }`,
                `{ payouts(where: {id_eq: "a\u0000${k}"}) { id } }`,
                `{ payoutAudit(account: "\u0000${k}", from: "x", to: "y") { count } }`,
                `{ poolLeaderboard(limit: -${k}) { entries { pid } } }`,
                `{ payouts(orderBy: nope_${k}) { id } }`,
            ][k % 8]
        ),
    k =>
        gql(
            'bad arguments',
            `query($l: Int, $w: PayoutWhereInput) { payouts(limit: $l, where: $w) { id } }`,
            [{l: `abc${k}`}, {l: 1, w: {amount_gt: {x: k}}}, {l: -k}, {w: `\u0000${k}`}][k % 4]
        ),
    k => gql('persisted-query flood', '', undefined, {persistedQuery: {version: 1, sha256Hash: createHash('sha256').update(`missing ${k}`).digest('hex')}}),
    k => {
        const q = `{ p${k}: squidStatus { height } }`
        const hash = k % 3 === 0 ? '0'.repeat(64) : createHash('sha256').update(q).digest('hex')
        return gql('persisted-query flood', q, undefined, {persistedQuery: {version: k % 5 === 0 ? 2 : 1, sha256Hash: hash}})
    },
    k => raw('oversized body', JSON.stringify({query: `{ squidStatus { height } }`, pad: 'x'.repeat([300_000, 2_000_000, 8_000_000][k % 3])})),
    k => raw('oversized body', `{"query":"{ squidStatus { height } }","variables":{"v":[${'1,'.repeat(150_000 + k)}1]}}`),
    k =>
        gql(
            'introspection abuse',
            k % 2 === 0 ? INTROSPECTION : `{ ${Array.from({length: 50}, (_, i) => `t${i}_${k}: __schema { types { name fields { name } } }`).join(' ')} }`
        ),
    k => raw('batch', JSON.stringify(Array.from({length: 50}, (_, i) => ({query: `{ b${i}_${k}: payouts(limit: 500, offset: ${i}) { id amount } }`})))),
    k => ({
        category: 'odd method / query string',
        method: 'GET',
        path: `/graphql?query=${encodeURIComponent(`{ ${'a: squidStatus { height } '.repeat(200 + k)} }`)}`,
    }),
    k => ({category: 'odd method / query string', method: ['PUT', 'DELETE', 'PATCH'][k % 3], body: '{}', headers: JSON_CT}),
]

const LEAK =
    /\n\s+at \S|\bat (?:async |new |Object\.)|node_modules|\/(?:work|home|usr|tmp)\/|\.(?:ts|js):\d+|\bSELECT\b[^"]*\bFROM\b|INSERT INTO|syntax error at or near|relation "|QueryFailedError|TypeError|ReferenceError/

export interface Verdict {
    fiveXX: boolean
    shed: boolean
    unclear: boolean
    leak: boolean
    dropped: boolean
}

/** what one answer says about the server */
export function judge(r: HttpResult | Error): Verdict {
    if (r instanceof Error) return {fiveXX: false, shed: false, unclear: true, leak: false, dropped: true}
    const shed = r.status === 503 && r.headers['retry-after'] != null
    const leak = LEAK.test(r.body)
    let messages: string[] = []
    let parsed: any
    try {
        parsed = JSON.parse(r.body)
    } catch {
        parsed = undefined
    }
    const list = Array.isArray(parsed) ? parsed : [parsed]
    for (const p of list) for (const e of p?.errors ?? []) messages.push(typeof e?.message === 'string' ? e.message : '')
    const isError = r.status >= 400 || messages.length > 0
    if (isError && messages.length === 0) messages = [r.body.trim()]
    const unclear = isError && (r.status >= 500 ? !shed : messages.some(m => m.length === 0 || /^internal server error$|^unexpected error/i.test(m)))
    return {fiveXX: r.status >= 500 && !shed, shed, unclear, leak, dropped: false}
}

function ownRssMb(pid: number): number {
    try {
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
        return m ? Number(m[1]) / 1024 : 0
    } catch {
        return 0
    }
}

/** RSS of the server: the process started and all its descendants (serve.js runs the server as its child) */
function rssMb(pid: number): number {
    const children = new Map<number, number[]>()
    for (const d of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue
        try {
            // the fields after the command's closing parenthesis: state, ppid, …
            const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8')
            const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
            if (!children.has(ppid)) children.set(ppid, [])
            children.get(ppid)!.push(Number(d))
        } catch {
            // the process ended meanwhile
        }
    }
    let total = 0
    const todo = [pid]
    while (todo.length) {
        const p = todo.pop()!
        total += ownRssMb(p)
        todo.push(...(children.get(p) ?? []))
    }
    return total
}

async function send(base: string, r: Req): Promise<HttpResult | Error> {
    try {
        return await httpRequest(base + (r.path ?? '/graphql'), {method: r.method, body: r.body, headers: r.headers})
    } catch (e: any) {
        return e instanceof Error ? e : new Error(String(e))
    }
}

/**
 * A small query's latency while 20 clients run expensive ones. The 20 run in a process of their own
 * (bench/chaos/loaders.ts), as attackers are other machines: in this one they delayed the probe's own
 * event loop, which then counted as server latency.
 */
async function probeUnderLoad(base: string, probes: number) {
    const child = spawn(process.execPath, [path.join(__dirname, 'loaders.js'), base + '/graphql', '20'], {stdio: ['pipe', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stdout!.on('data', d => (out += d))
    child.stderr!.on('data', d => (err = (err + d).slice(-2000)))
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
    await sleep(1000)
    const lat: number[] = []
    let probeFailed = 0
    for (let i = 0; i < probes; i++) {
        const t0 = process.hrtime.bigint()
        const r = await send(base, gql('probe', `{ probe${i}: squidStatus { height } }`))
        lat.push(Number(process.hrtime.bigint() - t0) / 1e6)
        if (r instanceof Error || r.status !== 200) probeFailed++
        await sleep(25)
    }
    child.stdin!.end()
    const code = await exited
    if (code !== 0) throw new Error(`the expensive load's process exited with ${code}: ${err}`)
    const {sent, failed} = JSON.parse(out) as {sent: number; failed: number}
    return {heavy: sent, heavyFailed: failed, probeFailed, p50: percentile(lat, 50), p99: percentile(lat, 99)}
}

/** `probes: 0` leaves out the latency-under-load part (and its row) */
export async function hostileGraphql(ctx: ChaosContext, opts: {probes?: number} = {}): Promise<Row[]> {
    const total = ctx.quick ? KINDS.length * 2 : 1000
    const probes = opts.probes ?? (ctx.quick ? 20 : 200)
    const ref = await reference(ctx, indexScenario(ctx))
    const server = await GraphqlServer.start(ref.url)
    const base = server.url.replace(/\/graphql$/, '')
    const rss: number[] = []
    const sampler = setInterval(() => server.pid && rss.push(rssMb(server.pid)), 100)
    try {
        // the requests, kinds interleaved, in a seeded order; 8 at a time
        const rnd = mulberry32(ctx.seed ^ 0x9a1)
        const reqs = Array.from({length: total}, (_, i) => KINDS[i % KINDS.length](Math.floor(i / KINDS.length)))
        for (let i = reqs.length - 1; i > 0; i--) {
            const j = Math.floor(rnd() * (i + 1))
            ;[reqs[i], reqs[j]] = [reqs[j], reqs[i]]
        }
        const byCat = new Map<string, {n: number; fiveXX: number; shed: number; unclear: number; leak: number; dropped: number}>()
        const examples: string[] = []
        let next = 0
        await Promise.all(
            Array.from({length: 8}, async () => {
                while (next < reqs.length) {
                    const r = reqs[next++]
                    const res = await send(base, r)
                    const v = judge(res)
                    const c = byCat.get(r.category) ?? {n: 0, fiveXX: 0, shed: 0, unclear: 0, leak: 0, dropped: 0}
                    c.n++
                    for (const k of ['fiveXX', 'shed', 'unclear', 'leak', 'dropped'] as const) if (v[k]) c[k]++
                    byCat.set(r.category, c)
                    if ((v.fiveXX || v.unclear || v.leak) && examples.length < 6) {
                        const what =
                            res instanceof Error
                                ? res.message
                                : `${r.method ?? 'POST'} → ${res.status} ${res.body.trim() ? res.body.replace(/\s+/g, ' ').slice(0, 140) : '(empty body)'}`
                        examples.push(`${r.category}: ${what}`)
                    }
                }
            })
        )
        const sum = (k: 'fiveXX' | 'shed' | 'unclear' | 'leak' | 'dropped') => [...byCat.values()].reduce((a, c) => a + c[k], 0)
        const detail = [...byCat.entries()]
            .map(
                ([k, c]) =>
                    `${k} ${c.n}${c.fiveXX ? ` (${c.fiveXX}×5xx)` : ''}${c.unclear ? ` (${c.unclear} unclear)` : ''}${c.leak ? ` (${c.leak} leaks)` : ''}`
            )
            .join(', ')
        const alive = await server.query('{ squidStatus { height } }')

        const load = probes > 0 ? await probeUnderLoad(base, probes) : null
        clearInterval(sampler)
        const maxRss = Math.max(0, ...rss)
        const rows: Row[] = [
            {
                scenario: 'GraphQL: hostile requests, 5xx',
                done: `${total} hostile requests, 8 at a time: ${detail}`,
                expected: '0 answers 5xx (a 503 with Retry-After from admission control counts as shed, not 5xx); the server still answers',
                observed: `${sum('fiveXX')} 5xx, ${sum('shed')} shed (503 + Retry-After), ${sum('dropped')} connections closed without an answer; afterwards ${alive.status === 200 ? 'answers' : `answers ${alive.status}`}`,
                pass: sum('fiveXX') === 0 && alive.status === 200,
            },
            {
                scenario: 'GraphQL: hostile requests, error messages',
                done: 'every error answer of the requests above read',
                expected: 'each a clear 4xx-class message; no stack trace, SQL or file path',
                observed: `${sum('unclear')} unclear or without an answer, ${sum('leak')} leaking${examples.length ? `; e.g. ${examples.slice(0, 3).join(' | ')}` : ''}`,
                pass: sum('unclear') === 0 && sum('leak') === 0,
            },
            {
                scenario: 'GraphQL: server memory',
                done: `RSS of the server's processes sampled every 100 ms through the hostile requests and the load (${rss.length} samples)`,
                expected: '< 512 MB throughout',
                observed: `max ${maxRss.toFixed(0)} MB`,
                pass: maxRss > 0 && maxRss < 512,
            },
        ]
        if (load) {
            rows.push({
                scenario: 'GraphQL: probe latency under load',
                done: `${probes} probes \`{ squidStatus { height } }\` (each a new text, so no cache answers) while 20 clients run expensive payouts queries (2,000 rows, filtered, sorted) — ${load.heavy} of them, ${load.heavyFailed} not 200`,
                expected: 'probe p99 < 200 ms',
                observed: `p50 ${load.p50.toFixed(0)} ms, p99 ${load.p99.toFixed(0)} ms${load.probeFailed ? `, ${load.probeFailed} probes failed` : ''}`,
                pass: load.p99 < 200 && load.probeFailed === 0,
            })
        }
        return rows
    } finally {
        clearInterval(sampler)
        await server.stop()
    }
}
