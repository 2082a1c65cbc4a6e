/**
 * Checks the GraphQL server (src/server/main.ts) and the CSV export server (src/export/server.ts) make before
 * they start, so that the ordinary reasons not to start — the port is taken, the database is missing,
 * unreachable, refuses the login or holds no tables of this project — end the program with one line on
 * stderr instead of a driver or Node stack.
 */
import * as net from 'net'
import {ClientConfig} from 'pg'
import {checkDatabase as checkDb, DatabaseCheckError} from '../db/check'

/** a failure to start, told in one line (no stack) */
export class StartupError extends Error {
    constructor(message: string) {
        super(message)
        this.name = 'StartupError'
    }
}

/** one line for an error of `listen(port)`, or undefined when it is not one of the ordinary ones */
export function describeListenError(e: unknown, port: number | string, variable: string): string | undefined {
    const code = (e as {code?: string} | undefined)?.code
    if (code === 'EADDRINUSE') return `port ${port} is already in use (another \`npm start\`?): stop it or set ${variable}`
    if (code === 'EACCES') return `port ${port} may not be opened by this user: use a port above 1023 or set ${variable}`
    if (code === 'EADDRNOTAVAIL') return `port ${port} cannot be opened on this host's addresses: set ${variable}`
    return undefined
}

/** resolves when `port` can be listened on (it is released at once), else a StartupError */
export async function checkPortFree(port: number, variable: string): Promise<void> {
    const s = net.createServer()
    try {
        await new Promise<void>((resolve, reject) => {
            s.once('error', reject)
            s.listen(port, () => resolve())
        })
    } catch (e) {
        const line = describeListenError(e, port, variable)
        if (line) throw new StartupError(line)
        throw e
    } finally {
        await new Promise<void>(resolve => (s.listening ? s.close(() => resolve()) : resolve()))
    }
}

/**
 * Connects once to the database and checks that the project's tables are there (src/db/check.ts); a failure
 * becomes a StartupError. `url` names the database in messages (its password is never shown).
 */
export async function checkDatabase(config: ClientConfig, url: string): Promise<void> {
    try {
        await checkDb(url, {client: config, needSchema: true})
    } catch (e) {
        if (e instanceof DatabaseCheckError) throw new StartupError(e.message)
        throw e
    }
}
