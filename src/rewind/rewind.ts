/**
 * Rolling the index back to an earlier block: every table as a clean index up to that block holds it.
 *
 * The undo records (src/rewind/record.ts) describe the handler calls of the last REWIND_WINDOW blocks, each
 * from the database's head before it to its last block. Rewinding to block T undoes the calls that ended
 * above T, newest first, each write in reverse order (delete the ids written, put the previous rows back),
 * and lands on the head before the oldest of them: T itself, or the nearest call boundary below T (a call
 * covers many blocks during a catch-up); the processor then indexes again from there. Hot blocks above the
 * landing point are dropped with their change log (their rows were undone with the rest), and the
 * processor's status is set to the landing point.
 *
 * The records must reach from the database's current head down to T without a gap; otherwise nothing is
 * changed and a RewindError says how far back they reach and what to do instead.
 */
import {REWIND_BATCH, REWIND_LOG, REWIND_SCHEMA} from './record'

export type Query = (sql: string, params?: unknown[]) => Promise<any[]>

export class RewindError extends Error {
    constructor(message: string) {
        super(message)
        this.name = 'RewindError'
    }
}

export interface Head {
    height: number
    hash: string
}

/** the database's head: the top hot block if there are any, else the processor's status */
export async function databaseHead(q: Query): Promise<Head & {final: Head}> {
    // before the processor's first run the SDK's tables do not exist yet
    const exists = await q(`SELECT to_regclass('${REWIND_SCHEMA}.hot_block') IS NOT NULL AS ok`)
    const s = exists[0].ok ? await q(`SELECT height, hash FROM ${REWIND_SCHEMA}.status WHERE id = 0`) : []
    if (s.length === 0) return {height: -1, hash: '0x', final: {height: -1, hash: '0x'}}
    const final = {height: Number(s[0].height), hash: String(s[0].hash)}
    const hot = await q(`SELECT height, hash FROM ${REWIND_SCHEMA}.hot_block ORDER BY height DESC LIMIT 1`)
    if (hot.length === 0) return {...final, final}
    return {height: Number(hot[0].height), hash: String(hot[0].hash), final}
}

interface BatchRow {
    start: number
    end: number
    endHash: string
    baseHash: string
}

async function batchesAbove(q: Query, target: number): Promise<BatchRow[]> {
    const rows = await q(
        `SELECT start_height AS start, end_height AS "end", end_hash AS "endHash", base_hash AS "baseHash" FROM ${REWIND_BATCH} WHERE end_height > $1 ORDER BY start_height DESC`,
        [target]
    )
    return rows.map(r => ({start: Number(r.start), end: Number(r.end), endHash: String(r.endHash), baseHash: String(r.baseHash)}))
}

/** the oldest block the records can rewind to (undefined: none) */
export async function oldestRewindTarget(q: Query, head?: Head): Promise<number | undefined> {
    const h = head ?? (await databaseHead(q))
    const all = await batchesAbove(q, -2)
    let expect = h
    let oldest: number | undefined
    for (const b of all) {
        if (b.end !== expect.height || b.endHash !== expect.hash) break
        oldest = b.start - 1
        expect = {height: b.start - 1, hash: b.baseHash}
    }
    return oldest
}

export interface RewindResult {
    /** the head before */
    from: Head
    /** the head after: at or below the target */
    to: Head
    /** handler calls undone */
    calls: number
    /** rows deleted or put back */
    rows: number
}

/**
 * Rewind to `target` inside the caller's transaction (run it in one: a failure must leave nothing half
 * undone). `window` is only quoted in messages.
 */
export async function rewindTo(q: Query, target: number, window?: number): Promise<RewindResult> {
    if (!Number.isSafeInteger(target) || target < -1) throw new RewindError(`cannot rewind to ${target}: not a block number`)
    const head = await databaseHead(q)
    const from: Head = {height: head.height, hash: head.hash}
    if (target >= head.height) return {from, to: from, calls: 0, rows: 0}
    const batches = await batchesAbove(q, target)
    // the records must chain from the head down to a call that starts at or below target + 1
    let expect: Head = from
    const undo: BatchRow[] = []
    for (const b of batches) {
        if (b.end !== expect.height || b.endHash !== expect.hash) break
        undo.push(b)
        expect = {height: b.start - 1, hash: b.baseHash}
        if (expect.height <= target) break
    }
    if (expect.height > target) {
        const oldest = await oldestRewindTarget(q, from)
        const reach =
            oldest == null
                ? `there are no undo records for the database's head #${from.height}`
                : `the undo records reach back to #${oldest} only (REWIND_WINDOW${window != null ? `=${window}` : ''} blocks behind the head when they were written)`
        throw new RewindError(
            `cannot rewind to #${target}: ${reach}; re-index instead: empty the database (or index into a new one) and start the processor` +
                ` again, with FROM_BLOCK unchanged`
        )
    }
    let rows = 0
    for (const b of undo) {
        // the rows as PostgreSQL's text: parsed by the driver, a large numeric would lose digits
        const log = await q(`SELECT table_name AS t, ids, before::text AS before FROM ${REWIND_LOG} WHERE start_height = $1 ORDER BY seq DESC`, [b.start])
        for (const r of log) {
            const table = `"${String(r.t).replace(/"/g, '""')}"`
            const del = await q(`WITH d AS (DELETE FROM ${table} WHERE id = ANY($1::text[]) RETURNING 1) SELECT count(*)::int AS n FROM d`, [r.ids])
            const ins = await q(
                `WITH i AS (INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb) RETURNING 1) SELECT count(*)::int AS n FROM i`,
                [r.before]
            )
            rows += del[0].n + ins[0].n
        }
        await q(`DELETE FROM ${REWIND_BATCH} WHERE start_height = $1`, [b.start])
    }
    const to = expect
    // hot blocks above the landing point are gone (their rows were undone above); the status follows
    await q(`DELETE FROM ${REWIND_SCHEMA}.hot_block WHERE height > $1`, [to.height])
    if (to.height < head.final.height) {
        await q(`DELETE FROM ${REWIND_SCHEMA}.hot_block`)
        await q(`UPDATE ${REWIND_SCHEMA}.status SET height = $1, hash = $2, nonce = nonce + 1 WHERE id = 0`, [to.height, to.hash])
    }
    return {from, to, calls: undo.length, rows}
}
