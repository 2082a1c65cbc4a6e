/**
 * Pipelined commits for finalized batches.
 *
 * TypeormDatabase runs every batch as `BEGIN … handler … UPDATE status … COMMIT` and returns only when
 * PostgreSQL has committed it, so the handler of the next batch waits for the database every time (in a
 * catch-up, ~a third of the wall time was the main thread waiting for the end-of-batch statements).
 *
 * Here a finalized batch is sent on one dedicated connection, and `transact` returns as soon as the handler
 * has queued its statements, the guarded status update and COMMIT: PostgreSQL commits batch N while the
 * processor applies batch N+1. Every statement on that connection, ours and the handler's, goes through
 * its statement queue (src/store/statement-queue.ts), which sends each one as soon as the previous one has
 * been answered, in order: batch N+1's statements run after batch N's COMMIT, exactly as before. At most
 * one batch is unconfirmed: before returning, `transact` waits for the previous batch's COMMIT (by then
 * normally long done).
 *
 * Nothing changes in what a crash can leave behind: every batch is still one transaction together with
 * its status row, so a kill at any moment leaves the database at the end of some committed batch and the
 * restart resumes there. Failures are never lost: a failed statement aborts its transaction, the status
 * update after it fails, and the next `transact` (or the synchronous end, see below) throws that error.
 * The status update is guarded (height and hash of the previous head) and fails loudly on a mismatch, as
 * TypeormDatabase's check does.
 *
 * Synchronous (waits for its COMMIT): the batch that reaches the chain head or the configured last block
 * (the processor exits right after it), and everything involving unfinalized blocks, which goes through
 * TypeormDatabase unchanged once the pipeline has drained.
 *
 * A block the handler cannot process (a BlockFailure, src/store/failures.ts: say an event shape the decoder
 * does not know) fails its batch's transaction; the blocks of the batch before it are then indexed again in
 * a transaction of their own and committed, up to the block before the failed one, and the failure is
 * raised: the processor stops there and resumes exactly at the failed block. `settle()` waits for the
 * batch in flight, so a failure of the data source after it loses nothing either.
 */
import assert from 'assert'
import {Store, TypeormDatabase} from '@subsquid/typeorm-store'
import type {DataSource, QueryRunner} from 'typeorm'
import {databaseDataSource, guardedStatusUpdate, HashAndHeight} from '../sdk/typeorm-store'
import {queuedManager} from '../db/statement-queue'
import {BlockFailure, setStopBefore} from './failures'

interface FinalTxInfo {
    prevHead: HashAndHeight
    nextHead: HashAndHeight
    isOnTop: boolean
}

/** what the handler learns about a pipelined batch (through its Store) */
export interface PipelineContext {
    /** the head the previous batch committed (the database's state when this batch's statements run) */
    readonly prevHead: HashAndHeight
    /** statements the handler queued without waiting: their failure fails the batch */
    track(p: Promise<unknown>): void
}

const PIPELINE = Symbol('pipelined batch')

/** ms the processor waited for a previous batch's COMMIT (LEDGER_TIMING) */
export let pipelineWaitMs = 0

/** the pipeline context of a batch's store, if it runs pipelined */
export function pipelineOf(store: Store): PipelineContext | undefined {
    return (store as unknown as {[PIPELINE]?: PipelineContext})[PIPELINE]
}

export interface PipelinedDatabaseOptions {
    supportHotBlocks?: boolean
    projectDir?: string
    /** the last block the processor indexes (its batch commits synchronously) */
    toBlock?: number
    /** false: behave exactly as TypeormDatabase */
    pipeline?: boolean
    /** told, for every batch, the seconds from the end of its handler to its COMMIT being confirmed (metrics) */
    onCommit?: (seconds: number) => void
}

export class PipelinedDatabase extends TypeormDatabase {
    private runner: QueryRunner | undefined
    /** the previous pipelined batch: its head and its statements' completion */
    private unconfirmed: {head: HashAndHeight; done: Promise<void>} | undefined
    private readonly toBlock: number | undefined
    private readonly pipeline: boolean
    private readonly onCommit: ((seconds: number) => void) | undefined

    constructor(options: PipelinedDatabaseOptions = {}) {
        super({supportHotBlocks: options.supportHotBlocks, projectDir: options.projectDir})
        this.toBlock = options.toBlock
        this.pipeline = options.pipeline !== false
        this.onCommit = options.onCommit
    }

    private committed(handlerEnd: number): void {
        if (this.onCommit && handlerEnd > 0) this.onCommit((performance.now() - handlerEnd) / 1000)
    }

    /** a synchronous transaction of TypeormDatabase, its commit time told to onCommit */
    private async timed<A extends unknown[]>(run: (cb: (...args: A) => Promise<void>) => Promise<void>, cb: (...args: A) => Promise<void>): Promise<void> {
        let end = 0
        await run(async (...args: A) => {
            try {
                await cb(...args)
            } finally {
                end = performance.now()
            }
        })
        this.committed(end)
    }

    private get dataSource(): DataSource {
        const con = databaseDataSource(this)
        assert(con != null, 'not connected')
        return con
    }

    /** wait for the unconfirmed batch; its failure is this call's failure */
    private async drain(): Promise<void> {
        const u = this.unconfirmed
        if (u == null) return
        this.unconfirmed = undefined
        await u.done
    }

    /** wait until the batch in flight has committed (its failure is thrown) */
    async settle(): Promise<void> {
        await this.drain()
    }

    /** `super.transact`, committing the blocks before a failed block of the batch (see above) */
    private async transactSync(info: FinalTxInfo, cb: (store: Store) => Promise<void>): Promise<void> {
        try {
            await this.timed(c => super.transact(info, c), cb)
        } catch (e) {
            await this.commitBefore(info, cb, e)
            throw e
        }
    }

