/**
 * docker-compose.yml and the Dockerfile, checked without Docker: the compose file is parsed (the `yaml` package)
 * and held against the code it runs — settings known to src/config.ts, dependencies and their conditions,
 * the database wait, CHAIN and DB settings of the servers, the files the commands run, the ports against the
 * code's defaults, the devnet behind a profile, the api and export logging in as the read-only role that migrate
 * creates (run for real against the test PostgreSQL). Where a working `docker compose` exists, `docker compose config -q`
 * validates the file too; elsewhere that test is not defined (the parse checks stand on their own).
 */
import {execFile, spawnSync} from 'child_process'
import * as crypto from 'crypto'
import {once} from 'events'
import * as fs from 'fs'
import * as net from 'net'
import * as path from 'path'
import {Client} from 'pg'
import {parse} from 'yaml'
import {CHAIN_PRESETS, KNOWN_SETTINGS, loadApiRolePassword, loadConfig} from '../../src/config'
import {API_ROLE} from '../../src/db/api-role'
import {DEFAULT_EXPORT_PORT} from '../../src/export/server'
import {freshDatabase} from '../helpers/db'
import {testDbPrefix} from '../helpers/indexed'

function findRepoRoot(start: string): string {
    let dir = start
    for (;;) {
        if (fs.existsSync(path.join(dir, 'docker-compose.yml')) && fs.existsSync(path.join(dir, 'package.json'))) return dir
        const up = path.dirname(dir)
        if (up === dir) throw new Error(`repository root (with docker-compose.yml) not found above ${start}`)
        dir = up
    }
}

const ROOT = findRepoRoot(__dirname)
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml')

// ---------------------------------------------------------------- the compose file, as plain data

interface Service {
    name: string
    image?: string
    build?: unknown
    profiles: string[]
    environment: Record<string, string>
    dependsOn: {service: string; condition: string; required: boolean}[]
    command: string[]
    ports: string[]
    healthcheck?: {test?: unknown}
}

const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully']

function environmentOf(name: string, env: unknown): Record<string, string> {
    if (env == null) return {}
    if (Array.isArray(env)) {
        const out: Record<string, string> = {}
        for (const item of env) {
            const s = String(item)
            const i = s.indexOf('=')
            out[i < 0 ? s : s.slice(0, i)] = i < 0 ? '' : s.slice(i + 1)
        }
        return out
    }
    if (typeof env === 'object') {
        const out: Record<string, string> = {}
        for (const [k, v] of Object.entries(env as Record<string, unknown>)) out[k] = v == null ? '' : String(v)
        return out
    }
    throw new Error(`service ${name}: environment is neither a list nor a map`)
}

function dependsOnOf(name: string, deps: unknown): Service['dependsOn'] {
    if (deps == null) return []
    if (Array.isArray(deps)) return deps.map(d => ({service: String(d), condition: 'service_started', required: true}))
    if (typeof deps === 'object') {
        return Object.entries(deps as Record<string, any>).map(([service, d]) => ({
            service,
            condition: d?.condition ?? 'service_started',
            required: d?.required ?? true,
        }))
    }
    throw new Error(`service ${name}: depends_on is neither a list nor a map`)
}

function loadCompose(): Record<string, Service> {
    const doc = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'))
    const out: Record<string, Service> = {}
    for (const [name, s] of Object.entries(doc.services as Record<string, any>)) {
        out[name] = {
            name,
            image: s.image,
            build: s.build,
            profiles: s.profiles ?? [],
            environment: environmentOf(name, s.environment),
            dependsOn: dependsOnOf(name, s.depends_on),
            command: s.command == null ? [] : Array.isArray(s.command) ? s.command.map(String) : [String(s.command)],
            ports: (s.ports ?? []).map(String),
            healthcheck: s.healthcheck,
        }
    }
    return out
}

/** a value as compose would pass it with nothing set in the shell: `${X:-d}` → d, `${X}` → '', `$$` → `$` */
function withDefaults(v: string): string {
    return v.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (m, _name, dflt) => (m === '$$' ? '$' : (dflt ?? '')))
}

/** the container side of a port mapping ("${X:-8080}:80", "80", "127.0.0.1:8080:80/tcp") */
function containerPort(mapping: string): number {
    const last = mapping
        .replace(/\/(tcp|udp)$/, '')
        .split(':')
        .pop()!
    if (!/^\d+$/.test(last)) throw new Error(`port mapping ${JSON.stringify(mapping)}: the container port is not a number`)
    return Number(last)
}

