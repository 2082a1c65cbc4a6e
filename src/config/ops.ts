/**
 * Settings of the operations endpoints (docs/operations.md): the processor's metrics port, and what
 * `/ready` means on the processor and on the GraphQL server. Read here, validated once, passed down.
 *
 *   PROCESSOR_PROMETHEUS_PORT, PROMETHEUS_PORT  the processor's /metrics, /health, /ready port; default 0
 *                                               (any free port, printed at start); the first one set wins
 *   READY_MAX_LAG          /ready answers 503 while the index is more than this many blocks behind, default 50
 *   READY_DB_TIMEOUT_MS    how long the database check of /ready may take, default 2000
 *   READY_CHECK_MS         the processor's database ping and the API's chain-head read, every … ms, default 2000
 *   GQL_METRICS_OPERATIONS distinct GraphQL operation names each API process labels, default 50
 *   RPC_ENDPOINT, TO_BLOCK (API) the node whose finalized head the API's lag is measured against, and the
 *                          last block the indexer aims at; without RPC_ENDPOINT the API's /ready skips the lag
 */
import {CHAIN_PRESETS, ChainName, ConfigError, Env, nonEmpty} from './index'

export interface OpsSettings {
    /** the processor's metrics port (0: any free port) */
    metricsPort: number
    /** most blocks the index may lag the chain head and still be ready */
    readyMaxLag: number
    readyDbTimeoutMs: number
    /** interval of the background readiness checks */
    readyCheckMs: number
    /** distinct operation names labelled per API process; the rest share the label `_other` */
    metricsOperations: number
    /** the API's view of the chain: its node (optional) and the indexer's last block */
    chainHead: {rpcEndpoint: string | undefined; toBlock: number | undefined}
}

export const DEFAULT_READY_MAX_LAG = 50

function whole(env: Env, name: string, dflt: number, min: number, max: number): number {
    const v = nonEmpty(env, name)
    if (v == null) return dflt
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
        throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`)
    }
    return Number(v)
}

function metricsPort(env: Env): number {
    // the SDK's own names for the port: PROCESSOR_PROMETHEUS_PORT first, then PROMETHEUS_PORT
    if (nonEmpty(env, 'PROCESSOR_PROMETHEUS_PORT') != null) return whole(env, 'PROCESSOR_PROMETHEUS_PORT', 0, 0, 65535)
    return whole(env, 'PROMETHEUS_PORT', 0, 0, 65535)
}

function apiChainHead(env: Env): OpsSettings['chainHead'] {
    const rpc = nonEmpty(env, 'RPC_ENDPOINT')
    let rpcEndpoint: string | undefined
    if (rpc != null) {
        let url: URL
        try {
            url = new URL(rpc)
        } catch {
            throw new ConfigError('RPC_ENDPOINT', `not a valid URL: ${JSON.stringify(rpc)}`)
        }
        if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) {
            throw new ConfigError('RPC_ENDPOINT', `unsupported protocol ${url.protocol} in ${JSON.stringify(rpc)}`)
        }
        rpcEndpoint = rpc
    }
    const to = nonEmpty(env, 'TO_BLOCK')
    if (to != null && !/^\d+$/.test(to)) throw new ConfigError('TO_BLOCK', `must be a non-negative whole block number, got ${JSON.stringify(to)}`)
    const chain = (nonEmpty(env, 'CHAIN') ?? 'devnet').toLowerCase()
    const preset = CHAIN_PRESETS[chain as ChainName]
    return {rpcEndpoint, toBlock: to != null ? Number(to) : preset?.defaultTo}
}

export function loadOpsSettings(env: Env = process.env): OpsSettings {
    return {
        metricsPort: metricsPort(env),
        readyMaxLag: whole(env, 'READY_MAX_LAG', DEFAULT_READY_MAX_LAG, 0, Number.MAX_SAFE_INTEGER),
        readyDbTimeoutMs: whole(env, 'READY_DB_TIMEOUT_MS', 2000, 100, 60_000),
        readyCheckMs: whole(env, 'READY_CHECK_MS', 2000, 100, 600_000),
        metricsOperations: whole(env, 'GQL_METRICS_OPERATIONS', 50, 0, 1000),
        chainHead: apiChainHead(env),
    }
}
