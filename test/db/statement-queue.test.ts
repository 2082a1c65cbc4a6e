/**
 * src/store/statement-queue.ts against a real PostgreSQL: one statement in flight at a time, sent in the
 * order queued, the next one sent before the previous caller resumes, each caller answered with its own
 * result or error, and a failure in the middle of a transaction leaving the queue working. (Warnings and
 * unhandled rejections go to the real process, which jest's sandbox does not see: pipeline-warnings.test.ts
 * checks those in a child process.)
 */
import {Client} from 'pg'
import {DataSource} from 'typeorm'
import {createOrmConfig} from '@subsquid/typeorm-config'
import {queuedManager, statementQueue, StatementQueue} from '../../src/db/statement-queue'
import {freshDatabase} from '../helpers/db'
import {ROOT, withDbUrl} from '../handler/harness'

jest.setTimeout(60_000)

let url: string
let client: Client

beforeAll(async () => {
    url = await freshDatabase('statement_queue')
    client = new Client({connectionString: url})
    await client.connect()
    await client.query('CREATE TABLE probe (seq bigserial PRIMARY KEY, n int NOT NULL)')
})

afterAll(async () => {
    await client?.end()
})

beforeEach(async () => {
    await client.query('TRUNCATE probe')
})

/** a queue on the test client that counts how many statements the driver holds at once */
function instrumented() {
    const log: string[] = []
    let inFlight = 0
    let maxInFlight = 0
    const queue = new StatementQueue((sql, params) => {
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        log.push(`sent ${sql}`)
        return client.query(sql, params).then(
            r => {
                inFlight--
                return r
            },
            e => {
                inFlight--
                throw e
            }
        )
    })
    return {queue, log, maxInFlight: () => maxInFlight}
}

test('sends one statement at a time, in the order queued, and answers the callers in that order', async () => {
    const {queue, maxInFlight} = instrumented()
    const answered: number[] = []
    const all: Promise<unknown>[] = []
    for (let n = 0; n < 200; n++) {
        all.push(queue.query('INSERT INTO probe (n) VALUES ($1) RETURNING seq', [n]).then(() => answered.push(n)))
    }
    expect(queue.pending).toBe(200)
    await Promise.all(all)
    expect(queue.pending).toBe(0)
    expect(maxInFlight()).toBe(1)
    expect(answered).toEqual([...Array(200).keys()])
    const rows = (await client.query('SELECT n FROM probe ORDER BY seq')).rows
    expect(rows.map(r => r.n)).toEqual([...Array(200).keys()])
})

test('sends a statement at once when idle, and the next one before the previous caller resumes', async () => {
    const {queue, log} = instrumented()
    const a = queue.query('SELECT 1 AS a').then(() => log.push('a answered'))
    // an idle queue hands the statement to the driver synchronously
    expect(log).toEqual(['sent SELECT 1 AS a'])
    const b = queue.query('SELECT 2 AS b').then(() => log.push('b answered'))
    expect(log).toEqual(['sent SELECT 1 AS a'])
    await Promise.all([a, b])
    expect(log).toEqual(['sent SELECT 1 AS a', 'sent SELECT 2 AS b', 'a answered', 'b answered'])
})

