/**
 * Every private SDK interface the project relies on (src/sdk/ and the few direct imports of SDK `lib/` paths),
 * checked in one place against the installed packages. An SDK upgrade that moves or renames one of them fails
 * here, naming it, instead of failing at run time (or, for the error-cleaning patch, serving SQL to clients).
 */
import * as path from 'path'

const serverDir = path.dirname(require.resolve('@subsquid/graphql-server/package.json'))
const apolloDir = path.dirname(require.resolve('@subsquid/apollo-server-express/package.json'))
const fromServer = (m: string) => require(require.resolve(m, {paths: [serverDir]}))

interface PrivateApi {
    /** who uses it */
    user: string
    load: () => any
    /** exported names that must be functions (classes count) */
    functions: string[]
}

const APIS: Record<string, PrivateApi> = {
    '@subsquid/substrate-processor SubstrateBatchProcessor.prototype.getRpcDataSource': {
        user: 'src/ingest (RPC data source wrapper)',
        load: () => require('@subsquid/substrate-processor').SubstrateBatchProcessor.prototype,
        functions: ['getRpcDataSource'],
    },
    '@subsquid/substrate-processor/lib/ds-rpc RpcDataSource.prototype': {
        user: 'src/sdk/rpc-source.ts (its finalized stream and block mapping are replaced)',
        load: () => require('@subsquid/substrate-processor/lib/ds-rpc').RpcDataSource.prototype,
        functions: ['getFinalizedBlocks', 'mapBlock'],
    },
    '@subsquid/substrate-processor SubstrateBatchProcessor#prometheus': {
        user: 'src/sdk/prometheus.ts (its registry takes the metrics of src/monitor.ts; its server is replaced)',
        load: () => {
            const prom = new (require('@subsquid/substrate-processor').SubstrateBatchProcessor)().prometheus
            return {serve: prom?.serve, metrics: prom?.registry?.metrics?.bind(prom.registry)}
        },
        functions: ['serve', 'metrics'],
    },
    '@subsquid/substrate-processor SubstrateBatchProcessor.prototype.getArchiveDataSource': {
        user: 'src/sdk/rpc-source.ts (the gateway source, with GATEWAY_URL)',
        load: () => require('@subsquid/substrate-processor').SubstrateBatchProcessor.prototype,
        functions: ['getArchiveDataSource'],
    },
    '@subsquid/substrate-processor/lib/ds-archive SubstrateArchive.prototype': {
        user: 'src/sdk/rpc-source.ts (its finalized stream and block mapping are replaced)',
        load: () => require('@subsquid/substrate-processor/lib/ds-archive').SubstrateArchive.prototype,
        functions: ['getFinalizedBlocks', 'mapBlock'],
    },
    '@subsquid/rpc-client RpcClient.prototype': {
        user: "src/sdk/rpc-retry.ts (a node's internal errors are retried)",
        load: () =>
            require(require.resolve('@subsquid/rpc-client', {paths: [path.dirname(require.resolve('@subsquid/substrate-processor/package.json'))]})).RpcClient
                .prototype,
        functions: ['isConnectionError'],
    },
    '@subsquid/typeorm-store TypeormDatabase': {
        user: 'src/store/pipelined-database.ts (subclass: connect, transact, its `con`)',
        load: () => require('@subsquid/typeorm-store').TypeormDatabase.prototype,
        functions: ['connect', 'transact', 'transactHot', 'disconnect'],
    },
    '@subsquid/typeorm-store/lib/transformers': {
        user: 'src/store/tables.ts (column transformers)',
        load: () => require('@subsquid/typeorm-store/lib/transformers'),
        functions: [],
    },
    '@subsquid/graphql-server/lib/typeorm': {
        user: 'src/sdk/graphql-server.ts (per-request statement timeout)',
        load: () => require(path.join(serverDir, 'lib/typeorm')),
        functions: ['TypeormOpenreaderContext'],
    },
    '@subsquid/openreader/lib/util/lazy-transaction': {
        user: 'src/sdk/graphql-server.ts',
        load: () => fromServer('@subsquid/openreader/lib/util/lazy-transaction'),
        functions: ['LazyTransaction'],
    },
    '@subsquid/openreader/lib/limit.size': {
        user: 'src/sdk/graphql-server.ts (size-limit explanation)',
        load: () => fromServer('@subsquid/openreader/lib/limit.size'),
        functions: ['getListSize', 'getConnectionSize'],
    },
    '@subsquid/openreader/lib/util/limit Limit.prototype': {
        user: 'src/sdk/graphql-server.ts',
        load: () => fromServer('@subsquid/openreader/lib/util/limit').Limit.prototype,
        functions: ['check'],
    },
    '@subsquid/openreader/lib/util/error-handling': {
        user: 'src/sdk/apollo.ts (OpenReader error log off)',
        load: () => fromServer('@subsquid/openreader/lib/util/error-handling'),
        functions: ['logGraphQLErrors'],
    },
    '@subsquid/apollo-server-express/dist/ApolloServer': {
        user: 'src/sdk/apollo.ts (error cleaning, response cache, request errors)',
        load: () => require('@subsquid/apollo-server-express/dist/ApolloServer'),
        functions: ['ApolloServer'],
    },
    '@subsquid/apollo-server-core': {
        user: 'src/sdk/apollo.ts',
        load: () => require('@subsquid/apollo-server-core'),
        functions: ['ApolloServerPluginCacheControlDisabled'],
    },
    "Apollo's body-parser": {
        user: 'src/sdk/apollo.ts (the JSON parser for the response cache)',
        load: () => require(require.resolve('body-parser', {paths: [apolloDir]})),
        functions: ['json'],
    },
    '@subsquid/typeorm-config/lib/connectionOptions + lib/pg': {
        user: 'src/sdk/typeorm-config.ts (the GraphQL server database check)',
        load: () => ({...fromServer('@subsquid/typeorm-config/lib/connectionOptions'), ...fromServer('@subsquid/typeorm-config/lib/pg')}),
        functions: ['createConnectionOptions', 'toPgClientConfig'],
    },
    '@subsquid/logger sinks': {
        user: 'src/sdk/logging.ts (the status line filter)',
        load: () => ({...require('@subsquid/logger/lib/sinks/pretty'), ...require('@subsquid/logger/lib/sinks/json'), ...require('@subsquid/logger')}),
        functions: ['prettyStderrSink', 'jsonLinesStderrSink', 'setRootSink'],
    },
    '@subsquid/substrate-runtime/lib/metadata': {
        user: 'src/decode/dispatch.ts (metadata type kinds)',
        load: () => require('@subsquid/substrate-runtime/lib/metadata'),
        functions: [],
    },
}

