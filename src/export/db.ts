/**
 * Database of the export (the same settings as the rest of the project, src/db/connection.ts): DB_URL, or
 * DB_HOST, DB_PORT (5432), DB_NAME (squid), DB_USER (postgres), DB_PASS; with none of them, the embedded
 * PostgreSQL of a running `npm start`. Throws a ConfigError naming DB_URL when there is none.
 */
import {loadDbConfig} from '../config'
import {resolveDatabase} from '../db/connection'

export function dbUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
    return resolveDatabase(loadDbConfig(env)).url
}
