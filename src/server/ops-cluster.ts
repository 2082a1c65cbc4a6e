/**
 * `/metrics` with GQL_WORKERS > 1: the workers share the port, so a scrape reaches any one of them. Each
 * worker keeps its own registry; the worker that is asked sends a request to the primary process, which
 * gathers every worker's metrics over IPC (prom-client's AggregatorRegistry: counters and histograms
 * summed, so rates and quantiles are the server's as a whole) and sends the text back. One worker's
 * process metrics (memory, CPU) are summed likewise; the event loop lag is averaged.
 */
import cluster from 'cluster'
import {AggregatorRegistry, Registry} from 'prom-client'

const REQUEST = 'phala-squid:metrics-request'
const ANSWER = 'phala-squid:metrics-answer'
const TIMEOUT_MS = 8000

interface Answer {
    type: typeof ANSWER
    id: number
    text?: string
    error?: string
}

const waiting = new Map<number, (a: Answer) => void>()
let nextId = 0
let joined = false

/** in a worker: answer the primary's collection with `registry`, and listen for the sums it sends back */
export function joinClusterMetrics(registry: Registry): void {
    if (!cluster.isWorker || joined) return
    joined = true
    AggregatorRegistry.setRegistries([registry])
    // its constructor installs the worker's answer to the primary's collection requests
    new AggregatorRegistry()
    process.on('message', (m: any) => {
        if (m?.type !== ANSWER) return
        const done = waiting.get(m.id)
        if (done) done(m as Answer)
    })
}

/** in a worker: the metrics of all workers, summed by the primary */
export function clusterMetrics(): Promise<string> {
    const id = nextId++
    return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
            waiting.delete(id)
            reject(new Error(`the primary process did not gather the workers' metrics within ${TIMEOUT_MS / 1000} s`))
        }, TIMEOUT_MS)
        waiting.set(id, a => {
            waiting.delete(id)
            clearTimeout(timer)
            if (a.text != null) resolve(a.text)
            else reject(new Error(a.error ?? 'no metrics'))
        })
        process.send!({type: REQUEST, id})
    })
}

/** in the primary (src/server/main.ts, GQL_WORKERS > 1): gather the workers' metrics when one asks */
export function serveClusterMetrics(): void {
    const aggregator = new AggregatorRegistry()
    cluster.on('message', (worker, m: any) => {
        if (m?.type !== REQUEST) return
        const send = (a: Answer) => {
            // a worker that exited meanwhile has no channel left: nobody waits for the answer
            if (worker.isConnected()) worker.send(a, undefined, () => undefined)
        }
        aggregator.clusterMetrics().then(
            text => send({type: ANSWER, id: m.id, text}),
            e => send({type: ANSWER, id: m.id, error: String(e?.message ?? e)})
        )
    })
}
