/**
 * Database settings of the export (the same variables as the rest of the project): DB_URL, or DB_HOST,
 * DB_PORT (5432), DB_NAME (squid), DB_USER (postgres), DB_PASS.
 */
export function dbUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
    const url = env.DB_URL?.trim()
    if (url) {
        if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`DB_URL: expected a postgres:// URL, got ${JSON.stringify(url)}`)
        return url
    }
    const host = env.DB_HOST?.trim()
    if (!host) throw new Error('no database configured: set DB_URL (or DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASS)')
    const user = encodeURIComponent(env.DB_USER ?? 'postgres')
    const pass = env.DB_PASS ? ':' + encodeURIComponent(env.DB_PASS) : ''
    return `postgres://${user}${pass}@${host}:${env.DB_PORT ?? 5432}/${env.DB_NAME ?? 'squid'}`
}
