/**
 * The processor's operations port (src/monitor.ts) with the real processor, the devnet's `tiny` chain and
 * PostgreSQL: /ready is 503 with the lag while the processor cannot write, 200 at the head; /metrics parses
 * strictly and its counts equal the rows in the database; /ready turns 503 when the database goes away
 * while the processor idles at the head, and 200 again when it is back.
 */
import {spawnSync} from 'child_process'
import * as path from 'path'
import {Client} from 'pg'
import {startProcessor, ProcessorRun} from '../e2e/processor-child'
import {freshDatabase} from '../helpers/db'
import {httpRequest} from '../helpers/graphql-server'
import {LIB, ROOT, testDbPrefix, withClient} from '../helpers/indexed'
import {parsePrometheusText, sample, samples} from '../helpers/prom-text'

jest.setTimeout(300_000)

const NAME = `${testDbPrefix()}ops_processor`

/** poll `url` until `ok` holds for its answer (bounded: `tries` × 100 ms) */
async function pollUntil(url: string, ok: (status: number, body: any) => boolean, tries = 1200): Promise<{status: number; body: any}> {
    let last: {status: number; body: any} | undefined
    for (let i = 0; i < tries; i++) {
        try {
            const r = await httpRequest(url)
            last = {status: r.status, body: JSON.parse(r.body)}
            if (ok(last.status, last.body)) return last
        } catch {
            // not listening yet
        }
        await new Promise(r => setTimeout(r, 100))
    }
    throw new Error(`${url} never answered as expected; last: ${JSON.stringify(last)}`)
}

async function admin(sql: string, params?: unknown[]): Promise<any[]> {
    const u = new URL(process.env.TEST_PG_SERVER ?? process.env.DB_URL!)
    u.pathname = '/postgres'
    return withClient(u.toString(), async c => (await c.query(sql, params)).rows)
}

