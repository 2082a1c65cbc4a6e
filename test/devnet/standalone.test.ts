/**
 * The devnet stands alone: no file under devnet/ imports from src/ (the ground truth must not share the
 * indexer's code, or a bug in that code would cancel out in every end-to-end test).
 */
import * as fs from 'fs'
import * as path from 'path'

const ROOT = path.resolve(__dirname, '../../..')
const DEVNET = path.join(ROOT, 'devnet')
const SRC = path.join(ROOT, 'src')

function* sources(dir: string): Generator<string> {
    for (const e of fs.readdirSync(dir, {withFileTypes: true})) {
        const p = path.join(dir, e.name)
        if (e.isDirectory()) yield* sources(p)
        else if (/\.(ts|js|cjs|mjs)$/.test(e.name)) yield p
    }
}

/** module specifiers of import / export … from / require() / import() */
function specifiers(text: string): string[] {
    const out: string[] = []
    const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(['"`])([^'"`]+)\1/g
    for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[2])
    return out
}

describe('devnet/ imports nothing from src/', () => {
    const files = [...sources(DEVNET)]

    test('the scan finds the devnet sources', () => {
        expect(files.length).toBeGreaterThan(20)
        expect(files).toContain(path.join(DEVNET, 'sim', 'fixed.ts'))
    })

    test('no relative import resolves into src/', () => {
        const offenders: string[] = []
        for (const f of files) {
            for (const spec of specifiers(fs.readFileSync(f, 'utf8'))) {
                if (!spec.startsWith('.')) continue
                const target = path.resolve(path.dirname(f), spec)
                if (target === SRC || target.startsWith(SRC + path.sep)) offenders.push(`${path.relative(ROOT, f)}: ${spec}`)
            }
        }
        expect(offenders).toEqual([])
    })

    test('the scan would catch one', () => {
        const f = path.join(DEVNET, 'sim', 'x.ts')
        const spec = specifiers('import {a} from \'../../src/domain/fixed\'\nconst b = require("../../src/x")')
        expect(spec.map(s => path.resolve(path.dirname(f), s).startsWith(SRC + path.sep))).toEqual([true, true])
    })
})
