#!/usr/bin/env node
/**
 * Incremental build of lib/ (TypeScript → CommonJS), never deleting lib/ under a running process.
 *
 *   node scripts/build.js             tsc --incremental, then prune and link (see below)
 *   node scripts/build.js --if-stale  the same, but only when a source is newer than the last build:
 *                                     the npm scripts that run a program use this, so they start at once
 *
 * After tsc, the front-end (web/) is bundled by esbuild into lib/web/embed.js (minified, with uPlot) and
 * web/page.css copied beside it; the GraphQL server serves both (src/embed).
 *
 * After tsc: compiled files whose source no longer exists are removed (a deleted test must not keep
 * running from lib/), and lib/model and lib/server-extension link to lib/src/model and lib/src/server-extension (the SDK's TypeORM
 * config and the GraphQL server look for them next to the compiled code).
 */

const fs = require('fs')
const path = require('path')
const {spawnSync} = require('child_process')

const ROOT = path.resolve(__dirname, '..')
const LIB = path.join(ROOT, 'lib')
const STAMP = path.join(LIB, '.build-stamp')
const SOURCE_DIRS = ['src', 'devnet', 'test', 'bench', 'db', 'web']
const SOURCE_FILES = ['tsconfig.json', 'package.json', 'package-lock.json', 'schema.graphql']

function* walk(dir) {
    let entries
    try {
        entries = fs.readdirSync(dir, {withFileTypes: true})
    } catch {
        return
    }
    for (const e of entries) {
        const p = path.join(dir, e.name)
        if (e.isDirectory()) yield* walk(p)
        else if (e.isFile()) yield p
    }
}

function newestSourceMtime() {
    let newest = 0
    for (const d of SOURCE_DIRS) {
        for (const f of walk(path.join(ROOT, d))) {
            if (f.endsWith('.ts') || f.endsWith('.json') || f.endsWith('.css')) newest = Math.max(newest, fs.statSync(f).mtimeMs)
        }
    }
    for (const f of SOURCE_FILES) {
        try {
            newest = Math.max(newest, fs.statSync(path.join(ROOT, f)).mtimeMs)
        } catch {}
    }
    return newest
}

function isStale() {
    let built
    try {
        built = fs.statSync(STAMP).mtimeMs
    } catch {
        return true
    }
    return newestSourceMtime() > built
}

/** compiled files (and their maps) whose .ts source is gone */
function prune() {
    let removed = 0
    for (const d of SOURCE_DIRS) {
        for (const f of walk(path.join(LIB, d))) {
            const m = /^(.*)\.js(\.map)?$/.exec(path.relative(LIB, f))
            if (!m) continue
            if (!fs.existsSync(path.join(ROOT, m[1] + '.ts'))) {
                fs.rmSync(f, {force: true})
                removed++
            }
        }
    }
    return removed
}

function link(name, target) {
    const p = path.join(LIB, name)
    try {
        if (fs.readlinkSync(p) === target) return
    } catch {}
    fs.rmSync(p, {recursive: true, force: true})
    fs.symlinkSync(target, p)
}

/** web/ → lib/web/embed.js (one IIFE, minified, uPlot and its CSS inside) and lib/web/page.css */
function buildWeb() {
    const out = path.join(LIB, 'web')
    fs.mkdirSync(out, {recursive: true})
    const r = require('esbuild').buildSync({
        entryPoints: [path.join(ROOT, 'web/embed.ts')],
        bundle: true,
        minify: true,
        format: 'iife',
        target: ['es2020'],
        loader: {'.css': 'text'},
        outfile: path.join(out, 'embed.js'),
        legalComments: 'none',
        logLevel: 'silent',
    })
    for (const w of r.warnings) process.stderr.write(`[build] web: ${w.text}\n`)
    fs.copyFileSync(path.join(ROOT, 'web/page.css'), path.join(out, 'page.css'))
}

function build() {
    const started = Date.now()
    const tsc = require.resolve('typescript/bin/tsc')
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', 'lib/tsconfig.tsbuildinfo'], {
        cwd: ROOT,
        stdio: 'inherit',
    })
    if (r.status !== 0) {
        process.stderr.write('build failed: the TypeScript errors are above\n')
        process.exit(r.status ?? 1)
    }
    try {
        buildWeb()
    } catch (e) {
        process.stderr.write(`build failed: the front-end (web/) did not bundle: ${e?.message ?? e}\n`)
        process.exit(1)
    }
    const removed = prune()
    link('model', 'src/model')
    link('server-extension', 'src/server-extension')
    fs.writeFileSync(STAMP, new Date().toISOString() + '\n')
    const note = removed > 0 ? `, ${removed} stale compiled files removed` : ''
    process.stderr.write(`[build] lib/ up to date in ${((Date.now() - started) / 1000).toFixed(1)} s${note}\n`)
}

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0)
build()
