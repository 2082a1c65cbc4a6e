/**
 * `npm run export -- <payouts|pool-rewards|rollups> (--account X | --worker X | --pool N)
 *      [--from 2023-01-01] [--to 2023-02-01] [--period day|hour] [--include-dropped] [--out file.csv]`
 *
 * The same CSV as the HTTP export (src/export/csv.ts), streamed from a PostgreSQL cursor to a file or
 * stdout. Database from DB_URL / DB_* settings, else the embedded one of a running `npm start`. Exit code 2 on bad input, 1 on other failures.
 */
import * as fs from 'fs'
import {once} from 'events'
import {Client} from 'pg'
import {isInputError} from '../server/errors'
import {ConfigError} from '../config'
import {databaseUrl} from '../db/connection'
import {describeDbError} from '../db/errors'
import {checkSubject, EXPORT_KINDS, parseExportRequest, parseKind, streamCsv} from './csv'

const USAGE = `usage: npm run export -- <${EXPORT_KINDS.join('|')}> (--account X | --worker X | --pool N)
                      [--from DATE] [--to DATE] [--period day|hour] [--include-dropped] [--out FILE]
DATE: ISO 8601 date or date-time (UTC unless a zone is given); the range is [from, to).
Database: DB_URL (or DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASS), else the embedded one of a running npm start.`

const OPTION_NAMES: Record<string, string> = {
    '--account': 'account',
    '--worker': 'worker',
    '--pool': 'pool',
    '--from': 'from',
    '--to': 'to',
    '--period': 'period',
    '--include-dropped': 'includeDropped',
}

export interface CliArgs {
    kind: string
    params: Record<string, string>
    out: string | null
}

export function parseCliArgs(argv: string[]): CliArgs {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') throw new UsageError('')
    const [kind, ...rest] = argv
    const params: Record<string, string> = {}
    let out: string | null = null
    for (let i = 0; i < rest.length; i++) {
        let a = rest[i]
        let value: string | undefined
        const eq = a.indexOf('=')
        if (a.startsWith('--') && eq > 0) {
            value = a.slice(eq + 1)
            a = a.slice(0, eq)
        }
        if (a === '--include-dropped') {
            params.includeDropped = value ?? 'true'
            continue
        }
        if (a === '--out' || a === '-o') {
            out = value ?? rest[++i] ?? null
            if (!out) throw new UsageError(`${a} needs a file name`)
            continue
        }
        const name = OPTION_NAMES[a]
        if (!name) throw new UsageError(`unknown option ${a}`)
        value ??= rest[++i]
        if (value == null) throw new UsageError(`${a} needs a value`)
        if (name in params) throw new UsageError(`${a} given more than once`)
        params[name] = value
    }
    return {kind, params, out}
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
    let args: CliArgs
    let request
    try {
        args = parseCliArgs(argv)
        request = parseExportRequest(parseKind(args.kind), args.params)
    } catch (e: any) {
        if (e instanceof UsageError || isInputError(e)) {
            if (e.message) process.stderr.write(`error: ${e.message}\n`)
            process.stderr.write(USAGE + '\n')
            return 2
        }
        throw e
    }
    const url = databaseUrl()
    const client = new Client({connectionString: url})
    client.on('error', () => undefined)
    try {
        await client.connect()
    } catch (e) {
        const line = describeDbError(e, url)
        if (line) {
            process.stderr.write(`export: ${line}\n`)
            return 1
        }
        throw e
    }
    try {
        if (!(await checkSubject(client, request.subject))) {
            process.stderr.write(`error: no ${request.subject.kind} ${request.subject.id} is known to the indexer\n`)
            return 2
        }
        const tmp = args.out ? `${args.out}.partial` : null
        const stream = tmp ? fs.createWriteStream(tmp) : process.stdout
        let gone = false
        stream.once('error', () => {
            gone = true
        })
        const r = await streamCsv(
            client,
            request,
            async chunk => {
                if (gone) return
                if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), once(stream, 'error')])
            },
            () => gone
        )
        if (gone && !tmp) return 0
        if (tmp) {
            await new Promise<void>((resolve, reject) => (stream as fs.WriteStream).end((e?: Error | null) => (e ? reject(e) : resolve())))
            fs.renameSync(tmp, args.out!)
            process.stderr.write(`${r.rows} rows written to ${args.out}\n`)
        }
        return 0
    } finally {
        await client.end()
    }
}

if (require.main === module) {
    // `… | head`: the reader went away; stop quietly
    process.stdout.on('error', (e: any) => {
        if (e?.code === 'EPIPE') process.exit(0)
    })
    main(process.argv.slice(2)).then(
        code => process.exit(code),
        e => {
            process.stderr.write(`export failed: ${e?.message ?? e}\n`)
            process.exit(e instanceof ConfigError ? 2 : 1)
        }
    )
}
