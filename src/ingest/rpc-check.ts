/**
 * One JSON-RPC request to the node, on a connection of its own: the start-up check that the endpoint
 * answers (so that a wrong RPC_ENDPOINT ends in one line, not in the SDK's retry loop), and the chain head
 * for the progress log. WebSocket (ws://, wss://) and HTTP (http://, https://) endpoints.
 */
import WebSocket from 'ws'

export class RpcCheckError extends Error {
    constructor(
        message: string,
        /** a passing condition of a working node (an internal error, HTTP 429 / 502–504): worth asking again */
        readonly transient = false
    ) {
        super(message)
        this.name = 'RpcCheckError'
    }
}

/** the JSON-RPC error of an answer as an RpcCheckError; a node's "Internal error" (-32603) is transient */
function answerError(url: string, method: string, error: any): RpcCheckError {
    return new RpcCheckError(`the node at ${url} answered ${method} with an error: ${error?.message ?? JSON.stringify(error)}`, error?.code === -32603)
}

function explain(url: string, e: any): string {
    const code = e?.code ?? e?.cause?.code
    if (code === 'ECONNREFUSED') return `no node answers at ${url} (connection refused): start the node or fix RPC_ENDPOINT`
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host of RPC_ENDPOINT ${url} cannot be resolved: fix RPC_ENDPOINT`
    if (code === 'ECONNRESET') return `the node at ${url} closed the connection: check that RPC_ENDPOINT is a Substrate JSON-RPC endpoint`
    return `the node at ${url} cannot be reached (${e?.message ?? e}): check RPC_ENDPOINT`
}

function wsRequest(url: string, method: string, params: unknown[], timeoutMs: number): Promise<any> {
    return new Promise((resolve, reject) => {
        const ws = new WebSocket(url, {handshakeTimeout: timeoutMs})
        let done = false
        const finish = (f: () => void) => {
            if (done) return
            done = true
            clearTimeout(timer)
            ws.removeAllListeners()
            ws.on('error', () => undefined)
            ws.terminate()
            f()
        }
        const timer = setTimeout(
            () => finish(() => reject(new RpcCheckError(`the node at ${url} did not answer ${method} within ${timeoutMs / 1000} s: check RPC_ENDPOINT`))),
            timeoutMs
        )
        ws.on('open', () => ws.send(JSON.stringify({jsonrpc: '2.0', id: 1, method, params})))
        ws.on('message', data => {
            let msg: any
            try {
                msg = JSON.parse(String(data))
            } catch {
                return finish(() => reject(new RpcCheckError(`the node at ${url} sent a reply that is not JSON: check RPC_ENDPOINT`)))
            }
            if (msg?.id !== 1) return
            if (msg.error) return finish(() => reject(answerError(url, method, msg.error)))
            finish(() => resolve(msg.result))
        })
        ws.on('unexpected-response', (_req, res) =>
            finish(() => reject(new RpcCheckError(`the node at ${url} refused the WebSocket connection (HTTP ${res.statusCode}): check RPC_ENDPOINT`)))
        )
        ws.on('error', e => finish(() => reject(new RpcCheckError(explain(url, e)))))
        ws.on('close', () => finish(() => reject(new RpcCheckError(`the node at ${url} closed the connection before answering: check RPC_ENDPOINT`))))
    })
}

async function httpRequest(url: string, method: string, params: unknown[], timeoutMs: number): Promise<any> {
    let res: Response
    try {
        res = await fetch(url, {
            method: 'POST',
            headers: {'content-type': 'application/json'},
            body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params}),
            signal: AbortSignal.timeout(timeoutMs),
        })
    } catch (e: any) {
        if (e?.name === 'TimeoutError') throw new RpcCheckError(`the node at ${url} did not answer ${method} within ${timeoutMs / 1000} s: check RPC_ENDPOINT`)
        throw new RpcCheckError(explain(url, e))
    }
    if (!res.ok) throw new RpcCheckError(`the node at ${url} answered HTTP ${res.status}: check RPC_ENDPOINT`, [429, 502, 503, 504].includes(res.status))
    let msg: any
    try {
        msg = await res.json()
    } catch {
        throw new RpcCheckError(`the node at ${url} sent a reply that is not JSON: check RPC_ENDPOINT`)
    }
    if (msg?.error) throw answerError(url, method, msg.error)
    return msg?.result
}

/**
 * One request; a transient failure (see RpcCheckError.transient) is asked again up to `attempts` times in
 * all, 0.25 s, 0.5 s, 1 s … apart, as the SDK's own client does: one internal error of a busy node must not
 * stop the processor at start-up.
 */
export async function rpcRequest(url: string, method: string, params: unknown[] = [], timeoutMs = 10_000, attempts = 5): Promise<any> {
    for (let i = 1; ; i++) {
        try {
            return await (/^wss?:/i.test(url) ? wsRequest(url, method, params, timeoutMs) : httpRequest(url, method, params, timeoutMs))
        } catch (e) {
            if (!(e instanceof RpcCheckError && e.transient) || i >= attempts) throw e
            await new Promise(r => setTimeout(r, 250 * 2 ** (i - 1)))
        }
    }
}

/** the height of the node's finalized head */
export async function finalizedHeight(url: string, timeoutMs = 10_000): Promise<number> {
    const hash = await rpcRequest(url, 'chain_getFinalizedHead', [], timeoutMs)
    const header = await rpcRequest(url, 'chain_getHeader', [hash], timeoutMs)
    const n = parseInt(String(header?.number), 16)
    if (!Number.isSafeInteger(n)) throw new RpcCheckError(`the node at ${url} sent a header without a block number: check RPC_ENDPOINT`)
    return n
}

/** the spec name of the runtime at the node's best block (`khala`, `phala`, …) */
export async function runtimeSpecName(url: string, timeoutMs = 10_000): Promise<string> {
    const v = await rpcRequest(url, 'state_getRuntimeVersion', [], timeoutMs)
    if (typeof v?.specName !== 'string') throw new RpcCheckError(`the node at ${url} sent a runtime version without a spec name: check RPC_ENDPOINT`)
    return v.specName
}

/** one line when the node runs another chain than CHAIN says (undefined: it matches, or the chain takes any) */
export function chainMismatch(chain: string, expected: string | undefined, actual: string, url: string): string | undefined {
    if (expected == null || expected === actual) return undefined
    return `CHAIN=${chain} but the node at ${url} runs ${JSON.stringify(actual)}: set CHAIN to the node's chain or point RPC_ENDPOINT at a ${expected} node`
}
