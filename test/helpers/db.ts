/**
 * Test databases on the real PostgreSQL server chosen by the global setup (env TEST_PG_SERVER).
 */
import {Client} from 'pg'

export function testServerUrl(): string {
    const url = process.env.TEST_PG_SERVER ?? process.env.DB_URL
    if (!url) throw new Error('no test PostgreSQL: run the tests through `npm test` (jest global setup)')
    return url
}

/** URL of database `name` on the test server, dropped and created anew. */
export async function freshDatabase(name: string): Promise<string> {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad test database name ${name}`)
    const server = new URL(testServerUrl())
    server.pathname = '/postgres'
    const c = new Client({connectionString: server.toString()})
    await c.connect()
    try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await c.query(`CREATE DATABASE ${name}`)
    } finally {
        await c.end()
    }
    const u = new URL(testServerUrl())
    u.pathname = '/' + name
    return u.toString()
}

/** DB_* environment for child processes (processor, graphql server, migrations) on database `url`. */
export function dbEnv(url: string): Record<string, string> {
    return {DB_URL: url}
}

/** the environment for a child process: this one's, without `drop`, with `extra` */
export function childEnv(extra: Record<string, string>, drop: string[] = []): Record<string, string> {
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v != null && !drop.includes(k)) env[k] = v
    return {...env, ...extra}
}
