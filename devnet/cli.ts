/**
 * The devnet command line: builds (or loads) a chain and serves it over JSON-RPC (HTTP + WebSocket).
 *
 *   npm run devnet -- --scenario small --port 9944 --finality-lag 0 --block-time-ms 0 --seed 1
 *   npm run devnet -- --scenario khala-day --save-file devnet/out/khala-day.chain --build-only
 *   npm run devnet -- --from-file devnet/out/khala-day.chain --finality-lag 10 --block-time-ms 500
 */
import {cryptoWaitReady} from '@polkadot/util-crypto'
import {BUILTIN_SCENARIOS, MissingModuleError} from './chain/scenario'
import type {ScheduledFork, ForkMode} from './chain/node'
import type {FaultErrorKind} from './rpc/faults'
import {scenarioSource, ScenarioDevnetOptions} from './index'
import {startDevnet} from './rpc'

export class UsageError extends Error {}

interface Flag {
    name: string
    arg?: string
    help: string
    default?: string
}

const FLAGS: Flag[] = [
    {name: 'scenario', arg: 'NAME', help: `scenario of the economy simulator (devnet/sim), or a built-in: ${BUILTIN_SCENARIOS.join(', ')}`, default: 'small'},
    {name: 'seed', arg: 'N', help: 'simulator seed (and default fault seed)', default: '1'},
    {name: 'script', arg: 'PATH', help: 'an event script (devnet/script) instead of a scenario'},
    {name: 'from-file', arg: 'PATH', help: 'serve a chain file written by --save-file (no simulation)'},
    {name: 'save-file', arg: 'PATH', help: 'write the generated chain to this file, then serve from it'},
    {name: 'build-only', help: 'with --save-file: write the chain file and exit'},
    {
        name: 'v2-spec',
        arg: '1251|1254',
        help: 'spec of the v2-era runtime (1254: PhalaBasePool events with withdrawing_nft_id / burnt_shares)',
        default: '1251',
    },
    {name: 'chain', arg: 'khala|phala', help: "runtimes to serve: Khala's, or Phala's (specs 1240-1260, v2-era blocks only; docs/chains.md)", default: 'khala'},
    {name: 'host', arg: 'HOST', help: 'address to listen on', default: '127.0.0.1'},
    {name: 'port', arg: 'N', help: 'port for HTTP and WebSocket (0 = any free port)', default: '9944'},
    {name: 'gateway-port', arg: 'N', help: 'also serve the finalized blocks as an SQD Network gateway on this port (0 = any free port; docs/devnet.md)'},
    {name: 'max-blocks', arg: 'N', help: 'most blocks the devnet holds in memory (~3 KB each); longer chains are refused', default: '1000000'},
    {name: 'finality-lag', arg: 'N', help: 'finalized head = best head − N', default: '0'},
    {name: 'block-time-ms', arg: 'N', help: '0: every block at start; N > 0: live, one block every N ms; N < 0: manual (devnet_release)', default: '0'},
    {name: 'initial-blocks', arg: 'N', help: 'blocks available at start in live / manual mode', default: '0'},
    {name: 'tail-blocks', arg: 'N', help: 'empty blocks after the last scenario block, so finality reaches it (default: lag + 1 when the lag > 0)'},
    {name: 'tail-block-ms', arg: 'N', help: 'interval of the tail blocks (default: block time in live mode, else 200)'},
    {name: 'fork-at', arg: 'H:D[:MODE]', help: 'when the head reaches H, replace its last D blocks (MODE salt | empty); repeat or comma-separate'},
    {name: 'fault-error-rate', arg: 'P', help: 'probability that a call gets an error response', default: '0'},
    {name: 'fault-error-kind', arg: 'KIND', help: 'rate-limit (retried by clients) | internal | http-503', default: 'rate-limit'},
    {name: 'fault-latency-ms', arg: 'N', help: 'added latency per request, up to N ms', default: '0'},
    {name: 'fault-latency-rate', arg: 'P', help: 'probability of the added latency', default: '1'},
    {name: 'fault-ws-drop-rate', arg: 'P', help: 'probability that a WebSocket message makes the server drop the connection', default: '0'},
    {name: 'fault-http-drop-rate', arg: 'P', help: 'probability that an HTTP request is dropped without an answer', default: '0'},
    {name: 'fault-seed', arg: 'N', help: 'seed of the fault injection (default: --seed)'},
    {name: 'chain-name', arg: 'NAME', help: 'system_chain answer', default: 'Khala Devnet'},
    {name: 'quiet', help: 'log only errors'},
    {name: 'help', help: 'print this help'},
]

