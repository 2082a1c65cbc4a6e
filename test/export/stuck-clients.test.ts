/**
 * The export server against clients that misbehave (src/export/server.ts): readers that stop reading and
 * clients that leave while they wait for one of the server's database connections. Neither may keep a
 * connection: the stalled readers' exports are given up after the write timeout, pg_stat_activity then shows
 * none of the server's sessions busy, a normal export still answers, and the server closes promptly.
 *
 * The file must outgrow loopback's socket buffers, or the server writes it all into them and never waits:
 * the export is of a pool with `small`'s busiest pool's payouts repeated to 80k rows, ~39 MB
 * (test/helpers/big-export.ts).
 */
import * as net from 'net'
import {Client} from 'pg'
import {startExportServer} from '../../src/export/server'
import {applyMigrations} from '../../src/db/migrate'
import {bigPayoutExport} from '../helpers/big-export'
import {freshDatabase} from '../helpers/db'
import {indexedDatabase, testDbPrefix} from '../helpers/indexed'

const APP = 'export-stuck-clients-test'
/** a GET that reads nothing: the server's writes back up once the socket buffers are full */
function stalledReader(port: number, path: string): net.Socket {
    const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`))
    s.pause()
    s.on('error', () => {})
    return s
}

/** a GET that goes away at once, before the server had a connection for it */
function leaver(port: number, path: string): Promise<void> {
    return new Promise(resolve => {
        const s = net.connect(port, '127.0.0.1', () => {
            s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)
            setTimeout(() => {
                s.destroy()
                resolve()
            }, 20)
        })
        s.on('error', () => resolve())
    })
}

async function busySessions(admin: Client): Promise<number> {
    const r = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle'`, [APP])
    return r.rows[0].n
}

describe('export: stalled readers and clients that leave while waiting', () => {
    test('hold no database connection after the write timeout; the server still answers and closes', async () => {
        const source = await indexedDatabase('small')
        const db = {url: await freshDatabase(`${testDbPrefix()}export_stuck_clients`)}
        await applyMigrations(db.url)
        const {pool, rows} = await bigPayoutExport(source.url, db.url)
        const url = new URL(db.url)
        url.searchParams.set('application_name', APP)
        const logs: string[] = []
        const server = await startExportServer({dbUrl: url.toString(), port: 0, maxConnections: 2, writeTimeoutMs: 1000, log: m => logs.push(m)})
        const admin = new Client({connectionString: db.url})
        await admin.connect()
        const sockets: net.Socket[] = []
        try {
            const big = `/export/payouts.csv?pool=${pool}`
            // two readers take both connections and stop reading; five more clients wait and leave
            for (let i = 0; i < 2; i++) sockets.push(stalledReader(server.port, big))
            await new Promise(r => setTimeout(r, 300))
            await Promise.all(Array.from({length: 5}, () => leaver(server.port, big)))
            // both readers' exports are given up after the write timeout (the file cannot fit in the socket
            // buffers); only then are their sessions looked at, not before their transactions have even begun
            const until = Date.now() + 20_000
            const abandoned = () => logs.filter(l => /export abandoned$/.test(l)).length
            while (abandoned() < 2 && Date.now() < until) await new Promise(r => setTimeout(r, 100))
            expect(abandoned()).toBe(2)
            // and neither finished: each logs its rows so far as cut short, and no whole file was sent
            const until2 = Date.now() + 5_000
            const cut = () => logs.filter(l => l.startsWith(`/export/payouts.csv pool ${pool}: `))
            while (cut().length < 2 && Date.now() < until2) await new Promise(r => setTimeout(r, 100))
            expect(cut()).toHaveLength(2)
            for (const l of cut()) expect(l).toMatch(/ rows in \d+ ms \(client went away\)$/)
            for (const l of cut()) expect(Number(/: (\d+) rows/.exec(l)![1])).toBeLessThan(rows / 2)
            while ((await busySessions(admin)) > 0 && Date.now() < until) await new Promise(r => setTimeout(r, 200))
            expect(await busySessions(admin)).toBe(0)
            // and the next export gets a connection and completes
            const ok = await fetch(`${server.url.replace('localhost', '127.0.0.1')}/export/payouts.csv?pool=${pool}&from=2022-12-01&to=2022-12-02`)
            expect(ok.status).toBe(200)
            expect((await ok.text()).split('\r\n').length).toBeGreaterThan(2)
        } finally {
            for (const s of sockets) s.destroy()
            const started = Date.now()
            await server.close()
            expect(Date.now() - started).toBeLessThan(5000)
            await admin.end()
        }
    }, 600_000)
})
