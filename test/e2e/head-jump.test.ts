/**
 * End to end: the processor follows the head block by block with TO_BLOCK set, then the head jumps far past
 * TO_BLOCK at once (a node that caught up). The processor must index every block to TO_BLOCK before it exits
 * 0, and end equal to indexing the chain alone.
 */
import {startScenarioDevnet} from '../../devnet'
import {migratedDatabase, tableChecksums} from '../handler/harness'
import {progress, runProcessor, startProcessor, waitFor} from './processor-child'

jest.setTimeout(900_000)

describe('devnet → processor: the head jumps past TO_BLOCK', () => {
    it('indexes every block to TO_BLOCK before it exits 0', async () => {
        const lag = 10
        const total = 240
        const to = total - lag
        const dn = await startScenarioDevnet({scenario: 'tiny', seed: 1, port: 0, finalityLag: lag, blockTimeMs: -1, initialBlocks: 100})
        const db = await migratedDatabase('e2e_head_jump')
        const refDb = await migratedDatabase('e2e_head_jump_ref')
        try {
            const run = startProcessor(db, dn.wsUrl, to)
            try {
                await waitFor('finalized 90', async () => run.proc.exitCode != null || (await progress(db)).height >= 100 - lag, 240_000)
                while (dn.height < 118 && run.proc.exitCode == null) {
                    dn.release(1)
                    const h = dn.height
                    await waitFor(`hot head at ${h}`, async () => run.proc.exitCode != null || ((await progress(db)).hotTop ?? 0) >= h, 60_000, 20)
                }
                dn.release(total - dn.height)
                const code = await run.exited
                if (code !== 0) throw new Error(`processor exited with ${code}:\n${run.output().slice(-4000)}`)
                const end = await progress(db)
                const reached = Math.max(end.height, end.hotTop ?? -1)
                if (reached < to) throw new Error(`processor exited 0 at #${reached}, before TO_BLOCK ${to}:\n${run.output().slice(-4000)}`)
            } finally {
                if (run.proc.exitCode == null) run.proc.kill('SIGKILL')
            }
            // the same chain, every block final from the start
            await runProcessor(refDb, dn.url, to)
        } finally {
            await dn.close()
        }
        expect(await tableChecksums(db)).toEqual(await tableChecksums(refDb))
    })
})
