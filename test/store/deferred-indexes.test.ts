import {Client} from 'pg'
import {deferIndexes, deferredIndexes, mustRestore, restoreIndexes, worthDeferring} from '../../src/store/deferred-indexes'
import {migratedDatabase} from '../handler/harness'

const DAY = 24 * 3600 * 1000
const NOW = Date.UTC(2026, 10, 28)

describe('deferred indexes: when', () => {
    const base = {isHead: false, height: 1000, fromHeight: 0, now: NOW, avgBlockTimeMs: 12_000}

    it('defers a catch-up that at least doubles the indexed range', () => {
        // a year behind at 12 s/block: ~2.6M blocks to go, 1,000 done
        expect(worthDeferring({...base, timestamp: NOW - 365 * DAY})).toBe(true)
    })
    it('does not defer at the head, near it, or for a short catch-up over a large history', () => {
        expect(worthDeferring({...base, isHead: true, timestamp: NOW - 365 * DAY})).toBe(false)
        expect(worthDeferring({...base, timestamp: NOW - 3600 * 1000})).toBe(false)
        // two days behind (14,400 blocks) with 3M blocks indexed: rebuilding would cost more than it saves
        expect(worthDeferring({...base, height: 3_000_000, timestamp: NOW - 2 * DAY})).toBe(false)
        // TO_BLOCK close ahead
        expect(worthDeferring({...base, toHeight: 1500, timestamp: NOW - 365 * DAY})).toBe(false)
        expect(worthDeferring({...base, toHeight: 5000, timestamp: NOW - 365 * DAY})).toBe(true)
    })
    it('restores at the head, at TO_BLOCK, for hot blocks and once the blocks are recent', () => {
        const old = {...base, timestamp: NOW - 365 * DAY, hot: false}
        expect(mustRestore(old)).toBe(false)
        expect(mustRestore({...old, isHead: true})).toBe(true)
        expect(mustRestore({...old, hot: true})).toBe(true)
        expect(mustRestore({...old, toHeight: 1000})).toBe(true)
        expect(mustRestore({...old, timestamp: NOW - 1000})).toBe(true)
    })
})

describe('deferred indexes: drop and rebuild (PostgreSQL)', () => {
    let url: string
    let c: Client
    /** the EntityManager-like view the module takes (rows, not a result object) */
    const em = {query: async (text: string, params?: unknown[]) => (await c.query(text, params)).rows}
    const TABLES = ['payout', 'pool_reward', 'worker_rollup']
    const defs = async () =>
        (await c.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1) ORDER BY indexname`, [TABLES])).rows

    beforeAll(async () => {
        url = await migratedDatabase('deferred_indexes')
        c = new Client({connectionString: url})
        await c.connect()
    })
    afterAll(async () => {
        await c?.end()
    })

    it('drops every non-primary index of the tables, remembers them, and rebuilds them identically', async () => {
        const before = await defs()
        const secondary = before.filter(r => !/_pkey$|^PK_/.test(r.indexname))
        expect(secondary.length).toBeGreaterThan(3)
        const dropped = await deferIndexes(em, TABLES)
        expect(dropped.sort()).toEqual(secondary.map(r => r.indexname).sort())
        expect(await deferredIndexes(em)).toEqual([...dropped].sort())
        const during = await defs()
        expect(during.length).toBe(before.length - secondary.length)
        // the primary keys stay
        expect(during.every(r => /UNIQUE INDEX "?(PK_|.*_pkey)/.test(r.indexdef))).toBe(true)
        const rebuilt = await restoreIndexes(em)
        expect(rebuilt.sort()).toEqual([...dropped].sort())
        expect(await defs()).toEqual(before)
        expect(await deferredIndexes(em)).toEqual([])
    })

    it('rolls back with the batch transaction', async () => {
        const before = await defs()
        await c.query('BEGIN')
        await deferIndexes(em, TABLES)
        await c.query('ROLLBACK')
        expect(await defs()).toEqual(before)
        expect(await deferredIndexes(em)).toEqual([])
    })
})
