/**
 * A database whose payouts CSV for one pool is larger than loopback's socket buffers, so that a reader that
 * stops reading really does stall the server's writes (on `small` the largest pool's file, ~2 MB, fits in
 * the kernel's send and receive buffers, and the export completes into them without ever waiting).
 *
 * It is built from an indexed database and never changes it: the busiest pool's `base_pool` row and its
 * payout rows are copied into `target` (a migrated, empty database), the payouts as many times as it takes
 * to reach `minRows` (80,000 rows make a CSV of ~39 MB, more than loopback's largest send (4 MB) and
 * receive (32 MB) buffers together), copy k
 * moved by k × 30 days and k × 1,000,000 blocks with `-k<k>` appended to its id, so ids stay unique and the
 * export's keyset (timestamp, block, event) stays strictly ordered. Nothing else is copied: the export of a
 * pool reads `base_pool` (does the pool exist) and `payout` only.
 */
import {Client} from 'pg'
import {withClient} from './indexed'

export interface BigExport {
    pool: string
    /** payout rows of the pool in the target (copies × the source pool's) */
    rows: number
    copies: number
}

export async function bigPayoutExport(sourceUrl: string, targetUrl: string, minRows = 80_000): Promise<BigExport> {
    const {pool, poolRow, payouts, copies} = await withClient(sourceUrl, async c => {
        const top = await c.query(`SELECT pool_id FROM payout GROUP BY pool_id ORDER BY count(*) DESC, pool_id LIMIT 1`)
        if (top.rows.length === 0) throw new Error('bigPayoutExport: the source database has no payouts')
        const pool: string = top.rows[0].pool_id
        const poolRow = (await c.query(`SELECT row_to_json(b)::text AS j FROM base_pool b WHERE id = $1`, [pool])).rows[0]?.j
        if (poolRow == null) throw new Error(`bigPayoutExport: pool ${pool} has payouts but no base_pool row`)
        const r = await c.query(`SELECT count(*)::int AS n, coalesce(json_agg(p), '[]')::text AS j FROM payout p WHERE pool_id = $1`, [pool])
        return {pool, poolRow: poolRow as string, payouts: r.rows[0].j as string, copies: Math.ceil(minRows / r.rows[0].n)}
    })
    const c = new Client({connectionString: targetUrl})
    await c.connect()
    try {
        await c.query('BEGIN')
        await c.query(`INSERT INTO base_pool SELECT * FROM json_populate_record(NULL::base_pool, $1::json)`, [poolRow])
        await c.query(`CREATE TEMP TABLE src_payout ON COMMIT DROP AS SELECT * FROM json_populate_recordset(NULL::payout, $1::json)`, [payouts])
        const cols: string[] = (
            await c.query(
                `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'payout' ORDER BY ordinal_position`
            )
        ).rows.map(r => r.column_name)
        const moved: Record<string, string> = {
            id: `s.id || '-k' || k`,
            block_height: `s.block_height + k * 1000000`,
            timestamp: `s.timestamp + k * interval '30 days'`,
        }
        const select = cols.map(col => moved[col] ?? `s."${col}"`).join(', ')
        const r = await c.query(
            `INSERT INTO payout (${cols.map(col => `"${col}"`).join(', ')}) SELECT ${select} FROM src_payout s CROSS JOIN generate_series(0, $1::int - 1) k`,
            [copies]
        )
        await c.query('COMMIT')
        await c.query('ANALYZE payout')
        return {pool, rows: r.rowCount ?? 0, copies}
    } catch (e) {
        await c.query('ROLLBACK').catch(() => {})
        throw e
    } finally {
        await c.end()
    }
}
