/**
 * The processor: wiring only. Decoding, state and writes live in src/handler (createBatchHandler).
 *
 * Before anything runs, the settings, the database and the node are checked, so an ordinary mistake ends
 * in one line that says what to do (exit code 2 for settings, 1 for an unreachable database or node). With
 * no database configured it uses the embedded PostgreSQL of a running `npm start`, or refuses: it never
 * touches a server it was not told about.
 *
 * A deep fork (the node's chain no longer holds the block the database is at) is explained in one line, at
 * start-up and when the SDK's hot-block processing trips over it (src/rewind/deep-fork.ts), and so is a
 * block the processor cannot index (src/store/failures.ts): the blocks before it are committed first.
 */
import {Config, ConfigError, loadConfig} from './config'
import {LedgerSettings, loadLedgerSettings} from './config/ledger'
import {loadOpsSettings, OpsSettings} from './config/ops'
import {checkDatabase, DatabaseCheckError, lockForProcessor} from './db/check'
import {describeDatabase, resolveDatabase, useDatabase} from './db/connection'
import {Client} from 'pg'
import {chainMismatch, finalizedHeight, RpcCheckError, rpcRequest, runtimeSpecName} from './ingest/rpc-check'
import {countedTables, createBatchHandler, processHandler} from './handler'
import {SelfCheckKind} from './model'
import {ProcessorMonitor} from './monitor'
import {createProcessor} from './processor'
import {ProgressLog} from './progress'
import {dropSdkStatusLine} from './sdk/logging'
import {HotBlocksShort} from './sdk/rpc-source'
import {ChainBreak} from './ingest/coalesce'
import {PipelinedDatabase} from './store/pipelined-database'
import {ProcessorStop, stopLine} from './store/failures'
import {DeepFork, findDeepFork} from './rewind/deep-fork'

function say(msg: string) {
    process.stderr.write(`[processor] ${msg}\n`)
}

function fail(msg: string, code: number): never {
    process.stderr.write(`processor: ${msg}\n`)
    process.exit(code)
}

/** the database's head checked against the node's chain (undefined: on it) */
async function deepFork(config: Config, dbUrl: string): Promise<DeepFork | undefined> {
    const c = new Client({connectionString: dbUrl})
    await c.connect()
    try {
        return await findDeepFork(
            async (sql, params) => (await c.query(sql, params as unknown[])).rows,
            async height => ((await rpcRequest(config.rpcEndpoint!, 'chain_getBlockHash', [height])) as string | null) ?? null,
            {window: config.rewindWindow, finalityConfirmation: config.finalityConfirmation}
        )
    } finally {
        await c.end().catch(() => {})
    }
}

async function prepare(): Promise<{config: Config; settings: LedgerSettings; ops: OpsSettings; head: number; dbUrl: string}> {
    let config: Config
    let settings: LedgerSettings
    let ops: OpsSettings
    let db
    try {
        config = loadConfig()
        settings = loadLedgerSettings()
        ops = loadOpsSettings()
        db = resolveDatabase(config.db)
    } catch (e) {
        if (e instanceof ConfigError) fail(e.message, 2)
        throw e
    }
    useDatabase(db)
    try {
        await checkDatabase(db.url, {needSchema: true})
        await lockForProcessor(db.url)
    } catch (e) {
        if (e instanceof DatabaseCheckError) fail(e.message, 1)
        throw e
    }
    let head: number
    try {
        head = await finalizedHeight(config.rpcEndpoint!)
        // a Khala node indexed as Phala (or the reverse) would mix two chains' events in one database
        const mismatch = chainMismatch(config.chain.name, config.chain.specName, await runtimeSpecName(config.rpcEndpoint!), config.rpcEndpoint!)
        if (mismatch) fail(mismatch, 2)
    } catch (e) {
        if (e instanceof RpcCheckError) fail(e.message, 1)
        throw e
    }
    // a restart after a fork below the finalized head: say so instead of the SDK's "already indexed block … not found"
    try {
        const fork = await deepFork(config, db.url)
        if (fork) fail(fork.line, 1)
    } catch (e) {
        if (e instanceof RpcCheckError) fail(e.message, 1)
        throw e
    }
    say(`database ${describeDatabase(db)}`)
    const range = `#${config.fromBlock}…${config.toBlock == null ? 'head' : '#' + config.toBlock}`
    say(
        `indexing ${config.chain.name} blocks ${range} from ${config.rpcEndpoint}${config.gatewayUrl ? ` (history from ${config.gatewayUrl})` : ''}; finalized head #${head}`
    )
    return {config, settings, ops, head, dbUrl: db.url}
}

