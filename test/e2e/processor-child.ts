/**
 * The real processor (`node lib/src/main.js`) as a child process against a devnet and a database.
 */
import {ChildProcess, spawn} from 'child_process'
import * as path from 'path'
import {sql} from '../handler/harness'

export const ROOT = path.resolve(__dirname, '../../..')

export interface ProcessorRun {
    proc: ChildProcess
    exited: Promise<number | null>
    output(): string
    /** the warnings node printed (`(node:pid) DeprecationWarning: …`), all of them, however long the output */
    warnings(): string[]
}

export function startProcessor(dbUrl: string, rpc: string, toBlock: number, extraEnv: Record<string, string> = {}): ProcessorRun {
    const env: Record<string, string> = {...(process.env as Record<string, string>)}
    for (const k of ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASS', 'GATEWAY_URL', 'FROM_BLOCK']) delete env[k]
    Object.assign(env, {
        DB_URL: dbUrl,
        CHAIN: 'devnet',
        RPC_ENDPOINT: rpc,
        TO_BLOCK: String(toBlock),
        PROCESSOR_PROMETHEUS_PORT: '0',
        ...extraEnv,
    })
    const proc = spawn(process.execPath, [path.join(ROOT, 'lib/src/main.js')], {cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    const keep = (d: Buffer) => {
        out += d.toString()
        if (out.length > 200_000) out = out.slice(-100_000)
    }
    const warnings: string[] = []
    let line = ''
    const scan = (d: Buffer) => {
        const lines = (line + d.toString()).split('\n')
        line = lines.pop()!
        for (const l of lines) if (/^\(node:\d+\) \w*Warning: /.test(l)) warnings.push(l)
    }
    proc.stdout!.on('data', keep)
    proc.stderr!.on('data', keep)
    proc.stderr!.on('data', scan)
    const exited = new Promise<number | null>(resolve => proc.on('exit', code => resolve(code)))
    return {proc, exited, output: () => out, warnings: () => warnings}
}

/** run to completion; throws with the processor's output on a non-zero exit */
export async function runProcessor(dbUrl: string, rpc: string, toBlock: number, timeoutMs = 900_000): Promise<{output: string; warnings: string[]}> {
    const run = startProcessor(dbUrl, rpc, toBlock)
    const timer = setTimeout(() => run.proc.kill('SIGKILL'), timeoutMs)
    const code = await run.exited
    clearTimeout(timer)
    if (code !== 0) throw new Error(`processor exited with ${code}:\n${run.output().slice(-5000)}`)
    return {output: run.output(), warnings: run.warnings()}
}

/** the processor's committed progress: finalized height and the top hot block */
export async function progress(dbUrl: string): Promise<{height: number; hotTop: number | null}> {
    try {
        const s = await sql(dbUrl, `SELECT height FROM squid_processor.status WHERE id = 0`)
        const h = await sql(dbUrl, `SELECT max(height) AS top FROM squid_processor.hot_block`)
        return {height: s[0]?.height ?? -1, hotTop: h[0]?.top ?? null}
    } catch {
        return {height: -1, hotTop: null}
    }
}

export async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 300_000, everyMs = 100): Promise<void> {
    const end = Date.now() + timeoutMs
    while (!(await cond())) {
        if (Date.now() > end) throw new Error(`timeout waiting for ${what}`)
        await new Promise(r => setTimeout(r, everyMs))
    }
}
