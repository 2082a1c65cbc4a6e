/**
 * Settings of the benchmarks (bench/), read here like every other setting:
 *
 *   BENCH_DB_URL          an already indexed database for the API bench (it skips indexing)
 *   BENCH_LEDGER_SQL      SQL run on the ledger bench's database after each run (diagnostics)
 *   BASELINE_PROJECT_DIR  the folder of the baseline processor's TypeORM model (set by the ledger bench)
 *   GQL_DB_CONNECTION_POOL_SIZE  reported with the API bench's results (the GraphQL server reads it itself)
 */
import {Env, nonEmpty} from './index'

export interface BenchSettings {
    benchDbUrl: string | undefined
    ledgerSql: string | undefined
    baselineProjectDir: string | undefined
    gqlDbPoolSize: string | undefined
}

export function loadBenchSettings(env: Env = process.env): BenchSettings {
    return {
        benchDbUrl: nonEmpty(env, 'BENCH_DB_URL'),
        ledgerSql: nonEmpty(env, 'BENCH_LEDGER_SQL'),
        baselineProjectDir: nonEmpty(env, 'BASELINE_PROJECT_DIR'),
        gqlDbPoolSize: nonEmpty(env, 'GQL_DB_CONNECTION_POOL_SIZE'),
    }
}