/** the files a command runs: lib/… (compiled by tsc) and node_modules/… paths, wherever they appear in it */
function commandFiles(command: string[]): string[] {
    const files: string[] = []
    for (const part of command) {
        for (const m of part.matchAll(/(?:^|[\s"'=;&|(])((?:lib|node_modules)\/[A-Za-z0-9_@./-]+\.js)/g)) files.push(m[1])
    }
    return files
}

/** lib/src/serve.js ← src/serve.ts (tsc's rootDir is the repository, outDir lib/) */
function sourceOf(libFile: string): string {
    return libFile.replace(/^lib\//, '').replace(/\.js$/, '.ts')
}

/** the value of `--flag V` in a command, if present */
function flag(command: string[], name: string): string | undefined {
    const i = command.indexOf(`--${name}`)
    return i < 0 ? undefined : command[i + 1]
}

function dbSettings(s: Service): boolean {
    return 'DB_URL' in s.environment || 'DB_HOST' in s.environment
}

/** the services that only read the index and log in as the API role */
const READERS = ['api', 'export']

/** does a PostgreSQL SCRAM-SHA-256 verifier (pg_authid.rolpassword) belong to this password? */
function scramMatches(stored: string | undefined, password: string): boolean {
    const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):/.exec(stored ?? '')
    if (!m) throw new Error(`not a SCRAM-SHA-256 verifier: ${stored}`)
    const salted = crypto.pbkdf2Sync(password, Buffer.from(m[2], 'base64'), Number(m[1]), 32, 'sha256')
    const clientKey = crypto.createHmac('sha256', salted).update('Client Key').digest()
    return crypto.createHash('sha256').update(clientKey).digest('base64') === m[3]
}

const services = loadCompose()
const own = Object.values(services).filter(s => s.build != null)

// ---------------------------------------------------------------- the checks

describe('docker-compose.yml', () => {
    test('has the services of the stack', () => {
        expect(Object.keys(services).sort()).toEqual(expect.arrayContaining(['db', 'devnet', 'processor', 'api', 'export']))
        expect(services.db.image).toMatch(/^postgres:/)
    })

    test("every environment key of the project's services is a setting src/config.ts knows", () => {
        const unknown = own.flatMap(s =>
            Object.keys(s.environment)
                .filter(k => !(k in KNOWN_SETTINGS))
                .map(k => `${s.name}.${k}`)
        )
        expect(unknown).toEqual([])
    })

    test('every depends_on names an existing service with a valid condition', () => {
        for (const s of Object.values(services)) {
            for (const d of s.dependsOn) {
                expect({service: s.name, dependsOn: d.service, exists: d.service in services}).toEqual({
                    service: s.name,
                    dependsOn: d.service,
                    exists: true,
                })
                expect(CONDITIONS).toContain(d.condition)
                if (d.condition === 'service_healthy') {
                    expect({service: d.service, healthcheck: services[d.service].healthcheck?.test != null}).toEqual({
                        service: d.service,
                        healthcheck: true,
                    })
                }
            }
        }
    })

    test('a dependency on a service of another profile is not required (else compose rejects the file without it)', () => {
        for (const s of Object.values(services)) {
            for (const d of s.dependsOn) {
                const target = services[d.service]
                const alwaysOn = target.profiles.length === 0 || target.profiles.some(p => s.profiles.includes(p))
                if (!alwaysOn)
                    expect({service: s.name, dependsOn: d.service, required: d.required}).toEqual({service: s.name, dependsOn: d.service, required: false})
            }
        }
    })

    test('every service with database settings waits for a healthy database', () => {
        const withDb = Object.values(services).filter(dbSettings)
        expect(withDb.map(s => s.name)).toEqual(expect.arrayContaining(['processor', 'api', 'export']))
        for (const s of withDb) {
            const url = new URL(withDefaults(s.environment.DB_URL))
            const dbService = services[url.hostname]
            expect({service: s.name, dbHost: url.hostname, isPostgres: /^postgres:/.test(dbService?.image ?? '')}).toEqual({
                service: s.name,
                dbHost: url.hostname,
                isPostgres: true,
            })
            const dep = s.dependsOn.find(d => d.service === url.hostname)
            expect({service: s.name, condition: dep?.condition}).toEqual({service: s.name, condition: 'service_healthy'})
            // the URL matches what the postgres container is told to create
            expect(Number(url.port || 5432)).toBe(5432)
            expect(decodeURIComponent(url.pathname.slice(1))).toBe(dbService.environment.POSTGRES_DB)
            if (READERS.includes(s.name)) continue // they log in as the API role (next test)
            expect(decodeURIComponent(url.username)).toBe(dbService.environment.POSTGRES_USER ?? 'postgres')
            expect(decodeURIComponent(url.password)).toBe(dbService.environment.POSTGRES_PASSWORD)
        }
    })

    test('the api and the export log in as the read-only role that migrate creates with the same password', () => {
        const migrate = services.migrate
        const password = withDefaults(migrate.environment.API_DB_PASSWORD ?? '')
        expect(password).not.toBe('')
        expect(loadApiRolePassword({API_DB_PASSWORD: password})).toBe(password)
        for (const name of READERS) {
            const url = new URL(withDefaults(services[name].environment.DB_URL))
            expect({service: name, user: decodeURIComponent(url.username), password: decodeURIComponent(url.password)}).toEqual({
                service: name,
                user: API_ROLE,
                password,
            })
            // one variable sets both sides
            expect(services[name].environment.DB_URL).toContain('${API_DB_PASSWORD:-')
        }
        expect(migrate.environment.API_DB_PASSWORD).toMatch(/^\$\{API_DB_PASSWORD:-/)
        // the processor (which writes) and migrate keep the owner of the tables
        for (const name of ['processor', 'migrate']) expect(new URL(withDefaults(services[name].environment.DB_URL)).username).toBe('postgres')
    })

    test("migrate's command with its compose environment creates the role: it reads, it cannot write, its password is set", async () => {
        const dbUrl = await freshDatabase(`${testDbPrefix()}compose_api_role`)
        const migrateEnv = Object.fromEntries(Object.entries(services.migrate.environment).map(([k, v]) => [k, withDefaults(v)]))
        const [cmd, ...args] = services.migrate.command
        expect(cmd).toBe('node')
        const r = spawnSync(process.execPath, args, {
            cwd: ROOT,
            env: {PATH: process.env.PATH, ...migrateEnv, DB_URL: dbUrl},
            encoding: 'utf8',
            timeout: 120_000,
        })
        expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: expect.stringMatching(/read-only role squid_api ready/)})
        const password = migrateEnv.API_DB_PASSWORD
        const owner = new Client({connectionString: dbUrl})
        await owner.connect()
        try {
            // whatever the test server's authentication, the stored SCRAM verifier must match the compose password
            const stored = (await owner.query(`SELECT rolpassword FROM pg_authid WHERE rolname = $1`, [API_ROLE])).rows[0]?.rolpassword
            expect(scramMatches(stored, password)).toBe(true)
            expect(scramMatches(stored, password + 'x')).toBe(false)
        } finally {
            await owner.end()
        }
        const apiUrl = new URL(withDefaults(services.api.environment.DB_URL))
        const local = new URL(dbUrl)
        local.username = apiUrl.username
        local.password = apiUrl.password
        const api = new Client({connectionString: local.toString()})
        await api.connect()
        try {
            expect((await api.query('SELECT current_user AS u')).rows[0].u).toBe(API_ROLE)
            expect((await api.query('SELECT count(*)::int AS n FROM payout')).rows[0].n).toBe(0)
            await expect(api.query('DELETE FROM payout')).rejects.toThrow(/read-only transaction/)
            await api.query('BEGIN READ WRITE')
            await expect(api.query('DELETE FROM payout')).rejects.toThrow(/permission denied/)
            await api.query('ROLLBACK')
        } finally {
            await api.end()
        }
    })

    test('the servers and the processor start after the migrations', () => {
        for (const name of ['processor', 'api', 'export']) {
            const dep = services[name].dependsOn.find(d => d.service === 'migrate')
            expect({service: name, condition: dep?.condition}).toEqual({service: name, condition: 'service_completed_successfully'})
        }
        // the same program as `npm run migration:apply`
        const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts
        const applied = /node (lib\/\S+\.js)/.exec(scripts['migration:apply'])?.[1]
        expect(commandFiles(services.migrate.command)).toEqual([applied])
    })

    test('the api and the export get CHAIN and the database settings; CHAIN is the same everywhere', () => {
        for (const name of ['processor', 'api', 'export']) {
            const s = services[name]
            expect({service: name, CHAIN: 'CHAIN' in s.environment, db: dbSettings(s)}).toEqual({service: name, CHAIN: true, db: true})
        }
        const chains = new Set(['processor', 'api', 'export'].map(n => services[n].environment.CHAIN))
        expect(chains.size).toBe(1)
        expect(Object.keys(CHAIN_PRESETS)).toContain(withDefaults([...chains][0]))
    })

    test("the defaults pass the project's own configuration check", () => {
        const env = (s: Service) => Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, withDefaults(v)]))
        // the processor needs RPC_ENDPOINT from the user (or ws://devnet:9944 with the devnet profile)
        const p = loadConfig({...env(services.processor), RPC_ENDPOINT: 'ws://devnet:9944'})
        expect(p.db.embedded).toBe(false)
        expect(loadConfig(env(services.api)).db.embedded).toBe(false)
    })

    test('the processor stops with a message when RPC_ENDPOINT is not set, instead of trying a host that is not there', () => {
        const p = services.processor
        expect(withDefaults(p.environment.RPC_ENDPOINT)).toBe('')
        const script = p.command.join(' ')
        expect(script).toContain('[ -z "$$RPC_ENDPOINT" ]')
        expect(script).toMatch(/RPC_ENDPOINT is not set[^']*--profile devnet[^']*'\s*>&2;\s*exit [1-9]/)
        // and the command is a shell script compose passes as one argument
        expect(p.command.slice(0, 2)).toEqual(['sh', '-c'])
        const r = spawnSync('sh', ['-c', withDefaults(p.command[2]).replace('exec node lib/src/main.js', 'exit 0')], {
            env: {PATH: process.env.PATH},
            encoding: 'utf8',
        })
        expect(r.status).toBe(2)
        expect(r.stderr).toMatch(/^processor: RPC_ENDPOINT is not set/)
        const ok = spawnSync('sh', ['-c', withDefaults(p.command[2]).replace('exec node lib/src/main.js', 'exit 0')], {
            env: {PATH: process.env.PATH, RPC_ENDPOINT: 'ws://devnet:9944'},
            encoding: 'utf8',
        })
        expect(ok.status).toBe(0)
    })

    test('every file a command runs exists: lib/ paths have their TypeScript source, node_modules/ paths are installed', () => {
        for (const s of own) {
            const files = commandFiles(s.command)
            expect({service: s.name, runsAFile: files.length > 0}).toEqual({service: s.name, runsAFile: true})
            for (const f of files) {
                const source = f.startsWith('lib/') ? sourceOf(f) : f
                expect({service: s.name, file: f, exists: fs.existsSync(path.join(ROOT, source))}).toEqual({service: s.name, file: f, exists: true})
            }
        }
    })

    test('ports: each container port is the one its service listens on by default', () => {
        const defaults = loadConfig({})
        expect(services.db.ports.map(containerPort)).toEqual([5432])

        const api = services.api
        expect(Number(withDefaults(api.environment.GQL_PORT ?? String(defaults.gqlPort)))).toBe(defaults.gqlPort)
        expect(api.ports.map(containerPort)).toEqual([defaults.gqlPort])

        const exp = services.export
        expect(Number(withDefaults(exp.environment.EXPORT_PORT ?? String(DEFAULT_EXPORT_PORT)))).toBe(DEFAULT_EXPORT_PORT)
        expect(exp.ports.map(containerPort)).toEqual([DEFAULT_EXPORT_PORT])

        // the devnet listens where the devnet preset expects a node, and its health check knocks on that port
        const devnetPort = Number(new URL(CHAIN_PRESETS.devnet.defaultRpc!).port)
        const devnet = services.devnet
        expect(Number(flag(devnet.command, 'port'))).toBe(devnetPort)
        expect(flag(devnet.command, 'host')).toBe('0.0.0.0')
        expect(devnet.ports.map(containerPort)).toEqual([devnetPort])
        expect(JSON.stringify(devnet.healthcheck?.test)).toContain(`connect(${devnetPort}, '127.0.0.1')`)

        // each host port is published once
        const host = Object.values(services).flatMap(s => s.ports.map(p => withDefaults(p).split(':').slice(-2)[0]))
        expect(new Set(host).size).toBe(host.length)
    })

    test('the devnet runs only with its profile, and the processor waits for it to be healthy then', () => {
        expect(services.devnet.profiles).toEqual(['devnet'])
        expect(services.devnet.healthcheck?.test).toEqual(expect.arrayContaining(['CMD', 'node', '-e']))
        const dep = services.processor.dependsOn.find(d => d.service === 'devnet')
        expect(dep).toEqual({service: 'devnet', condition: 'service_healthy', required: false})
        for (const s of Object.values(services))
            if (s.name !== 'devnet') expect({service: s.name, profiles: s.profiles}).toEqual({service: s.name, profiles: []})
    })

    test("the devnet's health check works in Node: it passes on a listening port, fails on a closed one", async () => {
        const cmd = services.devnet.healthcheck!.test as string[]
        const script = cmd[cmd.indexOf('-e') + 1]
        const check = (port: number) =>
            new Promise<number | null>(resolve => {
                const c = execFile(process.execPath, ['-e', script.replace(/connect\(\d+,/, `connect(${port},`)], {timeout: 10_000})
                c.on('exit', code => resolve(code))
            })
        const server = net.createServer(s => s.destroy())
        server.listen(0, '127.0.0.1')
        await once(server, 'listening')
        try {
            expect(await check((server.address() as net.AddressInfo).port)).toBe(0)
        } finally {
            server.close()
        }
        // port 1 on the loopback: nothing listens there
        expect(await check(1)).toBe(1)
    })
})

describe('Dockerfile', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
    const copies = [...dockerfile.matchAll(/^COPY\s+(.+)$/gm)].flatMap(m => m[1].trim().split(/\s+/).slice(0, -1))

    test("builds lib/ with package.json's build script", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
        // npm run build is scripts/build.js, which compiles tsconfig.json into lib/
        expect(pkg.scripts.build).toBe('node scripts/build.js')
        expect(fs.readFileSync(path.join(ROOT, 'scripts/build.js'), 'utf8')).toMatch(/'-p', 'tsconfig\.json'/)
        expect(dockerfile).toMatch(/^RUN npm ci$/m)
        expect(dockerfile).toMatch(/^RUN npm run build$/m)
    })

    test('copies what the build and the services need, and everything it copies exists', () => {
        const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'))
        const roots = (tsconfig.include as string[]).map(p => p.split('/')[0])
        // web/: the front-end scripts/build.js bundles after tsc
        const needed = ['package.json', 'package-lock.json', 'tsconfig.json', 'schema.graphql', 'db', 'web', ...roots]
        expect(copies).toEqual(expect.arrayContaining([...new Set(needed)]))
        for (const c of copies) expect({copy: c, exists: fs.existsSync(path.join(ROOT, c))}).toEqual({copy: c, exists: true})
    })

    test('its default command runs a file that exists', () => {
        const cmd = /^CMD\s+(\[.*\])$/m.exec(dockerfile)
        expect(cmd).not.toBeNull()
        const files = commandFiles(JSON.parse(cmd![1]))
        expect(files.length).toBeGreaterThan(0)
        for (const f of files) expect(fs.existsSync(path.join(ROOT, sourceOf(f)))).toBe(true)
    })
})

// `docker compose config` resolves the file as compose itself does; only defined where a working compose exists
// (e.g. a developer machine or CI with Docker), so here no test is reported rather than a skipped one.
const composeWorks = spawnSync('docker', ['compose', 'version'], {encoding: 'utf8', timeout: 20_000}).status === 0
if (composeWorks) {
    describe('docker compose config', () => {
        for (const profile of [[], ['--profile', 'devnet']]) {
            test(`accepts the file${profile.length ? ' with the devnet profile' : ''}`, () => {
                const r = spawnSync('docker', ['compose', '-f', COMPOSE_FILE, ...profile, 'config', '-q'], {
                    cwd: ROOT,
                    encoding: 'utf8',
                    timeout: 60_000,
                    env: {...process.env, RPC_ENDPOINT: 'ws://devnet:9944'},
                })
                expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: expect.any(String)})
            })
        }
    })
}
