/**
 * `npm run serve`: the GraphQL API (OpenReader over schema.graphql + the analytics resolvers in
 * src/server-extension), with the limits of src/server-options.ts. Database from DB_URL / DB_* settings.
 */
import {graphqlServerArgs} from './server-options'

// Apollo adds stack traces to error responses unless NODE_ENV is production: users get clean messages.
if (!process.env.NODE_ENV) process.env.NODE_ENV = 'production'
process.argv.push(...graphqlServerArgs())
require('@subsquid/graphql-server/bin/run.js')
