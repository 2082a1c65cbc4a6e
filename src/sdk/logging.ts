/**
 * The processor's log without the SDK's status line ("n / m, rate: … blocks/sec, …, eta: …"), which the
 * progress log (src/progress.ts) replaces with one whose ETA holds. Every other SDK message stays, at its
 * level, in the SDK's own format (pretty on a terminal, JSON lines otherwise; FORCE_PRETTY_LOGGER as the SDK).
 *
 * Uses the SDK logger's sink modules, which are not part of its public index: if an upgrade moves them this
 * fails at start, loudly, rather than logging nothing.
 */
import {setRootSink} from '@subsquid/logger'
import {prettyLogs} from '../config'

type LogRecord = {ns?: string; msg?: string} & Record<string, unknown>
type Sink = (rec: LogRecord) => void

const STATUS_LINE = /^\d+ \/ \d+, rate: /
/** LogLevel.FATAL of @subsquid/logger */
const FATAL = 5

/**
 * `oneLine(err)`: for an error the SDK is about to log as fatal (then exit), the one line to print instead
 * of its record and stack (`processor: <line>`); undefined keeps the SDK's record.
 */
export function dropSdkStatusLine(oneLine?: (err: unknown) => string | undefined): void {
    const {prettyStderrSink} = require('@subsquid/logger/lib/sinks/pretty') as {prettyStderrSink: Sink}
    const {jsonLinesStderrSink} = require('@subsquid/logger/lib/sinks/json') as {jsonLinesStderrSink: Sink}
    if (typeof prettyStderrSink !== 'function' || typeof jsonLinesStderrSink !== 'function') {
        throw new Error('@subsquid/logger: its stderr sinks were not found (src/sdk/logging.ts needs updating)')
    }
    const base = prettyLogs() ? prettyStderrSink : jsonLinesStderrSink
    setRootSink((rec: any) => {
        if (rec?.ns === 'sqd:processor' && typeof rec.msg === 'string' && STATUS_LINE.test(rec.msg)) return
        const line = rec?.level === FATAL && rec.err != null ? oneLine?.(rec.err) : undefined
        if (line != null) {
            process.stderr.write(`processor: ${line}\n`)
            return
        }
        base(rec)
    })
}