test('each statement gets its own result or error; the queue goes on after a failure', async () => {
    const {queue} = instrumented()
    const results = await Promise.allSettled([
        queue.query('SELECT 1 AS x'),
        queue.query('SELECT 1 / 0 AS x'),
        queue.query('SELECT 3 AS x'),
        queue.query('SELECT * FROM no_such_table'),
        queue.query('SELECT 5 AS x'),
    ])
    expect(results.map(r => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'])
    expect((results[0] as PromiseFulfilledResult<any>).value.rows).toEqual([{x: 1}])
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({code: '22012', message: 'division by zero'})
    expect((results[2] as PromiseFulfilledResult<any>).value.rows).toEqual([{x: 3}])
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({code: '42P01'})
    expect((results[4] as PromiseFulfilledResult<any>).value.rows).toEqual([{x: 5}])
})

test('a failure in the middle of a transaction: what follows is refused, the COMMIT rolls back, nothing is written', async () => {
    const {queue} = instrumented()
    const results = await Promise.allSettled([
        queue.query('BEGIN'),
        queue.query('INSERT INTO probe (n) VALUES (1)'),
        queue.query('SELECT 1 / 0'),
        queue.query('INSERT INTO probe (n) VALUES (2)'),
        queue.query('COMMIT'),
    ])
    expect(results.map(r => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled'])
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({code: '22012'})
    // 25P02: current transaction is aborted
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({code: '25P02'})
    expect((results[4] as PromiseFulfilledResult<any>).value.command).toBe('ROLLBACK')
    expect((await client.query('SELECT count(*)::int AS n FROM probe')).rows[0].n).toBe(0)
    // the connection and the queue are usable again
    expect((await queue.query('SELECT 42 AS x')).rows).toEqual([{x: 42}])
})

test('a send that throws fails its own statement only', async () => {
    let calls = 0
    const queue = new StatementQueue(async sql => {
        if (calls++ === 1) throw new Error('refused')
        return sql
    })
    const throwing = new StatementQueue(sql => {
        if (sql === 'bad') throw new Error('thrown synchronously')
        return Promise.resolve(sql)
    })
    const r = await Promise.allSettled([queue.query('a'), queue.query('b'), queue.query('c')])
    expect(r).toEqual([
        {status: 'fulfilled', value: 'a'},
        {status: 'rejected', reason: new Error('refused')},
        {status: 'fulfilled', value: 'c'},
    ])
    const t = await Promise.allSettled([throwing.query('ok'), throwing.query('bad'), throwing.query('after')])
    expect(t.map(x => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(throwing.pending).toBe(0)
})

test('queuedManager: one queue per connection, TypeORM results and errors, statements of all managers in order', async () => {
    const ds = await withDbUrl(url, async () => {
        const d = new DataSource({...(createOrmConfig({projectDir: ROOT}) as any), logging: false})
        return d.initialize()
    })
    const runner = ds.createQueryRunner('master')
    await runner.connect()
    try {
        const em = queuedManager(runner.manager)
        expect(em).not.toBe(runner.manager)
        expect(queuedManager(em)).toBe(em)
        expect(queuedManager(runner.manager)).toBe(em)
        // everything but query is the manager's own
        expect(em.queryRunner).toBe(runner)
        expect(em.connection).toBe(ds)
        // a manager without a connection of its own is left as it is
        expect(queuedManager(ds.manager)).toBe(ds.manager)

        const queue = statementQueue(runner)
        const sent = [
            em.query('BEGIN'),
            em.query('INSERT INTO probe (n) VALUES ($1)', [1]),
            queue.query('INSERT INTO probe (n) VALUES ($1)', [2]),
            em.query('UPDATE probe SET n = n * 10 WHERE n = $1', [2]),
            em.query('SELECT n FROM probe ORDER BY seq'),
        ]
        expect(queue.pending).toBe(5)
        const results = await Promise.all(sent)
        // TypeORM's shapes: rows, and [rows, count] for UPDATE
        expect(results[3]).toEqual([[], 1])
        expect(results[4]).toEqual([{n: 1}, {n: 20}])
        // TypeORM's QueryFailedError carries the driver's code (src/store/writer.ts reads it)
        const [failed, refused] = await Promise.allSettled([em.query('SELECT 1 / 0'), em.query('SELECT 1')])
        expect(failed).toMatchObject({status: 'rejected', reason: {name: 'QueryFailedError', code: '22012'}})
        expect(refused).toMatchObject({status: 'rejected', reason: {code: '25P02'}})
        await em.query('ROLLBACK')
        expect(queue.pending).toBe(0)
    } finally {
        await runner.release()
        await ds.destroy()
    }
})
