/**
 * The batch handler: decode → apply (in memory) → write in bulk, once per handler call.
 *
 *   for each block: close the hour/day rollup buckets it leaves behind, read storage the block needs
 *   (tokenomic parameters after TokenomicParametersChanged, the pools at the v1→v2 migration), apply its
 *   events to the in-memory state, pair payouts with pool rewards and self-check.
 *   at the end: ledger rows, rollup rows and changed entities, one statement per table.
 *
 * The write path follows the store: finalized-only calls use raw multi-row SQL, calls carrying an
 * unfinalized block go through ctx.store so a fork is rolled back (src/store/writer.ts). Everything happens
 * inside the batch transaction, together with the processor's status update: a crash never half-applies
 * a batch, and a restart resumes from the last committed one.
 */
import type {Store} from '@subsquid/typeorm-store'
import {EntityManager} from 'typeorm'
import {decodeMiningEvent, MiningEvent, NormalizedPool, TokenomicParams, trackedEvents} from '../decode'
import {RollupPeriod, PoolKind} from '../model'
import type {Block, ProcessorContext} from '../processor'
import {DAY_MS, HOUR_MS} from '../domain/constants'
import {LedgerLog, MiningLedger} from '../domain/ledger'
import {emptyLedgerRows, LedgerRows, ledgerRowCount, MiningState} from '../domain/state'
import {BucketTally, closeBucket, currentPoolAprs, dayStart, emptyRollupRows, hourStart, RollupRows} from '../rollup'
import {LEDGER_TABLES, loadState, readNetworkHead, ROLLUP_TABLES, writeLedgerRows, writeRollupRows, writeState} from '../store/state-store'
import {RawWriter, storeEntityManager, Writer, writerFor, writeTimings} from '../store/writer'
import {pipelineOf, pipelineWaitMs} from '../store/pipelined-database'
import {sourceWaitMs} from '../ingest/coalesce'
import {deferIndexes, DeferMode, deferredIndexes, mustRestore, restoreIndexes, worthDeferring} from '../store/deferred-indexes'
import {DEFAULT_HANDLER_SETTINGS, HandlerSettings} from '../config/ledger'
import {activeDecodeThread, decodeIfNeeded, hybridStorage} from '../ingest/decode-thread/thread-source'
import {BlockFailure, stopBefore} from '../store/failures'
import {RecordingWriter, shouldRecord} from '../rewind/record'

/** storage access the handler needs; replaceable in tests */
export interface StorageReader {
    tokenomicParameters(block: Block, required: boolean): Promise<TokenomicParams | undefined>
    hasPoolsStorage(block: Block): boolean
    pools(block: Block): Promise<NormalizedPool[]>
}

/** reads through the block's runtime (SDK blocks) or in the decode thread (its blocks) */
export const chainStorage: StorageReader = hybridStorage(activeDecodeThread)

export interface BatchStats {
    calls: number
    hotCalls: number
    blocks: number
    events: number
    ledgerRows: number
    rollupRows: number
    entityRows: number
    reloads: number
}

/** the batch input the handler needs: the blocks (header + events) of one call, and the store */
export interface LedgerBatch {
    store: Store
    blocks: {header: Block; events: {name: string}[]}[]
    log: LedgerLog
    /** the runner's isHead (the batch reaches the chain head); without it indexes are never deferred */
    isHead?: boolean
}

export interface LedgerOptions {
    /** src/store/deferred-indexes.ts; 'off' by default (the processor passes its configuration) */
    deferIndexes: DeferMode
    fromBlock: number
    toBlock?: number
    /** tuning and diagnostics (src/config/ledger.ts); the defaults when omitted */
    settings?: HandlerSettings
    /** REWIND_WINDOW: calls within this many blocks of the chain head record undo data (src/rewind/record.ts); 0 or omitted: none */
    rewindWindow?: number
    /** the chain's head as last seen (undefined: unknown, calls record undo data) */
    chainHead?: () => number | undefined
}

