/**
 * The commands as a new user meets them: ordinary mistakes end in one line that says what to do, a command
 * with nothing configured touches no database, and npm start's log is quiet and truthful while the
 * commands beside it find its embedded database by themselves.
 */
import * as fs from 'fs'
import * as net from 'net'
import * as path from 'path'
import {Client} from 'pg'
import {freshDatabase, testServerUrl} from '../helpers/db'
import {LIB} from '../helpers/indexed'
import {httpRequest} from '../helpers/graphql-server'
import {startScenarioDevnet} from '../../devnet'
import {bareEnv, freePort, lines, LiveProcess, runNode, tempDir} from './run'

/** a port on which nothing listens */
async function closedPort(): Promise<number> {
    return freePort()
}

function dbNamed(name: string): string {
    const u = new URL(testServerUrl())
    u.pathname = '/' + name
    return u.toString()
}

/** a JSON line of the SDK's logger at level info (2) or below */
function isQuietSdkLine(line: string): boolean {
    try {
        const j = JSON.parse(line)
        return typeof j.level === 'number' && j.level <= 2 && typeof j.msg === 'string'
    } catch {
        return false
    }
}

describe('npm run process', () => {
    test('with nothing configured: exits 2 with one line naming DB_URL, and opens no connection at all', async () => {
        const data = tempDir('process-bare')
        const record = path.join(data, 'net.log')
        const r = await runNode('src/main.js', [], bareEnv({DATA_DIR: data, NET_RECORD: record}), {
            nodeArgs: ['--require', path.join(LIB, 'test/cli/net-recorder.js')],
        })
        expect(r.code).toBe(2)
        expect(lines(r.stderr)).toHaveLength(1)
        expect(r.stderr).toMatch(/^processor: DB_URL: no database configured: set DB_URL .*npm start/)
        expect(r.stdout).toBe('')
        // the recorder works (checked below) and saw nothing: no server was contacted
        expect(fs.existsSync(record)).toBe(false)
    })

    test('the connection recorder sees a connection when one is made', async () => {
        const data = tempDir('process-recorder')
        const record = path.join(data, 'net.log')
        const port = await closedPort()
        const r = await runNode('src/main.js', [], bareEnv({DATA_DIR: data, NET_RECORD: record, DB_URL: `postgres://postgres@127.0.0.1:${port}/nothing`}), {
            nodeArgs: ['--require', path.join(LIB, 'test/cli/net-recorder.js')],
        })
        expect(r.code).toBe(1)
        expect(fs.readFileSync(record, 'utf8')).toContain(String(port))
    })

    test('a database that does not exist: one line saying how to create it', async () => {
        const r = await runNode('src/main.js', [], bareEnv({DB_URL: dbNamed('no_such_db_first_hour')}))
        expect(r.code).toBe(1)
        expect(lines(r.stderr)).toEqual([
            expect.stringMatching(/^processor: database "no_such_db_first_hour" does not exist .*: create it \(createdb .*no_such_db_first_hour\)/),
        ])
    })

    test('no PostgreSQL at the address: one line', async () => {
        const port = await closedPort()
        const r = await runNode('src/main.js', [], bareEnv({DB_URL: `postgres://postgres@127.0.0.1:${port}/squid`}))
        expect(r.code).toBe(1)
        expect(lines(r.stderr)).toEqual([
            `processor: no PostgreSQL answers at 127.0.0.1:${port} (connection refused): start it, or fix DB_URL / DB_HOST / DB_PORT`,
        ])
    })

    test('a database without the tables: one line saying to apply the migrations', async () => {
        const url = await freshDatabase('first_hour_empty')
        const r = await runNode('src/main.js', [], bareEnv({DB_URL: url}))
        expect(r.code).toBe(1)
        expect(lines(r.stderr)).toEqual([expect.stringMatching(/^processor: database "first_hour_empty" at .* has no tables: apply the migrations/)])
    })

    test('a second processor on the same database: one line, before it touches anything', async () => {
        const url = await freshDatabase('first_hour_lock')
        expect((await runNode('src/db/migrate.js', [], bareEnv({DB_URL: url}))).code).toBe(0)
        const port = await closedPort()
        // the lock a running processor holds (src/db/check.ts lockForProcessor)
        const holder = new Client({connectionString: url})
        await holder.connect()
        try {
            await holder.query(`SELECT pg_advisory_lock(x'5048414c412d4d49'::bigint)`)
            const r = await runNode('src/main.js', [], bareEnv({DB_URL: url, RPC_ENDPOINT: `ws://127.0.0.1:${port}`}))
            expect(r.code).toBe(1)
            expect(lines(r.stderr)).toEqual([
                expect.stringMatching(/^processor: another processor is already indexing database "first_hour_lock" at .* stop it first/),
            ])
        } finally {
            await holder.end()
        }
        // without the other one, the same command gets past the lock (to the unreachable node)
        const r = await runNode('src/main.js', [], bareEnv({DB_URL: url, RPC_ENDPOINT: `ws://127.0.0.1:${port}`}))
        expect(lines(r.stderr)).toEqual([expect.stringMatching(/^processor: no node answers at /)])
    })

    test('an unreachable node: one line naming RPC_ENDPOINT', async () => {
        const url = await freshDatabase('first_hour_rpc')
        const mig = await runNode('src/db/migrate.js', [], bareEnv({DB_URL: url}))
        expect(mig.code).toBe(0)
        expect(lines(mig.stderr).pop()).toMatch(/^\[migrate\] applied \d+ migrations: /)
        const port = await closedPort()
        const r = await runNode('src/main.js', [], bareEnv({DB_URL: url, RPC_ENDPOINT: `ws://127.0.0.1:${port}`}))
        expect(r.code).toBe(1)
        expect(lines(r.stderr)).toEqual([`processor: no node answers at ws://127.0.0.1:${port} (connection refused): start the node or fix RPC_ENDPOINT`])
    })
})

