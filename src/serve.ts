/**
 * `npm run serve` (node lib/src/serve.js): the GraphQL server, src/server/main.ts. Kept at this path
 * because package.json, docker-compose.yml, src/start.ts and the tests start it here.
 *
 * The server runs with its heap limited to GQL_HEAP_MB (src/config/server.ts): started without
 * --max-old-space-size, this process starts the server as its child with it, passes SIGINT / SIGTERM on,
 * and ends with it; the child ends too if this process dies (its IPC channel closes).
 */
import {spawn} from 'child_process'
import {ConfigError} from './config'
import {apiHeapMb} from './config/server'

function heapLimit(): number {
    try {
        return apiHeapMb()
    } catch (e) {
        if (e instanceof ConfigError) {
            console.error(`configuration error: ${e.message}`)
            process.exit(2)
        }
        throw e
    }
}

const mb = heapLimit()
if (mb > 0 && !process.execArgv.some(a => a.startsWith('--max-old-space-size'))) {
    const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${mb}`, __filename, ...process.argv.slice(2)], {
        stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    })
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
} else {
    // started by the process above: end with it, even when it was killed outright
    if (process.send) process.on('disconnect', () => process.exit(1))
    require('./server/main')
}
