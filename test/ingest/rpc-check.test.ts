/**
 * The processor's own requests to the node (src/ingest/rpc-check.ts: the start-up check and the chain head)
 * against a real loopback node stand-in over HTTP and WebSocket: a node's internal error (-32603) or an
 * HTTP 503 is asked again, so one bad answer of a busy node does not stop the processor at start-up; a
 * real mistake (an unknown method) is not retried, and a node that keeps failing ends in one clear error.
 */
import * as http from 'http'
import type {AddressInfo} from 'net'
import {WebSocketServer} from 'ws'
import {finalizedHeight, RpcCheckError, rpcRequest} from '../../src/ingest/rpc-check'

type Answer = (method: string) => {status?: number; body: any}

/** an HTTP + WebSocket JSON-RPC server on one port, answering through `answer`; counts the requests */
async function node(answer: Answer) {
    const seen: string[] = []
    const reply = (body: string) => {
        const req = JSON.parse(body)
        seen.push(req.method)
        const a = answer(req.method)
        return {status: a.status ?? 200, text: JSON.stringify({jsonrpc: '2.0', id: req.id, ...a.body})}
    }
    const server = http.createServer((req, res) => {
        let body = ''
        req.on('data', c => (body += c))
        req.on('end', () => {
            const r = reply(body)
            res.writeHead(r.status, {'content-type': 'application/json'})
            res.end(r.text)
        })
    })
    const wss = new WebSocketServer({server})
    wss.on('connection', ws => ws.on('message', d => ws.send(reply(String(d)).text)))
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    return {
        seen,
        http: `http://127.0.0.1:${port}`,
        ws: `ws://127.0.0.1:${port}`,
        close: () => {
            wss.close()
            return new Promise(r => server.close(r))
        },
    }
}

const INTERNAL = {body: {error: {code: -32603, message: 'Internal error'}}}

describe('rpc-check: transient node errors are asked again', () => {
    for (const transport of ['http', 'ws'] as const) {
        it(`${transport}: two internal errors, then the answer`, async () => {
            let left = 2
            const n = await node(m =>
                m === 'chain_getHeader' && left-- > 0 ? INTERNAL : m === 'chain_getHeader' ? {body: {result: {number: '0x2a'}}} : {body: {result: '0xabc'}}
            )
            try {
                expect(await finalizedHeight(n[transport])).toBe(42)
                expect(n.seen).toEqual(['chain_getFinalizedHead', 'chain_getHeader', 'chain_getHeader', 'chain_getHeader'])
            } finally {
                await n.close()
            }
        })
    }

    it('HTTP 503 is retried; an unknown method is not', async () => {
        let busy = 1
        const n = await node(m =>
            m === 'a' && busy-- > 0 ? {status: 503, body: {}} : m === 'a' ? {body: {result: 1}} : {body: {error: {code: -32601, message: 'Method not found'}}}
        )
        try {
            expect(await rpcRequest(n.http, 'a')).toBe(1)
            await expect(rpcRequest(n.http, 'b')).rejects.toThrow('answered b with an error: Method not found')
            expect(n.seen).toEqual(['a', 'a', 'b'])
        } finally {
            await n.close()
        }
    })

    it('a node that keeps failing ends in one error after the attempts', async () => {
        const n = await node(() => INTERNAL)
        try {
            const e = await rpcRequest(n.http, 'chain_getFinalizedHead', [], 2_000, 3).catch(x => x)
            expect(e).toBeInstanceOf(RpcCheckError)
            expect(e.message).toBe(`the node at ${n.http} answered chain_getFinalizedHead with an error: Internal error`)
            expect(n.seen.length).toBe(3)
        } finally {
            await n.close()
        }
    })
})
