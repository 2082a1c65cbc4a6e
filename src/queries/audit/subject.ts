/** The audit's subject (worker, pool or account) and the predicates and parameters every audit query shares. */
import {InputError} from '../address'
import {Granularity, Subject, TimeRange} from '../params'
import {one, Query, toDate} from '../sql'

export interface AuditArgs {
    subject: Subject
    range: TimeRange
    granularity: Granularity
    includeDropped: boolean
    /** account: the pids it owns (from subjectInfo); the range queries then filter `pool_id = ANY(pids)` */
    pools?: string[]
    /** the open hour / day buckets of NetworkState (ms), when subjectInfo read them: saves a round trip */
    openBuckets?: OpenBuckets
}

export interface OpenBuckets {
    hour: number | null
    day: number | null
}

/** SQL predicate on payout alias `p` selecting the subject's payouts; $1 is the subject id */
export function payoutSubjectSql(kind: Subject['kind'], alias = 'p'): string {
    switch (kind) {
        case 'worker':
            return `${alias}.worker_id = $1`
        case 'pool':
            return `${alias}.pool_id = $1`
        case 'account':
            return `${alias}.pool_id IN (SELECT id FROM base_pool WHERE owner_id = $1)`
    }
}

/**
 * The subject predicate of the range queries: for an account with its pools known, `pool_id = ANY($1)`
 * (planned in a fraction of the time of the sub-select, and it lets each pool's index range be read
 * directly); $1 is then the pid array, else the subject id.
 */
export function subjectSql(a: AuditArgs, alias = 'p'): string {
    return a.subject.kind === 'account' && a.pools ? `${alias}.pool_id = ANY($1::text[])` : payoutSubjectSql(a.subject.kind, alias)
}

export function subjectValue(a: AuditArgs): unknown {
    return a.subject.kind === 'account' && a.pools ? a.pools : a.subject.id
}

export interface SubjectInfo {
    kind: Subject['kind']
    id: string
    /** account: pids of the pools it owns; pool: its own pid; worker: the pool it is in now (if any) */
    pools: string[]
    known: boolean
    /** pool / account: NetworkState's open hour and day buckets, read in the same statement */
    openBuckets?: OpenBuckets
}

const OPEN_BUCKETS_SQL = `(SELECT hour_bucket_start FROM network_state WHERE id = 'network') AS hour_bucket_start,
                          (SELECT day_bucket_start FROM network_state WHERE id = 'network') AS day_bucket_start`

export function openBuckets(r: any): OpenBuckets {
    return {hour: toDate(r.hour_bucket_start)?.getTime() ?? null, day: toDate(r.day_bucket_start)?.getTime() ?? null}
}

/** the subject must be known to the indexer (one query) */
export async function subjectInfo(q: Query, s: Subject): Promise<SubjectInfo> {
    switch (s.kind) {
        case 'worker': {
            const r = await one(q, `SELECT id, pool_id FROM worker WHERE id = $1`, [s.id])
            if (!r) throw new InputError('worker', `no worker ${s.id} is known to the indexer`)
            return {kind: s.kind, id: s.id, pools: r.pool_id ? [r.pool_id] : [], known: true}
        }
        case 'pool': {
            const r = await one(q, `SELECT EXISTS (SELECT 1 FROM base_pool WHERE id = $1) AS known, ${OPEN_BUCKETS_SQL}`, [s.id])
            if (!r.known) throw new InputError('pool', `no pool with pid ${s.id} is known to the indexer`)
            return {kind: s.kind, id: s.id, pools: [s.id], known: true, openBuckets: openBuckets(r)}
        }
        case 'account': {
            const r = await one(
                q,
                `SELECT EXISTS (SELECT 1 FROM account WHERE id = $1) AS known,
                        coalesce((SELECT array_agg(id ORDER BY pid) FROM base_pool WHERE owner_id = $1), '{}') AS pools,
                        ${OPEN_BUCKETS_SQL}`,
                [s.id]
            )
            if (!r.known && r.pools.length === 0) throw new InputError('account', `account ${s.id} has no pools, delegations or rewards known to the indexer`)
            return {kind: s.kind, id: s.id, pools: r.pools, known: true, openBuckets: openBuckets(r)}
        }
    }
}

/** $1 subject (see subjectValue), $2 from, $3 to */
export function rangeParams(a: AuditArgs): unknown[] {
    return [subjectValue(a), a.range.from.toISOString(), a.range.to.toISOString()]
}

export const droppedSql = (a: AuditArgs, alias = 'p') => (a.includeDropped ? 'TRUE' : `NOT ${alias}.dropped`)
