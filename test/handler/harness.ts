/**
 * In-process indexing against a real PostgreSQL: the real TypeormDatabase (typeorm-store 1.5.1), driven the
 * way the processor's runner drives it (`transact` for finalized batches, `transactHot2` for unfinalized
 * blocks), with the real LedgerHandler. Only the data source is synthetic.
 */
import * as path from 'path'
import {Client} from 'pg'
import {DataSource} from 'typeorm'
import {createOrmConfig} from '@subsquid/typeorm-config'
import {TypeormDatabase} from '@subsquid/typeorm-store'
import {LedgerHandler, LedgerOptions, StorageReader} from '../../src/handler'
import {PipelinedDatabase} from '../../src/store/pipelined-database'
import type {NormalizedPool, TokenomicParams} from '../../src/decode'
import {freshDatabase} from '../helpers/db'
import {SynthBlock} from './synthetic'

/** repository root (tests run from lib/test/handler) */
export const ROOT = path.resolve(__dirname, '../../..')

export async function migratedDatabase(name: string): Promise<string> {
    const url = await freshDatabase(name)
    await withDbUrl(url, async () => {
        const ds = new DataSource({...(createOrmConfig({projectDir: ROOT}) as any), logging: false})
        await ds.initialize()
        try {
            await ds.runMigrations({transaction: 'all'})
        } finally {
            await ds.destroy()
        }
    })
    return url
}

export async function withDbUrl<T>(url: string, f: () => Promise<T>): Promise<T> {
    const saved = process.env.DB_URL
    process.env.DB_URL = url
    try {
        return await f()
    } finally {
        if (saved == null) delete process.env.DB_URL
        else process.env.DB_URL = saved
    }
}

export const quietLog = {
    warnings: [] as string[],
    warn(msg: string) {
        this.warnings.push(msg)
    },
    info(_msg: string) {},
}

export function newLog() {
    return {
        warnings: [] as string[],
        infos: [] as string[],
        warn(msg: string) {
            this.warnings.push(msg)
        },
        info(msg: string) {
            this.infos.push(msg)
        },
    }
}

/** storage answers for synthetic chains */
export class FakeStorage implements StorageReader {
    params: TokenomicParams | undefined
    poolsAt = new Map<number, NormalizedPool[]>()
    poolsFromSpec: number | undefined
    reads = 0

    async tokenomicParameters(): Promise<TokenomicParams | undefined> {
        this.reads++
        return this.params
    }

    hasPoolsStorage(block: any): boolean {
        return this.poolsFromSpec != null && block.specVersion >= this.poolsFromSpec
    }

    async pools(block: any): Promise<NormalizedPool[]> {
        this.reads++
        return this.poolsAt.get(block.height) ?? []
    }
}

interface Head {
    height: number
    hash: string
}

export class Indexer {
    private head: Head = {height: -1, hash: '0x'}
    readonly log = newLog()

    private constructor(
        readonly db: TypeormDatabase,
        public handler: LedgerHandler
    ) {}

    /**
     * `opts.pipelined`: the processor's PipelinedDatabase instead of TypeormDatabase; `opts.options`: the
     * handler's options (REWIND_WINDOW…); `opts.decode`: replaces the identity decode of synthetic events
     */
    static async open(
        url: string,
        storage: StorageReader = new FakeStorage(),
        opts: {pipelined?: boolean; options?: LedgerOptions; decode?: (e: any) => any} = {}
    ): Promise<Indexer> {
        const db = opts.pipelined
            ? new PipelinedDatabase({supportHotBlocks: true, projectDir: ROOT})
            : new TypeormDatabase({supportHotBlocks: true, projectDir: ROOT})
        const state = await withDbUrl(url, () => db.connect())
        const ix = new Indexer(db, new LedgerHandler(storage, opts.decode ?? (e => e), opts.options))
        ix.head = {height: state.height, hash: state.hash}
        return ix
    }

    /** a finalized batch, as Runner.handleFinalizedBlocks submits it */
    async final(blocks: SynthBlock[]): Promise<void> {
        if (blocks.length === 0) return
        const last = blocks[blocks.length - 1].header
        const next = {height: last.height, hash: last.hash}
        await this.db.transact({prevHead: this.head, nextHead: next}, store => this.handler.handle({store, blocks: blocks as any, log: this.log}))
        this.head = next
    }

    /** an unfinalized update, as Runner.processHotBlocks submits it */
    async hot(baseHead: Head, blocks: SynthBlock[], finalizedHead: Head): Promise<void> {
        await this.db.transactHot2({finalizedHead, baseHead, newBlocks: blocks.map(b => ({height: b.header.height, hash: b.header.hash}))}, (store, beg, end) =>
            this.handler.handle({store, blocks: blocks.slice(beg, end) as any, log: this.log})
        )
        this.head = finalizedHead
    }

    async close(): Promise<void> {
        await this.db.disconnect()
    }
}

export function headOf(b: SynthBlock): Head {
    return {height: b.header.height, hash: b.header.hash}
}

/** run a query on a database */
export async function sql<T = any>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        return (await c.query(text, params)).rows
    } finally {
        await c.end()
    }
}

/** md5 of every public table's full content (ordered by id): equal checksums = equal databases */
export async function tableChecksums(url: string): Promise<Record<string, string>> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        const tables = (
            await c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`)
        ).rows.map(r => r.table_name as string)
        const out: Record<string, string> = {}
        for (const t of tables) {
            const r = await c.query(`SELECT count(*)::int AS n, coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS h FROM "${t}" x`)
            out[t] = `${r.rows[0].n}:${r.rows[0].h}`
        }
        return out
    } finally {
        await c.end()
    }
}
