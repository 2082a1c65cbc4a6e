/**
 * startDevnet(): a devnet node (chain + release schedule + finality + forks) served over HTTP and WebSocket.
 */
import type {DevBlock, DevStorageWrite} from '../model'
import type {V2Spec} from '../runtime'
import {ChainSource, saveChain, sourceFromDevBlocks, sourceFromFile} from '../chain/build'
import type {Chain} from '../chain/chain'
import {DevnetNode, ForkOptions, ForkResult, NodeOptions} from '../chain/node'
import {RpcServer, ServerOptions} from './server'

export interface StartDevnetOptions extends ServerOptions, NodeOptions {
    /** the blocks: a ready source, a chain file, or genesis + DevBlocks */
    source?: ChainSource
    fromFile?: string
    genesis?: DevStorageWrite[]
    blocks?: Iterable<DevBlock>
    /** v2-era runtime spec for genesis + DevBlocks (1251 default, or 1254) */
    v2Spec?: V2Spec
    /**
     * 0 (default): every block is available at start; > 0: "live", one more block every blockTimeMs;
     * < 0: manual, blocks come out through release() / devnet_release
     */
    blockTimeMs?: number
    /** blocks released at start in live and manual modes (default 0) */
    initialBlocks?: number
    /**
     * once every block is out, finalize the head after this many ms (so a processor with a `to` block ends);
     * default 3000 in the automatic modes, -1 = never (the default in manual mode)
     */
    finalizeTailMs?: number
}

export interface Devnet {
    /** http://host:port */
    url: string
    /** ws://host:port */
    wsUrl: string
    port: number
    node: DevnetNode
    chain: Chain
    server: RpcServer
    /** canonical head height */
    readonly height: number
    /** true when every source block has been released */
    readonly exhausted: boolean
    release(n?: number): number
    releaseAll(): number
    fork(opts: ForkOptions): ForkResult
    finalize(height?: number): void
    /** resolves when the canonical head reaches `height` */
    waitForHeight(height: number, timeoutMs?: number): Promise<void>
    /** saves the canonical chain (all blocks released so far) to a chain file */
    save(path: string, info?: {[k: string]: unknown}): void
    close(): Promise<void>
}

export function sourceFromOptions(opts: StartDevnetOptions): ChainSource {
    if (opts.source) return opts.source
    if (opts.fromFile) return sourceFromFile(opts.fromFile)
    if (opts.blocks) return sourceFromDevBlocks(opts.genesis ?? [], opts.blocks, {v2Spec: opts.v2Spec})
    throw new Error('startDevnet needs source, fromFile or blocks')
}

export async function startDevnet(opts: StartDevnetOptions): Promise<Devnet> {
    let log = opts.log ?? (() => {})
    let source = sourceFromOptions(opts)
    let node = new DevnetNode(source, {finalityLag: opts.finalityLag, forks: opts.forks, log})
    let blockTimeMs = opts.blockTimeMs ?? 0
    let mode: 'instant' | 'live' | 'manual' = blockTimeMs === 0 ? 'instant' : blockTimeMs > 0 ? 'live' : 'manual'
    let finalizeTailMs = opts.finalizeTailMs ?? (mode === 'manual' ? -1 : 3000)
    let timers = new Set<NodeJS.Timeout>()
    let closed = false
    let tailScheduled = false

    let scheduleTail = () => {
        if (tailScheduled || finalizeTailMs < 0 || node.finalityLag === 0) return
        tailScheduled = true
        let t = setTimeout(() => {
            timers.delete(t)
            if (!closed && node.exhausted && !node.pendingFork) {
                log(`finalizing the tail: head ${node.height}`)
                node.finalize()
            }
            tailScheduled = false
        }, finalizeTailMs)
        timers.add(t)
    }

    let t0 = Date.now()
    if (mode === 'instant') {
        node.releaseAll()
        log(`built ${node.height} blocks in ${Date.now() - t0} ms`)
    } else {
        node.release(opts.initialBlocks ?? 0)
    }

    let server = new RpcServer(node, {
        ...opts,
        log,
        status: () => ({mode, blockTimeMs}),
    })
    let {host, port} = await server.listen()

    if (mode === 'live') {
        let iv = setInterval(() => {
            let r = node.step()
            if (r === 'done') {
                clearInterval(iv)
                timers.delete(iv)
                scheduleTail()
            }
        }, blockTimeMs)
        timers.add(iv)
    } else if (node.exhausted) {
        scheduleTail()
    }

    let waiters: {height: number; resolve: () => void}[] = []
    node.on('block', () => {
        let h = node.height
        waiters = waiters.filter(w => {
            if (h >= w.height) w.resolve()
            return h < w.height
        })
        if (node.exhausted) scheduleTail()
    })

    return {
        url: `http://${host}:${port}`,
        wsUrl: `ws://${host}:${port}`,
        port,
        node,
        chain: node.chain,
        server,
        get height() {
            return node.height
        },
        get exhausted() {
            return node.exhausted
        },
        release: n => node.release(n),
        releaseAll: () => node.releaseAll(),
        fork: f => node.fork(f),
        finalize: h => void node.finalize(h),
        waitForHeight(height, timeoutMs = 60_000) {
            if (node.height >= height) return Promise.resolve()
            return new Promise((resolve, reject) => {
                let t = setTimeout(() => reject(new Error(`timeout waiting for height ${height} (at ${node.height})`)), timeoutMs)
                waiters.push({
                    height,
                    resolve: () => {
                        clearTimeout(t)
                        resolve()
                    },
                })
            })
        },
        save: (path, info) => saveChain(node.chain, path, source.runtimeOptions, info ?? source.info),
        async close() {
            closed = true
            for (let t of timers) clearTimeout(t)
            timers.clear()
            await server.close()
        },
    }
}
