/**
 * @subsquid/rpc-client's `RpcClient#isConnectionError(err)` (not public API) decides which failed calls are
 * retried, with back-off: connection problems, rate limits and timeouts. A node's JSON-RPC "Internal error"
 * (-32603, which loaded or flaky archive nodes answer now and then) is not among them, so one such answer
 * crashed the processor, and at 1 % of calls it crash-looped. `retryNodeInternalErrors` adds it; the call is
 * retried like a rate-limited one (the client's back-off schedule, a warning per back-off), so a node that
 * keeps failing shows in the log instead of ending the process.
 */
import * as path from 'path'

/** JSON-RPC 2.0 "Internal error" */
export const JSON_RPC_INTERNAL_ERROR = -32603

let installed = false

export function isNodeInternalError(err: unknown): boolean {
    const e = err as {name?: unknown; code?: unknown} | null
    return e != null && e.name === 'RpcError' && e.code === JSON_RPC_INTERNAL_ERROR
}

/** installs the retry in this thread's copy of the SDK's RPC client (idempotent); throws if the SDK moved it */
export function retryNodeInternalErrors(): void {
    if (installed) return
    const processorDir = path.dirname(require.resolve('@subsquid/substrate-processor/package.json'))
    const {RpcClient} = require(require.resolve('@subsquid/rpc-client', {paths: [processorDir]}))
    const original = RpcClient?.prototype?.isConnectionError
    if (typeof original !== 'function') {
        throw new Error('@subsquid/rpc-client: RpcClient#isConnectionError not found; the SDK changed (src/sdk/rpc-retry.ts)')
    }
    RpcClient.prototype.isConnectionError = function (this: unknown, err: unknown): boolean {
        return original.call(this, err) || isNodeInternalError(err)
    }
    installed = true
}
