/**
 * Applies the schema migrations in db/migrations, quietly: one line naming what was applied (the SDK's own
 * `squid-typeorm-migration apply` echoes every SQL statement). All pending migrations run in one
 * transaction, so a failure leaves the schema as it was.
 *
 * `npm run migration:apply` runs this file; `npm start` calls applyMigrations. With API_DB_PASSWORD set it then
 * applies db/api-role.sql and gives the read-only role that password (src/db/api-role.ts).
 */
import * as path from 'path'
import {DataSource} from 'typeorm'
import {ConfigError, loadApiRolePassword, loadDbConfig} from '../config'
import {API_ROLE, applyApiRole} from './api-role'
import {describeDatabase, PROJECT_ROOT, resolveDatabase} from './connection'
import {describeDbError} from './errors'

export interface MigrationResult {
    /** names of the migrations applied now, oldest first */
    applied: string[]
    /** migrations that were already in the database */
    alreadyApplied: number
}

export async function applyMigrations(url: string): Promise<MigrationResult> {
    const ds = new DataSource({
        type: 'postgres',
        url,
        migrations: [path.join(PROJECT_ROOT, 'db/migrations/*.js')],
        migrationsTableName: 'migrations',
        logging: false,
    })
    await ds.initialize()
    try {
        const before = await ds.query(
            `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'migrations'`
        )
        const alreadyApplied = before[0].n > 0 ? (await ds.query('SELECT count(*)::int AS n FROM migrations'))[0].n : 0
        const ran = await ds.runMigrations({transaction: 'all'})
        return {applied: ran.map(m => m.name), alreadyApplied}
    } finally {
        await ds.destroy().catch(() => undefined)
    }
}

export function describeMigrations(r: MigrationResult): string {
    if (r.applied.length === 0) return `database schema up to date (${r.alreadyApplied} migrations applied before)`
    return `applied ${r.applied.length} migration${r.applied.length === 1 ? '' : 's'}: ${r.applied.join(', ')}`
}

async function main() {
    let db
    let apiPassword: string | undefined
    try {
        apiPassword = loadApiRolePassword()
        db = resolveDatabase(loadDbConfig())
    } catch (e) {
        if (e instanceof ConfigError) {
            process.stderr.write(`migrations: ${e.message}\n`)
            process.exit(2)
        }
        throw e
    }
    process.stderr.write(`[migrate] database ${describeDatabase(db)}\n`)
    try {
        process.stderr.write(`[migrate] ${describeMigrations(await applyMigrations(db.url))}\n`)
        if (apiPassword !== undefined) {
            await applyApiRole(db.url, apiPassword)
            process.stderr.write(`[migrate] read-only role ${API_ROLE} ready (db/api-role.sql, password from API_DB_PASSWORD)\n`)
        }
    } catch (e: any) {
        process.stderr.write(`migrations: ${describeDbError(e, db.url) ?? `failed: ${e?.message ?? e}`}\n`)
        process.exit(1)
    }
}

if (require.main === module) void main()