describe('a node of another chain than CHAIN', () => {
    test('CHAIN=phala against a Khala-shaped node: one line, exit 2, nothing indexed', async () => {
        const url = await freshDatabase('first_hour_chain')
        expect((await runNode('src/db/migrate.js', [], bareEnv({DB_URL: url}))).code).toBe(0)
        const node = await startScenarioDevnet({scenario: 'tiny', seed: 1, port: 0})
        try {
            const r = await runNode('src/main.js', [], bareEnv({DB_URL: url, CHAIN: 'phala', RPC_ENDPOINT: node.wsUrl}))
            expect(r.code).toBe(2)
            expect(lines(r.stderr)).toEqual([
                `processor: CHAIN=phala but the node at ${node.wsUrl} runs "khala": set CHAIN to the node's chain or point RPC_ENDPOINT at a phala node`,
            ])
            const c = new Client({connectionString: url})
            await c.connect()
            try {
                expect((await c.query('SELECT count(*)::int AS n FROM payout')).rows[0].n).toBe(0)
            } finally {
                await c.end()
            }
        } finally {
            await node.close()
        }
    })
})

describe('npm run migration:apply and npm run export', () => {
    test('migrations: nothing configured refuses in one line; a second run reports the schema up to date', async () => {
        const bare = await runNode('src/db/migrate.js', [], bareEnv({DATA_DIR: tempDir('migrate-bare')}))
        expect(bare.code).toBe(2)
        expect(lines(bare.stderr)).toEqual([expect.stringMatching(/^migrations: DB_URL: no database configured/)])
        const url = await freshDatabase('first_hour_migrate')
        expect((await runNode('src/db/migrate.js', [], bareEnv({DB_URL: url}))).code).toBe(0)
        const again = await runNode('src/db/migrate.js', [], bareEnv({DB_URL: url}))
        expect(again.code).toBe(0)
        expect(lines(again.stderr).pop()).toMatch(/^\[migrate\] database schema up to date \(\d+ migrations applied before\)$/)
    })

    test('export: nothing configured refuses in one line; a missing database is one line', async () => {
        const bare = await runNode('src/export/cli.js', ['payouts', '--pool', '0'], bareEnv({DATA_DIR: tempDir('export-bare')}))
        expect(bare.code).toBe(2)
        expect(lines(bare.stderr)).toEqual([expect.stringMatching(/^export failed: DB_URL: no database configured/)])
        const missing = await runNode('src/export/cli.js', ['payouts', '--pool', '0'], bareEnv({DB_URL: dbNamed('no_such_db_export')}))
        expect(missing.code).toBe(1)
        expect(lines(missing.stderr)).toEqual([expect.stringMatching(/^export: database "no_such_db_export" does not exist/)])
    })
})

