/**
 * The real GraphQL server (node lib/src/serve.js) as a child process on a free port, queried over HTTP.
 */
import {ChildProcess, spawn} from 'child_process'
import * as http from 'http'
import * as net from 'net'
import * as path from 'path'
import {LIB, ROOT} from './indexed'

export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer()
        s.once('error', reject)
        s.listen(0, '127.0.0.1', () => {
            const port = (s.address() as net.AddressInfo).port
            s.close(() => resolve(port))
        })
    })
}

export interface HttpResult {
    status: number
    headers: http.IncomingHttpHeaders
    body: string
}

const agent = new http.Agent({keepAlive: true, maxSockets: 256})

export function httpRequest(url: string, opts: {method?: string; body?: string; headers?: Record<string, string>} = {}, retried = false): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
        const req = http.request(url, {method: opts.method ?? 'GET', headers: opts.headers, agent}, res => {
            const chunks: Buffer[] = []
            res.on('data', c => chunks.push(c))
            res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8')}))
            res.on('error', reject)
        })
        req.on('error', (e: any) => {
            // a kept-alive socket the server closed while the test was busy (its idle timeout): once more
            // on a new one, as Node's documentation advises (`reusedSocket`)
            if (!retried && req.reusedSocket && (e?.code === 'ECONNRESET' || /socket hang up/.test(String(e?.message)))) {
                httpRequest(url, opts, true).then(resolve, reject)
            } else reject(e)
        })
        if (opts.body != null) req.write(opts.body)
        req.end()
    })
}

export interface GqlResponse<T = any> {
    status: number
    data?: T
    errors?: {message: string; extensions?: any; path?: string[]}[]
    raw: string
}

export class GraphqlServer {
    private constructor(
        readonly port: number,
        private readonly child: ChildProcess,
        private readonly output: {text: string}
    ) {}

    get url(): string {
        return `http://127.0.0.1:${this.port}/graphql`
    }

    /** start `node [nodeArgs] lib/src/serve.js` against `dbUrl`; resolves once it answers */
    static async start(dbUrl: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<GraphqlServer> {
        const port = await freePort()
        const output = {text: ''}
        const child = spawn(process.execPath, [...nodeArgs, path.join(LIB, 'src/serve.js')], {
            cwd: ROOT,
            env: {...process.env, CHAIN: 'devnet', DB_URL: dbUrl, GQL_PORT: String(port), ...env},
            stdio: ['ignore', 'pipe', 'pipe'],
        })
        const keep = (d: Buffer) => {
            output.text = (output.text + d.toString()).slice(-50_000)
        }
        child.stdout!.on('data', keep)
        child.stderr!.on('data', keep)
        const server = new GraphqlServer(port, child, output)
        const until = Date.now() + 90_000
        for (;;) {
            if (child.exitCode != null) throw new Error(`graphql server exited with ${child.exitCode}:\n${output.text}`)
            try {
                const r = await server.query('{ squidStatus { height } }')
                if (r.status === 200 && (r.data || r.errors)) return server
            } catch {
                // not listening yet
            }
            if (Date.now() > until) {
                child.kill('SIGKILL')
                throw new Error(`graphql server did not answer within 90 s:\n${output.text}`)
            }
            await new Promise(r => setTimeout(r, 250))
        }
    }

    get log(): string {
        return this.output.text
    }

    /** the server process's id (e.g. to sample its memory) */
    get pid(): number | undefined {
        return this.child.pid
    }

    async query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> {
        const body = JSON.stringify({query, variables})
        const r = await httpRequest(this.url, {method: 'POST', body, headers: {'content-type': 'application/json'}})
        let parsed: any = {}
        try {
            parsed = JSON.parse(r.body)
        } catch {
            // not JSON (e.g. an HTML error page)
        }
        return {status: r.status, data: parsed.data ?? undefined, errors: parsed.errors, raw: r.body}
    }

    /** the data of a query that must succeed */
    async data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
        const r = await this.query<T>(query, variables)
        if (r.errors?.length || r.data == null) throw new Error(`query failed (${r.status}): ${r.raw.slice(0, 2000)}`)
        return r.data
    }

    async stop(): Promise<void> {
        if (this.child.exitCode != null) return
        const exited = new Promise(r => this.child.once('exit', r))
        this.child.kill('SIGTERM')
        const t = setTimeout(() => this.child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(t)
    }
}
