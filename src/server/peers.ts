/**
 * Emission across chains. The 700,000,000 PHA computation allocation is shared by Khala and Phala, but one
 * squid database indexes one chain (CHAIN). EMISSION_PEERS names the databases of other squid instances
 * (same schema) whose emission the GraphQL server reads, read-only, to answer `emission` for those chains
 * and for all of them together:
 *
 *     EMISSION_PEERS=phala=postgres://reader@phala-db:5432/squid,khala=postgres://reader@khala-db:5432/squid
 *
 * - Each peer is `chain=url`; chain is one of khala, phala, devnet, neither this server's CHAIN nor another
 *   peer's; url is a postgres:// URL (a comma inside it must be percent-encoded) that is not this server's
 *   own database. A bad value stops the server at start with a message naming EMISSION_PEERS.
 * - A peer is read over a small connection pool of its own, in READ ONLY transactions (repeatable read, so
 *   one answer comes from one snapshot), with the server's SQL statement timeout and a connect timeout.
 * - A peer that cannot be read is a GraphQL error naming the chain (`extensions.code = "PEER_UNAVAILABLE"`,
 *   `extensions.chain`); the details (host, driver message) go to the server log only. No total is ever
 *   given without every chain in it.
 * - The caches (src/server/result-cache.ts, src/server/response-cache.ts) are keyed by the chain head; with peers, the
 *   head also carries each peer's head, re-read in the background every GQL_CACHE_HEAD_MS (at least
 *   200 ms), so an answer that depends on a peer is never served after that peer moved.
 */
import {Pool, PoolClient} from 'pg'
import {dbIdentity, PEERS_SETTING, PeerConfig, serverSettings} from '../config/server'
import {ApiError, isInputError} from './errors'
import {pgQuery, Query} from '../queries/sql'

export {CHAIN_NAMES, dbIdentity, localChain, parseEmissionPeers, PEERS_SETTING} from '../config/server'
export type {KnownChain, PeerConfig} from '../config/server'

/** connect timeout of a peer database, ms */
export const PEER_CONNECT_TIMEOUT_MS = 5_000

// ------------------------------------------------------------------ peer access

/** a peer database could not be read: the user sees the chain and a short reason, the log the details */
export class PeerUnavailableError extends ApiError {
    constructor(
        readonly chain: string,
        readonly reason: string,
        suffix = ''
    ) {
        super(`chain ${chain}: its database (${PEERS_SETTING}) cannot be read: ${reason}${suffix}`, 'PEER_UNAVAILABLE')
        ;(this.extensions as Record<string, string>).chain = chain
    }

    /** the same error, for a combined figure */
    forCombined(): PeerUnavailableError {
        return new PeerUnavailableError(this.chain, this.reason, '; no combined figures without it')
    }
}

/** a short, safe description of why a peer could not be read */
export function peerFailureReason(e: any): string {
    const code = String(e?.code ?? '')
    const msg = String(e?.message ?? '')
    if (code === 'ECONNREFUSED') return 'connection refused'
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found'
    if (code === 'ETIMEDOUT' || /timeout expired|connection timeout/i.test(msg)) return 'connection timed out'
    if (code === 'ECONNRESET' || code === 'EPIPE' || /Connection terminated/i.test(msg)) return 'connection lost'
    if (code === '28P01' || code === '28000') return 'authentication failed'
    if (code === '3D000') return 'no such database'
    if (code === '42P01' || code === '42703') return 'not a squid database of this schema (a table or column is missing)'
    if (code === '57014') return 'its query ran longer than GQL_SQL_TIMEOUT_MS'
    if (code.startsWith('57P') || code === '53300') return 'the server is not accepting queries'
    return 'unexpected error (logged on the server)'
}

export class Peer {
    private pool: Pool | undefined
    /** the peer's head as last polled: `height:hash`, `empty`, `down`, or `pending` before the first read */
    head = 'pending'

    constructor(
        readonly chain: string,
        readonly url: string,
        /** the server's SQL statement timeout (GQL_SQL_TIMEOUT_MS), default 15 s */
        private readonly opts: {sqlTimeoutMs?: number},
        private readonly log: (msg: string) => void
    ) {}

