/**
 * `npm run serve`: the GraphQL API (OpenReader over schema.graphql + the analytics resolvers in
 * src/server-extension), with the limits of src/server-options.ts. Database from DB_URL / DB_* settings.
 *
 * Error responses carry no stack traces: NODE_ENV is set to `production` (Apollo's debug mode and
 * Express's error pages both print stacks otherwise; GQL_DEBUG=1 leaves NODE_ENV alone). Production mode would also switch GraphQL
 * introspection off, which the GraphiQL console and client tooling need, so it is kept on
 * (GQL_INTROSPECTION=0 turns it off).
 */
import {graphqlServerArgs} from './server-options'

if (process.env.GQL_DEBUG !== '1') process.env.NODE_ENV = 'production'
keepIntrospection(process.env.GQL_INTROSPECTION !== '0')

process.argv.push(...graphqlServerArgs())
require('@subsquid/graphql-server/bin/run.js')

/** openreader constructs `new ApolloServer({...})` without `introspection`: default it to `on` */
function keepIntrospection(on: boolean): void {
    try {
        const mod = require('@subsquid/apollo-server-express/dist/ApolloServer')
        const Base = mod.ApolloServer
        if (typeof Base !== 'function') throw new Error('ApolloServer class not found')
        mod.ApolloServer = class extends Base {
            constructor(config: Record<string, unknown>) {
                super({introspection: on, ...config})
            }
        }
    } catch (e: any) {
        process.stderr.write(`[serve] could not keep GraphQL introspection on (${e?.message ?? e}); continuing without it\n`)
    }
}
