/**
 * The devnet command line (lib/devnet/cli.js): --help, flag errors, chain files, serving, manual release, forks.
 */
import {ChildProcess, spawn, spawnSync} from 'child_process'
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'

const CLI = path.resolve(__dirname, '../../devnet/cli.js')

function run(args: string[]) {
    return spawnSync(process.execPath, [CLI, ...args], {encoding: 'utf8', timeout: 60_000})
}

async function serve(args: string[]): Promise<{proc: ChildProcess; url: string; stderr: () => string}> {
    let proc = spawn(process.execPath, [CLI, '--port', '0', ...args], {stdio: ['ignore', 'pipe', 'pipe']})
    let err = ''
    proc.stderr!.on('data', d => (err += d.toString()))
    let deadline = Date.now() + 30_000
    for (;;) {
        let m = /serving (http:\/\/[0-9.:]+)/.exec(err)
        if (m) return {proc, url: m[1], stderr: () => err}
        if (proc.exitCode != null || Date.now() > deadline) throw new Error(`devnet did not start: ${err}`)
        await new Promise(r => setTimeout(r, 50))
    }
}

async function rpc(url: string, method: string, params: unknown = []): Promise<any> {
    let res = await fetch(url, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params})})
    let body: any = await res.json()
    if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`)
    return body.result
}

async function stop(p: ChildProcess): Promise<number | null> {
    if (p.exitCode != null) return p.exitCode
    let done = new Promise<number | null>(r => p.on('exit', code => r(code)))
    p.kill('SIGTERM')
    return done
}

describe('devnet CLI', () => {
    let dir: string
    let procs: ChildProcess[] = []

    beforeAll(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devnet-cli-'))
    })
    afterAll(async () => {
        for (let p of procs) await stop(p)
        fs.rmSync(dir, {recursive: true, force: true})
    })

    it('prints every flag with --help', () => {
        let r = run(['--help'])
        expect(r.status).toBe(0)
        for (let f of [
            '--scenario',
            '--port',
            '--finality-lag',
            '--block-time-ms',
            '--seed',
            '--from-file',
            '--save-file',
            '--fault-error-rate',
            '--fault-latency-ms',
            '--fault-ws-drop-rate',
            '--fork-at',
            '--v2-spec',
            '--tail-blocks',
            '--gateway-port',
        ]) {
            expect(r.stdout).toContain(f)
        }
    })

    it('rejects bad flags with a clear message', () => {
        let r = run(['--nope'])
        expect(r.status).toBe(1)
        expect(r.stderr).toMatch(/unknown flag --nope/)
        expect(run(['--port']).stderr).toMatch(/--port needs a value/)
        expect(run(['--finality-lag', '-1']).stderr).toMatch(/--finality-lag: bad value/)
        expect(run(['--fork-at', '10']).stderr).toMatch(/--fork-at: bad fork/)
        expect(run(['--build-only']).stderr).toMatch(/--build-only needs --save-file/)
        expect(run(['--gateway-port', '70000']).stderr).toMatch(/--gateway-port: bad value '70000'/)
        expect(run(['--scenario', 'fixture', '--v2-spec', '1300']).stderr).toMatch(/--v2-spec must be 1251 or 1254/)
    })

    it('writes a chain file once and serves it', async () => {
        let file = path.join(dir, 'fixture.chain')
        let r = run(['--scenario', 'fixture', '--save-file', file, '--build-only'])
        expect(r.status).toBe(0)
        expect(fs.statSync(file).size).toBeGreaterThan(1000)
        let s = await serve(['--from-file', file])
        procs.push(s.proc)
        let header = await rpc(s.url, 'chain_getHeader')
        expect(parseInt(header.number, 16)).toBe(20)
        expect(await rpc(s.url, 'system_properties')).toEqual({ss58Format: 30, tokenDecimals: 12, tokenSymbol: 'PHA'})
        // the same chain as built directly from the scenario
        let s2 = await serve(['--scenario', 'fixture'])
        procs.push(s2.proc)
        expect(await rpc(s2.url, 'chain_getHead')).toBe(await rpc(s.url, 'chain_getHead'))
        expect(await stop(s.proc)).toBe(0)
        expect(await stop(s2.proc)).toBe(0)
    })

    it('serves the finalized blocks as an SQD gateway with --gateway-port', async () => {
        let s = await serve(['--scenario', 'fixture', '--gateway-port', '0', '--finality-lag', '2', '--tail-blocks', '0'])
        procs.push(s.proc)
        let m = /SQD gateway at (http:\/\/[0-9.:]+)/.exec(s.stderr())
        expect(m).not.toBeNull()
        let head = parseInt((await rpc(s.url, 'chain_getHeader')).number, 16)
        expect(await (await fetch(`${m![1]}/height`)).text()).toBe(String(head - 2))
        expect(await stop(s.proc)).toBe(0)
    })

    it('serves in manual mode with scheduled forks', async () => {
        let s = await serve(['--scenario', 'fixture', '--block-time-ms', '-1', '--initial-blocks', '5', '--finality-lag', '3', '--fork-at', '8:2'])
        procs.push(s.proc)
        expect((await rpc(s.url, 'devnet_status')).head.height).toBe(5)
        let r = await rpc(s.url, 'devnet_release', [{count: 3}])
        expect(r).toMatchObject({released: 3, head: 8})
        let h8 = await rpc(s.url, 'chain_getBlockHash', [8])
        await rpc(s.url, 'devnet_release', [{count: 1}]) // the scheduled fork happens first
        expect(await rpc(s.url, 'chain_getBlockHash', [8])).not.toBe(h8)
        expect((await rpc(s.url, 'chain_getHeader', [h8])).number).toBe('0x8') // the orphan is still known
        let st = await rpc(s.url, 'devnet_status')
        expect(st.head.height).toBe(9)
        expect(st.chain.blocks).toBe(10 + 2)
        expect(await stop(s.proc)).toBe(0)
    })
})
