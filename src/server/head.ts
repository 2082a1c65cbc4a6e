/**
 * The chain head the GraphQL server's caches are keyed by (NetworkState height + hash), read over a
 * connection pool of its own: reading it through the request pool could wait for a connection held by
 * requests that themselves wait for the head. Shared by the analytics result cache (src/server/result-cache.ts, via
 * src/server-extension/resolvers/common.ts) and the HTTP response cache (src/server/response-cache.ts).
 */
import {Pool} from 'pg'
import {databaseUrl} from '../db/connection'
import {peerHeadsKey} from './peers'
import {pgQuery, Query} from '../queries/sql'

let headPool: Pool | null | undefined

/** SQL over the head pool (one connection), or null when no database is configured */
export function headQuery(): Query | null {
    if (headPool === undefined) {
        try {
            headPool = new Pool({connectionString: databaseUrl(), max: 1})
            headPool.on('error', () => {})
        } catch (e: any) {
            process.stderr.write(`[api] caches off: ${e?.message ?? e}\n`)
            headPool = null
        }
    }
    return headPool ? pgQuery(headPool) : null
}

/**
 * `height:hash` of the indexed head, `empty` before the first batch; with EMISSION_PEERS, followed by each
 * peer's head as last polled (src/server/peers.ts), so answers that depend on a peer follow it too
 */
export async function readHead(q: Query): Promise<string> {
    const rows = await q(`SELECT height, hash FROM network_state WHERE id = 'network'`)
    const local = rows.length ? `${rows[0].height}:${rows[0].hash}` : 'empty'
    const peers = peerHeadsKey()
    return peers ? `${local}|${peers}` : local
}
