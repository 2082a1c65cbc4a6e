/**
 * Child process of pipeline-warnings.test.ts (node lib/test/store/pipeline-child.js <mode>, DB_URL set):
 * warnings and unhandled rejections go to the real process, which jest's sandbox does not see. Prints one
 * JSON line: the warnings and unhandled rejections seen, and the error a mode expects, if any.
 *
 * - story: the hand-checked story (test/handler/scenario.ts) through PipelinedDatabase and the real
 *   LedgerHandler, two blocks per batch (LEDGER_PIPELINE_ROWS=1 makes every block a background flush);
 * - fail: a pipelined batch whose statement fails, then the next batch (which must throw);
 * - unqueued: the control, three statements on one connection without the queue (pg must warn).
 */
import {loadLedgerSettings} from '../../src/config/ledger'
import {LedgerHandler} from '../../src/handler'
import {PipelinedDatabase, pipelineOf} from '../../src/store/pipelined-database'
import {FakeStorage, newLog, ROOT} from '../handler/harness'
import {PARAMS, storyChain} from '../handler/scenario'

interface Head {
    height: number
    hash: string
}

const head = (n: number): Head => ({height: n, hash: '0x' + n.toString(16).padStart(64, '0')})

async function story(db: PipelinedDatabase, start: Head): Promise<void> {
    const storage = new FakeStorage()
    storage.params = PARAMS
    // LEDGER_PIPELINE_ROWS from the environment the test gives this process
    const handler = new LedgerHandler(storage, e => e, {deferIndexes: 'off', fromBlock: 0, settings: loadLedgerSettings()})
    const log = newLog()
    const blocks = storyChain().blocks
    let prev = start
    for (let i = 0; i < blocks.length; i += 2) {
        const part = blocks.slice(i, i + 2)
        const last = part[part.length - 1].header
        const next = {height: last.height, hash: last.hash}
        await db.transact({prevHead: prev, nextHead: next, isOnTop: false}, store => handler.handle({store, blocks: part as any, log}))
        prev = next
    }
}

async function fail(db: PipelinedDatabase, start: Head): Promise<string> {
    const batch = (sql: string) => async (store: any) => {
        const em = store.em()
        const ctx = pipelineOf(store)
        if (ctx) ctx.track(em.query(sql))
        else await em.query(sql)
    }
    await db.transact({prevHead: start, nextHead: head(start.height + 10), isOnTop: false}, batch('SELECT 1'))
    await db.transact({prevHead: head(start.height + 10), nextHead: head(start.height + 20), isOnTop: false}, batch('SELECT 1 / 0'))
    try {
        await db.transact({prevHead: head(start.height + 20), nextHead: head(start.height + 30), isOnTop: false}, batch('SELECT 1'))
    } catch (e) {
        return (e as Error).message
    }
    throw new Error('the batch after a failed one did not fail')
}

async function unqueued(db: PipelinedDatabase): Promise<void> {
    const runner = (db as unknown as {con: {createQueryRunner(mode: string): any}}).con.createQueryRunner('master')
    await runner.connect()
    try {
        await Promise.all([runner.query('SELECT 1'), runner.query('SELECT 2'), runner.query('SELECT 3')])
    } finally {
        await runner.release()
    }
}

async function main(): Promise<void> {
    const warnings: string[] = []
    const unhandled: string[] = []
    process.on('warning', w => warnings.push(`${w.name}: ${w.message}`))
    process.on('unhandledRejection', e => unhandled.push(String((e as Error)?.message ?? e)))
    const mode = process.argv[2]
    const db = new PipelinedDatabase({supportHotBlocks: true, projectDir: ROOT})
    const state = await db.connect()
    const start = {height: state.height, hash: state.hash}
    let error: string | undefined
    try {
        if (mode === 'story') await story(db, start)
        else if (mode === 'fail') error = await fail(db, start)
        else if (mode === 'unqueued') await unqueued(db)
        else throw new Error(`unknown mode ${mode}`)
    } finally {
        await db.disconnect().catch(() => {})
    }
    // warnings are emitted on a later tick
    await new Promise(r => setTimeout(r, 100))
    process.stdout.write(JSON.stringify({warnings, unhandled, error}) + '\n')
}

main().then(
    () => process.exit(0),
    e => {
        console.error(e)
        process.exit(1)
    }
)
