/**
 * startDevnet(): a devnet node (chain + release schedule + finality + forks) served over HTTP and WebSocket.
 */
import {cryptoWaitReady} from '@polkadot/util-crypto'
import type {DevBlock, DevStorageWrite} from '../model'
import type {V2Spec} from '../runtime'
import {ChainSource, saveChain, sourceFromDevBlocks, sourceFromFile} from '../chain/build'
import {Chain} from '../chain/chain'
import {DEFAULT_MAX_BLOCKS, DevnetNode, ForkOptions, ForkResult, NodeOptions} from '../chain/node'
import {GatewayServer} from '../gateway'
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
     * empty blocks appended after the last source block, one every tailBlockMs, so that finality (head − lag)
     * reaches the scenario's last block as on a real chain and a processor with a `to` block ends;
     * default: finalityLag + 1 in the automatic modes (0 when the lag is 0), 0 in manual mode
     */
    tailBlocks?: number
    /** interval of the tail blocks in ms (default: blockTimeMs in live mode, 200 otherwise) */
    tailBlockMs?: number
    /** serve the finalized blocks as an SQD Network gateway too, on this port (0 = any free port); default: no gateway */
    gatewayPort?: number
    /** the gateway's reply size, bytes (default 2 MiB) and reply cache, bytes (default 256 MiB); devnet/gateway */
    gatewayReplyBytes?: number
    gatewayCacheBytes?: number
}

export interface Devnet {
    /** http://host:port */
    url: string
    /** ws://host:port */
    wsUrl: string
    port: number
    /** the SQD gateway's URL for `setGateway` (with the option gatewayPort) */
    gatewayUrl?: string
    gateway?: GatewayServer
    node: DevnetNode
    chain: Chain
    server: RpcServer
    /** canonical head height */
    readonly height: number
    /** true when every source block has been released */
    readonly exhausted: boolean
    release(n?: number): number
    releaseAll(): number
    /** empty blocks after the last source block (see tailBlocks) */
    appendEmpty(n?: number): number
    fork(opts: ForkOptions): ForkResult
    finalize(height?: number): void
    /** resolves when the canonical head reaches `height` */
    waitForHeight(height: number, timeoutMs?: number): Promise<void>
    /** saves the canonical chain (all blocks released so far) to a chain file */
    save(path: string, info?: {[k: string]: unknown}): void
    close(): Promise<void>
}

/** The source of startDevnet's blocks. */
export function sourceFromOptions(opts: StartDevnetOptions): ChainSource {
    if (opts.source) return opts.source
    if (opts.fromFile) return sourceFromFile(opts.fromFile)
    if (opts.blocks) return sourceFromDevBlocks(opts.genesis ?? [], opts.blocks, {v2Spec: opts.v2Spec})
    throw new Error('startDevnet needs source, fromFile or blocks')
}

/** a source longer than the devnet will hold (NodeOptions.maxBlocks) */
export class DevnetLimitError extends Error {
    override name = 'DevnetLimitError'
}

export async function startDevnet(opts: StartDevnetOptions): Promise<Devnet> {
    // WASM hashing (same results as the JS fallback, ~4x faster for large chains)
    await cryptoWaitReady()
    let log = opts.log ?? (() => {})
    let source = sourceFromOptions(opts)
    let blockTimeMs = opts.blockTimeMs ?? 0
    let mode: 'instant' | 'live' | 'manual' = blockTimeMs === 0 ? 'instant' : blockTimeMs > 0 ? 'live' : 'manual'
    let t0 = Date.now()
    // a chain file released all at once is served from disk (blocks read back as asked for), not built in memory
    let fileChain: Chain | undefined
    if (mode === 'instant' && source.file && !opts.forks?.length) {
        fileChain = Chain.fromFile(source.file)
        source.close?.()
        source = {...source, peek: () => undefined, next: () => undefined}
        log(`indexed ${source.file}: ${fileChain.headHeight} blocks in ${Date.now() - t0} ms`)
    }
    // a chain built in memory keeps every block (~3 KB each); one served from its file keeps only an index
    let maxBlocks = opts.maxBlocks ?? DEFAULT_MAX_BLOCKS
    if (!fileChain && source.size !== undefined && source.size > maxBlocks) {
        throw new DevnetLimitError(
            `the chain has ${source.size} blocks, more than the devnet holds (maxBlocks ${maxBlocks}; it keeps every block in memory, ~3 KB each)`
        )
    }
    let node = new DevnetNode(source, {chain: fileChain, finalityLag: opts.finalityLag, forks: opts.forks, log, maxBlocks})
    let finalityLag = opts.finalityLag ?? 0
    let tailBlocks = opts.tailBlocks ?? (mode === 'manual' || finalityLag === 0 ? 0 : finalityLag + 1)
    let tailBlockMs = opts.tailBlockMs ?? (mode === 'live' ? blockTimeMs : 200)
    let timers = new Set<NodeJS.Timeout>()
    let closed = false
    let tailStarted = false

    let startTail = () => {
        if (tailStarted || tailBlocks <= 0) return
        tailStarted = true
        let left = tailBlocks
        let iv = setInterval(() => {
            if (closed || left <= 0 || !node.exhausted || node.pendingFork) {
                if (left <= 0 || closed) {
                    clearInterval(iv)
                    timers.delete(iv)
                }
                return
            }
            node.appendEmpty(1)
            left--
        }, tailBlockMs)
        timers.add(iv)
    }

    if (mode === 'instant' && !fileChain) {
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
    let gateway: GatewayServer | undefined
    if (opts.gatewayPort != null) {
        gateway = new GatewayServer(node, {host, port: opts.gatewayPort, replyBytes: opts.gatewayReplyBytes, cacheBytes: opts.gatewayCacheBytes, log})
        try {
            await gateway.listen()
        } catch (e) {
            await server.close()
            throw e
        }
    }

    if (mode === 'live') {
        let iv = setInterval(() => {
            let r = node.step()
            if (r === 'done') {
                clearInterval(iv)
                timers.delete(iv)
                startTail()
            }
        }, blockTimeMs)
        timers.add(iv)
    } else if (node.exhausted) {
        startTail()
    }

    let waiters: {height: number; resolve: () => void}[] = []
    node.on('block', () => {
        let h = node.height
        waiters = waiters.filter(w => {
            if (h >= w.height) w.resolve()
            return h < w.height
        })
        if (node.exhausted && mode !== 'live') startTail()
    })

    return {
        url: `http://${host}:${port}`,
        wsUrl: `ws://${host}:${port}`,
        port,
        gatewayUrl: gateway?.url,
        gateway,
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
        appendEmpty: n => node.appendEmpty(n),
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
            await gateway?.close()
        },
    }
}