export class LedgerHandler {
    private state: MiningState | undefined
    private ledger: MiningLedger | undefined
    /** storage was checked for migrated pools once in this process */
    private migrationChecked = false
    private paramsTried = false
    /** the pool count at which no v1 pool was found (the per-block migration check is skipped until it changes) */
    private noV1PoolsAt = -1
    readonly stats: BatchStats = {calls: 0, hotCalls: 0, blocks: 0, events: 0, ledgerRows: 0, rollupRows: 0, entityRows: 0, reloads: 0}
    private readonly settings: HandlerSettings

    constructor(
        private readonly storage: StorageReader = chainStorage,
        private readonly decode: (e: any) => MiningEvent = decodeMiningEvent,
        private readonly options: LedgerOptions = {deferIndexes: 'off', fromBlock: 0}
    ) {
        this.settings = options.settings ?? DEFAULT_HANDLER_SETTINGS
    }

    /** indexes deferred right now (read from the database once per state load) */
    private deferred: string[] | undefined
    /** ledger sums of the open hour / day, when this process saw the bucket open (src/rollup) */
    private hourTally: BucketTally | undefined
    private dayTally: BucketTally | undefined
    /** ledger rows of finished blocks not yet written, already tallied */
    private pending: LedgerRows = emptyLedgerRows()

    /** ms spent per phase (LEDGER_TIMING) */
    readonly phases = {state: 0, decode: 0, apply: 0, close: 0, write: 0, total: 0}

    async handle(batch: LedgerBatch): Promise<void> {
        const tStart = performance.now()
        const {syncCommit, timing, timingEvery, yieldMs} = this.settings
        const em = storeEntityManager(batch.store)
        const base = writerFor(batch.store, {timing})
        let writer: Writer = base
        // a pipelined batch (src/store/pipelined-database.ts): statements are queued, never waited for
        const pipeline = writer.hot ? undefined : pipelineOf(batch.store)
        // finalized batches commit with synchronous_commit off unless LEDGER_SYNC_COMMIT=1 (src/config/ledger.ts):
        // safe for an indexer, a batch and the processor's status commit in one transaction, so if the
        // PostgreSQL server crashes and loses the last few commits, the processor re-indexes those blocks;
        // nothing can be half applied or counted twice
        if (!syncCommit && !writer.hot) {
            const set = em.query('SET LOCAL synchronous_commit TO OFF')
            if (pipeline) pipeline.track(set)
            else await set
        }
        this.stats.calls++
        if (writer.hot) this.stats.hotCalls++
        const ledger = await this.ensureState(em, batch.log, pipeline?.prevHead)
        const state = this.state!
        // the database commits only the blocks before a failed one (src/store/pipelined-database.ts)
        const stop = stopBefore(batch.store)
        const blocks = stop == null ? batch.blocks : batch.blocks.filter(b => b.header.height < stop)
        const lastHeader = blocks[blocks.length - 1]?.header
        const window = this.options.rewindWindow ?? 0
        if (lastHeader && shouldRecord(window, lastHeader.height, this.options.chainHead?.())) {
            const rec = new RecordingWriter(base, {
                base: {height: state.network.height, hash: state.network.hash ?? '0x'},
                end: {height: lastHeader.height, hash: lastHeader.hash},
                window,
            })
            await rec.begin()
            writer = rec
        }
        await this.manageIndexes(em, writer, {...batch, blocks})
        const rollups = emptyRollupRows()
        let t = performance.now()
        this.phases.state += t - tStart
        const lap = (k: keyof LedgerHandler['phases']) => {
            const now = performance.now()
            this.phases[k] += now - t
            t = now
        }

        let lastYield = performance.now()
        for (let i = 0; i < blocks.length; i++) {
            const block = blocks[i]
            if (performance.now() - lastYield > yieldMs) {
                // let the event loop run: the connection's statement queue sends the next statement only when
                // the previous one's answer has been read, and the decode thread's messages wait for it too
                await new Promise<void>(r => setImmediate(r))
                lastYield = performance.now()
            }
            const h = block.header
            try {
                await this.applyBlock(h, block.events, writer, ledger, rollups, batch.log, lap)
            } catch (e) {
                // the blocks before it can be committed (src/store/pipelined-database.ts)
                throw new BlockFailure({height: h.height, hash: h.hash}, {height: h.height - 1, hash: h.parentHash}, e, i === 0)
            }
        }

        this.takeBlockRows(ledger)
        this.stats.ledgerRows += await this.writeLedger(writer, this.takePending())
        this.stats.rollupRows += await this.writeRollups(writer, rollups)
        this.stats.entityRows += await writeState(writer, state)
        if (pipeline) {
            for (const p of await (base as RawWriter).detach()) pipeline.track(p)
        } else {
            await writer.flush()
        }
        lap('write')
        this.phases.total += performance.now() - tStart
        if (timing && this.stats.calls % timingEvery === 0) {
            batch.log.info(
                `ledger-stats waits: source ${Math.round(sourceWaitMs)} ms, commit ${Math.round(pipelineWaitMs)} ms ${JSON.stringify(this.stats)} ${JSON.stringify(this.phases, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))} ${JSON.stringify(Object.fromEntries([...writeTimings].map(([k, v]) => [k, {n: v.calls, rows: v.rows, build: Math.round(v.buildMs), sql: Math.round(v.sqlMs)}])))}`
            )
        }
    }

