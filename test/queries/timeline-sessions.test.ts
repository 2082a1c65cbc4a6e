/**
 * workerTimeline's sessions (src/queries/timeline.ts workerSessions) find each session's first and last event
 * from its state changes and one index probe for its last payout, instead of reading every payout the worker
 * ever had. On a database the real processor indexed from the devnet `small` scenario, for every worker and
 * several ranges, the answer equals that of the plain aggregation over all of the worker's ledger rows.
 */
import {indexedDatabase, IndexedDb, withClient} from '../helpers/indexed'
import {days} from '../helpers/truth'
import {workerSessions} from '../../src/queries/timeline'
import {pgQuery} from '../../src/queries/sql'

let db: IndexedDb

beforeAll(async () => {
    db = await indexedDatabase('small', {log: m => console.log(`[timeline-sessions test] ${m}`)})
}, 1_200_000)

/** the definition: every state change and payout of the worker, grouped by session */
const EVERY_ROW = `SELECT e.session_id, min(e.timestamp) AS first_seen, max(e.timestamp) AS last_seen,
           coalesce((SELECT s.pool_id FROM session s WHERE s.id = e.session_id),
                    (array_agg(e.pool_id ORDER BY e.timestamp DESC) FILTER (WHERE e.pool_id IS NOT NULL))[1]) AS pool_id,
           (SELECT coalesce(sum(p.amount), 0)::text FROM payout p
             WHERE p.worker_id = $1 AND p.session_id = e.session_id AND p.timestamp >= $2 AND p.timestamp < $3 AND NOT p.dropped) AS in_amount,
           (SELECT count(*)::int FROM payout p
             WHERE p.worker_id = $1 AND p.session_id = e.session_id AND p.timestamp >= $2 AND p.timestamp < $3 AND NOT p.dropped) AS in_n
    FROM (SELECT session_id, timestamp, pool_id FROM worker_state_change WHERE worker_id = $1
          UNION ALL
          SELECT session_id, timestamp, pool_id FROM payout WHERE worker_id = $1) e
    GROUP BY e.session_id
    ORDER BY first_seen, e.session_id`

test('every worker: sessions, first and last seen, pool and range sums equal the aggregation of every row', async () => {
    const ds = days(db.truth)
    const start = new Date(ds[0])
    const end = new Date(Date.parse(ds[ds.length - 1]) + 86_400_000)
    const mid = new Date(Date.parse(ds[1]) + 5 * 3_600_000)
    const ranges = [
        {from: start, to: end},
        {from: mid, to: end},
    ]
    await withClient(db.url, async c => {
        const q = pgQuery(c)
        const workers = (await c.query(`SELECT id FROM worker ORDER BY id`)).rows.map(r => r.id as string)
        expect(workers.length).toBeGreaterThan(10)
        let multi = 0
        for (const w of workers) {
            for (const range of ranges) {
                const got = await workerSessions(q, w, range)
                const want = (await c.query(EVERY_ROW, [w, range.from.toISOString(), range.to.toISOString()])).rows
                expect({w, sessions: got.map(s => [s.sessionId, s.firstSeen, s.lastSeen, s.poolId, String(s.payoutInRange), s.settleCountInRange])}).toEqual({
                    w,
                    sessions: want.map(r => [r.session_id, r.first_seen, r.last_seen, r.pool_id, r.in_amount, r.in_n]),
                })
                if (range.from === start && got.length > 1) multi++
            }
        }
        // some workers went through more than one session, so tenures that end are exercised
        expect(multi).toBeGreaterThan(0)
    })
})
