/**
 * A node answering JSON-RPC "Internal error" (-32603) now and then (src/sdk/rpc-retry.ts): the processor retries
 * those calls instead of crashing, and ends with the same tables as a run against a healthy node.
 */
import {tableChecksums} from '../../bench/checksums'
import {startScenarioDevnet} from '../../devnet'
import {isNodeInternalError, JSON_RPC_INTERNAL_ERROR} from '../../src/sdk/rpc-retry'
import {runProcessor} from '../e2e/processor-child'
import {migratedDatabase} from '../handler/harness'

describe("a node's internal errors", () => {
    test('are told from other RPC errors by their code', () => {
        const rpcError = (code: number, message: string) => Object.assign(new Error(message), {name: 'RpcError', code})
        expect(isNodeInternalError(rpcError(JSON_RPC_INTERNAL_ERROR, 'Internal error'))).toBe(true)
        expect(isNodeInternalError(rpcError(-32602, 'Invalid params'))).toBe(false)
        expect(isNodeInternalError(new Error('Internal error'))).toBe(false)
        expect(isNodeInternalError(null)).toBe(false)
    })

    test('at 5 % of calls: the processor reaches the end in one run, with the tables of a clean run', async () => {
        const clean = await startScenarioDevnet({scenario: 'tiny', seed: 1, port: 0})
        const flaky = await startScenarioDevnet({scenario: 'tiny', seed: 1, port: 0, faults: {errorRate: 0.05, errorKind: 'internal', seed: 7}})
        try {
            const [a, b] = [await migratedDatabase('sdk_rpc_clean'), await migratedDatabase('sdk_rpc_flaky')]
            await runProcessor(a, clean.url, clean.height)
            // runProcessor throws on a non-zero exit: one run, no restart
            await runProcessor(b, flaky.url, flaky.height)
            expect(flaky.server.faults.counters.errors).toBeGreaterThan(0)
            const [ca, cb] = [await tableChecksums(a), await tableChecksums(b)]
            expect(Object.keys(cb).length).toBeGreaterThan(15)
            expect(cb).toEqual(ca)
        } finally {
            await clean.close()
            await flaky.close()
        }
    }, 300_000)
})
