/** The payout rows of the audit, one page at a time (also streamed by the CSV export). */
import {Subject} from '../params'
import {big} from '../pha'
import {Query, toDate} from '../sql'
import {AuditArgs, payoutSubjectSql, rangeParams} from './subject'

export interface AuditPayoutRow {
    id: string
    blockHeight: number
    timestamp: Date
    eventIndex: number
    sessionId: string
    workerId: string | null
    poolId: string | null
    vBits: bigint
    amount: bigint
    /** reward credited to the pool for this settle, and what left the subsidy pool for it at once (v2) */
    credited: bigint
    paidToPool: bigint
    treasury: bigint
    toOwner: bigint
    toStakers: bigint
    dismissed: bigint
    dropped: boolean
    rewardEventId: string | null
    treasuryEventId: string | null
    rewardTransferEventId: string | null
}

const PAYOUT_COLUMNS = `p.id, p.block_height, p.timestamp, p.event_index, p.session_id, p.worker_id, p.pool_id,
                   p.v_bits::text AS v_bits, p.amount::text AS amount, p.treasury::text AS treasury,
                   p.to_owner::text AS to_owner, p.to_stakers::text AS to_stakers, p.dismissed::text AS dismissed,
                   p.dropped, p.reward_event_id, p.treasury_event_id,
                   p.credited::text AS credited, p.paid_to_pool::text AS paid_to_pool, p.reward_transfer_event_id`

/** the columns and order the page and the CSV export share ($1 subject, $2 from, $3 to) */
export function payoutRowsSql(kind: Subject['kind'], includeDropped: boolean): string {
    return `SELECT ${PAYOUT_COLUMNS}
            FROM payout p
            WHERE ${payoutSubjectSql(kind)} AND p.timestamp >= $2 AND p.timestamp < $3 AND ${includeDropped ? 'TRUE' : 'NOT p.dropped'}
            ORDER BY p.timestamp, p.block_height, p.event_index`
}

/** where a page of payouts ends: the next page starts after this (timestamp, block_height, event_index) */
export interface PayoutCursor {
    timestamp: Date
    blockHeight: number
    eventIndex: number
}

/**
 * The next `limit` payout rows in the order of payoutRowsSql, after `after` (keyset: each page is an index
 * range, however deep). $1 subject — for an account, the pids of its pools (text[]): each pool's rows come
 * in index order (pool_id, timestamp, block_height, event_index) and are merged — $2 from, $3 to, then
 * $4 timestamp, $5 block_height, $6 event_index of `after` when given.
 */
export function payoutPageSql(kind: Subject['kind'], includeDropped: boolean, after: boolean, limit: number): string {
    const inc = includeDropped ? 'TRUE' : 'NOT p.dropped'
    const keyset = after ? 'AND (p.timestamp, p.block_height, p.event_index) > ($4::timestamptz, $5::int, $6::int)' : ''
    const ORDER = 'ORDER BY p.timestamp, p.block_height, p.event_index'
    if (kind !== 'account') {
        return `SELECT ${PAYOUT_COLUMNS} FROM payout p
                WHERE ${payoutSubjectSql(kind)} AND p.timestamp >= $2 AND p.timestamp < $3 AND ${inc} ${keyset}
                ${ORDER} LIMIT ${limit}`
    }
    return `SELECT x.* FROM unnest($1::text[]) o(id)
            CROSS JOIN LATERAL (
                SELECT ${PAYOUT_COLUMNS} FROM payout p
                WHERE p.pool_id = o.id AND p.timestamp >= $2 AND p.timestamp < $3 AND ${inc} ${keyset}
                ${ORDER} LIMIT ${limit}
            ) x
            ORDER BY x.timestamp, x.block_height, x.event_index LIMIT ${limit}`
}

export function mapPayoutRow(r: any): AuditPayoutRow {
    return {
        id: r.id,
        blockHeight: r.block_height,
        timestamp: toDate(r.timestamp)!,
        eventIndex: r.event_index,
        sessionId: r.session_id,
        workerId: r.worker_id,
        poolId: r.pool_id,
        vBits: big(r.v_bits),
        amount: big(r.amount),
        credited: big(r.credited),
        paidToPool: big(r.paid_to_pool),
        treasury: big(r.treasury),
        toOwner: big(r.to_owner),
        toStakers: big(r.to_stakers),
        dismissed: big(r.dismissed),
        dropped: r.dropped,
        rewardEventId: r.reward_event_id,
        treasuryEventId: r.treasury_event_id,
        rewardTransferEventId: r.reward_transfer_event_id,
    }
}

/**
 * One page in chain order. For an account, each owned pool's rows come in index order (pool_id,
 * timestamp) and only the first offset + limit of each are merged, instead of sorting every payout.
 */
export async function auditPage(q: Query, a: AuditArgs, limit: number, offset: number): Promise<AuditPayoutRow[]> {
    if (limit === 0) return []
    const ORDER = 'timestamp, block_height, event_index'
    const inc = a.includeDropped ? 'TRUE' : 'NOT p.dropped'
    const sql =
        a.subject.kind === 'account'
            ? `SELECT x.* FROM (${a.pools ? 'SELECT unnest($1::text[]) AS id' : 'SELECT id FROM base_pool WHERE owner_id = $1'}) o
               CROSS JOIN LATERAL (
                   SELECT ${PAYOUT_COLUMNS} FROM payout p
                   WHERE p.pool_id = o.id AND p.timestamp >= $2 AND p.timestamp < $3 AND ${inc}
                   ORDER BY p.${ORDER.replace(/, /g, ', p.')} LIMIT ${limit + offset}
               ) x
               ORDER BY x.${ORDER.replace(/, /g, ', x.')} LIMIT ${limit} OFFSET ${offset}`
            : `${payoutRowsSql(a.subject.kind, a.includeDropped)} LIMIT ${limit} OFFSET ${offset}`
    const rows = await q(sql, rangeParams(a))
    return rows.map(mapPayoutRow)
}
