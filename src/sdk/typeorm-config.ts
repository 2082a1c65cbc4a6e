/**
 * Private internals of @subsquid/typeorm-config: lib/connectionOptions (createConnectionOptions) and lib/pg
 * (toPgClientConfig), to check before start the very connection graphql-server will open. Not public API.
 */
import {ClientConfig} from 'pg'

/**
 * The connection graphql-server itself will open (@subsquid/typeorm-config: DB_URL, or DB_HOST, DB_PORT,
 * DB_NAME, DB_USER, DB_PASS, DB_SSL…), and a URL naming it for messages.
 */
export function graphqlServerDbConfig(): {config: ClientConfig; url: string} {
    const {createConnectionOptions} = require('@subsquid/typeorm-config/lib/connectionOptions')
    const {toPgClientConfig} = require('@subsquid/typeorm-config/lib/pg')
    const con = createConnectionOptions()
    const config: ClientConfig = toPgClientConfig(con)
    const url: string =
        con.url ??
        `postgres://${encodeURIComponent(con.username ?? 'postgres')}@${con.host ?? 'localhost'}:${con.port ?? 5432}/${encodeURIComponent(con.database ?? 'postgres')}`
    return {config, url}
}
