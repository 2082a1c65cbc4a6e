/**
 * The chain's finalized head, read from a node over HTTP JSON-RPC, for the GraphQL server's /ready (the
 * processor knows the head from its own polling). A ws(s):// endpoint is asked over http(s):// at the same
 * address: Substrate nodes (and the devnet) serve both on one port.
 */

async function rpc(url: string, method: string, params: unknown[], timeoutMs: number): Promise<any> {
    const res = await fetch(url, {
        method: 'POST',
        headers: {'content-type': 'application/json'},
        body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params}),
        signal: AbortSignal.timeout(timeoutMs),
    })
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${method}`)
    const msg: any = await res.json()
    if (msg?.error) throw new Error(`${method}: ${msg.error.message ?? JSON.stringify(msg.error)}`)
    return msg?.result
}

export function httpEndpoint(endpoint: string): string {
    return endpoint.replace(/^ws(s?):\/\//i, 'http$1://')
}

/** the finalized head's height */
export async function finalizedHead(endpoint: string, timeoutMs = 5000): Promise<number> {
    const url = httpEndpoint(endpoint)
    const hash = await rpc(url, 'chain_getFinalizedHead', [], timeoutMs)
    const header = await rpc(url, 'chain_getHeader', [hash], timeoutMs)
    const n = Number.parseInt(String(header?.number), header?.number?.startsWith?.('0x') ? 16 : 10)
    if (!Number.isSafeInteger(n)) throw new Error(`chain_getHeader gave no block number`)
    return n
}

/**
 * The head, re-read in the background every `everyMs` (at most one read at a time); a failed read keeps
 * the last value known, so a node that went away makes the lag older, not unknown.
 */
export class ChainHeadPoller {
    height: number | null = null
    error: string | undefined
    private timer: NodeJS.Timeout | undefined
    private reading = false

    constructor(
        private readonly endpoint: string,
        private readonly everyMs: number
    ) {}

    start(): void {
        if (this.timer) return
        void this.read()
        this.timer = setInterval(() => void this.read(), this.everyMs)
        this.timer.unref()
    }

    stop(): void {
        if (this.timer) clearInterval(this.timer)
        this.timer = undefined
    }

    private async read(): Promise<void> {
        if (this.reading) return
        this.reading = true
        try {
            this.height = await finalizedHead(this.endpoint, Math.max(1000, this.everyMs))
            this.error = undefined
        } catch (e: any) {
            this.error = String(e?.message ?? e).split('\n')[0]
        } finally {
            this.reading = false
        }
    }
}
