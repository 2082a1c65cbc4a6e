/**
 * The expensive load of the probe-latency row (bench/chaos/hostile.ts), in a process of its own:
 *
 *   node lib/bench/chaos/loaders.js <graphql url> <clients>
 *
 * `clients` loops, each sending a new expensive payouts query (2,000 rows, filtered, sorted) as soon as its
 * last one is answered, ignoring Retry-After, as an attacker would. It stops when its stdin closes and then
 * prints `{"sent": n, "failed": n}` (answers other than 200, and requests that failed) on stdout.
 *
 * Apart from the probing process, because the attackers are other machines: sharing one event loop with
 * twenty clients reading 300 kB answers, the probe's own process added its delay to the latency measured.
 */
import {httpRequest} from '../../test/helpers/graphql-server'

async function main() {
    const [url, n] = [process.argv[2], Number(process.argv[3] ?? 20)]
    if (!url || !Number.isInteger(n) || n < 1) throw new Error('usage: loaders.js <graphql url> <clients>')
    let stop = false
    let sent = 0
    let failed = 0
    process.stdin.on('end', () => {
        stop = true
    })
    process.stdin.on('close', () => {
        stop = true
    })
    process.stdin.resume()
    await Promise.all(
        Array.from({length: n}, async (_, w) => {
            let k = 0
            while (!stop) {
                k++
                const q = `{ h${w}_${k}: payouts(where: {amount_gt: "${w * 100_000 + k}"}, orderBy: timestamp_DESC, limit: 2000) { id amount toOwner toStakers timestamp workerId poolId } }`
                try {
                    const r = await httpRequest(url, {method: 'POST', body: JSON.stringify({query: q}), headers: {'content-type': 'application/json'}})
                    if (r.status !== 200) failed++
                } catch {
                    failed++
                }
                sent++
            }
        })
    )
    process.stdout.write(JSON.stringify({sent, failed}) + '\n')
}

main().then(
    () => process.exit(0),
    e => {
        console.error(e?.message ?? e)
        process.exit(1)
    }
)
