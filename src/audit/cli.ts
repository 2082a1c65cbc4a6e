/**
 * `npm run audit -- --at <block> [--rpc URL] [--limit N]`
 *
 * Reads the mining state from chain storage at <block> through a node (chain.ts), the same figures from the
 * index as of that block (database.ts: the database must be indexed to exactly that block), and prints the
 * matches and differences per category (compare.ts). Exit code 0: no difference; 1: differences; 2: bad
 * input, or the database is not at that block; 3: the node or the database failed.
 */
import {Client} from 'pg'
import {ConfigError, loadDbConfig} from '../config'
import {auditRpcEndpoint} from '../config/audit'
import {resolveDatabase, runningStartNode} from '../db/connection'
import {describeDbError} from '../db/errors'
import {ChainReadError, connect, readChain} from './chain'
import {compare, formatResult} from './compare'
import {IndexHeightError, readIndex} from './database'

const USAGE = `usage: npm run audit -- --at BLOCK [--rpc URL] [--limit N]
  --at BLOCK   the block to audit; the database must be indexed to exactly this block (TO_BLOCK=BLOCK)
  --rpc URL    the node to read chain storage from (default: RPC_ENDPOINT)
  --limit N    differences listed per category (default 10)
Database: DB_URL (or DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASS), else the embedded one of a running npm start.`

export class UsageError extends Error {}

export interface AuditArgs {
    at: number
    rpc: string | undefined
    limit: number
}

function count(flag: string, v: string | undefined, min: number): number {
    if (v == null || !/^\d+$/.test(v)) throw new UsageError(`${flag} needs a whole number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`)
    const n = Number(v)
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be at least ${min}, got ${v}`)
    return n
}

export function parseAuditArgs(argv: string[]): AuditArgs {
    let at: number | undefined
    let rpc: string | undefined
    let limit = 10
    for (let i = 0; i < argv.length; i++) {
        let a = argv[i]
        let value: string | undefined
        const eq = a.indexOf('=')
        if (a.startsWith('--') && eq > 0) {
            value = a.slice(eq + 1)
            a = a.slice(0, eq)
        }
        const next = () => value ?? argv[++i]
        if (a === '--help' || a === '-h') throw new UsageError('')
        else if (a === '--at') at = count('--at', next(), 0)
        else if (a === '--rpc') rpc = next()
        else if (a === '--limit') limit = count('--limit', next(), 1)
        else throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`)
    }
    if (at === undefined) throw new UsageError('--at BLOCK is required')
    return {at, rpc, limit}
}

export async function runAudit(args: AuditArgs, print: (s: string) => void, dbUrl: string, startNode?: string): Promise<number> {
    const url = auditRpcEndpoint(args.rpc, undefined, startNode)
    const db = new Client({connectionString: dbUrl})
    await db.connect()
    let api: Awaited<ReturnType<typeof connect>> | undefined
    try {
        // the database first: its height decides whether there is anything to compare
        const index = await readIndex(db, args.at)
        api = await connect(url)
        const chain = await readChain(api, args.at)
        if (chain.hash !== index.hash) {
            throw new IndexHeightError(`block ${args.at} is ${chain.hash} on the node but ${index.hash} in the database: they are not the same chain`)
        }
        const result = compare(chain, index)
        print(formatResult(result, args.limit))
        return result.totalDiffering === 0 ? 0 : 1
    } finally {
        await api?.disconnect().catch(() => {})
        await db.end().catch(() => {})
    }
}

/**
 * @polkadot/api logs its start-up notes (API/INIT) and every failed call (RPC-CORE) itself; the audit reports
 * what failed in its own one line, so those are dropped
 */
function quietApiLogs(): void {
    const noisy = (args: unknown[]) => args.some(a => typeof a === 'string' && (a.includes('API/INIT') || a.includes('RPC-CORE')))
    for (const level of ['warn', 'error'] as const) {
        const orig = console[level]
        console[level] = (...args: unknown[]) => {
            if (!noisy(args)) orig(...args)
        }
    }
}

async function main(): Promise<void> {
    quietApiLogs()
    let args: AuditArgs
    try {
        args = parseAuditArgs(process.argv.slice(2))
    } catch (e) {
        if (e instanceof UsageError) {
            if (e.message) console.error(`audit: ${e.message}`)
            console.error(USAGE)
            process.exit(e.message ? 2 : 0)
        }
        throw e
    }
    let dbUrl = ''
    try {
        const dbConfig = loadDbConfig()
        dbUrl = resolveDatabase(dbConfig).url
        // the node of a running `npm start` goes with its database only
        const startNode = dbConfig.url == null ? runningStartNode(dbConfig.dataDir) : undefined
        process.exit(await runAudit(args, s => console.log(s), dbUrl, startNode))
    } catch (e: any) {
        if (e instanceof ConfigError || e instanceof IndexHeightError) {
            console.error(`audit: ${e.message}`)
            process.exit(2)
        }
        if (e instanceof ChainReadError) {
            console.error(`audit: ${e.message}`)
            process.exit(3)
        }
        console.error(`audit: ${describeDbError(e, dbUrl) ?? e?.message ?? e}`)
        process.exit(3)
    }
}

if (require.main === module) void main()
