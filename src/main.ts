/**
 * The processor: wiring only. Decoding, state and writes live in src/handler (createBatchHandler).
 *
 * Before anything runs, the settings, the database and the node are checked, so an ordinary mistake ends
 * in one line that says what to do (exit code 2 for settings, 1 for an unreachable database or node). With
 * no database configured it uses the embedded PostgreSQL of a running `npm start`, or refuses: it never
 * touches a server it was not told about.
 */
import {Config, ConfigError, loadConfig} from './config'
import {LedgerSettings, loadLedgerSettings} from './config/ledger'
import {checkDatabase, DatabaseCheckError, lockForProcessor} from './db/check'
import {describeDatabase, resolveDatabase, useDatabase} from './db/connection'
import {chainMismatch, finalizedHeight, RpcCheckError, runtimeSpecName} from './ingest/rpc-check'
import {createBatchHandler} from './handler'
import {createProcessor} from './processor'
import {ProgressLog} from './progress'
import {dropSdkStatusLine} from './sdk/logging'
import {PipelinedDatabase} from './store/pipelined-database'

function say(msg: string) {
    process.stderr.write(`[processor] ${msg}\n`)
}

function fail(msg: string, code: number): never {
    process.stderr.write(`processor: ${msg}\n`)
    process.exit(code)
}

async function prepare(): Promise<{config: Config; settings: LedgerSettings; head: number}> {
    let config: Config
    let settings: LedgerSettings
    let db
    try {
        config = loadConfig()
        settings = loadLedgerSettings()
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
    say(`database ${describeDatabase(db)}`)
    const range = `#${config.fromBlock}…${config.toBlock == null ? 'head' : '#' + config.toBlock}`
    say(
        `indexing ${config.chain.name} blocks ${range} from ${config.rpcEndpoint}${config.gatewayUrl ? ` (history from ${config.gatewayUrl})` : ''}; finalized head #${head}`
    )
    return {config, settings, head}
}

async function main() {
    const {config, settings, head} = await prepare()
    // the SDK's own status line ("n / m, rate …, eta …") is replaced by the progress log below
    dropSdkStatusLine()
    const progress = new ProgressLog({log: say, head: () => finalizedHeight(config.rpcEndpoint!), toBlock: config.toBlock})
    progress.setHead(head)
    await progress.start()

    const processor = createProcessor(config, {usePublicGateway: settings.usePublicGateway})
    const handleBatch = createBatchHandler({deferIndexes: config.deferIndexes, fromBlock: config.fromBlock, toBlock: config.toBlock, settings})
    processor.run(new PipelinedDatabase({supportHotBlocks: true, toBlock: config.toBlock, pipeline: config.pipelineCommits}), async ctx => {
        await handleBatch(ctx)
        const last = ctx.blocks[ctx.blocks.length - 1]
        if (last == null) return
        let events = 0
        for (const b of ctx.blocks) events += b.events.length
        progress.batch(last.header.height, events, ctx.isHead)
    })
}

void main()
