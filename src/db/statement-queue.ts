/**
 * One statement at a time per connection, without making anyone wait who does not want to.
 *
 * The fast path queues statements it does not await (a mid-batch flush, a pipelined batch's status update
 * and COMMIT, the next batch's BEGIN while the previous COMMIT is still running). PostgreSQL answers the
 * statements of one connection one after the other anyway; node-postgres 8 used to hold the waiting ones
 * in its own queue, which is deprecated (a DeprecationWarning) and goes away in pg 9. This queue holds them
 * instead: a statement is handed to the driver when the previous one has been answered (in the same turn
 * of the event loop as the answer, before its caller resumes), so the connection never idles while
 * something is queued and no round trip is added.
 *
 * Each statement's promise settles with its own result or error, in the order the statements were queued;
 * a failure does not stop the queue (inside a transaction PostgreSQL then refuses what follows, until the
 * ROLLBACK or the COMMIT, which rolls back). The queue never leaves a rejection unobserved: the caller's
 * promise is the only one that can reject.
 *
 * `queuedManager(em)` gives the connection's EntityManager whose `query` goes through its queue: every
 * statement our code sends on a batch's connection uses it (src/store/writer.ts `storeEntityManager`,
 * src/store/pipelined-database.ts). Only `query` is queued: TypeORM's own methods on it (`insert`, `find`,
 * …) go to the connection directly and must only be used while nothing is queued, as the hot path does.
 */
import type {EntityManager, QueryRunner} from 'typeorm'

/** hands one statement to the connection; settles with its answer */
export type SendStatement = (sql: string, params?: unknown[]) => Promise<any>

interface Queued {
    sql: string
    params: unknown[] | undefined
    resolve: (result: any) => void
    reject: (error: unknown) => void
}

export class StatementQueue {
    /** statements waiting for the one in flight, oldest first */
    private readonly waiting: Queued[] = []
    private busy = false

    constructor(private readonly send: SendStatement) {}

    /** statements not answered yet (the one in flight included) */
    get pending(): number {
        return (this.busy ? 1 : 0) + this.waiting.length
    }

    /** queue a statement; it is sent right away when the connection is idle */
    query(sql: string, params?: unknown[]): Promise<any> {
        return new Promise((resolve, reject) => {
            const q: Queued = {sql, params, resolve, reject}
            if (this.busy) this.waiting.push(q)
            else this.start(q)
        })
    }

    private start(q: Queued): void {
        this.busy = true
        let answer: Promise<any>
        try {
            answer = this.send(q.sql, q.params)
        } catch (e) {
            answer = Promise.reject(e)
        }
        // the next statement goes out before this one's caller resumes
        answer.then(
            result => {
                this.next()
                q.resolve(result)
            },
            error => {
                this.next()
                q.reject(error)
            }
        )
    }

    private next(): void {
        const q = this.waiting.shift()
        if (q != null) this.start(q)
        else this.busy = false
    }
}

/** one queue per connection (TypeORM holds one database connection per QueryRunner) */
const queues = new WeakMap<QueryRunner, StatementQueue>()
const managers = new WeakMap<EntityManager, EntityManager>()
const QUEUED = Symbol('queued EntityManager')

/** the statement queue of a connection */
export function statementQueue(runner: QueryRunner): StatementQueue {
    let q = queues.get(runner)
    if (q == null) {
        q = new StatementQueue((sql, params) => runner.query(sql, params as any[] | undefined))
        queues.set(runner, q)
    }
    return q
}

/**
 * `em` with `query` going through its connection's statement queue (the same queue for every manager of
 * that connection). A manager without a connection of its own (each query takes one from the pool) is
 * returned as it is.
 */
export function queuedManager(em: EntityManager): EntityManager {
    if ((em as unknown as {[QUEUED]?: true})[QUEUED]) return em
    const runner = em.queryRunner
    if (runner == null) return em
    let m = managers.get(em)
    if (m == null) {
        // everything but `query` is the manager's own (its connection, metadata, repositories)
        const queue = statementQueue(runner)
        m = Object.create(em) as EntityManager
        Object.defineProperty(m, QUEUED, {value: true})
        Object.defineProperty(m, 'query', {value: (sql: string, params?: unknown[]) => queue.query(sql, params)})
        managers.set(em, m)
    }
    return m
}
