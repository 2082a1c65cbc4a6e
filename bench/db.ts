/**
 * The PostgreSQL server the benchmarks create their databases on: DB_URL (or DB_HOST …), else the embedded
 * PostgreSQL of a running `npm start`. With neither, the benchmark refuses (one line): it never uses a server
 * it was not pointed at.
 */
import {ConfigError, loadDbConfig} from '../src/config'
import {resolveDatabase} from '../src/db/connection'

/** the connection string of the server, or exit with one line saying what to set */
export function benchServerUrl(): string {
    try {
        return resolveDatabase(loadDbConfig()).url
    } catch (e) {
        if (e instanceof ConfigError) {
            process.stderr.write(`bench: ${e.message}\n`)
            process.exit(2)
        }
        throw e
    }
}