describe('npm start', () => {
    test('a port in use: one line naming the setting', async () => {
        const blocker = net.createServer()
        await new Promise<void>(r => blocker.listen(0, () => r()))
        const port = (blocker.address() as net.AddressInfo).port
        try {
            const url = await freshDatabase('first_hour_port')
            const r = await runNode('src/start.js', [], bareEnv({DB_URL: url, GQL_PORT: String(port)}))
            expect(r.code).toBe(1)
            expect(lines(r.stderr)).toEqual([
                `npm start: port ${port} (GQL_PORT) is already in use, perhaps by another npm start: stop it, or set GQL_PORT to a free port`,
            ])
        } finally {
            blocker.close()
        }
    })

    test('an unreachable node: one line', async () => {
        const url = await freshDatabase('first_hour_start_rpc')
        const [gql, exp, node] = [await freePort(), await freePort(), await freePort()]
        const r = await runNode(
            'src/start.js',
            [],
            bareEnv({DB_URL: url, GQL_PORT: String(gql), EXPORT_PORT: String(exp), RPC_ENDPOINT: `ws://127.0.0.1:${node}`})
        )
        expect(r.code).toBe(1)
        expect(lines(r.stderr).filter(l => !l.startsWith('[start] database:'))).toEqual([
            `npm start: no node answers at ws://127.0.0.1:${node} (connection refused): start the node or fix RPC_ENDPOINT`,
        ])
    })

    test('with nothing configured: embedded database, quiet log, honest progress, caught-up line; ' +
        'the commands beside it find the database; a second npm start is one line', async () => {
        const data = tempDir('start')
        fs.chmodSync(data, 0o755) // as root, the embedded PostgreSQL runs as the postgres user, who must reach its folder
        const [gql, exp, devnet, pg] = [await freePort(), await freePort(), await freePort(), await freePort()]
        const env = bareEnv({DATA_DIR: data, GQL_PORT: String(gql), EXPORT_PORT: String(exp), DEVNET_PORT: String(devnet), EMBEDDED_PG_PORT: String(pg)})
        const start = new LiveProcess('src/start.js', [], env)
        try {
            const dbLine = await start.waitFor(/^\[start\] database: /)
            expect(dbLine.text).toContain(`127.0.0.1:${pg}/squid (embedded, data in ${path.join(data, 'postgres')}`)
            await start.waitFor(/^\[start\] GraphQL API: http:\/\/localhost:\d+\/graphql$/)
            const caught = await start.waitFor(/^\[processor\] caught up with the chain head at #14,400: [\d,]+ mining events in /, 300_000)

            const log = start.text()
            // every line is one of ours or an SDK line at level info or below: no SQL echo, no warning of any
            // library, no stack trace
            const unexpected = start.lines.map(l => l.text).filter(l => !/^\[(start|processor|export|serve)\] /.test(l) && !isQuietSdkLine(l))
            expect(unexpected).toEqual([])
            expect(log).not.toMatch(/query:|SELECT |CREATE TABLE|warn|deprecat/i)
            expect(log).toMatch(/^\[start\] applied \d+ migrations: /m)

            // every ETA given 10 s or more after the first progress line is within 2x of the real remaining time
            const first = start.lines.find(l => l.text.startsWith('[processor] indexed to'))
            expect(first).toBeDefined()
            for (const l of start.lines) {
                const m = /ETA (?:(\d+)m )?(\d+)s$/.exec(l.text)
                if (!m || l.t - first!.t < 10_000) continue
                const eta = Number(m[1] ?? 0) * 60 + Number(m[2])
                const real = (caught.t - l.t) / 1000
                expect({line: l.text, real, ok: eta <= 2 * real + 1 && eta >= real / 2 - 1}).toEqual({line: l.text, real, ok: true})
            }

            // a command beside it finds the embedded database through the connection record
            const rec = JSON.parse(fs.readFileSync(path.join(data, 'connection.json'), 'utf8'))
            expect(rec.url).toContain(`:${pg}/squid`)
            const c = new Client({connectionString: rec.url})
            await c.connect()
            const {rows} = await c.query(`SELECT pool_id FROM payout WHERE pool_id IS NOT NULL LIMIT 1`)
            await c.end()
            const exported = await runNode('src/export/cli.js', ['payouts', '--pool', String(rows[0].pool_id)], bareEnv({DATA_DIR: data}))
            expect(exported.stderr).toBe('')
            expect(exported.code).toBe(0)
            expect(lines(exported.stdout).length).toBeGreaterThan(1)
            const gqlAnswer = await httpRequest(`http://127.0.0.1:${gql}/graphql`, {
                method: 'POST',
                body: JSON.stringify({query: '{ squidStatus { height } }'}),
                headers: {'content-type': 'application/json'},
            })
            expect(JSON.parse(gqlAnswer.body).data.squidStatus.height).toBe(14400)
            // the audit finds the database and npm start's own node through the record too
            expect(rec.rpc).toBe(`ws://127.0.0.1:${devnet}`)
            const audited = await runNode('src/audit/cli.js', ['--at', '14400'], bareEnv({DATA_DIR: data}))
            expect({code: audited.code, stderr: audited.stderr}).toEqual({code: 0, stderr: ''})
            expect(audited.stdout).toMatch(/^audit at block 14400 /m)

            // a second npm start of the same folder
            const second = await runNode('src/start.js', [], env)
            expect(second.code).toBe(1)
            expect(lines(second.stderr)).toEqual([expect.stringMatching(/^npm start: another npm start \(pid \d+\) is running from this folder: /)])

            expect(await start.stop('SIGINT')).toBe(0)
            // the record goes with it, so the commands refuse again instead of using a stopped server
            expect(fs.existsSync(path.join(data, 'connection.json'))).toBe(false)
        } finally {
            await start.stop('SIGKILL')
        }
    }, 400_000)
})
