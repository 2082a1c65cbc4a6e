/**
 * PostgreSQL connection failures, told in one line: what happened, where, and what to do. Used by every
 * command that opens the database (processor, GraphQL server, export, migrations, `npm start`).
 */

/** the URL with its password replaced, fit for a log line */
export function redactUrl(url: string): string {
    try {
        const u = new URL(url)
        if (u.password) u.password = '***'
        return u.toString()
    } catch {
        return '(unparsable URL)'
    }
}

function where(url: string): {host: string; port: string; user: string; database: string} {
    try {
        const u = new URL(url)
        return {
            host: u.hostname || 'localhost',
            port: u.port || '5432',
            user: decodeURIComponent(u.username || 'postgres'),
            database: decodeURIComponent(u.pathname.replace(/^\//, '') || 'postgres'),
        }
    } catch {
        return {host: '?', port: '?', user: '?', database: '?'}
    }
}

/**
 * A one-line description of a connection error, or undefined when `e` is not one of the ordinary ones
 * (missing database, server not running, unknown host, refused login, timeout).
 */
export function describeDbError(e: unknown, url: string): string | undefined {
    const err = e as {code?: string; message?: string} | undefined
    const code = err?.code
    const msg = String(err?.message ?? '')
    const w = where(url)
    const at = `${w.host}:${w.port}`
    if (code === '3D000' || /database ".*" does not exist/.test(msg)) {
        return (
            `database "${w.database}" does not exist on the PostgreSQL at ${at}: ` +
            `create it (createdb -h ${w.host} -p ${w.port} -U ${w.user} ${w.database}) or set DB_URL to an existing one`
        )
    }
    if (code === 'ECONNREFUSED') {
        return `no PostgreSQL answers at ${at} (connection refused): start it, or fix DB_URL / DB_HOST / DB_PORT`
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        return `the database host "${w.host}" cannot be resolved: fix DB_URL / DB_HOST`
    }
    if (code === '28P01' || code === '28000') {
        return `the PostgreSQL at ${at} refused user "${w.user}" (${msg || 'authentication failed'}): fix the user or password in DB_URL / DB_USER / DB_PASS`
    }
    if (code === 'ETIMEDOUT' || /timeout expired|Connection terminated due to connection timeout/i.test(msg)) {
        return `the PostgreSQL at ${at} did not answer in time: check the host, port and network`
    }
    if (code === '57P03') {
        return `the PostgreSQL at ${at} is starting up or shutting down: try again in a moment`
    }
    return undefined
}