    /** rows inserted per table since the process started (src/monitor.ts reads them at each scrape) */
    readonly written = new Map<string, number>()
    /** self-check failures recorded per kind since the process started */
    readonly selfChecks = new Map<string, number>()

    private async writeLedger(writer: Writer, rows: LedgerRows): Promise<number> {
        for (const {key, entity} of LEDGER_TABLES) if (rows[key].length > 0) addTo(this.written, tableOf(entity), rows[key].length)
        for (const f of rows.selfCheckFailures) addTo(this.selfChecks, String(f.kind), 1)
        return writeLedgerRows(writer, rows)
    }

    private async writeRollups(writer: Writer, rows: RollupRows): Promise<number> {
        for (const {key, entity} of ROLLUP_TABLES) if (rows[key].length > 0) addTo(this.written, tableOf(entity), rows[key].length)
        return writeRollupRows(writer, rows)
    }

    /** decode and apply one block (its ledger rows are buffered or sent in the background) */
    private async applyBlock(
        h: Block,
        rawEvents: {name: string}[],
        writer: Writer,
        ledger: MiningLedger,
        rollups: RollupRows,
        log: LedgerLog,
        lap: (k: keyof LedgerHandler['phases']) => void
    ): Promise<void> {
        const state = this.state!
        const {pipelineRows} = this.settings
        // decode first: an unknown event shape stops the processor before anything is applied
        const events = trackedEvents(rawEvents.map(e => this.decode(e)))
        lap('decode')
        const ts = h.timestamp
        if (ts == null) throw new Error(`block #${h.height} has no timestamp (select {block: {timestamp: true}})`)
        await this.closeBuckets(h, ts, writer, ledger, rollups)
        lap('close')

        let params: TokenomicParams | undefined
        const changesParams = events.some(e => e.kind === 'TokenomicParametersChanged')
        if (changesParams) {
            params = await this.storage.tokenomicParameters(h, true)
        } else if (state.network.tokenomicParametersId == null && !this.paramsTried) {
            // nothing known yet (the genesis configuration emits no event): read it once
            this.paramsTried = true
            params = await this.storage.tokenomicParameters(h, false)
        }
        ledger.beginBlock({height: h.height, hash: h.hash, timestamp: ts, specVersion: h.specVersion}, params)
        if (params && state.network.tokenomicParametersId == null && !changesParams) {
            ledger.applyTokenomics(params, `${String(h.height).padStart(10, '0')}-${h.hash.slice(2, 7)}-initial`)
        }
        for (const ev of events) ledger.apply(ev)
        await this.maybeMigratePools(h, events, ledger, log)
        ledger.endBlock()
        this.takeBlockRows(ledger)
        this.stats.blocks++
        this.stats.events += events.length
        if (!writer.hot && ledgerRowCount(this.pending) >= pipelineRows) {
            // the block's ledger rows are final (paired, checked): PostgreSQL inserts them while the
            // next blocks are applied
            this.stats.ledgerRows += await this.writeLedger(writer, this.takePending())
            await writer.flushInBackground()
        }
        lap('apply')
    }

