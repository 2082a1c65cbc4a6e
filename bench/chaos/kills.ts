/**
 * Kills: SIGKILL the processor at random moments while it indexes, and while it rebuilds the deferred indexes
 * (src/store/deferred-indexes.ts); after a final clean run the index must equal a clean one, table by table and
 * index by index.
 */
import {Client} from 'pg'
import {startScenarioDevnet} from '../../devnet'
import {mulberry32} from '../../devnet/prng'
import {progress, runProcessor, startProcessor} from '../../test/e2e/processor-child'
import {ChaosContext, describeEqual, freshMigrated, indexScenario, indexState, reference, Row, sleep, stateDiff, withClient} from './common'

export async function randomKills(ctx: ChaosContext): Promise<Row[]> {
    const scenario = indexScenario(ctx)
    const kills = ctx.quick ? 3 : 30
    const ref = await reference(ctx, scenario)
    const dn = await startScenarioDevnet({scenario, seed: 1, port: 0})
    const rnd = mulberry32(ctx.seed ^ 0x6b111)
    // each kill comes a random time after the run's first commit (so every run moves the index on): within
    // 100 ms for tiny, which is indexed in two or three batches (the first of 8 blocks), up to 5 s for small,
    // so the kills spread over its catch-up
    const maxMs = ctx.quick ? 100 : 5000
    const done = `${kills} SIGKILLs of the processor, each 0–${maxMs} ms (seeded) after the restarted run's first commit, while it indexes \`${scenario}\` (${ref.height} blocks); then one clean run`
    const expected = 'tables and indexes equal to a clean index'
    try {
        const db = await freshMigrated(ctx, `chaos_kills_${scenario}`)
        let n = 0
        let finishedEarly = false
        const heights: number[] = []
        while (n < kills) {
            const before = (await progress(db)).height
            const run = startProcessor(db, dn.url, dn.height)
            let exited = false
            void run.exited.then(() => {
                exited = true
            })
            while (!exited && (await progress(db)).height === before) await sleep(20)
            if (!exited) await Promise.race([run.exited, sleep(Math.floor(rnd() * maxMs))])
            if (run.proc.exitCode != null) {
                // it reached the end before this kill
                finishedEarly = run.proc.exitCode === 0
                if (finishedEarly) break
                continue
            }
            run.proc.kill('SIGKILL')
            await run.exited
            n++
            heights.push((await progress(db)).height)
            if (n % 5 === 0) ctx.log(`kills: ${n}/${kills}, committed height ${heights[heights.length - 1]}`)
        }
        await runProcessor(db, dn.url, dn.height)
        const diff = stateDiff(await indexState(db), ref.state)
        const at = heights.length ? `; committed height after each kill ${heights.join(', ')}` : ''
        return [
            {
                scenario: 'kills: random SIGKILLs',
                done,
                expected,
                observed: `${n} kills${finishedEarly ? ' (the run finished before the rest)' : ''}${at}; after the final run: ${diff.length ? diff.slice(0, 5).join('; ') : describeEqual(ref.state)}`,
                pass: diff.length === 0 && n > 0,
            },
        ]
    } finally {
        await dn.close()
    }
}

/** SIGKILL while a CREATE INDEX of the deferred-index rebuild runs (seen in pg_stat_activity) */
export async function rebuildKills(ctx: ChaosContext): Promise<Row[]> {
    const scenario = indexScenario(ctx)
    const wanted = ctx.quick ? 1 : 3
    const ref = await reference(ctx, scenario)
    const dn = await startScenarioDevnet({scenario, seed: 1, port: 0})
    const name = `chaos_rebuild_${scenario}`
    try {
        const db = await freshMigrated(ctx, name)
        const watcher = new Client({connectionString: db})
        await watcher.connect()
        let caught = 0
        let deferredAtKill = 0
        let runs = 0
        try {
            while (caught < wanted && runs < wanted + 3) {
                runs++
                const run = startProcessor(db, dn.url, dn.height)
                let exited = false
                void run.exited.then(() => {
                    exited = true
                })
                let hit = false
                while (!exited) {
                    const r = await watcher.query(
                        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query ILIKE 'CREATE%INDEX%' AND pid <> pg_backend_pid()`
                    )
                    if (r.rows[0].n > 0) {
                        hit = true
                        break
                    }
                    await sleep(5)
                }
                if (hit) {
                    run.proc.kill('SIGKILL')
                    await run.exited
                    caught++
                    deferredAtKill = (await watcher.query('SELECT count(*)::int AS n FROM deferred_index')).rows[0].n
                    ctx.log(`rebuild kills: ${caught}/${wanted} (${deferredAtKill} indexes still deferred)`)
                } else {
                    await run.exited
                    if (run.proc.exitCode === 0) break
                }
            }
        } finally {
            await watcher.end()
        }
        await runProcessor(db, dn.url, dn.height)
        const left = await withClient(db, async c => (await c.query('SELECT count(*)::int AS n FROM deferred_index')).rows[0].n)
        const diff = stateDiff(await indexState(db), ref.state)
        return [
            {
                scenario: 'kills: during the deferred index rebuild',
                done: `SIGKILL as soon as pg_stat_activity shows a CREATE INDEX of the rebuild (DEFER_INDEXES=auto), up to ${wanted}×, while indexing \`${scenario}\`; then one clean run`,
                expected: 'every index rebuilt, nothing left deferred, tables and indexes equal to a clean index',
                observed: `${caught} kills inside the rebuild (${deferredAtKill} indexes still deferred at the last); after the final run ${left} deferred, ${diff.length ? diff.slice(0, 5).join('; ') : describeEqual(ref.state)}`,
                pass: caught > 0 && left === 0 && diff.length === 0,
            },
        ]
    } finally {
        await dn.close()
    }
}
