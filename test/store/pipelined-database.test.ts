/**
 * src/store/pipelined-database.ts against a real PostgreSQL: batches commit in order while the next one is
 * being handled, the last one commits before transact returns, and a failure in a batch whose statements
 * were not awaited fails the processor without committing any of it.
 */
import {PipelinedDatabase, pipelineOf} from '../../src/store/pipelined-database'
import {migratedDatabase, ROOT, sql, withDbUrl} from '../handler/harness'

jest.setTimeout(120_000)

const head = (n: number) => ({height: n, hash: '0x' + n.toString(16).padStart(64, '0')})

async function open(url: string, toBlock?: number): Promise<PipelinedDatabase> {
    const db = new PipelinedDatabase({supportHotBlocks: true, projectDir: ROOT, toBlock})
    await withDbUrl(url, () => db.connect())
    await sql(url, 'CREATE TABLE IF NOT EXISTS pipeline_probe (batch int PRIMARY KEY)')
    return db
}

/** one batch that inserts its number into pipeline_probe without waiting (as the handler's writes) */
function batch(n: number, extra?: string) {
    return async (store: any) => {
        const ctx = pipelineOf(store)
        const em = store.em()
        const send = (q: string) => {
            const p = em.query(q)
            if (ctx) ctx.track(p)
            else return p
        }
        await send(`INSERT INTO pipeline_probe (batch) VALUES (${n})`)
        if (extra) await send(extra)
    }
}

test('pipelined batches all commit, in order; the batch reaching TO_BLOCK commits before transact returns', async () => {
    const url = await migratedDatabase('pipeline_ok')
    const db = await open(url, 50)
    let prev = {height: -1, hash: '0x'}
    const seen: number[] = []
    for (let i = 1; i <= 5; i++) {
        const next = head(i * 10)
        await db.transact({prevHead: prev, nextHead: next, isOnTop: false}, async store => {
            // a pipelined batch is handed the previous head (memory may skip re-reading the database)
            if (i > 1) expect(pipelineOf(store)?.prevHead).toEqual(prev)
            seen.push(i)
            await batch(i)(store)
        })
        prev = next
    }
    // no drain, no disconnect: batch 5 reached TO_BLOCK = 50, so it is committed already
    const status = await sql(url, 'SELECT height, hash FROM squid_processor.status WHERE id = 0')
    expect(status[0]).toEqual(head(50))
    const rows = await sql(url, 'SELECT batch FROM pipeline_probe ORDER BY batch')
    expect(rows.map(r => r.batch)).toEqual([1, 2, 3, 4, 5])
    expect(seen).toEqual([1, 2, 3, 4, 5])
    await db.disconnect()
})

test('a statement that fails in a pipelined batch fails the next transact; nothing of that batch is committed', async () => {
    const url = await migratedDatabase('pipeline_fail')
    const db = await open(url)
    await db.transact({prevHead: {height: -1, hash: '0x'}, nextHead: head(10), isOnTop: false}, batch(1))
    // batch 2 queues a statement that fails; transact returns before PostgreSQL has run it
    await db.transact({prevHead: head(10), nextHead: head(20), isOnTop: false}, batch(2, 'SELECT 1 / 0'))
    await expect(db.transact({prevHead: head(20), nextHead: head(30), isOnTop: false}, batch(3))).rejects.toThrow(
        /batch #11–#20 was not committed: division by zero/
    )
    const status = await sql(url, 'SELECT height FROM squid_processor.status WHERE id = 0')
    expect(status[0].height).toBe(10)
    const rows = await sql(url, 'SELECT batch FROM pipeline_probe ORDER BY batch')
    expect(rows.map(r => r.batch)).toEqual([1])
    await db.disconnect().catch(() => {})
})

test("the status guard refuses a batch whose previous head is not the database's", async () => {
    const url = await migratedDatabase('pipeline_race')
    const db = await open(url, 30)
    await db.transact({prevHead: {height: -1, hash: '0x'}, nextHead: head(10), isOnTop: false}, batch(1))
    // another writer moves the status behind the pipeline's back
    await sql(url, `UPDATE squid_processor.status SET height = 15, hash = '0xforeign' WHERE id = 0`)
    await db.transact({prevHead: head(10), nextHead: head(20), isOnTop: false}, batch(2))
    await expect(db.transact({prevHead: head(20), nextHead: head(30), isOnTop: false}, batch(3))).rejects.toThrow(/was not committed/)
    const rows = await sql(url, 'SELECT batch FROM pipeline_probe ORDER BY batch')
    expect(rows.map(r => r.batch)).toEqual([1])
    await db.disconnect().catch(() => {})
})