    /** move the ledger's finished rows to the write buffer, adding them to the open buckets' sums */
    private takeBlockRows(ledger: MiningLedger): void {
        const rows = ledger.takeRows()
        if (ledgerRowCount(rows) === 0) return
        // the day's sums are the hours' (merged at each hour's close)
        this.hourTally?.add(rows)
        appendRows(this.pending, rows)
    }

    private takePending(): LedgerRows {
        const rows = this.pending
        this.pending = emptyLedgerRows()
        return rows
    }

    /** the in-memory state, (re)loaded when the database does not hold what memory last wrote */
    private async ensureState(em: EntityManager, log: LedgerLog, prevHead?: {height: number; hash: string}): Promise<MiningLedger> {
        if (this.state && this.ledger) {
            // a pipelined batch follows the one this process just queued: memory is at its head by construction
            const n0 = this.state.network
            if (prevHead && n0.height === prevHead.height && n0.hash === prevHead.hash) return this.ledger
            const head = await readNetworkHead(em)
            const n = this.state.network
            const same = head == null ? n.height === -1 : head.height === n.height && head.hash === n.hash
            if (same) return this.ledger
            log.info(`database state (${head ? `#${head.height}` : 'empty'}) differs from memory (#${n.height}): reloading (fork or retried batch)`)
        }
        this.state = await loadState(em)
        this.ledger = new MiningLedger(this.state, log)
        this.deferred = undefined
        // the open buckets' sums are read back from the database at their close
        this.hourTally = this.dayTally = undefined
        this.pending = emptyLedgerRows()
        this.noV1PoolsAt = -1
        // what memory learned from storage went with it: a failed batch is applied again from the database, and
        // a fork's rollback (the SDK undoes the hot blocks, this reload follows) may undo the block where the
        // pools were migrated or the parameters read; kept, the migration would land a block late (chaos: forks)
        this.paramsTried = false
        this.migrationChecked = false
        this.stats.reloads++
        return this.ledger
    }

    /**
     * Defer the secondary indexes of the ledger and rollup tables at the start of a long catch-up, rebuild
     * them when it ends (src/store/deferred-indexes.ts). Both happen in the batch transaction.
     */
    private async manageIndexes(em: EntityManager, writer: Writer, batch: LedgerBatch): Promise<void> {
        const last = batch.blocks[batch.blocks.length - 1]?.header
        if (last == null) return
        this.deferred ??= await deferredIndexes(em)
        const view = {
            isHead: batch.isHead ?? true,
            height: last.height,
            timestamp: last.timestamp ?? Date.now(),
            fromHeight: this.options.fromBlock,
            toHeight: this.options.toBlock,
            avgBlockTimeMs: this.state!.network.avgBlockTimeMs,
        }
        if (this.deferred.length > 0) {
            if (this.options.deferIndexes === 'off' || mustRestore({...view, hot: writer.hot})) {
                const t0 = Date.now()
                const names = await restoreIndexes(em)
                this.deferred = []
                batch.log.info(`catch-up over at #${last.height}: rebuilt ${names.length} deferred indexes in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
            }
            return
        }
        if (this.options.deferIndexes === 'off' || writer.hot || batch.isHead == null) return
        if (!worthDeferring(view)) return
        const tables = [...LEDGER_TABLES, ...ROLLUP_TABLES].map(t => writer.spec(t.entity).table)
        this.deferred = await deferIndexes(em, tables)
        batch.log.info(
            `long catch-up from #${last.height}: deferring ${this.deferred.length} secondary indexes of the ledger and rollup tables until the head (DEFER_INDEXES=off keeps them)`
        )
    }

    /** close the hour / day buckets the block at `ts` leaves behind, and open its own */
    private async closeBuckets(h: Block, ts: number, writer: Writer, ledger: MiningLedger, out: RollupRows): Promise<void> {
        const n = this.state!.network
        const hs = hourStart(ts)
        const ds = dayStart(ts)
        const hourOpen = n.hourBucketStart?.getTime()
        const dayOpen = n.dayBucketStart?.getTime()
        const closeHour = hourOpen != null && hs > hourOpen
        const closeDay = dayOpen != null && ds > dayOpen
        const hourTally = closeHour && this.hourTally?.startHeight === n.hourBucketHeight ? this.hourTally : undefined
        // a day's sums are its hours' merged: complete only if its last hour (closing now) has a tally too
        const dayTally = closeDay && hourTally && this.dayTally?.startHeight === n.dayBucketHeight ? this.dayTally : undefined
        if ((closeHour && !hourTally) || (closeDay && !dayTally)) {
            // a bucket this process did not see open: its close reads the ledger rows from the database
            this.takeBlockRows(ledger)
            const pending = this.takePending()
            if (ledgerRowCount(pending) > 0) this.stats.ledgerRows += await this.writeLedger(writer, pending)
            await writer.flush()
        }
        const q = (sql: string, params?: unknown[]) => writer.query(sql, params)
        if (closeHour) {
            const rows = await closeBucket(
                q,
                this.state!,
                {
                    period: RollupPeriod.Hour,
                    start: hourOpen!,
                    end: hourOpen! + HOUR_MS,
                    startHeight: n.hourBucketHeight!,
                    endHeight: h.height,
                    firstTimestamp: n.hourBucketFirstTimestamp?.getTime() ?? null,
                    lastTimestamp: n.timestamp?.getTime() ?? null,
                    lastHeight: n.height,
                },
                hourTally
            )
            append(out, rows)
            if (hourTally && this.dayTally?.startHeight === n.dayBucketHeight) this.dayTally!.merge(hourTally)
            else this.dayTally = undefined
            const avg = rows.network[0]?.avgBlockTimeMs
            if (avg != null) n.avgBlockTimeMs = avg
            // BasePool.apr: the official formula at the hour's close
            for (const [id, apr] of currentPoolAprs(this.state!, n.avgBlockTimeMs ?? null)) {
                const p = this.state!.pools.get(id)!
                if (p.apr !== apr) {
                    p.apr = apr
                    this.state!.pools.touch(p)
                }
            }
        }
        if (closeDay) {
            const rows = await closeBucket(
                q,
                this.state!,
                {
                    period: RollupPeriod.Day,
                    start: dayOpen!,
                    end: dayOpen! + DAY_MS,
                    startHeight: n.dayBucketHeight!,
                    endHeight: h.height,
                    firstTimestamp: n.dayBucketFirstTimestamp?.getTime() ?? null,
                    lastTimestamp: n.timestamp?.getTime() ?? null,
                    lastHeight: n.height,
                },
                dayTally
            )
            append(out, rows)
            // delegation values at the day's close prices
            for (const d of this.state!.delegations.values()) {
                const p = this.state!.pools.get(d.poolId)
                if (p) ledger.refreshDelegation(p, d)
            }
        }
        if (hourOpen == null || closeHour) {
            this.hourTally = new BucketTally(h.height)
            n.hourBucketStart = new Date(hs)
            n.hourBucketHeight = h.height
            n.hourBucketFirstTimestamp = new Date(ts)
        }
        if (dayOpen == null || closeDay) {
            this.dayTally = new BucketTally(h.height)
            n.dayBucketStart = new Date(ds)
            n.dayBucketHeight = h.height
            n.dayBucketFirstTimestamp = new Date(ts)
        }
    }

    /**
     * The v1→v2 pool migration moved the pools in storage without events: at the first block whose runtime
     * has PhalaBasePool.Pools (or, if the pools were not there yet, the first block with a v2 pool event),
     * read the pools and overwrite the migrated ones' totals, after the block's own events.
     */
    private async maybeMigratePools(h: Block, events: MiningEvent[], ledger: MiningLedger, log: LedgerLog): Promise<void> {
        const state = this.state!
        if (state.network.poolMigrationHeight != null) return
        if (!this.storage.hasPoolsStorage(h)) return
        // no v1 pool among the same pools as last time: nothing to migrate (pools are only ever added)
        if (this.noV1PoolsAt === state.pools.size) return
        const v1 = new Set<string>()
        for (const p of state.pools.values()) if (p.kind === PoolKind.StakePoolV1) v1.add(p.id)
        if (v1.size === 0) {
            this.noV1PoolsAt = state.pools.size
            return
        }
        const v2Event = events.some(e => 'poolKind' in e && e.poolKind !== 'StakePoolV1')
        if (this.migrationChecked && !v2Event) return
        this.migrationChecked = true
        const pools = await this.storage.pools(h)
        const migrated = pools.filter(p => v1.has(p.pid.toString()))
        if (migrated.length === 0) {
            log.info(`block #${h.height}: PhalaBasePool.Pools holds none of the ${v1.size} v1 pools yet`)
            return
        }
        log.info(
            `block #${h.height} (spec ${h.specVersion}): applying the v1→v2 pool migration from storage (${pools.length} pools, ${migrated.length} of ${v1.size} v1 pools)`
        )
        ledger.applyPoolSnapshot(pools)
    }
}

function addTo(m: Map<string, number>, k: string, n: number): void {
    m.set(k, (m.get(k) ?? 0) + n)
}

const tableNames = new Map<Function, string>()

/** the table of an entity class (TypeORM's snake-case naming, as the migrations have it) */
export function tableOf(entity: Function): string {
    let t = tableNames.get(entity)
    if (t == null) {
        t = entity.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
        tableNames.set(entity, t)
    }
    return t
}

/** the tables whose inserted rows are counted, and the self-check kinds (so that every series exists from the start) */
export function countedTables(): string[] {
    return [...LEDGER_TABLES, ...ROLLUP_TABLES].map(t => tableOf(t.entity))
}

function appendRows(into: LedgerRows, rows: LedgerRows): void {
    for (const k in rows) {
        const from = (rows as any)[k] as unknown[]
        if (from.length === 0) continue
        const to = (into as any)[k] as unknown[]
        for (const r of from) to.push(r)
    }
}

function append(out: RollupRows, rows: RollupRows): void {
    out.workers.push(...rows.workers)
    out.pools.push(...rows.pools)
    out.accounts.push(...rows.accounts)
    out.network.push(...rows.network)
}

let defaultHandler: LedgerHandler | undefined

/**
 * The processor's data handler (src/main.ts), with the processor's configuration: one LedgerHandler per
 * process, created on the first batch.
 */
export function createBatchHandler(options: LedgerOptions): (ctx: ProcessorContext<Store>) => Promise<void> {
    return async ctx => {
        defaultHandler ??= new LedgerHandler(chainStorage, decodeIfNeeded, options)
        await defaultHandler.handle({store: ctx.store, blocks: ctx.blocks as any, log: ctx.log, isHead: ctx.isHead})
    }
}

export function processStats(): BatchStats | undefined {
    return defaultHandler?.stats
}

/** the processor's handler, once it has run a batch (src/monitor.ts reads its counts) */
export function processHandler(): LedgerHandler | undefined {
    return defaultHandler
}
