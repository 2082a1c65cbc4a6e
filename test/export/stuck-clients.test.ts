/**
 * The export server against clients that misbehave (src/export/server.ts): readers that stop reading and
 * clients that leave while they wait for one of the server's database connections. Neither may keep a
 * connection: after the write timeout, pg_stat_activity shows none of the server's sessions busy, a normal
 * export still answers, and the server closes promptly.
 */
import * as net from 'net'
import {Client} from 'pg'
import {startExportServer} from '../../src/export/server'
import {indexedDatabase} from '../helpers/indexed'

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
        const db = await indexedDatabase('small')
        const url = new URL(db.url)
        url.searchParams.set('application_name', APP)
        const logs: string[] = []
        const server = await startExportServer({dbUrl: url.toString(), port: 0, maxConnections: 2, writeTimeoutMs: 1000, log: m => logs.push(m)})
        const admin = new Client({connectionString: db.url})
        await admin.connect()
        const sockets: net.Socket[] = []
        try {
            const [{pool_id: pool}] = (await admin.query(`SELECT pool_id FROM payout GROUP BY pool_id ORDER BY count(*) DESC LIMIT 1`)).rows
            const big = `/export/payouts.csv?pool=${pool}`
            // two readers take both connections and stop reading; five more clients wait and leave
            for (let i = 0; i < 2; i++) sockets.push(stalledReader(server.port, big))
            await new Promise(r => setTimeout(r, 300))
            await Promise.all(Array.from({length: 5}, () => leaver(server.port, big)))
            // the two readers' exports end: given up after the write timeout when the socket buffers fill, or
            // complete when the whole file fits in them (the server logs one line for each either way); only
            // then are their sessions looked at, not before their transactions have even begun
            const until = Date.now() + 20_000
            const ended = () => logs.filter(l => /export abandoned$/.test(l) || (/ rows in \d+ ms$/.test(l) && !/went away/.test(l))).length
            while (ended() < 2 && Date.now() < until) await new Promise(r => setTimeout(r, 100))
            expect(ended()).toBe(2)
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
