/**
 * The API role (db/api-role.sql): on a connection as `squid_api`, the role the API and the export use, every
 * way of writing must fail and the index must be unchanged.
 */
import {randomBytes} from 'crypto'
import {Client} from 'pg'
import {API_ROLE, applyApiRole} from '../../src/db/api-role'
import {ChaosContext, indexScenario, reference, Row, withClient} from './common'

const ATTEMPTS: [string, string[]][] = [
    ['DELETE', ['DELETE FROM payout']],
    ['UPDATE', [`UPDATE payout SET amount = 0`]],
    ['INSERT', [`INSERT INTO budget_change SELECT * FROM budget_change LIMIT 1`]],
    ['TRUNCATE', ['TRUNCATE payout']],
    ['DROP TABLE', ['DROP TABLE payout']],
    ['CREATE TABLE', ['CREATE TABLE chaos_x (id int)']],
    ['ALTER TABLE', ['ALTER TABLE payout ADD COLUMN chaos_x int']],
    ['BEGIN READ WRITE + DELETE', ['BEGIN READ WRITE', 'DELETE FROM payout']],
    ['read_only off + DELETE', ['SET default_transaction_read_only = off', 'DELETE FROM payout']],
    ['session READ WRITE + UPDATE', ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', 'UPDATE network_state SET id = id']],
    ['processor position', ['BEGIN READ WRITE', 'UPDATE squid_processor.status SET height = 0']],
    ['CREATE SCHEMA', ['BEGIN READ WRITE', 'CREATE SCHEMA chaos_x']],
    ['ALTER ROLE', [`ALTER ROLE ${API_ROLE} SUPERUSER`]],
    ['COPY FROM PROGRAM', [`COPY payout FROM PROGRAM 'true'`]],
]

export async function apiRole(ctx: ChaosContext): Promise<Row[]> {
    const ref = await reference(ctx, indexScenario(ctx))
    const password = randomBytes(12).toString('hex')
    await applyApiRole(ref.url, password)
    const url = new URL(ref.url)
    url.username = API_ROLE
    url.password = password
    const count = () => withClient(ref.url, async c => (await c.query('SELECT count(*)::int AS n FROM payout')).rows[0].n as number)
    const before = await count()
    const succeeded: string[] = []
    let reads = false
    for (const [name, stmts] of ATTEMPTS) {
        const c = new Client({connectionString: url.toString()})
        await c.connect()
        try {
            if (!reads) reads = (await c.query('SELECT count(*)::int AS n FROM payout')).rows[0].n === before
            let ok = true
            for (const s of stmts) {
                try {
                    await c.query(s)
                } catch {
                    ok = false
                    break
                }
            }
            if (ok) succeeded.push(name)
            await c.query('ROLLBACK').catch(() => undefined)
        } finally {
            await c.end()
        }
    }
    const after = await count()
    return [
        {
            scenario: 'API role: writes through SQL',
            done: `on connections as ${API_ROLE} (db/api-role.sql): ${ATTEMPTS.map(a => a[0]).join(', ')}`,
            expected: 'every attempt fails; SELECT works; the index unchanged',
            observed: `${ATTEMPTS.length - succeeded.length}/${ATTEMPTS.length} refused${succeeded.length ? `; succeeded: ${succeeded.join(', ')}` : ''}; SELECT ${reads ? 'works' : 'FAILED'}; payout rows ${before} → ${after}`,
            pass: succeeded.length === 0 && reads && before === after,
        },
    ]
}
