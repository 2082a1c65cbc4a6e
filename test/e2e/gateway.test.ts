/**
 * End to end with the devnet's SQD gateway (devnet/gateway): the real processor (`node lib/src/main.js`) reads
 * the history of `small` from the gateway and the rest of the chain over RPC, and ends with the same tables as a
 * run over RPC alone.
 *
 * The gateway's data ends below the chain's finalized head (`maxHeight`, as a network dataset lags the chain):
 * the runner takes blocks up to there from the gateway, then switches to RPC for the finalized rest. Both runs go
 * through the decode thread (INGEST_WORKER on, the default); the gateway run once more with it off.
 */
import {startScenarioDevnet} from '../../devnet'
import type {Devnet} from '../../devnet'
import {migratedDatabase, tableChecksums} from '../handler/harness'
import {testDbPrefix} from '../helpers/indexed'
import {progress, startProcessor} from './processor-child'

jest.setTimeout(1_800_000)

async function run(db: string, rpc: string, toBlock: number, env: Record<string, string> = {}): Promise<string> {
    const p = startProcessor(db, rpc, toBlock, env)
    const timer = setTimeout(() => p.proc.kill('SIGKILL'), 1_200_000)
    const code = await p.exited
    clearTimeout(timer)
    if (code !== 0) throw new Error(`processor exited with ${code}:\n${p.output().slice(-5000)}`)
    return p.output()
}

describe('devnet gateway → processor: small, history from the gateway, the rest over RPC', () => {
    let dn: Devnet
    let rpcSums: Record<string, string>
    const scenario = 'small'

    beforeAll(async () => {
        dn = await startScenarioDevnet({scenario, seed: 1, port: 0, gatewayPort: 0})
        const rpcDb = await migratedDatabase(`${testDbPrefix()}gw_e2e_rpc`)
        await run(rpcDb, dn.url, dn.height)
        rpcSums = await tableChecksums(rpcDb)
    })
    afterAll(async () => {
        await dn?.close()
    })

    for (const worker of ['on', 'off']) {
        it(`INGEST_WORKER=${worker}: same tables as over RPC alone`, async () => {
            const gateway = dn.gateway!
            const split = Math.floor(dn.height * 0.6)
            gateway.maxHeight = split
            const before = {...gateway.stats}
            const db = await migratedDatabase(`${testDbPrefix()}gw_e2e_gateway_${worker}`)
            const out = await run(db, dn.url, dn.height, {GATEWAY_URL: dn.gatewayUrl!, INGEST_WORKER: worker})
            // the history came from the gateway, up to its height and no further; the rest over RPC
            expect(out).toMatch(/using archive data source/)
            expect(out).toMatch(/using chain RPC data source/)
            expect(gateway.stats.queries).toBeGreaterThan(before.queries)
            expect(gateway.stats.lastServed).toBe(split)
            expect(gateway.stats.badRequests).toBe(before.badRequests)
            expect((await progress(db)).height).toBe(dn.height)
            const sums = await tableChecksums(db)
            expect(Object.keys(sums).length).toBeGreaterThan(10)
            expect(sums).toEqual(rpcSums)
        })
    }
})
