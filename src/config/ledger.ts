/**
 * The processor's tuning and diagnostic settings: LEDGER_PIPELINE_ROWS, LEDGER_SYNC_COMMIT, LEDGER_TIMING,
 * LEDGER_TIMING_EVERY, LEDGER_YIELD_MS (the batch handler and its writer) and USE_PUBLIC_GATEWAY (the data
 * source). Read and validated once by src/main.ts, next to loadConfig(), and passed down: the handler, the
 * writer, the processor and the decode thread read no environment of their own.
 *
 * Defaults and meanings are those the code had when it read the variables itself; an empty value counts as
 * unset, like every other setting (docker-compose.yml passes unset ones as empty strings).
 */
import {ConfigError, Env, nonEmpty} from './index'

/** what the batch handler (src/handler) and its writer (src/store/writer.ts) are tuned with */
export interface HandlerSettings {
    /** ledger rows that make a mid-batch statement worth sending (LEDGER_PIPELINE_ROWS, default 1000) */
    pipelineRows: number
    /**
     * finalized batches commit with synchronous_commit on (LEDGER_SYNC_COMMIT=1). Off by default: a batch
     * and the processor's status commit in one transaction, so a PostgreSQL crash can only lose whole
     * batches, which are indexed again. Hot (unfinalized) blocks always commit synchronously.
     */
    syncCommit: boolean
    /** log where the handler's time goes (LEDGER_TIMING set to anything non-empty) */
    timing: boolean
    /** … every this many handler calls (LEDGER_TIMING_EVERY, default 100) */
    timingEvery: number
    /** longest stretch (ms) of applying blocks without giving the event loop a turn (LEDGER_YIELD_MS, default 2) */
    yieldMs: number
}

/** what the data source (src/processor.ts, also in the decode thread) is built with */
export interface SourceSettings {
    /** USE_PUBLIC_GATEWAY=1: history from the chain preset's public gateway when GATEWAY_URL is not set */
    usePublicGateway: boolean
}

export type LedgerSettings = HandlerSettings & SourceSettings

export const DEFAULT_HANDLER_SETTINGS: Readonly<HandlerSettings> = {
    pipelineRows: 1000,
    syncCommit: false,
    timing: false,
    timingEvery: 100,
    yieldMs: 2,
}

function wholeNumber(env: Env, name: string, min: number, dflt: number): number {
    const v = nonEmpty(env, name)
    if (v == null) return dflt
    const n = Number(v)
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
        throw new ConfigError(name, `must be a whole number of at least ${min}, got ${JSON.stringify(v)}`)
    }
    return n
}

function milliseconds(env: Env, name: string, dflt: number): number {
    const v = nonEmpty(env, name)
    if (v == null) return dflt
    const n = Number(v)
    if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n)) {
        throw new ConfigError(name, `must be a non-negative number of milliseconds, got ${JSON.stringify(v)}`)
    }
    return n
}

export function loadLedgerSettings(env: Env = process.env): LedgerSettings {
    const d = DEFAULT_HANDLER_SETTINGS
    return {
        pipelineRows: wholeNumber(env, 'LEDGER_PIPELINE_ROWS', 0, d.pipelineRows),
        syncCommit: nonEmpty(env, 'LEDGER_SYNC_COMMIT') === '1',
        timing: nonEmpty(env, 'LEDGER_TIMING') != null,
        timingEvery: wholeNumber(env, 'LEDGER_TIMING_EVERY', 1, d.timingEvery),
        yieldMs: milliseconds(env, 'LEDGER_YIELD_MS', d.yieldMs),
        usePublicGateway: nonEmpty(env, 'USE_PUBLIC_GATEWAY') === '1',
    }
}
