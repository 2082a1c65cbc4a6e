/**
 * End to end: a fork across the v1→v2 runtime upgrade (block 120 of `tiny`). The processor follows the head
 * block by block to 130; the devnet replaces 111…130 (same events, new hashes, the upgrade again at 120). The
 * index must end equal to indexing the final chain alone: the pool migration at 120, every payout of 121
 * paired with its reward transfer.
 */
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {startDevnet, startScenarioDevnet} from '../../devnet'
import {migratedDatabase, sql, tableChecksums} from '../handler/harness'
import {progress, runProcessor, startProcessor, waitFor} from './processor-child'

jest.setTimeout(900_000)

describe('devnet → processor: a fork across the runtime upgrade (tiny)', () => {
    it('ends equal to indexing the final chain alone', async () => {
        const lag = 25
        const to = 150
        const dn = await startScenarioDevnet({scenario: 'tiny', seed: 1, port: 0, finalityLag: lag, blockTimeMs: -1, initialBlocks: 100})
        const db = await migratedDatabase('e2e_fork_upgrade')
        let chainFile: string | undefined
        const run = startProcessor(db, dn.wsUrl, to)
        try {
            const stepTo = async (height: number) => {
                while (dn.height < height) {
                    dn.release(1)
                    const h = dn.height
                    if (h > to) continue
                    await waitFor(`hot head at ${h}`, async () => run.proc.exitCode != null || (await progress(db)).hotTop === h, 60_000, 20)
                }
            }
            await waitFor('finalized 75', async () => run.proc.exitCode != null || (await progress(db)).height >= 100 - lag, 240_000)
            await stepTo(130)
            const migratedAt = await sql(db, `SELECT pool_migration_height AS h FROM network_state`)
            expect(migratedAt[0].h).toBe(120)
            const fork = dn.fork({depth: 20})
            expect(fork.base.height).toBe(110)
            await stepTo(to + lag)
            const code = await run.exited
            if (code !== 0) throw new Error(`processor exited with ${code}:\n${run.output().slice(-4000)}`)
            expect(run.output()).toMatch(/navigating a fork/)
            chainFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-fork-upgrade-')), 'final.chain')
            dn.save(chainFile)
        } finally {
            if (run.proc.exitCode == null) run.proc.kill('SIGKILL')
            await dn.close()
        }
        expect((await sql(db, `SELECT pool_migration_height AS h FROM network_state`))[0].h).toBe(120)

        const ref = await startDevnet({fromFile: chainFile!, port: 0})
        const refDb = await migratedDatabase('e2e_fork_upgrade_final')
        try {
            await runProcessor(refDb, ref.url, to)
        } finally {
            await ref.close()
            fs.rmSync(path.dirname(chainFile!), {recursive: true, force: true})
        }
        const unpaired = `SELECT count(*)::int AS n FROM payout WHERE reward_transfer_event_id IS NULL`
        expect((await sql(db, unpaired))[0].n).toBe((await sql(refDb, unpaired))[0].n)
        expect(await tableChecksums(db)).toEqual(await tableChecksums(refDb))
    })
})
