/**
 * `npm run rewind -- --to <block>`: roll the index back to <block> (src/rewind/rewind.ts), e.g. after a fork
 * deeper than the processor's finality. Every table then holds what a clean index up to <block> holds (or up
 * to the nearest handler call boundary below it, which the output names), and the next processor run
 * indexes from there. The processor must be stopped (the command takes its lock).
 *
 * Exit code 0: rewound (or already at or below <block>); 1: the database failed, or a processor is running;
 * 2: bad arguments, or <block> is older than the undo records reach (nothing was changed).
 */
import {Client} from 'pg'
import {ConfigError, loadDbConfig, rewindWindowSetting} from '../config'
import {resolveDatabase} from '../db/connection'
import {DatabaseCheckError, lockForProcessor} from '../db/check'
import {describeDbError} from '../db/errors'
import {RewindError, rewindTo} from './rewind'

const USAGE = `usage: npm run rewind -- --to BLOCK
  --to BLOCK   roll the index back to this block (the common ancestor a deep-fork message names); -1 empties it
Stop the processor first. Database: DB_URL (or DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASS), else the embedded one
of a running npm start. Undo records cover the last REWIND_WINDOW blocks indexed (default 500).`

export class UsageError extends Error {}

export function parseRewindArgs(argv: string[]): {to: number} {
    let to: number | undefined
    for (let i = 0; i < argv.length; i++) {
        let a = argv[i]
        let value: string | undefined
        const eq = a.indexOf('=')
        if (a.startsWith('--') && eq > 0) {
            value = a.slice(eq + 1)
            a = a.slice(0, eq)
        }
        if (a === '--help' || a === '-h') throw new UsageError('')
        if (a !== '--to') throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`)
        const v = value ?? argv[++i]
        if (v == null || !/^(-1|\d+)$/.test(v) || !Number.isSafeInteger(Number(v))) {
            throw new UsageError(`--to needs a block number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`)
        }
        to = Number(v)
    }
    if (to === undefined) throw new UsageError('--to BLOCK is required')
    return {to}
}

/** rewind the database at `url` to `to` in one transaction; the line to print */
export async function runRewind(url: string, to: number, window: number): Promise<string> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        await c.query('BEGIN ISOLATION LEVEL SERIALIZABLE')
        try {
            const r = await rewindTo(async (sql, params) => (await c.query(sql, params as unknown[])).rows, to, window)
            await c.query('COMMIT')
            if (r.calls === 0) return `the index is at #${r.from.height}, at or below #${to} already: nothing to do`
            const where = r.to.height === to ? `#${to}` : `#${r.to.height} (the nearest batch boundary at or below #${to})`
            return `rewound from #${r.from.height} to ${where}: ${r.calls} batches undone, ${r.rows} rows deleted or restored; start the processor to index from #${r.to.height + 1}`
        } catch (e) {
            await c.query('ROLLBACK').catch(() => {})
            throw e
        }
    } finally {
        await c.end().catch(() => {})
    }
}

async function main(): Promise<void> {
    let args: {to: number}
    try {
        args = parseRewindArgs(process.argv.slice(2))
    } catch (e) {
        if (e instanceof UsageError) {
            if (e.message) console.error(`rewind: ${e.message}`)
            console.error(USAGE)
            process.exit(e.message ? 2 : 0)
        }
        throw e
    }
    let url = ''
    try {
        const window = rewindWindowSetting()
        url = resolveDatabase(loadDbConfig()).url
        // no processor may write while the tables are rolled back
        await lockForProcessor(url)
        console.log(`rewind: ${await runRewind(url, args.to, window)}`)
        process.exit(0)
    } catch (e: any) {
        if (e instanceof ConfigError || e instanceof RewindError) {
            console.error(`rewind: ${e.message}`)
            process.exit(2)
        }
        if (e instanceof DatabaseCheckError) {
            console.error(`rewind: ${e.message}`)
            process.exit(1)
        }
        console.error(`rewind: ${describeDbError(e, url) ?? e?.message ?? e}`)
        process.exit(1)
    }
}

if (require.main === module) void main()
