/**
 * Limits of the GraphQL server (on by default, each configurable: src/config/server.ts) as graphql-server flags.
 */
import {ServerLimits} from '../config/server'

/**
 * command-line flags for `squid-graphql-server`. The SQL statement timeout is not one of them: the
 * server's flag puts it on every connection, where it also cancels the server's own start-up queries
 * (`SELECT version()`, …); src/server/main.ts sets it in each request's transaction instead.
 */
export function graphqlServerArgs(l: ServerLimits): string[] {
    return ['--max-root-fields', String(l.maxRootFields), '--max-response-size', String(l.maxResponseNodes), '--max-request-size', String(l.maxRequestKb)]
}
