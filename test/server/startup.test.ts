/**
 * The GraphQL server (lib/src/serve.js) and the CSV export server (lib/src/export/server.js) refuse to
 * start on a port in use or a database that is missing, unreachable or empty with one line on stderr, a
 * non-zero exit code and no stack.
 */
import {spawn} from 'child_process'
import * as net from 'net'
import * as path from 'path'
import {freshDatabase} from '../helpers/db'
import {dbUrl, LIB, ROOT, serverUrl, testDbPrefix} from '../helpers/indexed'
import {freePort} from '../helpers/graphql-server'

interface Exit {
    code: number | null
    stderr: string
    stdout: string
}

function run(script: string, env: Record<string, string>): Promise<Exit> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(LIB, script)], {
            cwd: ROOT,
            env: {...process.env, CHAIN: 'devnet', ...env},
            stdio: ['ignore', 'pipe', 'pipe'],
        })
        let stdout = ''
        let stderr = ''
        child.stdout!.on('data', d => (stdout += d))
        child.stderr!.on('data', d => (stderr += d))
        const t = setTimeout(() => child.kill('SIGKILL'), 60_000)
        child.on('error', reject)
        child.on('exit', code => {
            clearTimeout(t)
            resolve({code, stderr, stdout})
        })
    })
}

function expectOneLine(r: Exit, message: RegExp) {
    expect(r.code).not.toBe(0)
    expect(r.code).not.toBeNull()
    const lines = r.stderr.split('\n').filter(l => l.trim() !== '')
    expect(lines).toEqual([expect.stringMatching(message)])
    expect(r.stderr).not.toMatch(/\n\s+at |node_modules|\.js:\d+|"level"/)
}

let emptyDb: string
let missingDb: string
let busy: net.Server
let busyPort: number

beforeAll(async () => {
    emptyDb = await freshDatabase(`${testDbPrefix()}api_startup_empty`)
    missingDb = dbUrl(serverUrl(), `${testDbPrefix()}api_startup_no_such_db`)
    busyPort = await freePort()
    busy = net.createServer()
    await new Promise<void>(resolve => busy.listen(busyPort, () => resolve()))
}, 60_000)

afterAll(async () => {
    await new Promise(resolve => busy?.close(resolve))
})

const SERVERS: [string, string, string][] = [
    ['GraphQL server', 'src/serve.js', 'GQL_PORT'],
    ['export server', 'src/export/server.js', 'EXPORT_PORT'],
]

describe.each(SERVERS)('%s', (_name, script, portVariable) => {
    test('a port in use', async () => {
        const r = await run(script, {DB_URL: emptyDb, [portVariable]: String(busyPort)})
        expectOneLine(r, new RegExp(`^port ${busyPort} is already in use \\(another \`npm start\`\\?\\): stop it or set ${portVariable}$`))
    })

    test('a missing database', async () => {
        const r = await run(script, {DB_URL: missingDb, [portVariable]: String(await freePort())})
        expectOneLine(r, /^database "[a-z0-9_]*api_startup_no_such_db" does not exist on the PostgreSQL at .*: create it \(createdb /)
    })

    test('a database without the tables', async () => {
        const r = await run(script, {DB_URL: emptyDb, [portVariable]: String(await freePort())})
        expectOneLine(r, /^database "[a-z0-9_]*api_startup_empty" at .* has no tables: apply the migrations \(npm start does it/)
    })

    test('no PostgreSQL at the address', async () => {
        const closed = await freePort()
        const r = await run(script, {DB_URL: `postgres://postgres@127.0.0.1:${closed}/squid`, [portVariable]: String(await freePort())})
        expectOneLine(r, new RegExp(`^no PostgreSQL answers at 127\\.0\\.0\\.1:${closed} \\(connection refused\\)`))
    })
})
