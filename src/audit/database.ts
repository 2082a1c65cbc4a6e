/**
 * The index side of the audit: the same figures as chain.ts reads, from the database, **as of the audited
 * block**.
 *
 * "As of block N" means: the processor has applied every block up to N and none after it. The tables hold
 * current state only (sessions, pools and delegations are overwritten in place), so a past state cannot be
 * rebuilt from them; the audit therefore requires the database's indexed height to be exactly N:
 *   - `"squid_processor".status.height` (the last finalized block written) equals N, and
 *   - no unfinalized ("hot") block above N has been applied (`"squid_processor".hot_block`),
 * and the block hash the processor recorded for N equals the node's (the database indexes this chain).
 * To audit block N, index a database to N with TO_BLOCK=N (a database below N continues from where it is).
 */
import type {Client} from 'pg'

export interface IndexSession {
    state: string
    veBits: bigint
    vBits: bigint
    stake: bigint
}

export interface IndexPool {
    kind: string
    shares: bigint
    value: bigint
    free: bigint
    workers: string[]
}

export interface IndexStaker {
    shares: bigint
    withdrawing: bigint
    /** v1 stakers' reward book (src/domain/ledger/v1-stakers.ts), compared in the v1 era */
    availableRewards?: bigint
    rewardDebt?: bigint
}

export interface IndexSnapshot {
    height: number
    hash: string
    sessions: Map<string, IndexSession>
    pools: Map<string, IndexPool>
    stakers: Map<string, IndexStaker>
    network: {subsidyPoolIn: bigint; subsidyPoolOut: bigint; emittedTreasury: bigint} | null
}

/** the database is not at the audited block (or not an index at all) */
export class IndexHeightError extends Error {}

export interface IndexedHeight {
    height: number
    hash: string
}

/** the block the database is indexed to: the highest of the finalized status and any hot block */
export async function indexedHeight(c: Client): Promise<IndexedHeight | null> {
    let status: {height: number; hash: string} | undefined
    try {
        status = (await c.query(`SELECT height, hash FROM "squid_processor".status WHERE id = 0`)).rows[0]
    } catch (e: any) {
        if (e?.code === '42P01') return null // no status table: nothing indexed yet
        throw e
    }
    if (!status) return null
    let hot: {height: number; hash: string} | undefined
    try {
        hot = (await c.query(`SELECT height, hash FROM "squid_processor".hot_block ORDER BY height DESC LIMIT 1`)).rows[0]
    } catch (e: any) {
        if (e?.code !== '42P01') throw e
    }
    return hot && hot.height > status.height ? {height: hot.height, hash: hot.hash} : {height: status.height, hash: status.hash}
}

export function heightMismatch(at: number, indexed: IndexedHeight | null): string {
    const how = `index it to ${at} with TO_BLOCK=${at} (node lib/src/main.js, or npm run process)`
    if (indexed == null) return `the database has indexed nothing yet: ${how}, then run the audit again`
    if (indexed.height < at) return `the database is indexed to block ${indexed.height}, not ${at}: ${how}; it continues from ${indexed.height}`
    return `the database is indexed to block ${indexed.height}, past ${at}: its tables hold the state of ${indexed.height} only; audit --at ${indexed.height}, or ${how} into a fresh database`
}

const big = (x: string | null): bigint => (x == null ? 0n : BigInt(x))

/** the index's figures; throws IndexHeightError unless the database is exactly at `at` */
export async function readIndex(c: Client, at: number): Promise<IndexSnapshot> {
    const indexed = await indexedHeight(c)
    if (indexed == null || indexed.height !== at) throw new IndexHeightError(heightMismatch(at, indexed))
    // one snapshot of all tables, even if a processor is writing
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    try {
        const again = await indexedHeight(c)
        if (again == null || again.height !== at) throw new IndexHeightError(heightMismatch(at, again))
        const snap: IndexSnapshot = {height: at, hash: again.hash, sessions: new Map(), pools: new Map(), stakers: new Map(), network: null}
        for (const r of (await c.query(`SELECT id, state, ve::text AS ve, v::text AS v, stake::text AS stake FROM session`)).rows) {
            snap.sessions.set(r.id, {state: r.state, veBits: big(r.ve), vBits: big(r.v), stake: big(r.stake)})
        }
        const workers = new Map<string, string[]>()
        for (const r of (await c.query(`SELECT id, pool_id FROM worker WHERE pool_id IS NOT NULL ORDER BY id`)).rows) {
            const l = workers.get(r.pool_id) ?? []
            l.push(r.id)
            workers.set(r.pool_id, l)
        }
        const pools = await c.query(`SELECT id, kind, total_shares::text AS shares, total_value::text AS value, free_value::text AS free FROM base_pool`)
        for (const r of pools.rows) {
            snap.pools.set(r.id, {kind: r.kind, shares: big(r.shares), value: big(r.value), free: big(r.free), workers: workers.get(r.id) ?? []})
        }
        const dl = await c.query(`SELECT id, shares::text AS shares, withdrawing_shares::text AS w FROM delegation`)
        for (const r of dl.rows) {
            const withdrawing = big(r.w)
            snap.stakers.set(r.id, {shares: big(r.shares) + withdrawing, withdrawing})
        }
        // the v1 reward book (compared only when the chain is in the v1 era, src/audit/compare.ts)
        const v1 = await c.query(`SELECT id, available_rewards::text AS a, reward_debt::text AS d FROM v1_staker`)
        for (const r of v1.rows) {
            const st = snap.stakers.get(r.id) ?? {shares: 0n, withdrawing: 0n}
            st.availableRewards = big(r.a)
            st.rewardDebt = big(r.d)
            snap.stakers.set(r.id, st)
        }
        const n = (
            await c.query(`SELECT subsidy_pool_in::text AS i, subsidy_pool_out::text AS o, emitted_treasury::text AS t FROM network_state ORDER BY id LIMIT 1`)
        ).rows[0]
        if (n) snap.network = {subsidyPoolIn: big(n.i), subsidyPoolOut: big(n.o), emittedTreasury: big(n.t)}
        return snap
    } finally {
        await c.query('ROLLBACK')
    }
}
