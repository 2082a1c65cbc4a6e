/**
 * A real Subsquid SubstrateBatchProcessor (child process, in-memory hot-block database) reads a devnet chain over
 * HTTP and over WebSocket — through the v1 → v2 runtime upgrade and a fork in the unfinalized range — and decodes
 * every mining event with the typegen'd decoders in src/types.
 */
import {ChildProcess, spawn} from 'child_process'
import * as path from 'path'
import {startDevnet, Devnet} from '../../devnet/rpc'
import type {DevBlock} from '../../devnet/model'
import {altTail, canon, fixture, FIXTURE_HEIGHT, FIXTURE_UPGRADE_HEIGHT} from './fixtures'

const CHILD = path.join(__dirname, 'rpc-processor-child.js')

class Child {
    proc: ChildProcess
    lines: any[] = []
    stderr = ''
    exit: Promise<number | null>
    private buf = ''

    constructor(url: string, to: number) {
        this.proc = spawn(process.execPath, [CHILD, url, String(to)], {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: {...process.env, SQD_LOG_LEVEL: 'WARN'},
        })
        this.proc.stdout!.on('data', d => {
            this.buf += d.toString()
            let parts = this.buf.split('\n')
            this.buf = parts.pop()!
            for (let p of parts) if (p.trim()) this.lines.push(JSON.parse(p))
        })
        this.proc.stderr!.on('data', d => (this.stderr += d.toString()))
        this.exit = new Promise(resolve => this.proc.on('exit', code => resolve(code)))
    }

    async waitFor(pred: (l: any) => boolean, what: string, timeoutMs = 60_000): Promise<any> {
        let deadline = Date.now() + timeoutMs
        for (;;) {
            let hit = this.lines.find(pred)
            if (hit) return hit
            if (this.proc.exitCode != null) throw new Error(`child exited (${this.proc.exitCode}) before ${what}:\n${this.stderr.slice(-3000)}`)
            if (Date.now() > deadline)
                throw new Error(`timeout waiting for ${what}; lines: ${JSON.stringify(this.lines).slice(-2000)}\n${this.stderr.slice(-2000)}`)
            await new Promise(r => setTimeout(r, 50))
        }
    }

    kill() {
        if (this.proc.exitCode == null) this.proc.kill('SIGKILL')
    }
}

function hotUpTo(h: number) {
    return (l: any) => l.type === 'hot' && l.blocks.length > 0 && l.blocks[l.blocks.length - 1].height >= h
}

/**
 * Releases blocks one at a time until the processor reports hot blocks up to `h` (a fresh new-head notification
 * for each block, so the test does not depend on the notification sent right after subscribing).
 */
async function releaseUntilProcessed(dn: Devnet, child: Child, h: number): Promise<void> {
    let deadline = Date.now() + 60_000
    while (!child.lines.some(hotUpTo(h))) {
        if (child.proc.exitCode != null) throw new Error(`child exited (${child.proc.exitCode}):\n${child.stderr.slice(-3000)}`)
        if (Date.now() > deadline) throw new Error(`timeout waiting for hot blocks up to ${h}; lines: ${JSON.stringify(child.lines).slice(-2000)}`)
        if (dn.height < h) dn.release(1)
        await new Promise(r => setTimeout(r, dn.height < h ? 100 : 50))
    }
}

