/**
 * The rules of docs/architecture.md, checked on the sources: which folder of src/ may import which, where
 * settings are read, that KNOWN_SETTINGS lists exactly the settings the code reads, and the size of files.
 */
import * as fs from 'fs'
import * as path from 'path'
import {KNOWN_SETTINGS} from '../src/config'
import {ROOT} from './helpers/indexed'

/** every room of src/ and the rooms it may import from (docs/architecture.md, "Rules the imports keep") */
const ALLOWED: Record<string, string[]> = {
    config: [],
    types: [],
    model: [],
    progress: [],
    // /health and /ready, the chain head over JSON-RPC: shared by the processor and the GraphQL server
    ops: [],
    // the processor's operations port: its metrics live in the SDK processor's registry
    monitor: ['config', 'ops', 'sdk'],
    db: ['config'],
    // the Apollo hook wires the server's own error cleaning, request errors and response cache into Apollo
    // …and mounts the embeds (pages, /api/v1, badges) next to /graphql
    sdk: ['config', 'db', 'server', 'embed'],
    decode: ['types', 'model', 'config'],
    domain: ['decode', 'model', 'config'],
    store: ['domain', 'decode', 'model', 'config', 'db', 'sdk'],
    rollup: ['domain', 'decode', 'model', 'config'],
    // undo records wrap the store's Writer; rewinding and the deep-fork check read the SDK's status tables
    rewind: ['store', 'config', 'db'],
    // processor.ts configures the SDK's data source; the decode thread builds the same one inside itself
    ingest: ['config', 'decode', 'sdk', 'processor'],
    processor: ['config', 'decode', 'ingest', 'sdk'],
    handler: ['config', 'decode', 'domain', 'ingest', 'model', 'processor', 'rollup', 'store', 'sdk', 'rewind'],
    main: ['config', 'db', 'handler', 'ingest', 'model', 'monitor', 'ops', 'processor', 'progress', 'sdk', 'store', 'rewind'],
    queries: ['domain', 'model', 'config', 'decode'],
    server: ['config', 'db', 'queries', 'sdk', 'domain', 'model', 'ops'],
    'server-extension': ['queries', 'server', 'domain', 'model', 'config'],
    export: ['config', 'db', 'queries', 'server', 'domain'],
    // the embeds read through the server's GraphQL, validate ids with queries/, and serve the export's CSV
    embed: ['config', 'db', 'queries', 'server', 'domain', 'export'],
    // the audit reads the node (@polkadot/api) and the database's tables directly; domain for the accounts
    audit: ['config', 'db', 'domain'],
    serve: ['server', 'config'],
    start: ['config', 'db', 'ingest'],
}

// generated: the typegen output, the ORM models, and the devnet's runtime descriptions (devnet/runtime/extract.ts)
const GENERATED = ['src/types/', 'src/model/generated/', 'devnet/runtime/khala']

function sources(dir: string): string[] {
    const out: string[] = []
    const walk = (d: string) => {
        for (const e of fs.readdirSync(path.join(ROOT, d), {withFileTypes: true})) {
            const p = path.join(d, e.name)
            if (e.isDirectory()) walk(p)
            else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p)
        }
    }
    walk(dir)
    return out
}

const own = (f: string) => !GENERATED.some(g => f.startsWith(g))
const SRC = sources('src').filter(own)

function roomOf(file: string): string {
    const parts = path.relative('src', file).split(path.sep)
    return parts.length === 1 ? parts[0].replace(/\.(ts|js)$/, '') : parts[0]
}

function importsOf(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8')
    return [...text.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map(m => path.normalize(path.join(path.dirname(file), m[1])))
}

describe('architecture', () => {
    test('every room of src/ imports only from the rooms below it', () => {
        const rooms = new Set(SRC.map(roomOf))
        expect([...rooms].filter(r => !(r in ALLOWED))).toEqual([])
        const violations: string[] = []
        for (const f of SRC) {
            const from = roomOf(f)
            for (const target of importsOf(f)) {
                if (!target.startsWith('src' + path.sep)) continue
                const to = roomOf(target)
                if (to !== from && !ALLOWED[from].includes(to)) violations.push(`${f} imports ${target} (${from} → ${to})`)
            }
        }
        expect(violations).toEqual([])
    })

    test('devnet/ imports nothing from src/', () => {
        const bad = sources('devnet').flatMap(f =>
            importsOf(f)
                .filter(t => t.startsWith('src' + path.sep))
                .map(t => `${f} → ${t}`)
        )
        expect(bad).toEqual([])
    })

    test('process.env is read in src/config/ only (src, devnet, bench, scripts)', () => {
        const files = [...SRC, ...sources('devnet'), ...sources('bench'), ...sources('scripts')]
        const readers = files.filter(
            f => !f.startsWith(path.join('src', 'config') + path.sep) && /process\.env/.test(fs.readFileSync(path.join(ROOT, f), 'utf8'))
        )
        expect(readers).toEqual([])
    })

    test('KNOWN_SETTINGS lists exactly the settings src/config reads', () => {
        const read = new Set<string>()
        for (const f of sources(path.join('src', 'config'))) {
            const text = fs.readFileSync(path.join(ROOT, f), 'utf8')
            for (const m of text.matchAll(/\benv(?:\.|\[')([A-Z][A-Z0-9_]{2,})|\(env, '([A-Z][A-Z0-9_]{2,})'|SETTING = '([A-Z][A-Z0-9_]{2,})'/g)) {
                read.add(m[1] ?? m[2] ?? m[3])
            }
        }
        // written for libraries, not read: NODE_ENV; read by the libraries themselves and listed for the deployments
        read.delete('NODE_ENV')
        const known = new Set(Object.keys(KNOWN_SETTINGS))
        expect([...read].filter(s => !known.has(s)).sort()).toEqual([])
        const readByLibraries = ['GQL_DB_CONNECTION_POOL_SIZE', 'DB_NAME', 'DB_USER', 'DB_PASS', 'DB_PORT', 'DB_HOST', 'DB_URL']
        expect([...known].filter(s => !read.has(s) && !readByLibraries.includes(s)).sort()).toEqual([])
    })

    test('no source file over 600 lines (generated code aside)', () => {
        const long = [...SRC, ...sources('devnet').filter(own)]
            .map(f => ({f, lines: fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length}))
            .filter(x => x.lines > 600)
        expect(long).toEqual([])
    })
})