export function usage(): string {
    let lines = [
        'Usage: npm run devnet -- [flags]',
        '',
        'Serves a local Phala-compatible chain (Khala runtimes 1170 → 1251) over JSON-RPC (HTTP + WebSocket).',
        '',
        'Flags:',
    ]
    for (let f of FLAGS) {
        let left = `  --${f.name}${f.arg ? ' ' + f.arg : ''}`
        lines.push(`${left.padEnd(34)} ${f.help}${f.default != null ? ` (default ${f.default})` : ''}`)
    }
    lines.push('', 'Admin RPC: devnet_status, devnet_release {count, empty}, devnet_finalize {height}, devnet_fork {depth, mode, length, blocks}.')
    return lines.join('\n')
}

export function parseArgs(argv: string[]): {[k: string]: string | true | string[]} {
    let out: {[k: string]: string | true | string[]} = {}
    let byName = new Map(FLAGS.map(f => [f.name, f]))
    for (let i = 0; i < argv.length; i++) {
        let a = argv[i]
        if (!a.startsWith('--')) throw new UsageError(`unexpected argument '${a}'`)
        let name = a.slice(2)
        let value: string | undefined
        let eq = name.indexOf('=')
        if (eq >= 0) {
            value = name.slice(eq + 1)
            name = name.slice(0, eq)
        }
        let flag = byName.get(name)
        if (!flag) throw new UsageError(`unknown flag --${name} (see --help)`)
        if (!flag.arg) {
            if (value != null) throw new UsageError(`--${name} takes no value`)
            out[name] = true
            continue
        }
        if (value == null) {
            value = argv[++i]
            if (value == null) throw new UsageError(`--${name} needs a value (${flag.arg})`)
        }
        if (name === 'fork-at') out[name] = [...((out[name] as string[]) || []), ...value.split(',')]
        else out[name] = value
    }
    return out
}

function num(args: {[k: string]: any}, name: string, opts: {int?: boolean; min?: number; max?: number} = {}): number | undefined {
    let v = args[name] ?? FLAGS.find(f => f.name === name)?.default
    if (v == null) return undefined
    let n = Number(v)
    if (!Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min != null && n < opts.min) || (opts.max != null && n > opts.max)) {
        throw new UsageError(`--${name}: bad value '${v}'`)
    }
    return n
}

function parseForks(specs: string[] | undefined): ScheduledFork[] {
    return (specs || []).map(s => {
        let [h, d, mode] = s.split(':')
        let at = Number(h)
        let depth = Number(d)
        if (!Number.isInteger(at) || !Number.isInteger(depth) || depth < 1)
            throw new UsageError(`--fork-at: bad fork '${s}' (expected HEIGHT:DEPTH[:salt|empty])`)
        if (mode != null && mode !== 'salt' && mode !== 'empty') throw new UsageError(`--fork-at: bad mode '${mode}'`)
        return {at, depth, mode: mode as ForkMode | undefined}
    })
}

