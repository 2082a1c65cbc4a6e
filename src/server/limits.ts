/**
 * Limits of the GraphQL server, on by default, each configurable from the environment.
 */

export interface ServerLimits {
    maxRootFields: number
    /** max response size, counted in result nodes */
    maxResponseNodes: number
    /** request size, kilobytes */
    maxRequestKb: number
    /** SQL statement timeout, ms */
    sqlStatementTimeoutMs: number
}

function intEnv(name: string, dflt: number): number {
    const v = process.env[name]
    if (v == null || v.trim() === '') return dflt
    if (!/^\d+$/.test(v.trim()) || Number(v) <= 0) {
        throw new Error(`${name}: must be a positive whole number, got ${JSON.stringify(v)}`)
    }
    return Number(v)
}

export function serverLimits(): ServerLimits {
    return {
        maxRootFields: intEnv('GQL_MAX_ROOT_FIELDS', 10),
        maxResponseNodes: intEnv('GQL_MAX_RESPONSE_NODES', 200_000),
        maxRequestKb: intEnv('GQL_MAX_REQUEST_KB', 256),
        sqlStatementTimeoutMs: intEnv('GQL_SQL_TIMEOUT_MS', 15_000),
    }
}

/**
 * command-line flags for `squid-graphql-server`. The SQL statement timeout is not one of them: the
 * server's flag puts it on every connection, where it also cancels the server's own start-up queries
 * (`SELECT version()`, …); src/server/main.ts sets it in each request's transaction instead.
 */
export function graphqlServerArgs(l: ServerLimits = serverLimits()): string[] {
    return ['--max-root-fields', String(l.maxRootFields), '--max-response-size', String(l.maxResponseNodes), '--max-request-size', String(l.maxRequestKb)]
}