    /** after `e` failed the batch `info`: commit its blocks before the failed one, if `e` is a BlockFailure with any */
    private async commitBefore(info: FinalTxInfo, cb: (store: Store) => Promise<void>, e: unknown): Promise<void> {
        if (!(e instanceof BlockFailure) || e.firstInBatch || e.parent.height <= info.prevHead.height) return
        const stop = e.block.height
        await super.transact({prevHead: info.prevHead, nextHead: e.parent}, store => {
            setStopBefore(store, stop)
            return cb(store)
        })
    }

    override async transact(info: FinalTxInfo, cb: (store: Store) => Promise<void>): Promise<void> {
        if (!this.pipeline) return this.transactSync(info, cb)
        const prev = this.unconfirmed
        if (prev == null) {
            // the first batch of this process (or after hot blocks): as TypeormDatabase, synchronously; it also
            // rolls back hot blocks left in the database
            await this.transactSync(info, cb)
            this.unconfirmed = {head: info.nextHead, done: Promise.resolve()}
            return
        }
        assert(prev.head.hash === info.prevHead.hash && prev.head.height === info.prevHead.height, 'pipelined batches must follow each other')
        assert(info.prevHead.height < info.nextHead.height)

        const runner = await this.ensureRunner()
        // the handler's statements (through the Store) and ours share the connection's queue
        const em = queuedManager(runner.manager)
        const statements: Promise<unknown>[] = []
        const send = (sql: string, params?: unknown[]) => {
            const p = em.query(sql, params)
            p.catch(() => {}) // observed below
            statements.push(p)
            return p
        }
        send('BEGIN ISOLATION LEVEL SERIALIZABLE')
        const store = new Store(() => em)
        const ctx: PipelineContext = {
            prevHead: info.prevHead,
            track: p => {
                p.catch(() => {}) // observed by `done`
                statements.push(p)
            },
        }
        ;(store as unknown as {[PIPELINE]: PipelineContext})[PIPELINE] = ctx
        try {
            await cb(store)
        } catch (e) {
            this.unconfirmed = undefined
            const rollback = em.query('ROLLBACK').catch(() => {})
            if (e instanceof BlockFailure) {
                // the previous batch first (its failure wins), then this one's blocks before the failed one
                await prev.done
                await rollback
                await this.commitBefore(info, cb, e)
            }
            throw e
        }
        const handlerEnd = performance.now()
        // one batch in flight at most: the previous one must have committed before this one may
        try {
            const t0 = performance.now()
            await prev.done
            pipelineWaitMs += performance.now() - t0
        } catch (e) {
            this.unconfirmed = undefined
            em.query('ROLLBACK').catch(() => {})
            throw e
        }
        // the guarded status update: fails (division by zero) unless the database is at the previous head,
        // which aborts the transaction, so the COMMIT after it rolls back
        const status = guardedStatusUpdate(info.prevHead, info.nextHead)
        send(status.sql, status.params)
        send('COMMIT')
        const range = `#${info.prevHead.height + 1}–#${info.nextHead.height}`
        const done = (async () => {
            for (const p of statements) {
                try {
                    await p
                } catch (e) {
                    throw new Error(`batch ${range} was not committed: ${(e as Error)?.message ?? e}`, {cause: e})
                }
            }
            this.committed(handlerEnd)
        })()
        done.catch(() => {})
        this.unconfirmed = {head: info.nextHead, done}
        if (info.isOnTop || (this.toBlock != null && info.nextHead.height >= this.toBlock)) await this.drain()
    }

    override async transactHot2(info: any, cb: any): Promise<void> {
        await this.drain()
        this.unconfirmed = undefined
        try {
            return await this.timed((c: any) => super.transactHot2(info, c), cb)
        } catch (e) {
            // commit the update's blocks before the failed one (the runner's callback slices the same prefix)
            if (!(e instanceof BlockFailure)) throw e
            const newBlocks = (info.newBlocks as HashAndHeight[]).filter(b => b.height < e.block.height)
            if (newBlocks.length === 0) throw e
            const top = newBlocks[newBlocks.length - 1]
            const finalizedHead = info.finalizedHead.height > top.height ? top : info.finalizedHead
            await super.transactHot2({...info, newBlocks, finalizedHead}, cb)
            throw e
        }
    }

    override async transactHot(info: any, cb: any): Promise<void> {
        await this.drain()
        this.unconfirmed = undefined
        return this.timed((c: any) => super.transactHot(info, c), cb)
    }

    /** the committed state: the finalized head and the hot blocks above it (after the batch in flight) */
    async state(): Promise<HashAndHeight & {top: HashAndHeight[]}> {
        await this.drain()
        const em = this.dataSource.manager
        const status: HashAndHeight[] = await em.query(`SELECT height, hash FROM "squid_processor".status WHERE id = 0`)
        const top: HashAndHeight[] = await em.query(`SELECT height, hash FROM "squid_processor".hot_block ORDER BY height`)
        return {height: status[0]?.height ?? -1, hash: status[0]?.hash ?? '0x', top}
    }

    override async disconnect(): Promise<void> {
        try {
            await this.drain()
        } finally {
            await this.runner?.release().catch(() => {})
            this.runner = undefined
            await super.disconnect()
        }
    }

    private async ensureRunner(): Promise<QueryRunner> {
        if (this.runner == null || this.runner.isReleased) {
            const r = this.dataSource.createQueryRunner('master')
            await r.connect()
            this.runner = r
        }
        return this.runner
    }
}
