/**
 * Jest global setup: every test gets a real PostgreSQL server.
 * - DB_URL (or DB_HOST/DB_PORT/DB_USER/DB_PASS) set: that server is used.
 * - nothing set: the embedded PostgreSQL is started under .data/test-postgres and stopped afterwards.
 * Tests create their own databases on it through test/helpers/db.ts.
 */
import * as path from 'path'
import {startEmbeddedPostgres} from '../../src/db/embedded'

export default async function globalSetup() {
    const env = process.env
    if (env.DB_URL) {
        env.TEST_PG_SERVER = env.DB_URL
    } else if (env.DB_HOST) {
        const user = encodeURIComponent(env.DB_USER ?? 'postgres')
        const pass = env.DB_PASS ? ':' + encodeURIComponent(env.DB_PASS) : ''
        env.TEST_PG_SERVER = `postgres://${user}${pass}@${env.DB_HOST}:${env.DB_PORT ?? 5432}/${env.DB_NAME ?? 'postgres'}`
    } else {
        const root = path.resolve(__dirname, '../../..')
        const pg = await startEmbeddedPostgres({
            dataDir: path.join(root, '.data/test-postgres'),
            port: Number(env.TEST_EMBEDDED_PG_PORT ?? 54330),
            database: 'postgres',
        })
        env.TEST_PG_SERVER = pg.url
        ;(globalThis as any).__EMBEDDED_PG__ = pg
        console.log(`\n[test] using embedded PostgreSQL at ${pg.url}`)
    }
}
