/**
 * The API's per-request transaction (src/sdk/graphql-server.ts, limitApiStatements): graphql-server's own
 * context class, patched, opens it READ ONLY, with the statement timeout and `jit = off` for that transaction
 * only. Checked on a real connection: a write fails, the settings hold inside and are gone after.
 */
import {DataSource} from 'typeorm'
import {limitApiStatements} from '../../src/sdk/graphql-server'
import {freshDatabase} from '../helpers/db'

describe("the API's request transaction", () => {
    let ds: DataSource

    beforeAll(async () => {
        const url = await freshDatabase('sdk_api_transaction')
        ds = new DataSource({type: 'postgres', url})
        await ds.initialize()
        await ds.query('CREATE TABLE t (id int PRIMARY KEY)')
    })
    afterAll(async () => {
        await ds?.destroy()
    })

    test('is read only, with the statement timeout and no JIT, for that transaction alone', async () => {
        // the patch is in place (no fallback flags), and graphql-server's class is the patched one
        expect(limitApiStatements(4321)).toEqual([])
        const {TypeormOpenreaderContext} = require('@subsquid/graphql-server/lib/typeorm')
        const ctx = new TypeormOpenreaderContext('postgres', ds)
        try {
            const em = await ctx.getEntityManager()
            const show = async (name: string) => (await em.query(`SELECT current_setting('${name}') AS v`))[0].v
            expect(await show('transaction_read_only')).toBe('on')
            expect(await show('statement_timeout')).toBe('4321ms')
            expect(await show('jit')).toBe('off')
            await expect(em.query('INSERT INTO t VALUES (1)')).rejects.toThrow(/read-only transaction/)
        } finally {
            await ctx.close().catch(() => {})
        }
        // nothing was written, and the connection's own settings are untouched
        expect(await ds.query('SELECT count(*)::int AS n FROM t')).toEqual([{n: 0}])
        const after = await ds.query(`SELECT current_setting('statement_timeout') AS t, current_setting('transaction_read_only') AS r`)
        expect(after).toEqual([{t: '0', r: 'off'}])
    })
})
