/**
 * Runs the project's commands as a user would, as child processes, with a controlled environment.
 */
import {ChildProcess, spawn} from 'child_process'
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {LIB} from '../helpers/indexed'

export {freePort} from '../helpers/graphql-server'

/** the environment without any database, node or port setting, so a test starts from nothing */
export function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {}
    for (const [k, v] of Object.entries(process.env)) {
        if (/^(DB_|GQL_|RPC_|DEVNET_|EXPORT_|EMBEDDED_PG|TEST_|DATA_DIR|CHAIN$|SQD_)/.test(k)) continue
        env[k] = v
    }
    return {...env, ...extra}
}

export interface RunResult {
    code: number | null
    stdout: string
    stderr: string
}

/** runs `node lib/<script>` to its end (killed after timeoutMs) */
export function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, opts: {timeoutMs?: number; nodeArgs?: string[]} = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const c = spawn(process.execPath, [...(opts.nodeArgs ?? []), path.join(LIB, script), ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
        let stdout = ''
        let stderr = ''
        c.stdout.on('data', d => (stdout += d))
        c.stderr.on('data', d => (stderr += d))
        const timer = setTimeout(() => c.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
        c.on('error', reject)
        c.on('exit', code => {
            clearTimeout(timer)
            resolve({code, stdout, stderr})
        })
    })
}

export function lines(text: string): string[] {
    return text.split('\n').filter(l => l.trim() !== '')
}

export function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `pms-${prefix}-`))
}

/** a long-running child whose output lines are collected with their arrival time */
export class LiveProcess {
    readonly lines: {t: number; text: string}[] = []
    readonly child: ChildProcess
    private exited: Promise<number | null>

    constructor(script: string, args: string[], env: NodeJS.ProcessEnv) {
        this.child = spawn(process.execPath, [path.join(LIB, script), ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
        const take = (stream: NodeJS.ReadableStream) => {
            let rest = ''
            stream.on('data', d => {
                rest += d
                const parts = rest.split('\n')
                rest = parts.pop()!
                for (const p of parts) this.lines.push({t: Date.now(), text: p})
            })
        }
        take(this.child.stdout!)
        take(this.child.stderr!)
        this.exited = new Promise(resolve => this.child.on('exit', code => resolve(code)))
    }

    /** waits for a line matching `re`; fails with the output so far when the process exits or time runs out */
    async waitFor(re: RegExp, timeoutMs = 120_000): Promise<{t: number; text: string}> {
        const until = Date.now() + timeoutMs
        for (;;) {
            const hit = this.lines.find(l => re.test(l.text))
            if (hit) return hit
            if (this.child.exitCode != null || Date.now() > until) {
                throw new Error(`no line matching ${re} (exit code ${this.child.exitCode}); output:\n${this.text()}`)
            }
            await new Promise(r => setTimeout(r, 100))
        }
    }

    text(): string {
        return this.lines.map(l => l.text).join('\n')
    }

    async stop(signal: NodeJS.Signals = 'SIGINT', timeoutMs = 30_000): Promise<number | null> {
        if (this.child.exitCode != null) return this.child.exitCode
        this.child.kill(signal)
        const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs)
        const code = await this.exited
        clearTimeout(timer)
        return code
    }
}
