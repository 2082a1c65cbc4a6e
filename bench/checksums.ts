/**
 * `node lib/bench/checksums.js [--out FILE]`: one checksum per table of an indexed database (DB_URL, or the
 * embedded one of a running `npm start`): the row count and the md5 of the table's rows as text, in a fixed
 * order. Two indexes of the same chain by two versions of the code are equal when every line is equal; this is
 * how a refactoring shows that it changed no behaviour.
 */
import * as fs from 'fs'
import {Client} from 'pg'
import {benchServerUrl} from './db'

export async function tableChecksums(url: string): Promise<Record<string, {rows: number; md5: string}>> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        const tables = await c.query(
            `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`
        )
        const out: Record<string, {rows: number; md5: string}> = {}
        for (const {table_name: t} of tables.rows) {
            const quoted = `"${String(t).replace(/"/g, '""')}"`
            const r = await c.query(
                `SELECT count(*)::int AS n, md5(coalesce(string_agg(x.t, E'\\n' ORDER BY x.t), '')) AS h FROM (SELECT r::text AS t FROM ${quoted} r) x`
            )
            out[t] = {rows: r.rows[0].n, md5: r.rows[0].h}
        }
        return out
    } finally {
        await c.end()
    }
}

async function main() {
    const i = process.argv.indexOf('--out')
    const sums = await tableChecksums(benchServerUrl())
    const text = Object.entries(sums)
        .map(([t, s]) => `${t}\t${s.rows}\t${s.md5}`)
        .join('\n')
    if (i > 0) fs.writeFileSync(process.argv[i + 1], text + '\n')
    process.stdout.write(text + '\n')
}

if (require.main === module) void main()
