/**
 * Which PostgreSQL a command uses.
 *
 * - DB_URL, or DB_HOST (+ DB_PORT, DB_NAME, DB_USER, DB_PASS): that server, always.
 * - Nothing configured: the embedded PostgreSQL that a running `npm start` of this checkout started. `npm start`
 *   records it in `$DATA_DIR/connection.json` (default `.data/connection.json`) and removes the file when it
 *   stops, so `npm run export`, `npm run serve`, `npm run process` and the benches find it by themselves.
 * - Nothing configured and no running `npm start`: the command refuses with one line that says what to set. It
 *   never falls back to a server it did not start itself (such as one on localhost:5432).
 */
import * as fs from 'fs'
import * as path from 'path'
import {ConfigError, DbConfig, loadDbConfig, setLibraryEnv} from '../config'
import {redactUrl} from './errors'

export {PROJECT_ROOT} from '../config'

export const CONNECTION_FILE = 'connection.json'

export interface ConnectionRecord {
    /** connection string of the embedded PostgreSQL */
    url: string
    /** the `npm start` process that started it */
    pid: number
    startedAt: string
    /** the node that `npm start` indexes from (its own devnet, or RPC_ENDPOINT), once known */
    rpc?: string
}

export function connectionFilePath(dataDir: string): string {
    return path.join(dataDir, CONNECTION_FILE)
}

export function writeConnectionRecord(url: string, dataDir: string, rpc?: string, startedAt = new Date().toISOString()): void {
    const file = connectionFilePath(dataDir)
    fs.mkdirSync(path.dirname(file), {recursive: true})
    const rec: ConnectionRecord = {url, pid: process.pid, startedAt, ...(rpc ? {rpc} : {})}
    // written next to the final name and renamed, so a reader never sees half a file
    const tmp = `${file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n', {mode: 0o600})
    fs.renameSync(tmp, file)
}

/** removes the record if it is this process's own */
export function removeConnectionRecord(dataDir: string): void {
    const file = connectionFilePath(dataDir)
    const rec = readRecordFile(file)
    if (rec?.pid === process.pid) fs.rmSync(file, {force: true})
}

function readRecordFile(file: string): ConnectionRecord | undefined {
    let text: string
    try {
        text = fs.readFileSync(file, 'utf8')
    } catch {
        return undefined
    }
    try {
        const rec = JSON.parse(text)
        if (typeof rec?.url === 'string' && Number.isSafeInteger(rec?.pid)) return rec as ConnectionRecord
    } catch {
        // a damaged file is treated as absent
    }
    return undefined
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0)
        return true
    } catch (e: any) {
        return e?.code === 'EPERM'
    }
}

/** the record of a running `npm start`, or undefined (none, or its process has gone) */
export function readConnectionRecord(dataDir: string): ConnectionRecord | undefined {
    const rec = readRecordFile(connectionFilePath(dataDir))
    return rec && alive(rec.pid) ? rec : undefined
}

export interface ResolvedDatabase {
    url: string
    /** where it came from, for the log: `DB_URL`, `DB_HOST`, or the connection file */
    source: string
}

/**
 * The database of a command that runs on its own or beside `npm start`. Throws a ConfigError (one line,
 * naming DB_URL) when nothing is configured and no `npm start` is running.
 */
export function resolveDatabase(db: DbConfig): ResolvedDatabase {
    if (db.url != null) return {url: db.url, source: db.source ?? 'DB_URL'}
    const rec = readConnectionRecord(db.dataDir)
    if (rec) return {url: rec.url, source: `the embedded PostgreSQL of the running npm start (${connectionFilePath(db.dataDir)})`}
    throw new ConfigError(
        'DB_URL',
        'no database configured: set DB_URL (or DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASS), or run `npm start` first to use its embedded PostgreSQL'
    )
}

/** the node a running `npm start` (with its embedded database) indexes from, if any */
export function runningStartNode(dataDir: string): string | undefined {
    return readConnectionRecord(dataDir)?.rpc
}

/** the database's URL: DB_URL / DB_*, else the embedded PostgreSQL of a running `npm start` (ConfigError naming DB_URL) */
export function databaseUrl(): string {
    return resolveDatabase(loadDbConfig()).url
}

/**
 * Makes the resolved database the one that libraries reading the environment (the SDK's TypeORM config,
 * the GraphQL server) connect to.
 */
export function useDatabase(resolved: ResolvedDatabase): void {
    // one connection string only: the SDK would otherwise warn that it ignores the parts
    setLibraryEnv(dbEnv(resolved.url))
}

/** the database settings of a process that is to use `url` (and nothing else) */
export function dbEnv(url: string): Record<string, string | undefined> {
    return {DB_URL: url, DB_HOST: undefined, DB_PORT: undefined, DB_NAME: undefined, DB_USER: undefined, DB_PASS: undefined}
}

export function describeDatabase(resolved: ResolvedDatabase): string {
    return `${redactUrl(resolved.url)} (from ${resolved.source})`
}
