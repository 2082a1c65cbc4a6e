/**
 * Without its Apollo patch (src/sdk/apollo.ts) the server would answer with uncleaned errors (SQL text in
 * `extensions.exception`): when the patch target is missing, the real server (lib/src/serve.js) stops
 * with one line on stderr instead of starting.
 */
import {spawn} from 'child_process'
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {Client} from 'pg'
import {freshDatabase} from '../helpers/db'
import {LIB, ROOT, testDbPrefix} from '../helpers/indexed'
import {freePort} from '../helpers/graphql-server'

let db: string
let preload: string

beforeAll(async () => {
    // a database that passes the start-up check (the tables it looks for), nothing more
    db = await freshDatabase(`${testDbPrefix()}server_apollo_patch`)
    const c = new Client({connectionString: db})
    await c.connect()
    for (const t of ['network_state', 'worker', 'base_pool', 'payout']) await c.query(`CREATE TABLE ${t} (id text)`)
    await c.end()
    // the patch target, as an SDK upgrade could leave it: a module without the ApolloServer class
    preload = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'apollo-patch-')), 'missing-apollo.js')
    fs.writeFileSync(
        preload,
        `const Module = require('module')
         const file = require.resolve('@subsquid/apollo-server-express/dist/ApolloServer', {paths: [${JSON.stringify(ROOT)}]})
         const m = new Module(file)
         m.filename = file
         m.loaded = true
         m.exports = {}
         require.cache[file] = m\n`
    )
}, 60_000)

afterAll(() => {
    if (preload) fs.rmSync(path.dirname(preload), {recursive: true, force: true})
})

test('a missing Apollo patch target stops the server with one line', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['-r', preload, path.join(LIB, 'src/serve.js')], {
        cwd: ROOT,
        env: {...process.env, CHAIN: 'devnet', DB_URL: db, GQL_PORT: String(port)},
        stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr!.on('data', d => (stderr += d))
    const t = setTimeout(() => child.kill('SIGKILL'), 60_000)
    const code = await new Promise<number | null>(resolve => child.on('exit', c => resolve(c)))
    clearTimeout(t)
    expect(code).toBe(1)
    const lines = stderr.split('\n').filter(l => l.trim() !== '')
    expect(lines).toEqual([expect.stringMatching(/^\[serve\] could not configure the Apollo server \(ApolloServer class not found\); not starting/)])
})
