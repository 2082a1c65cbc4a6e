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
const EVERY_ROW = `WITH ev AS (
        SELECT session_id, timestamp, pool_id FROM worker_state_change WHERE worker_id = $1
        UNION ALL
        SELECT session_id, timestamp, pool_id FROM payout WHERE worker_id = $1
    ), agg AS (
        SELECT session_id, min(timestamp) AS first_seen, max(timestamp) AS last_seen,
               (array_agg(pool_id ORDER BY timestamp DESC) FILTER (WHERE pool_id IS NOT NULL))[1] AS pool_id
        FROM ev GROUP BY session_id
    ), inr AS (
        SELECT session_id, sum(amount) AS amount, count(*)::int AS n
        FROM payout WHERE worker_id = $1 AND timestamp >= $2 AND timestamp < $3 AND NOT dropped GROUP BY session_id
    )
    SELECT agg.session_id, agg.first_seen, agg.last_seen, coalesce(s.pool_id, agg.pool_id) AS pool_id,
           coalesce(inr.amount, 0)::text AS in_amount, coalesce(inr.n, 0) AS in_n
    FROM agg LEFT JOIN session s ON s.id = agg.session_id LEFT JOIN inr ON inr.session_id = agg.session_id
    ORDER BY agg.first_seen, agg.session_id`

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
