/**
 * End to end: a fork deeper than the processor's finality (FINALITY_CONFIRMATION=2 against a devnet whose
 * own finality lags 20 blocks, forked 8 blocks deep). The processor stops with one line naming the block,
 * both hashes, the common ancestor and the command; a restart says the same instead of the SDK's "already
 * indexed block … not found on chain"; `npm run rewind -- --to <ancestor>` rolls the index back, and the
 * processor then ends equal to a clean index of the final chain.
 */
import {spawnSync} from 'child_process'
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {startDevnet, startScenarioDevnet} from '../../devnet'
import {migratedDatabase, sql, tableChecksums} from '../handler/harness'
import {progress, ROOT, runProcessor, startProcessor, waitFor} from './processor-child'

jest.setTimeout(900_000)

const DEEP_FORK =
    /^processor: deep fork: the database indexed block #(\d+) as 0x[0-9a-f]{8}…[0-9a-f]{6} but the node has 0x[0-9a-f]{8}…[0-9a-f]{6}; the chains agree at #(\d+) \(a fork \d+ or more blocks deep, deeper than FINALITY_CONFIRMATION=2\): stop the processor, run `npm run rewind -- --to (\d+)`, then start it again$/m

describe('devnet → processor: a fork deeper than FINALITY_CONFIRMATION', () => {
    it('is explained in one line, also at restart; rewind, and the index ends equal to the final chain', async () => {
        const total = 240
        const confirmation = 2
        const to = total - confirmation
        const env = {FINALITY_CONFIRMATION: String(confirmation)}
        const dn = await startScenarioDevnet({scenario: 'tiny', seed: 1, port: 0, finalityLag: 20, blockTimeMs: -1, initialBlocks: 140})
        const db = await migratedDatabase('e2e_deep_fork')
        let chainFile: string | undefined
        try {
            let stale: {id: string}[] = []
            const run = startProcessor(db, dn.wsUrl, to, env)
            try {
                await waitFor('final 138', async () => run.proc.exitCode != null || (await progress(db)).height >= 140 - confirmation, 240_000)
                while (dn.height < 150) {
                    dn.release(1)
                    const h = dn.height
                    await waitFor(`hot head at ${h}`, async () => run.proc.exitCode != null || (await progress(db)).hotTop === h, 60_000, 20)
                }
                stale = await sql(db, `SELECT id FROM payout WHERE block_height BETWEEN 143 AND 148`)
                expect(stale.length).toBeGreaterThan(0)
                expect((await progress(db)).height).toBe(148)
                // 143…150 replaced: #143–#148 were final for the processor
                const fork = dn.fork({depth: 8})
                expect(fork.base.height).toBe(142)
                dn.release(1)
                const code = await run.exited
                expect(code).toBe(1)
            } finally {
                if (run.proc.exitCode == null) run.proc.kill('SIGKILL')
            }
            const m = DEEP_FORK.exec(run.output())
            if (m == null) throw new Error(`no deep-fork line in:\n${run.output().slice(-3000)}`)
            expect(Number(m[2])).toBe(142)
            expect(m[3]).toBe('142')
            expect(run.output()).not.toMatch(/AssertionError/)

            // a restart: the same explanation, not the SDK's "already indexed block … was not found on chain"
            const again = startProcessor(db, dn.wsUrl, to, env)
            expect(await again.exited).toBe(1)
            expect(again.output()).toMatch(DEEP_FORK)
            expect(again.output()).not.toMatch(/already indexed block/)
            expect(again.output().trim().split('\n')).toHaveLength(1)

            // the repair
            const rw = spawnSync(process.execPath, [path.join(ROOT, 'lib/src/rewind/cli.js'), '--to', '142'], {
                cwd: ROOT,
                env: {...process.env, DB_URL: db},
                encoding: 'utf8',
            })
            expect(rw.stderr).toBe('')
            expect(rw.status).toBe(0)
            expect(rw.stdout).toMatch(
                /^rewind: rewound from #\d+ to #142: \d+ batches undone, \d+ rows deleted or restored; start the processor to index from #143\n$/
            )
            expect((await sql(db, `SELECT count(*)::int AS n FROM payout WHERE id = ANY($1)`, [stale.map(r => r.id)]))[0].n).toBe(0)

            // the processor goes on along the new branch to the end
            const rest = startProcessor(db, dn.wsUrl, to, env)
            try {
                while (!dn.exhausted) {
                    dn.release(1)
                    const h = Math.min(dn.height, to)
                    await waitFor(
                        `head ${h}`,
                        async () => rest.proc.exitCode != null || ((await progress(db)).hotTop ?? (await progress(db)).height) >= h,
                        60_000,
                        20
                    )
                }
                const code = await rest.exited
                if (code !== 0) throw new Error(`processor exited with ${code}:\n${rest.output().slice(-4000)}`)
            } finally {
                if (rest.proc.exitCode == null) rest.proc.kill('SIGKILL')
            }
            chainFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'deep-fork-')), 'final.chain')
            dn.save(chainFile)
        } finally {
            await dn.close()
        }

        // the final chain alone, every block final from the start
        const ref = await startDevnet({fromFile: chainFile!, port: 0})
        const refDb = await migratedDatabase('e2e_deep_fork_final')
        try {
            await runProcessor(refDb, ref.url, to)
        } finally {
            await ref.close()
        }
        expect(await tableChecksums(db)).toEqual(await tableChecksums(refDb))
    })
})