/** checks the processor's final view against the devnet's canonical chain and the DevBlocks it was built from */
function checkFinalView(done: any, dn: Devnet, blocks: DevBlock[]) {
    expect(done.code).toBe(0)
    let view: any[] = done.blocks
    expect(view.map(b => b.height)).toEqual(Array.from({length: FIXTURE_HEIGHT + 1}, (_, i) => i))
    for (let b of view) {
        let rec = dn.chain.byNumber(b.height)!
        expect([b.height, b.hash]).toEqual([b.height, rec.hashHex])
        if (b.height === 0) continue
        let dev = blocks[b.height - 1]
        expect(b.timestamp).toBe(dev.timestamp)
        // the version reported at a block is its post-state's: the new runtime from the block that enacts the upgrade
        let next = blocks[b.height] ?? dev
        expect([b.height, b.specVersion]).toEqual([b.height, next.era === 'v1' ? 1170 : 1251])
        let names = b.events.map((e: any) => e.name)
        let want = ['System.ExtrinsicSuccess', ...dev.events.map(e => `${e.pallet}.${e.name}`)]
        if (b.height === FIXTURE_UPGRADE_HEIGHT - 1) want.push('System.CodeUpdated')
        expect([b.height, names]).toEqual([b.height, want])
        // every mining event decoded by a typegen'd decoder, to the values it was built from
        b.events.slice(1, 1 + dev.events.length).forEach((e: any, i: number) => {
            expect([e.name, e.decoded]).toEqual([e.name, expect.objectContaining({version: expect.stringMatching(/^v\d+$/)})])
            let args = dev.events[i].args
            let decoded = e.decoded.value
            for (let [k, v] of Object.entries(args)) {
                let camel = k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())
                let got = decoded?.[camel]
                let want = v === null ? undefined : typeof v === 'string' && !v.startsWith('0x') ? {__kind: v} : v
                expect([e.name, camel, canon(got)]).toEqual([e.name, camel, canon(want)])
            }
        })
    }
    expect(Object.keys(done.undecoded).sort()).toEqual(['System.CodeUpdated', 'System.ExtrinsicSuccess'])
    expect(done.decoded).toBeGreaterThan(50)
}

describe('Subsquid processor against the devnet', () => {
    let children: Child[] = []
    let nets: Devnet[] = []

    afterEach(async () => {
        for (let c of children) c.kill()
        for (let d of nets) await d.close()
        children = []
        nets = []
    })

    it('reads the chain over HTTP, through the upgrade and a fork of the unfinalized blocks', async () => {
        let fx = fixture()
        let dn = await startDevnet({genesis: fx.genesis, blocks: fx.blocks, port: 0, finalityLag: 3, blockTimeMs: -1, initialBlocks: 11})
        nets.push(dn)
        let child = new Child(dn.url, FIXTURE_HEIGHT)
        children.push(child)
        await releaseUntilProcessed(dn, child, 12)
        let orphans = [11, 12].map(h => dn.chain.byNumber(h)!.hashHex)
        // replace blocks 11 and 12 by other content
        let alt = altTail(fx.blocks.slice(0, 12), 2)
        dn.fork({depth: 2, blocks: alt})
        let rb = await child.waitFor(l => l.type === 'rollback', 'a rollback')
        expect(rb.base).toBe(10)
        expect(rb.dropped.map((d: any) => d.hash).sort()).toEqual([...orphans].sort())
        dn.release(100)
        dn.appendEmpty(4) // the chain goes on: finality (lag 3) passes the last scenario block
        expect(await child.exit).toBe(0)
        let done = await child.waitFor(l => l.type === 'done', 'the final view')
        let canonical = [...fx.blocks.slice(0, 10), ...alt, ...fx.blocks.slice(12)]
        checkFinalView(done, dn, canonical)
    })

    it('reads the chain over WebSocket with subscriptions, through a fork, a dropped connection and injected errors', async () => {
        let fx = fixture()
        let dn = await startDevnet({
            genesis: fx.genesis,
            blocks: fx.blocks,
            port: 0,
            finalityLag: 4,
            blockTimeMs: -1,
            initialBlocks: 9,
            faults: {errorRate: 0.03, errorKind: 'rate-limit', seed: 5},
        })
        nets.push(dn)
        let child = new Child(dn.wsUrl, FIXTURE_HEIGHT)
        children.push(child)
        await releaseUntilProcessed(dn, child, 10)
        let orphans = [8, 9, 10].map(h => dn.chain.byNumber(h)!.hashHex)
        // a salted fork: the same events in new blocks (the processor must still replace them)
        dn.fork({depth: 3})
        let rb = await child.waitFor(l => l.type === 'rollback', 'a rollback')
        expect(rb.base).toBe(7)
        expect(rb.dropped.map((d: any) => d.hash).sort()).toEqual([...orphans].sort())
        dn.server.dropAllConnections()
        for (let i = 0; i < 10; i++) {
            dn.release(1)
            await new Promise(r => setTimeout(r, 30))
        }
        for (let i = 0; i < 5; i++) {
            dn.appendEmpty(1)
            await new Promise(r => setTimeout(r, 30))
        }
        expect(await child.exit).toBe(0)
        let done = await child.waitFor(l => l.type === 'done', 'the final view')
        checkFinalView(done, dn, fx.blocks)
        expect(dn.server.faults.counters.errors).toBeGreaterThan(0)
    })
})
