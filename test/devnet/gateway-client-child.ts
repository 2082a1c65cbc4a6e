/**
 * Child process for test/devnet/gateway.test.ts: the SDK's own gateway client (@subsquid/util-internal-archive-client
 * over @subsquid/http-client, as `setGateway` builds it; its ESM-only fetch does not load under jest) reads the
 * devnet gateway's height and one query, and prints them as one JSON line.
 *
 *   node lib/test/devnet/gateway-client-child.js <gateway url> <query JSON>
 */
import {HttpClient} from '@subsquid/http-client'
import {ArchiveClient} from '@subsquid/util-internal-archive-client'

async function main() {
    const [url, q] = process.argv.slice(2)
    const client = new ArchiveClient({url, http: new HttpClient({retryAttempts: 0})})
    const height = await client.getHeight()
    const blocks = await client.query(JSON.parse(q))
    process.stdout.write(JSON.stringify({height, blocks}) + '\n')
}

main().catch(e => {
    process.stderr.write(`${e?.stack ?? e}\n`)
    process.exit(1)
})