describe('processor /metrics, /health, /ready', () => {
    let url: string
    let devnet: any
    let run: ProcessorRun | undefined
    let lock: Client | undefined

    beforeAll(async () => {
        url = await freshDatabase(NAME)
        const mig = spawnSync(process.execPath, [require.resolve('@subsquid/typeorm-migration/lib/apply.js')], {
            cwd: ROOT,
            env: {...process.env, DB_URL: url},
            encoding: 'utf8',
        })
        if (mig.status !== 0) throw new Error(`migrations failed:\n${mig.stdout}\n${mig.stderr}`)
        const sim = require(path.join(LIB, 'devnet/sim'))
        const dn = require(path.join(LIB, 'devnet'))
        const sc = sim.buildScenario('tiny', {seed: 1})
        devnet = await dn.startDevnet({source: dn.sourceFromDevBlocks(sc.genesis, sc.blocks, {info: {scenario: 'tiny', seed: 1}}), port: 0})
    })

    afterAll(async () => {
        await admin(`ALTER DATABASE ${NAME} ALLOW_CONNECTIONS true`).catch(() => undefined)
        await lock?.end().catch(() => undefined)
        if (run && run.proc.exitCode == null) {
            run.proc.kill('SIGTERM')
            await run.exited
        }
        await devnet?.close()
    })

    test('lag while blocked, counts at the head, and a lost database', async () => {
        // the processor's first batch waits on this lock (it writes network_state), its readiness check does not
        lock = new Client({connectionString: url})
        await lock.connect()
        await lock.query('BEGIN')
        await lock.query('LOCK TABLE network_state IN EXCLUSIVE MODE')

        // no TO_BLOCK: the processor stays at the chain head, as in production
        run = startProcessor(url, devnet.wsUrl, 0, {TO_BLOCK: '', READY_CHECK_MS: '300', READY_MAX_LAG: '50'})
        let port = 0
        for (let i = 0; i < 1200 && !port; i++) {
            const m = /metrics, health and readiness at http:\/\/localhost:(\d+)\//.exec(run.output())
            if (m) port = Number(m[1])
            else if (run.proc.exitCode != null) throw new Error(`processor exited:\n${run.output()}`)
            else await new Promise(r => setTimeout(r, 100))
        }
        expect(port).toBeGreaterThan(0)
        const base = `http://127.0.0.1:${port}`
        const head = devnet.height as number

        const health = await httpRequest(`${base}/health`)
        expect(health.status).toBe(200)
        expect(JSON.parse(health.body).alive).toBe(true)

        const lagging = await pollUntil(`${base}/ready`, (_s, b) => /^lag /.test(b.reason ?? ''))
        expect(lagging.status).toBe(503)
        expect(lagging.body).toMatchObject({ready: false, db: 'ok', target: head, reason: `lag ${lagging.body.lag} blocks > 50`})
        expect(lagging.body.lag).toBeGreaterThan(50)

        await lock.query('COMMIT')
        await lock.end()
        lock = undefined
        const ready = await pollUntil(`${base}/ready`, s => s === 200)
        // ready within READY_MAX_LAG of the head, perhaps before reaching it
        expect(ready.body).toMatchObject({ready: true, db: 'ok', maxLag: 50})
        expect(ready.body.lag).toBeLessThanOrEqual(50)

        // the processor's whole output is committed once status reaches the head
        const status = async () => (await withClient(url, c => c.query(`SELECT height FROM squid_processor.status WHERE id = 0`))).rows[0]?.height
        for (let i = 0; i < 1200 && (await status()) !== head; i++) await new Promise(r => setTimeout(r, 100))
        expect(await status()).toBe(head)
        expect((await pollUntil(`${base}/ready`, (_s, b) => b.lag === 0)).body).toMatchObject({ready: true, height: head, target: head, lag: 0})

        const text = (await httpRequest(`${base}/metrics`)).body
        const m = parsePrometheusText(text)
        expect(m.get('phala_squid_rows_written_total')!.type).toBe('counter')
        expect(m.get('phala_squid_batch_duration_seconds')!.type).toBe('histogram')
        // every counted table: the rows written equal the rows in the table (a fresh database, one process)
        const written = samples(m, 'phala_squid_rows_written_total')
        expect(written.length).toBeGreaterThanOrEqual(13)
        for (const s of written) {
            const n = await withClient(url, async c => Number((await c.query(`SELECT count(*) AS n FROM "${s.labels.table}"`)).rows[0].n))
            expect({table: s.labels.table, written: s.value}).toEqual({table: s.labels.table, written: n})
        }
        expect(sample(m, 'phala_squid_rows_written_total', {table: 'payout'})).toBeGreaterThan(0)
        const kinds = await withClient(url, async c => (await c.query(`SELECT kind, count(*)::int AS n FROM self_check_failure GROUP BY kind`)).rows)
        const checks = samples(m, 'phala_squid_self_check_failures_total')
        expect(checks.map(s => s.labels.kind)).toContain('MissingTreasury')
        for (const s of checks) expect({kind: s.labels.kind, n: s.value}).toEqual({kind: s.labels.kind, n: kinds.find(k => k.kind === s.labels.kind)?.n ?? 0})

        expect(sample(m, 'phala_squid_last_processed_height')).toBe(head)
        expect(sample(m, 'phala_squid_chain_head_height')).toBe(head)
        expect(sample(m, 'phala_squid_chain_head_lag_blocks')).toBe(0)
        expect(sample(m, 'phala_squid_ready')).toBe(1)
        expect(sample(m, 'phala_squid_db_up')).toBe(1)
        for (const stage of ['handler', 'commit']) {
            expect(sample(m, 'phala_squid_batch_duration_seconds_count', {stage})).toBeGreaterThanOrEqual(1)
            expect(sample(m, 'phala_squid_batch_duration_seconds_sum', {stage})).toBeGreaterThan(0)
        }
        // the SDK's own metrics are served from the same registry
        expect(sample(m, 'sqd_processor_last_block')).toBe(head)

        // the database goes away while the processor idles at the head: its connections are killed and no
        // new one is accepted
        await admin(`ALTER DATABASE ${NAME} ALLOW_CONNECTIONS false`)
        await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [NAME])
        const lost = await pollUntil(`${base}/ready`, s => s === 503)
        expect(lost.body).toMatchObject({ready: false, db: 'unreachable'})
        expect(lost.body.reason).toMatch(/^database unreachable: /)
        expect(sample(parsePrometheusText((await httpRequest(`${base}/metrics`)).body), 'phala_squid_db_up')).toBe(0)
        expect(run.proc.exitCode).toBeNull()

        await admin(`ALTER DATABASE ${NAME} ALLOW_CONNECTIONS true`)
        const back = await pollUntil(`${base}/ready`, s => s === 200)
        expect(back.body).toMatchObject({ready: true, db: 'ok'})

        const missing = await httpRequest(`${base}/nothing`)
        expect(missing.status).toBe(404)
    })
})
