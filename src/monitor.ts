/**
 * The processor's operations port (PROCESSOR_PROMETHEUS_PORT / PROMETHEUS_PORT, default any free port):
 * `/metrics` (Prometheus text format: the SDK's sqd_* metrics, the process metrics and the indexer's own
 * phala_squid_* metrics below), `/health` and `/ready` (src/ops/readiness.ts). docs/operations.md lists
 * every metric.
 *
 * Nothing here runs per event: the handler counts rows per table as it writes them (integer additions
 * per batch), main.ts reports each batch's height and handler time, the store each batch's commit time;
 * the counters read those tallies when Prometheus scrapes.
 *
 * Readiness is checked in the background every READY_CHECK_MS on a connection of its own (the committed
 * height of squid_processor.status): a database that went away while the processor idles at the chain
 * head, which the processor itself would notice only at its next write, turns /ready to 503 within one
 * interval, and back to 200 at the first check that reconnects.
 */
import * as http from 'http'
import {Counter, Gauge, Histogram, Registry} from 'prom-client'
import type {OpsSettings} from './config/ops'
import {DbProbe, judge, ReadyState, sendHealth, sendNotFound, sendReady} from './ops/readiness'
import {takeOverPrometheus} from './sdk/prometheus'

export interface MonitorSources {
    /** the finalized chain head as last polled (undefined: not known yet) */
    head: () => number | undefined
    /** the block the processor aims at: the head, or TO_BLOCK when lower */
    target: () => number | undefined
    /** rows inserted per table and self-check failures per kind, since the start (undefined before the first batch) */
    written: () => ReadonlyMap<string, number> | undefined
    selfChecks: () => ReadonlyMap<string, number> | undefined
    /** every table counted and every self-check kind, so that each series exists from the start */
    tables: string[]
    selfCheckKinds: string[]
    /** FROM_BLOCK: with nothing indexed, the height is FROM_BLOCK - 1 */
    fromBlock: number
}

const BATCH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

/** a counter that follows a running total kept elsewhere (read at each scrape) */
function followTotals(label: string, totals: () => ReadonlyMap<string, number> | undefined): (counter: Counter<string>) => void {
    const seen = new Map<string, number>()
    return counter => {
        const m = totals()
        if (m == null) return
        for (const [k, n] of m) {
            const prev = seen.get(k) ?? 0
            if (n > prev) {
                counter.inc({[label]: k}, n - prev)
                seen.set(k, n)
            }
        }
    }
}

export class ProcessorMonitor {
    private lastHeight: number | undefined
    private readonly probe: DbProbe
    private readonly batchSeconds: Histogram<'stage'>
    private timer: NodeJS.Timeout | undefined

    private constructor(
        private readonly settings: OpsSettings,
        dbUrl: string,
        private readonly sources: MonitorSources,
        readonly registry: Registry
    ) {
        // a missing squid_processor schema (nothing committed yet) still proves the database answers
        this.probe = new DbProbe(dbUrl, 'SELECT height FROM squid_processor.status WHERE id = 0', settings.readyDbTimeoutMs, e =>
            ['42P01', '3F000'].includes(e?.code)
        )
        const registers = [registry]
        const self = this
        const rowsFollow = followTotals('table', sources.written)
        const rows = new Counter({
            name: 'phala_squid_rows_written_total',
            help: 'Rows inserted into the append-only ledger and rollup tables, by table',
            labelNames: ['table'],
            registers,
            collect() {
                rowsFollow(this)
            },
        })
        for (const t of sources.tables) rows.inc({table: t}, 0)
        const checksFollow = followTotals('kind', sources.selfChecks)
        const checks = new Counter({
            name: 'phala_squid_self_check_failures_total',
            help: 'Self-check failures recorded (self_check_failure rows), by kind',
            labelNames: ['kind'],
            registers,
            collect() {
                checksFollow(this)
            },
        })
        for (const k of sources.selfCheckKinds) checks.inc({kind: k}, 0)
        this.batchSeconds = new Histogram({
            name: 'phala_squid_batch_duration_seconds',
            help: 'Per batch: stage="handler" the data handler (decode, apply, statements sent), stage="commit" from the end of the handler to its COMMIT confirmed',
            labelNames: ['stage'],
            buckets: BATCH_BUCKETS,
            registers,
        })
        new Gauge({
            name: 'phala_squid_last_processed_height',
            help: 'Last block the processor handled (committed height before the first batch of this process)',
            registers,
            collect() {
                const h = self.height()
                if (h != null) this.set(h)
            },
        })
        new Gauge({
            name: 'phala_squid_chain_head_height',
            help: 'Finalized chain head as last read from the node',
            registers,
            collect() {
                const h = sources.head()
                if (h != null) this.set(h)
            },
        })
        new Gauge({
            name: 'phala_squid_chain_head_lag_blocks',
            help: 'Blocks between the last processed block and the chain head (or TO_BLOCK when lower)',
            registers,
            collect() {
                const lag = self.state().lag
                if (lag != null) this.set(lag)
            },
        })
        new Gauge({
            name: 'phala_squid_db_up',
            help: '1 when the last readiness check reached the database, else 0',
            registers,
            collect() {
                this.set(self.probe.last?.ok ? 1 : 0)
            },
        })
        new Gauge({
            name: 'phala_squid_ready',
            help: '1 when /ready answers 200, else 0',
            registers,
            collect() {
                this.set(self.state().ready ? 1 : 0)
            },
        })
    }

