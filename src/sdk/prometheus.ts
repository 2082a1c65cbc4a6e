/**
 * The processor's Prometheus registry and server, through a private field of the SDK: the
 * SubstrateBatchProcessor keeps a PrometheusServer (@subsquid/util-internal-processor-tools) in
 * `prometheus`, whose `registry` (prom-client) holds the SDK's own metrics (sqd_processor_*, sqd_rpc_*,
 * the process metrics) and whose `serve()` the runner calls to listen on PROCESSOR_PROMETHEUS_PORT /
 * PROMETHEUS_PORT. The project registers its metrics in that same registry and serves it itself (with
 * /health and /ready beside /metrics); `serve()` is replaced to answer with the port already open.
 * Not public API: test/sdk/compat.test.ts names it.
 */
import type {Registry} from 'prom-client'

interface SdkPrometheus {
    registry: Registry
    serve(): Promise<{port: number; close(): Promise<void>}>
}

/** the SDK's registry; from now on its server is `server` (already listening) */
export function takeOverPrometheus(processor: object, server: {port: number; close(): Promise<void>}): Registry {
    const prom = (processor as {prometheus?: SdkPrometheus}).prometheus
    if (prom == null || typeof prom.serve !== 'function' || prom.registry == null || typeof prom.registry.metrics !== 'function') {
        throw new Error('the SDK processor has no Prometheus server where expected (SubstrateBatchProcessor#prometheus)')
    }
    prom.serve = async () => server
    return prom.registry
}
