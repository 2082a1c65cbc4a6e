/**
 * db/api-role.sql: a read-only role for the API. Applied to a freshly migrated database before anything is
 * indexed (so the processor's own schema and tables come later and must be covered by the default privileges),
 * then the processor indexes `tiny` as its usual role and the GraphQL server runs as `squid_api`: it answers,
 * and the role cannot write, through SQL on its own connection.
 */
import * as fs from 'fs'
import * as path from 'path'
import {Client} from 'pg'
import {startScenarioDevnet} from '../../devnet'
import {runProcessor} from '../e2e/processor-child'
import {migratedDatabase} from '../handler/harness'
import {GraphqlServer} from '../helpers/graphql-server'
import {ROOT} from '../helpers/indexed'

async function asRole(url: string, f: (c: Client) => Promise<void>): Promise<void> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        await f(c)
    } finally {
        await c.end()
    }
}

describe('the API role (db/api-role.sql)', () => {
    test('serves the index and cannot write to it', async () => {
        const url = await migratedDatabase('server_api_role')
        const script = fs.readFileSync(path.join(ROOT, 'db/api-role.sql'), 'utf8')
        await asRole(url, async c => {
            await c.query(script)
            // as the script's header says, where the server asks for passwords (the embedded PostgreSQL does)
            await c.query(`ALTER ROLE squid_api PASSWORD 'api-role-test'`)
        })
        const dn = await startScenarioDevnet({scenario: 'tiny', seed: 1, port: 0})
        try {
            await runProcessor(url, dn.url, dn.height)
        } finally {
            await dn.close()
        }
        const apiUrl = new URL(url)
        apiUrl.username = 'squid_api'
        apiUrl.password = 'api-role-test'
        const gql = await GraphqlServer.start(apiUrl.toString())
        try {
            const d = await gql.data('{ squidStatus { height } networkStats { workers { total } } payouts(limit: 1) { id } }')
            expect(d.squidStatus.height).toBe(dn.height)
            expect(d.payouts).toHaveLength(1)
        } finally {
            await gql.stop()
        }
        await asRole(apiUrl.toString(), async c => {
            expect((await c.query('SELECT count(*)::int AS n FROM payout')).rows[0].n).toBeGreaterThan(0)
            // read only by default, and without the privilege even when a transaction asks for writing
            await expect(c.query('DELETE FROM payout')).rejects.toThrow(/read-only transaction/)
            await c.query('BEGIN READ WRITE')
            await expect(c.query('DELETE FROM payout')).rejects.toThrow(/permission denied/)
            await c.query('ROLLBACK')
            await expect(c.query('CREATE TABLE x (id int)')).rejects.toThrow(/read-only transaction/)
        })
    }, 300_000)
})
