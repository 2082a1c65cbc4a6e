/**
 * Applies db/api-role.sql (the read-only role `squid_api` of the GraphQL API and the CSV export) and sets the
 * role's password. `npm run migration:apply` does it after the migrations when API_DB_PASSWORD is set, which is
 * how docker-compose.yml gives its api and export services their own role.
 */
import * as fs from 'fs'
import * as path from 'path'
import {Client} from 'pg'
import {PROJECT_ROOT} from './connection'

export const API_ROLE = 'squid_api'

export async function applyApiRole(url: string, password: string): Promise<void> {
    const script = fs.readFileSync(path.join(PROJECT_ROOT, 'db/api-role.sql'), 'utf8')
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        await c.query(script)
        // ALTER ROLE takes no bind parameters: the server quotes the password as a literal
        const {rows} = await c.query(`SELECT format('ALTER ROLE ${API_ROLE} PASSWORD %L', $1::text) AS sql`, [password])
        await c.query(rows[0].sql)
    } finally {
        await c.end()
    }
}