    /**
     * The metrics in the SDK processor's registry and the operations port listening; the SDK's own
     * Prometheus server is replaced by it. Throws on a port in use.
     */
    static async start(processor: object, settings: OpsSettings, dbUrl: string, sources: MonitorSources): Promise<ProcessorMonitor> {
        const ref: {monitor?: ProcessorMonitor} = {}
        const server = http.createServer((req, res) => {
            const m = ref.monitor
            if (m) m.serve(req, res).catch(() => res.destroy())
            else res.destroy()
        })
        await new Promise<void>((resolve, reject) => {
            server.once('error', reject)
            server.listen(settings.metricsPort, () => {
                server.off('error', reject)
                resolve()
            })
        })
        const port = (server.address() as {port: number}).port
        const registry = takeOverPrometheus(processor, {port, close: () => new Promise(r => server.close(() => r()))})
        const monitor = new ProcessorMonitor(settings, dbUrl, sources, registry)
        ref.monitor = monitor
        monitor.port = port
        await monitor.probe.check()
        monitor.timer = setInterval(() => void monitor.probe.check(), settings.readyCheckMs)
        monitor.timer.unref()
        return monitor
    }

    port = 0

    /** after each handler batch: its last block and the handler's time */
    batch(lastHeight: number, handlerSeconds: number): void {
        this.lastHeight = lastHeight
        this.batchSeconds.observe({stage: 'handler'}, handlerSeconds)
    }

    /** from the store: a batch's commit time */
    commit(seconds: number): void {
        this.batchSeconds.observe({stage: 'commit'}, seconds)
    }

    private height(): number | null {
        const committed = this.probe.last?.height
        const h = this.lastHeight ?? committed ?? this.sources.fromBlock - 1
        return h < 0 && this.lastHeight == null && committed == null ? null : h
    }

    state(): ReadyState {
        const target = this.sources.target()
        const height = this.height()
        return judge({
            db: this.probe.last,
            height,
            target: target == null ? null : Math.max(target, height ?? -1),
            maxLag: this.settings.readyMaxLag,
            note: target == null ? 'chain head not read yet' : undefined,
        })
    }

    private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const path = (req.url ?? '/').split('?')[0]
        if (path === '/metrics') {
            const text = await this.registry.metrics()
            res.setHeader('content-type', this.registry.contentType)
            res.end(text)
        } else if (path === '/health') {
            sendHealth(res)
        } else if (path === '/ready') {
            // a check older than the interval (the timer is late or a check hangs): run one now
            const last = this.probe.last
            if (last == null || Date.now() - last.at > this.settings.readyCheckMs * 2) await this.probe.check()
            sendReady(res, this.state())
        } else {
            sendNotFound(req, res, ['/metrics', '/health', '/ready'])
        }
    }
}