/** the operations port (src/monitor.ts), or one line and exit when it cannot listen */
async function startMonitor(processor: object, ops: OpsSettings, dbUrl: string, config: Config, progress: ProgressLog): Promise<ProcessorMonitor> {
    try {
        const monitor = await ProcessorMonitor.start(processor, ops, dbUrl, {
            head: () => progress.chainHead(),
            target: () => progress.target(),
            written: () => processHandler()?.written,
            selfChecks: () => processHandler()?.selfChecks,
            tables: countedTables(),
            selfCheckKinds: Object.values(SelfCheckKind),
            fromBlock: config.fromBlock,
        })
        say(`metrics, health and readiness at http://localhost:${monitor.port}/metrics, /health, /ready`)
        return monitor
    } catch (e: any) {
        if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES') {
            fail(`port ${ops.metricsPort} (PROMETHEUS_PORT) cannot be opened (${e.code}): set PROMETHEUS_PORT to a free port, or 0 for any`, 1)
        }
        throw e
    }
}

async function main() {
    const {config, settings, ops, head, dbUrl} = await prepare()
    // the SDK's own status line ("n / m, rate …, eta …") is replaced by the progress log below; the errors that
    // stop the processor on purpose are one line
    dropSdkStatusLine(stopLine)
    const progress = new ProgressLog({log: say, head: () => finalizedHeight(config.rpcEndpoint!), toBlock: config.toBlock})
    progress.setHead(head)
    await progress.start()

    // the monitor's commit timings come from the database; the database exists before the processor
    let monitor: ProcessorMonitor | undefined
    const database = new PipelinedDatabase({
        supportHotBlocks: true,
        toBlock: config.toBlock,
        pipeline: config.pipelineCommits,
        onCommit: s => monitor?.commit(s),
    })
    const processor = createProcessor(
        config,
        {usePublicGateway: settings.usePublicGateway},
        {
            beforeSourceError: () => database.settle(),
            explainHotFailure: async e => {
                const fork = await deepFork(config, dbUrl).catch(() => undefined)
                if (fork) return new ProcessorStop(fork.line, {cause: e})
                // our own one-line failures of the data source
                return e instanceof ChainBreak || e instanceof HotBlocksShort ? new ProcessorStop(e.message, {cause: e}) : e
            },
            hotState: () => database.state(),
            note: say,
        }
    )
    monitor = await startMonitor(processor, ops, dbUrl, config, progress)
    const handleBatch = createBatchHandler({
        deferIndexes: config.deferIndexes,
        fromBlock: config.fromBlock,
        toBlock: config.toBlock,
        settings,
        rewindWindow: config.rewindWindow,
        chainHead: () => progress.head,
    })
    const live = monitor
    processor.run(database, async ctx => {
        const t0 = performance.now()
        await handleBatch(ctx)
        const last = ctx.blocks[ctx.blocks.length - 1]
        if (last == null) return
        live.batch(last.header.height, (performance.now() - t0) / 1000)
        let events = 0
        for (const b of ctx.blocks) events += b.events.length
        progress.batch(last.header.height, events, ctx.isHead)
    })
}

void main()
