/**
 * `npm run audit` (src/audit/cli.ts, run as the user runs it) against the devnet serving `small` and a
 * database indexed by the real processor (a child process) block range by block range with TO_BLOCK:
 *
 * - at five heights, two in the v1 era, the v1 → v2 upgrade block, and two after it, chain storage read through
 *   @polkadot/api equals the index in every category: 0 differences, exit code 0;
 * - the database must be at the audited block: above or below it, a one-line error naming TO_BLOCK, exit 2;
 * - a corrupted row (one session's V, one pool's shares, one staker's shares) is reported with its id, the
 *   field, the chain's value and the index's, exit 1;
 * - `tiny` (its hand-written playbook: unbinding, late and dropped settlements, withdrawals queued and paid)
 *   gives 0 differences every 40 blocks and at its upgrade block.
 */
import {spawn} from 'child_process'
import * as path from 'path'
import {startScenarioDevnet} from '../../devnet'
import {buildScenario} from '../../devnet/sim'
import {runProcessor} from '../e2e/processor-child'
import {migratedDatabase, ROOT, sql} from '../handler/harness'
import {testDbPrefix} from '../helpers/indexed'

jest.setTimeout(900_000)

const CLI = path.join(ROOT, 'lib/src/audit/cli.js')

interface AuditRun {
    code: number | null
    out: string
    err: string
}

