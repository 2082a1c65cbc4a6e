/**
 * Errors the API shows to its users. A bad argument becomes a GraphQL error with a message naming the
 * argument and `extensions.code = "BAD_USER_INPUT"` (HTTP 400 in the CSV export); anything unexpected
 * becomes a short "internal error" message. Neither carries a stack trace or SQL.
 */
import {InputError} from './address'

export {InputError} from './address'

/** a GraphQL-facing error: message, code, and the argument it is about; never a stack */
export class ApiError extends Error {
    readonly extensions: {code: string; argument?: string}

    constructor(message: string, code: string, argument?: string) {
        super(message)
        this.name = 'ApiError'
        this.extensions = argument ? {code, argument} : {code}
        // apollo copies an error's own enumerable properties into `extensions.exception`; keep it clean
        Object.defineProperty(this, 'name', {enumerable: false})
        this.stack = undefined
    }
}

/** true for errors whose message is meant for the user (bad arguments) */
export function isInputError(e: unknown): e is InputError {
    return e instanceof InputError || (e instanceof Error && e.name === 'InputError')
}

function isStatementTimeout(e: any): boolean {
    return e?.code === '57014' || /statement timeout/i.test(String(e?.message ?? ''))
}

/**
 * Any error thrown by an API computation → the error the user sees. Input errors keep their message;
 * a SQL statement timeout says so; everything else is logged here and reported without details.
 */
export function toApiError(e: unknown, log: (msg: string) => void = defaultLog): ApiError {
    if (e instanceof ApiError) return e
    if (isInputError(e)) return new ApiError(e.message, 'BAD_USER_INPUT', (e as InputError).field)
    const code = (e as any)?.extensions?.code
    if (e instanceof Error && typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
        // a GraphQL / Apollo error meant for the user (e.g. the response-size limit)
        return new ApiError(e.message, code)
    }
    if (isStatementTimeout(e)) {
        return new ApiError('the query ran longer than the server allows (GQL_SQL_TIMEOUT_MS); narrow the range', 'QUERY_TIMEOUT')
    }
    log(`internal error: ${(e as any)?.stack ?? e}`)
    return new ApiError('internal error while computing the result (logged on the server)', 'INTERNAL_SERVER_ERROR')
}

function defaultLog(msg: string) {
    process.stderr.write(`[api] ${msg}\n`)
}

/** run `f`, converting whatever it throws with toApiError */
export async function guarded<T>(f: () => Promise<T>): Promise<T> {
    try {
        return await f()
    } catch (e) {
        throw toApiError(e)
    }
}

// ------------------------------------------------------------------ every GraphQL error (OpenReader's too)

export interface FormattedError {
    message: string
    locations?: unknown
    path?: unknown
    extensions?: Record<string, any>
}

/** the error as a user sees it: message and code, nothing from the server's insides */
export function cleanGraphqlError(err: FormattedError, log: (msg: string) => void = m => process.stderr.write(m + '\n')): FormattedError {
    const {exception, ...ext} = (err.extensions ?? {}) as Record<string, any>
    const code = ext.code ?? 'INTERNAL_SERVER_ERROR'
    let message = err.message
    const sqlState = exception?.code ?? exception?.driverError?.code
    if (sqlState === '57014' || /canceling statement due to statement timeout/.test(message)) {
        message = 'the query ran longer than the server allows (GQL_SQL_TIMEOUT_MS); ask for less'
        ext.code = 'QUERY_TIMEOUT'
    } else if (code === 'INTERNAL_SERVER_ERROR' && (exception?.sql || exception?.query || exception?.driverError || /serialize a BigInt/.test(message))) {
        log(`[api] internal error: ${err.message}${exception?.sql ? ` (sql: ${String(exception.sql).slice(0, 500)})` : ''}`)
        message = 'internal error (logged on the server)'
    }
    return {message, locations: err.locations, path: err.path, extensions: ext}
}

