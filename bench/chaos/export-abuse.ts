/**
 * Export abuse: clients that leave while they wait for a database connection and readers that stop reading,
 * against the export server as a process (`node lib/src/export/server.js`); then SIGTERM.
 *
 * The export is of a pool whose payouts CSV (~39 MB) outgrows loopback's socket buffers, so a reader that
 * stops reading really stalls the server's writes: the scenario's busiest pool, its payouts repeated to 80k rows
 * in a database of their own (test/helpers/big-export.ts; the reference index is not touched).
 */
import {ChildProcess, spawn} from 'child_process'
import * as net from 'net'
import * as path from 'path'
import {ROOT} from '../../test/e2e/processor-child'
import {bigPayoutExport} from '../../test/helpers/big-export'
import {childEnv} from '../../test/helpers/db'
import {freePort, httpRequest} from '../../test/helpers/graphql-server'
import {ChaosContext, freshMigrated, indexScenario, reference, Row, sleep, withClient} from './common'

const APP = 'chaos-export'

function stalledReader(port: number, p: string): net.Socket {
    const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`))
    s.pause()
    s.on('error', () => {})
    return s
}

function leaver(port: number, p: string): Promise<void> {
    return new Promise(resolve => {
        const s = net.connect(port, '127.0.0.1', () => {
            s.write(`GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`)
            setTimeout(() => {
                s.destroy()
                resolve()
            }, 20)
        })
        s.on('error', () => resolve())
    })
}

async function startExport(dbUrl: string, port: number, writeTimeoutMs: number | undefined, onLine: (line: string) => void): Promise<ChildProcess> {
    const url = new URL(dbUrl)
    url.searchParams.set('application_name', APP)
    const settings: Record<string, string> = {DB_URL: url.toString(), CHAIN: 'devnet', EXPORT_PORT: String(port)}
    if (writeTimeoutMs != null) settings.EXPORT_WRITE_TIMEOUT_MS = String(writeTimeoutMs)
    const env = childEnv(settings, ['EXPORT_WRITE_TIMEOUT_MS', 'DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASS'])
    const child = spawn(process.execPath, [path.join(ROOT, 'lib/src/export/server.js')], {cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe']})
    let err = ''
    let partial = ''
    child.stderr!.on('data', d => {
        err = (err + d).slice(-4000)
        const lines = (partial + d).split('\n')
        partial = lines.pop() ?? ''
        for (const l of lines) onLine(l)
    })
    const until = Date.now() + 60_000
    for (;;) {
        if (child.exitCode != null) throw new Error(`export server exited with ${child.exitCode}: ${err}`)
        try {
            const r = await httpRequest(`http://127.0.0.1:${port}/`)
            if (r.status > 0) return child
        } catch {
            // not listening yet
        }
        if (Date.now() > until) throw new Error(`export server did not start: ${err}`)
        await sleep(200)
    }
}

export async function exportAbuse(ctx: ChaosContext): Promise<Row[]> {
    const ref = await reference(ctx, indexScenario(ctx))
    const dbUrl = await freshMigrated(ctx, 'chaos_export_big')
    const {pool, rows} = await bigPayoutExport(ref.url, dbUrl)
    const n = ctx.quick ? 4 : 20
    // the quick run shortens the stalled-reader timeout (EXPORT_WRITE_TIMEOUT_MS); the full run keeps the default 30 s
    const writeTimeoutMs = ctx.quick ? 1000 : undefined
    const port = await freePort()
    const lines: string[] = []
    const log = (l: string) => lines.push(l)
    const child = await startExport(dbUrl, port, writeTimeoutMs, log)
    const sockets: net.Socket[] = []
    const busy = () =>
        withClient(dbUrl, async c => {
            const r = await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle'`, [APP])
            return r.rows[0].n as number
        })
    try {
        const big = `/export/payouts.csv?pool=${pool}`
        for (let i = 0; i < n; i++) sockets.push(stalledReader(port, big))
        await sleep(300)
        const busyDuring = await busy()
        await Promise.all(Array.from({length: n}, () => leaver(port, big)))
        const t0 = Date.now()
        // the readers hold the 4 connections in turns, each until its write timeout; wait for all n to be
        // given up (one log line each), then for their sessions to go idle
        const limit = (writeTimeoutMs ?? 30_000) * Math.ceil(n / 4) + 20_000
        const abandoned = () => lines.filter(l => /export abandoned$/.test(l)).length
        while (abandoned() < n && Date.now() - t0 < limit) await sleep(250)
        let left = await busy()
        while (left > 0 && Date.now() - t0 < limit) {
            await sleep(250)
            left = await busy()
        }
        const freedIn = Date.now() - t0
        const gaveUp = abandoned()
        const normal = await httpRequest(`http://127.0.0.1:${port}${big}`).catch((e: Error) => ({status: 0, body: e.message, headers: {}}))
        const normalRows = normal.status === 200 ? normal.body.split('\r\n').length - 2 : 0
        const wholeFile = await withClient(
            dbUrl,
            async c => (await c.query(`SELECT count(*)::int AS n FROM payout WHERE pool_id = $1 AND NOT dropped`, [pool])).rows[0].n as number
        )
        // SIGTERM with stalled readers attached again
        for (let i = 0; i < 5; i++) sockets.push(stalledReader(port, big))
        await sleep(300)
        const exited = new Promise<number>(resolve => child.once('exit', () => resolve(Date.now())))
        const tTerm = Date.now()
        child.kill('SIGTERM')
        const stopMs = (await Promise.race([exited, sleep(15_000).then(() => Number.NaN)])) - tTerm
        const afterStop = await busy()
        return [
            {
                scenario: 'export: stalled readers and clients that leave',
                done: `${n} readers that never read + ${n} clients that leave while waiting, on a ${rows.toLocaleString('en-US')}-payout pool's CSV (~39 MB, more than the socket buffers; 4 database connections, write timeout ${(writeTimeoutMs ?? 30_000) / 1000} s)`,
                expected:
                    "every stalled export given up; 0 of the export's sessions busy in pg_stat_activity after the timeouts; a normal export still answers in full",
                observed: `${busyDuring} busy while stalled; ${gaveUp} of ${n} exports given up; ${left} busy ${(freedIn / 1000).toFixed(1)} s after the last client; then a normal export: ${normal.status}, ${normalRows.toLocaleString('en-US')} of ${wholeFile.toLocaleString('en-US')} rows`,
                pass: gaveUp === n && left === 0 && normal.status === 200 && normalRows === wholeFile,
            },
            {
                scenario: 'export: SIGTERM',
                done: 'SIGTERM to the export server with 5 stalled readers attached',
                expected: 'exits within 5 s, no session left',
                observed: Number.isNaN(stopMs)
                    ? 'still running 15 s after SIGTERM'
                    : `exited after ${(stopMs / 1000).toFixed(2)} s, ${afterStop} sessions left`,
                pass: !Number.isNaN(stopMs) && stopMs < 5000 && afterStop === 0,
            },
        ]
    } finally {
        for (const s of sockets) s.destroy()
        if (child.exitCode == null) child.kill('SIGKILL')
    }
}