describe('private SDK interfaces the project relies on', () => {
    for (const [name, api] of Object.entries(APIS)) {
        test(`${name} (${api.user})`, () => {
            let mod: any
            try {
                mod = api.load()
            } catch (e: any) {
                throw new Error(`${name} is gone (${e?.message ?? e}): update ${api.user}`)
            }
            expect(mod).toBeDefined()
            const missing = api.functions.filter(f => typeof mod[f] !== 'function')
            expect({name, missing}).toEqual({name, missing: []})
        })
    }

    test('a Store keeps its EntityManager and change tracker in the fields src/sdk/typeorm-store.ts reads', () => {
        const {Store} = require('@subsquid/typeorm-store/lib/store')
        const em = () => 'em'
        const s = new Store(em, 'changes')
        expect([s.em, s.changes]).toEqual([em, 'changes'])
    })

    test('the column transformers the bulk writer uses still exist', () => {
        const t = require('@subsquid/typeorm-store/lib/transformers')
        for (const k of ['bigintTransformer', 'floatTransformer', 'bigdecimalTransformer']) {
            expect({transformer: k, ok: typeof t[k]?.to === 'function' && typeof t[k]?.from === 'function'}).toEqual({transformer: k, ok: true})
        }
    })

    test('the metadata type kinds the decoder switches on still exist', () => {
        const {TypeKind} = require('@subsquid/substrate-runtime/lib/metadata')
        for (const k of ['Composite', 'Tuple', 'Option', 'Sequence', 'Array', 'Variant']) {
            expect({kind: k, present: TypeKind[k] != null}).toEqual({kind: k, present: true})
        }
    })
})