    private getPool(): Pool {
        if (!this.pool) {
            this.pool = new Pool({
                connectionString: this.url,
                max: 2,
                connectionTimeoutMillis: PEER_CONNECT_TIMEOUT_MS,
                idleTimeoutMillis: 30_000,
                statement_timeout: this.opts.sqlTimeoutMs ?? 15_000,
                application_name: 'phala-squid-emission-peer',
                // read-only for the whole session, whatever a statement says
                options: '-c default_transaction_read_only=on',
            })
            this.pool.on('error', () => {}) // an idle connection dropped: the next checkout opens another one
        }
        return this.pool
    }

    /**
     * `f` over one READ ONLY, REPEATABLE READ transaction on the peer. Failures to reach or read the peer
     * become a PeerUnavailableError; argument errors pass through; "nothing is indexed yet" names the peer.
     */
    async read<T>(f: (q: Query) => Promise<T>): Promise<T> {
        let client: PoolClient | undefined
        try {
            client = await this.getPool().connect()
            await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
            const r = await f(pgQuery(client))
            await client.query('COMMIT')
            client.release()
            client = undefined
            return r
        } catch (e: any) {
            if (client) {
                // a broken or aborted connection is not returned to the pool
                client.release(e instanceof Error ? e : true)
                client = undefined
            }
            if (isInputError(e)) {
                if ((e as any).field === 'emission') throw new PeerUnavailableError(this.chain, 'nothing is indexed there yet')
                throw e
            }
            if (e instanceof ApiError) throw e
            this.log(`[api] peer ${this.chain} (${dbIdentity(this.url)}): ${e?.code ? e.code + ' ' : ''}${e?.message ?? e}`)
            throw new PeerUnavailableError(this.chain, peerFailureReason(e))
        }
    }

    /** re-read the head (never throws) */
    async pollHead(): Promise<string> {
        try {
            const r = await this.getPool().query(`SELECT height, hash FROM network_state WHERE id = 'network'`)
            this.head = r.rows.length ? `${r.rows[0].height}:${r.rows[0].hash}` : 'empty'
        } catch {
            this.head = 'down'
        }
        return this.head
    }

    async close(): Promise<void> {
        const p = this.pool
        this.pool = undefined
        await p?.end()
    }
}

/** the local chain and its peers (src/config/server.ts) */
export class ChainNetwork {
    readonly local: string
    readonly peers: Peer[]
    private readonly pollMs: number
    private timer: NodeJS.Timeout | undefined
    private polling = false

    constructor(
        s: {chain: string; emissionPeers: PeerConfig[]; cacheHeadMs: number; sqlTimeoutMs: number},
        log: (msg: string) => void = m => process.stderr.write(m + '\n')
    ) {
        this.local = s.chain
        this.peers = s.emissionPeers.map(p => new Peer(p.chain, p.url, {sqlTimeoutMs: s.sqlTimeoutMs}, log))
        // the peers' heads are polled every GQL_CACHE_HEAD_MS, at least 200 ms
        this.pollMs = Math.max(200, s.cacheHeadMs)
    }

    /** every chain this server answers for: the local one first, then the peers in configuration order */
    get known(): string[] {
        return [this.local, ...this.peers.map(p => p.chain)]
    }

    peer(chain: string): Peer | undefined {
        return this.peers.find(p => p.chain === chain)
    }

    /**
     * The peers' part of the cache key: `chain=head` of every peer as last polled ('' without peers). The
     * first call starts the background polling.
     */
    headsKey(): string {
        if (this.peers.length === 0) return ''
        if (!this.polling) this.startPolling()
        return this.peers.map(p => `${p.chain}=${p.head}`).join('|')
    }

    private startPolling(): void {
        this.polling = true
        const tick = async () => {
            await Promise.all(this.peers.map(p => p.pollHead()))
            if (this.polling) {
                this.timer = setTimeout(tick, this.pollMs)
                this.timer.unref()
            }
        }
        void tick()
    }

    async close(): Promise<void> {
        this.polling = false
        if (this.timer) clearTimeout(this.timer)
        await Promise.all(this.peers.map(p => p.close()))
    }
}

let network: ChainNetwork | undefined

/** the server's chain network (EMISSION_PEERS read once); throws the ConfigError of a bad setting */
export function chainNetwork(): ChainNetwork {
    if (network == null) {
        const s = serverSettings()
        network = new ChainNetwork({...s, sqlTimeoutMs: s.limits.sqlStatementTimeoutMs})
    }
    return network
}

/** the peers' part of the chain head (src/server/head.ts): '' when no peers are configured or the setting is bad */
export function peerHeadsKey(): string {
    let n: ChainNetwork
    try {
        n = chainNetwork()
    } catch {
        return ''
    }
    return n.headsKey()
}
