import * as path from 'path'
import {ConfigError, loadConfig, loadStartSettings, PROJECT_ROOT} from '../../src/config'
import {exportServerEnvironment, loadServerSettings} from '../../src/config/server'

function fails(env: Record<string, string>, setting: string, text: RegExp) {
    let err: unknown
    try {
        loadConfig(env)
    } catch (e) {
        err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as ConfigError).setting).toBe(setting)
    expect((err as Error).message).toMatch(new RegExp('^' + setting + ': '))
    expect((err as Error).message).toMatch(text)
}

describe('configuration', () => {
    it('defaults to the devnet with the embedded database', () => {
        const c = loadConfig({})
        expect(c.chain.name).toBe('devnet')
        expect(c.rpcEndpoint).toBe('ws://127.0.0.1:9944')
        expect(c.db).toEqual({url: undefined, source: undefined, embedded: true, dataDir: path.join(PROJECT_ROOT, '.data')})
        expect(loadConfig({DATA_DIR: '/srv/pms'}).db.dataDir).toBe('/srv/pms')
        expect(loadConfig({DATA_DIR: 'state'}).db.dataDir).toBe(path.join(PROJECT_ROOT, 'state'))
        expect(c.fromBlock).toBe(0)
        expect(c.toBlock).toBeUndefined()
        expect(c.gqlPort).toBe(4350)
    })

    it('carries the chain presets: SS58 30 and the termination blocks', () => {
        const k = loadConfig({CHAIN: 'khala', RPC_ENDPOINT: 'wss://khala.example:443'})
        expect(k.chain.ss58Prefix).toBe(30)
        expect(k.toBlock).toBe(7_918_688)
        expect(k.chain.gateway).toMatch(/khala$/)
        const p = loadConfig({CHAIN: 'Phala', RPC_ENDPOINT: 'wss://phala.example'})
        expect(p.chain.name).toBe('phala')
        expect(p.toBlock).toBe(9_064_613)
        expect(p.chain.gateway).toMatch(/phala$/)
    })

    it('takes a block range and database settings', () => {
        const c = loadConfig({FROM_BLOCK: '10', TO_BLOCK: '20', DB_HOST: 'db', DB_PORT: '6543', DB_NAME: 'x', DB_USER: 'u', DB_PASS: 'p w'})
        expect([c.fromBlock, c.toBlock]).toEqual([10, 20])
        expect(c.db).toMatchObject({url: 'postgres://u:p%20w@db:6543/x', source: 'DB_HOST', embedded: false})
        const d = loadConfig({DB_URL: 'postgres://a@h/db'})
        expect(d.db).toMatchObject({url: 'postgres://a@h/db', source: 'DB_URL', embedded: false})
    })

    it('fails fast on an unknown chain', () => fails({CHAIN: 'kusama'}, 'CHAIN', /unknown chain "kusama".*khala, phala, devnet/))
    it('fails fast on a malformed RPC URL', () => fails({RPC_ENDPOINT: 'not a url'}, 'RPC_ENDPOINT', /not a valid URL/))
    it('fails fast on an RPC URL with the wrong protocol', () => fails({RPC_ENDPOINT: 'ftp://x'}, 'RPC_ENDPOINT', /unsupported protocol ftp:/))
    it('fails fast on a malformed gateway URL', () => fails({GATEWAY_URL: '::'}, 'GATEWAY_URL', /not a valid URL/))
    it('fails fast on a malformed DB_URL', () => fails({DB_URL: 'mysql://x/y'}, 'DB_URL', /unsupported protocol mysql:/))
    it('fails fast when FROM_BLOCK > TO_BLOCK', () => fails({FROM_BLOCK: '100', TO_BLOCK: '99'}, 'FROM_BLOCK', /greater than TO_BLOCK/))
    it('fails fast on a non-numeric block', () => fails({TO_BLOCK: '12abc'}, 'TO_BLOCK', /whole block number/))
    it('fails fast on a bad port', () => fails({GQL_PORT: '70000'}, 'GQL_PORT', /between 1 and 65535/))
    it('takes batch size limits and rejects bad ones', () => {
        const c = loadConfig({MAX_BATCH_BLOCKS: '200', MAX_BATCH_ITEMS: '5000'})
        expect([c.maxBatchBlocks, c.maxBatchItems]).toEqual([200, 5000])
        expect(loadConfig({}).maxBatchBlocks).toBeGreaterThan(10)
    })
    it('fails fast on a zero batch size', () => fails({MAX_BATCH_BLOCKS: '0'}, 'MAX_BATCH_BLOCKS', /at least 1/))
    it('fails fast on a non-numeric batch size', () => fails({MAX_BATCH_ITEMS: 'lots'}, 'MAX_BATCH_ITEMS', /at least 1/))
    it('requires an RPC endpoint for the real chains', () => fails({CHAIN: 'khala'}, 'RPC_ENDPOINT', /required for CHAIN=khala/))
    it("takes the port of npm start's devnet gateway (none by default) and rejects a bad one", () => {
        expect(loadStartSettings(loadConfig({}), {}).devnet.gatewayPort).toBeUndefined()
        expect(loadStartSettings(loadConfig({}), {DEVNET_GATEWAY_PORT: '9945'}).devnet.gatewayPort).toBe(9945)
        expect(() => loadStartSettings(loadConfig({}), {DEVNET_GATEWAY_PORT: 'x'})).toThrow(/^DEVNET_GATEWAY_PORT: must be a TCP port/)
    })
    it('takes REWIND_WINDOW (500 by default, 0 records nothing) and rejects a bad one', () => {
        expect(loadConfig({}).rewindWindow).toBe(500)
        expect(loadConfig({REWIND_WINDOW: '0'}).rewindWindow).toBe(0)
        expect(loadConfig({REWIND_WINDOW: '2000'}).rewindWindow).toBe(2000)
        fails({REWIND_WINDOW: '-5'}, 'REWIND_WINDOW', /whole block number/)
    })
})

describe('GraphQL server settings', () => {
    it('gives graphql-server 20 database connections unless GQL_DB_CONNECTION_POOL_SIZE says otherwise', () => {
        const dflt = loadServerSettings({})
        expect(dflt.dbPoolSize).toBe(20)
        const env: Record<string, string> = {}
        exportServerEnvironment(dflt, env)
        expect(env.GQL_DB_CONNECTION_POOL_SIZE).toBe('20')
        expect(loadServerSettings({GQL_DB_CONNECTION_POOL_SIZE: '8'}).dbPoolSize).toBe(8)
        for (const bad of ['0', '-3', 'many']) {
            expect(() => loadServerSettings({GQL_DB_CONNECTION_POOL_SIZE: bad})).toThrow(/^GQL_DB_CONNECTION_POOL_SIZE: must be a positive whole number/)
        }
    })
})
