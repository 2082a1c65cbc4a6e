/**
 * The ledger's dispatch table is typed over every MiningEvent kind: a kind nobody handles must fail to
 * compile. Type-checks test/fixtures/ledger-dispatch (outside the main build): incomplete.ts leaves one
 * kind out and must fail with TS2741 naming it; complete.ts (the positive control) must have no error.
 */
import {spawnSync} from 'child_process'
import path from 'path'

const ROOT = path.resolve(__dirname, '../../../..')
const FIXTURE = 'test/fixtures/ledger-dispatch'

describe('ledger dispatch table', () => {
    let output = ''
    let status: number | null = null

    beforeAll(() => {
        const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', `${FIXTURE}/tsconfig.json`], {
            cwd: ROOT,
            encoding: 'utf8',
        })
        output = `${r.stdout}${r.stderr}`
        status = r.status
    }, 120_000)

    it('does not compile with one MiningEvent kind unhandled', () => {
        expect(status).not.toBe(0)
        expect(output).toMatch(/incomplete\.ts\(\d+,\d+\): error TS2741: Property 'NftCreated' is missing in type .* but required in type 'HandlerTable'/)
    })

    it('compiles with every kind handled (positive control)', () => {
        const errors = output.split('\n').filter(l => /error TS\d+/.test(l))
        expect(errors.length).toBeGreaterThan(0)
        expect(errors.every(l => l.startsWith(`${FIXTURE}/incomplete.ts`))).toBe(true)
        expect(output).not.toMatch(/(?<!in)complete\.ts\(/)
    })
})