export async function main(argv: string[]): Promise<void> {
    let args = parseArgs(argv)
    if (args.help) {
        console.log(usage())
        return
    }
    let quiet = !!args.quiet
    let log = (msg: string) => {
        if (!quiet) console.error(`[devnet] ${msg}`)
    }
    let seed = num(args, 'seed', {int: true})!
    let v2Spec = num(args, 'v2-spec', {int: true})
    if (v2Spec !== 1251 && v2Spec !== 1254) throw new UsageError('--v2-spec must be 1251 or 1254')
    let chain = String(args.chain ?? 'khala')
    if (chain !== 'khala' && chain !== 'phala') throw new UsageError(`--chain must be khala or phala, got '${chain}'`)
    let kind = String(args['fault-error-kind'] ?? 'rate-limit') as FaultErrorKind
    if (!['rate-limit', 'internal', 'http-503'].includes(kind)) throw new UsageError(`--fault-error-kind: unknown kind '${kind}'`)
    let opts: ScenarioDevnetOptions = {
        scenario: (args.scenario as string) ?? 'small',
        seed,
        script: args.script as string | undefined,
        fromFile: args['from-file'] as string | undefined,
        saveFile: args['save-file'] as string | undefined,
        v2Spec,
        // unset for Khala, so that Khala chain files keep their header as before
        runtimeChain: chain === 'phala' ? chain : undefined,
        host: (args.host as string) ?? '127.0.0.1',
        port: num(args, 'port', {int: true, min: 0, max: 65535}),
        gatewayPort: num(args, 'gateway-port', {int: true, min: 0, max: 65535}),
        finalityLag: num(args, 'finality-lag', {int: true, min: 0}),
        maxBlocks: num(args, 'max-blocks', {int: true, min: 1}),
        blockTimeMs: num(args, 'block-time-ms', {int: true}),
        initialBlocks: num(args, 'initial-blocks', {int: true, min: 0}),
        tailBlocks: num(args, 'tail-blocks', {int: true, min: 0}),
        tailBlockMs: num(args, 'tail-block-ms', {int: true, min: 1}),
        forks: parseForks(args['fork-at'] as string[] | undefined),
        chainName: (args['chain-name'] as string) ?? (chain === 'phala' ? 'Phala Devnet' : 'Khala Devnet'),
        faults: {
            errorRate: num(args, 'fault-error-rate', {min: 0, max: 1}),
            errorKind: kind,
            latencyMs: num(args, 'fault-latency-ms', {min: 0}),
            latencyRate: num(args, 'fault-latency-rate', {min: 0, max: 1}),
            wsDropRate: num(args, 'fault-ws-drop-rate', {min: 0, max: 1}),
            httpDropRate: num(args, 'fault-http-drop-rate', {min: 0, max: 1}),
            seed: num(args, 'fault-seed', {int: true}) ?? seed,
        },
        log,
    }
    if (args['build-only'] && !opts.saveFile) throw new UsageError('--build-only needs --save-file')
    await cryptoWaitReady()
    let t0 = Date.now()
    let what = opts.fromFile ? `chain file ${opts.fromFile}` : opts.script ? `script ${opts.script}` : `scenario '${opts.scenario}' (seed ${seed})`
    log(`loading ${what}`)
    let source = scenarioSource(opts)
    if (opts.saveFile) log(`wrote ${opts.saveFile} (${source.size} blocks) in ${Date.now() - t0} ms`)
    if (args['build-only']) return
    let dn = await startDevnet({...opts, source})
    let s = dn.chain.stats()
    if (dn.gatewayUrl) log(`SQD gateway at ${dn.gatewayUrl} (finalized blocks)`)
    log(`serving ${dn.url} and ${dn.wsUrl}: head ${dn.height}, finalized ${s.finalizedHeight}, ${s.events} events (ready in ${Date.now() - t0} ms)`)
    let stop = async () => {
        log('stopping')
        await dn.close()
        process.exit(0)
    }
    process.on('SIGINT', () => void stop())
    process.on('SIGTERM', () => void stop())
}

if (require.main === module) {
    main(process.argv.slice(2)).catch(e => {
        let clear = e instanceof MissingModuleError || e instanceof UsageError || e?.name === 'ScriptError' || e?.name === 'DevnetLimitError'
        if (clear) console.error(`devnet: ${e.message}`)
        else console.error(`devnet: ${e?.stack ?? e}`)
        process.exit(1)
    })
}