/** the CLI as a child process (asynchronously: the devnet it reads serves from this process) */
function audit(db: string, rpc: string, at: number): Promise<AuditRun> {
    const env = {...process.env, DB_URL: db, RPC_ENDPOINT: rpc}
    delete (env as any).DB_HOST
    return new Promise((resolve, reject) => {
        const p = spawn(process.execPath, [CLI, '--at', String(at)], {cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe']})
        let out = ''
        let err = ''
        p.stdout.on('data', d => {
            out += d
        })
        p.stderr.on('data', d => {
            err += d
        })
        p.on('error', reject)
        p.on('close', code => resolve({code, out, err}))
    })
}

/** the category table of a report: name → [compared, matched, differing] */
function categories(out: string): Record<string, number[]> {
    const res: Record<string, number[]> = {}
    for (const m of out.matchAll(/^(sessions|pools|stakers)\s+(\d+)\s+(\d+)\s+(\d+)$/gm)) res[m[1]] = [Number(m[2]), Number(m[3]), Number(m[4])]
    return res
}

describe('npm run audit against the devnet (small)', () => {
    let rpc: string
    let close: () => Promise<void>
    let db: string
    let upgrade: number
    let last: number

    beforeAll(async () => {
        const dn = await startScenarioDevnet({scenario: 'small', seed: 1, port: 0})
        rpc = dn.url
        last = dn.height
        close = () => dn.close()
        upgrade = buildScenario('small', {seed: 1}).upgradeAt!
        db = await migratedDatabase(`${testDbPrefix()}audit_small`)
    })
    afterAll(async () => {
        await close?.()
    })

    it('finds 0 differences at five heights, the upgrade block among them', async () => {
        expect(upgrade).toBeGreaterThan(3000)
        const heights = [1500, upgrade - 1, upgrade, upgrade + 1500, last]
        for (const h of heights) {
            await runProcessor(db, rpc, h)
            const r = await audit(db, rpc, h)
            const cats = categories(r.out)
            expect({h, code: r.code, err: r.err.split('\n').filter(l => l.startsWith('audit:'))}).toEqual({h, code: 0, err: []})
            expect(r.out).toContain(`audit at block ${h} `)
            expect(r.out).toContain(`runtime era ${h < upgrade ? 'v1' : 'v2'}`)
            expect(r.out).toContain(`spec ${h < upgrade ? 1170 : 1251}`)
            for (const name of ['sessions', 'pools', 'stakers']) {
                const [compared, matched, differing] = cats[name]
                // the categories are not empty: every session, pool and staker of the index was found on the chain
                expect({h, name, compared: compared > 0, matched: matched === compared, differing}).toEqual({
                    h,
                    name,
                    compared: true,
                    matched: true,
                    differing: 0,
                })
            }
            const sessions = await sql(db, `SELECT count(*)::int AS n FROM session`)
            expect(cats.sessions[0]).toBe(sessions[0].n)
            expect(r.out).toMatch(/^result: 0 differences$/m)
        }
    })

    it('refuses a block the database is not at, naming TO_BLOCK', async () => {
        const below = await audit(db, rpc, last - 100)
        expect(below.code).toBe(2)
        expect(below.err).toContain(`indexed to block ${last}, past ${last - 100}`)
        expect(below.err).toContain(`TO_BLOCK=${last - 100}`)
        const above = await audit(db, rpc, last + 1)
        expect(above.code).toBe(2)
        expect(above.err).toContain(`indexed to block ${last}, not ${last + 1}`)
        expect(above.err).toContain(`TO_BLOCK=${last + 1}`)
    })

    it('reports a corrupted session, pool and staker with both values', async () => {
        const [s] = await sql(db, `SELECT id, v::text AS v FROM session WHERE state = 'WorkerIdle' ORDER BY id LIMIT 1`)
        const [p] = await sql(db, `SELECT id, total_shares::text AS shares FROM base_pool WHERE total_shares > 0 ORDER BY pid LIMIT 1`)
        const [d] = await sql(
            db,
            `SELECT id, (shares + withdrawing_shares)::text AS total FROM delegation WHERE shares > 1000 AND withdrawing_shares = 0 ORDER BY id LIMIT 1`
        )
        await sql(db, `UPDATE session SET v = v + 1 WHERE id = $1`, [s.id])
        await sql(db, `UPDATE base_pool SET total_shares = total_shares - 5 WHERE id = $1`, [p.id])
        await sql(db, `UPDATE delegation SET shares = shares + 7 WHERE id = $1`, [d.id])
        const r = await audit(db, rpc, last)
        expect(r.code).toBe(1)
        const cats = categories(r.out)
        expect([cats.sessions[2], cats.pools[2], cats.stakers[2]]).toEqual([1, 1, 1])
        const row = (id: string, field: string, chain: string, index: string) =>
            new RegExp(`^${id.replace(/[-]/g, '\\-')}\\s+${field.replace(/[()]/g, '\\$&')}\\s+${chain}\\s+${index}$`, 'm')
        expect(r.out).toMatch(row(s.id, 'v (U64F64 bits)', s.v, String(BigInt(s.v) + 1n)))
        expect(r.out).toMatch(row(p.id, 'total shares', p.shares, String(BigInt(p.shares) - 5n)))
        expect(r.out).toMatch(row(d.id, 'shares (queued included)', d.total, String(BigInt(d.total) + 7n)))
        expect(r.out).toMatch(/^result: 3 entities differ$/m)
    })
})

describe('npm run audit against the devnet (tiny)', () => {
    it('finds 0 differences every 40 blocks and at the upgrade block', async () => {
        const dn = await startScenarioDevnet({scenario: 'tiny', seed: 1, port: 0})
        try {
            const db = await migratedDatabase(`${testDbPrefix()}audit_tiny`)
            const upgrade = buildScenario('tiny', {seed: 1}).upgradeAt!
            const heights = [...new Set([40, 80, 120, upgrade, 160, 200, dn.height])].sort((a, b) => a - b)
            for (const h of heights) {
                await runProcessor(db, dn.url, h)
                const r = await audit(db, dn.url, h)
                const cats = categories(r.out)
                expect({h, code: r.code, differing: Object.values(cats).map(c => c[2])}).toEqual({h, code: 0, differing: [0, 0, 0]})
                expect(cats.sessions[0]).toBeGreaterThan(0)
                if (h === 80) {
                    // v1: a staker's reward debt (stakepool.rs UserStakeInfo) as the index rebuilt it, corrupted
                    const [st] = await sql(db, `SELECT id, reward_debt::text AS d FROM v1_staker WHERE reward_debt > 0 ORDER BY id LIMIT 1`)
                    expect(st).toBeDefined()
                    await sql(db, `UPDATE v1_staker SET reward_debt = reward_debt + 3 WHERE id = $1`, [st.id])
                    const bad = await audit(db, dn.url, h)
                    expect(bad.code).toBe(1)
                    expect(bad.out).toMatch(new RegExp(`^${st.id.replace(/-/g, '\\-')}\\s+reward debt \\(v1\\)\\s+${st.d}\\s+${BigInt(st.d) + 3n}$`, 'm'))
                    await sql(db, `UPDATE v1_staker SET reward_debt = reward_debt - 3 WHERE id = $1`, [st.id])
                }
            }
        } finally {
            await dn.close()
        }
    })
})
