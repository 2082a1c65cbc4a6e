/**
 * Errors the API shows to its users. A bad argument becomes a GraphQL error with a message naming the
 * argument and `extensions.code = "BAD_USER_INPUT"` (HTTP 400 in the CSV export); anything unexpected
 * becomes a short "internal error" message. Neither carries a stack trace or SQL.
 */
import {InputError} from '../queries/address'

export {InputError} from '../queries/address'

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

// ------------------------------------------------------------------ the response-size limit

/** what OpenReader (and chargeResponse) say when an answer might exceed GQL_MAX_RESPONSE_NODES */
export const SIZE_LIMIT_MESSAGE = 'response might exceed the size limit'

/**
 * What src/server/main.ts learns when OpenReader refuses a list or a connection for its size: the field and the
 * largest `limit` / `first` the nodes left in the request's budget allow with the fields selected
 */
export interface SizeLimitHint {
    kind: 'list' | 'connection'
    /** the list field (`payouts`), or the connection field (`payoutsConnection`) */
    field: string
    /** for a list: its connection field */
    connection?: string
    /** largest limit / first that fits (0: the other fields of the request leave no room) */
    max: number
    /** whether the request gave a limit / first */
    given: boolean
}

/** the hint attached (not enumerable, so never copied into an answer) to a size-limit error */
export function attachSizeLimitHint<E extends object>(e: E, hint: SizeLimitHint): E {
    Object.defineProperty(e, 'sizeLimitHint', {value: hint, enumerable: false})
    return e
}

/** the size-limit error told with what to do about it */
export function sizeLimitMessage(hint: SizeLimitHint | undefined, path?: unknown): string {
    const head = `${SIZE_LIMIT_MESSAGE} (GQL_MAX_RESPONSE_NODES)`
    if (hint == null) {
        const field = Array.isArray(path) && typeof path[0] === 'string' ? `\`${path[0]}\`` : 'the field'
        return `${head}: ask ${field} for fewer rows (a smaller \`limit\`, a shorter range, a coarser granularity) or fewer fields`
    }
    if (hint.max < 1) {
        return `${head}: the other fields of this request leave no room for \`${hint.field}\`; ask for it in a request of its own, or select fewer fields`
    }
    if (hint.kind === 'connection') {
        return `${head}: ${hint.given ? 'lower' : 'give'} \`first:\` (at most ${hint.max}) on the connection \`${hint.field}\`, and page with \`after:\``
    }
    return (
        `${head}: ${hint.given ? 'lower' : 'add'} \`limit:\` (at most ${hint.max}) ${hint.given ? 'on' : 'to'} the list field \`${hint.field}\`` +
        (hint.connection ? `, or use \`${hint.connection}\` with \`first:\`` : '')
    )
}

/** codes of errors caused by the request itself: answered, never logged */
const USER_ERROR_CODES = new Set([
    'BAD_USER_INPUT',
    'BAD_REQUEST',
    'GRAPHQL_PARSE_FAILED',
    'GRAPHQL_VALIDATION_FAILED',
    'PERSISTED_QUERY_NOT_FOUND',
    'PERSISTED_QUERY_NOT_SUPPORTED',
    'OPERATION_RESOLUTION_FAILURE',
])

/**
 * PostgreSQL data exceptions OpenReader's SQL raises for values the request gave (it passes `limit` and
 * `offset` through unchecked): bad input, with the argument when it is known
 */
const USER_SQL_STATES: Record<string, {argument?: string; message?: string}> = {
    '2201W': {argument: 'limit', message: 'limit: must be a whole number ≥ 0'},
    '2201X': {argument: 'offset', message: 'offset: must be a whole number ≥ 0'},
    '22P02': {},
    '22003': {},
    '22007': {},
    '22008': {},
    // PostgreSQL text cannot hold U+0000: a string argument with a NUL character
    '22021': {message: 'a string argument contains a NUL character (\\u0000), which no stored value can contain'},
}

/** errors Apollo raises about the request (persisted queries, no query) without giving them a code */
const APOLLO_REQUEST_ERRORS = /^(provided sha does not match query|Unsupported persisted query version|GraphQL operations must contain a non-empty)/

function isApiError(e: unknown): boolean {
    return e instanceof ApiError || (e instanceof Error && e.name === 'ApiError')
}

function defaultGraphqlLog(msg: string): void {
    process.stderr.write(msg + '\n')
}

/** `[api] internal error: <message>` and, on the next lines, the stack below its first line */
function internalErrorLine(message: string, sql: unknown, stack: unknown): string {
    let line = `[api] internal error: ${message.split('\n')[0]}`
    if (sql) line += ` (sql: ${String(sql).replace(/\s+/g, ' ').slice(0, 500)})`
    const frames = typeof stack === 'string' ? stack.split('\n').filter(l => /^\s+at /.test(l)) : []
    return frames.length ? `${line}\n${frames.join('\n')}` : line
}

/**
 * The error as a user sees it: message and code, nothing from the server's insides. It is also where
 * the server's error log is decided (OpenReader's own log of errors is switched off in src/server/main.ts):
 * errors of the request (bad input, validation, limits) are not logged; a statement timeout is one line;
 * an internal error is one line and its stack, and the user only learns that it was logged. Errors the
 * analytics resolvers raise (ApiError) were already logged by toApiError when they were internal.
 */
export function cleanGraphqlError(err: FormattedError & {originalError?: any}, log: (msg: string) => void = defaultGraphqlLog): FormattedError {
    const {exception, ...ext} = (err.extensions ?? {}) as Record<string, any>
    const original = err.originalError
    const code = ext.code ?? 'INTERNAL_SERVER_ERROR'
    let message = err.message
    const sqlState = exception?.code ?? exception?.driverError?.code ?? original?.code ?? original?.driverError?.code
    const userSql = typeof sqlState === 'string' && Object.hasOwn(USER_SQL_STATES, sqlState) ? USER_SQL_STATES[sqlState] : undefined
    const fromUs = isApiError(original)
    if (code === 'QUERY_TIMEOUT' || sqlState === '57014' || /canceling statement due to statement timeout/.test(message)) {
        log(`[api] query timeout (GQL_SQL_TIMEOUT_MS) at ${Array.isArray(err.path) ? err.path.join('.') : 'the query'}`)
        if (!fromUs) message = 'the query ran longer than the server allows (GQL_SQL_TIMEOUT_MS); ask for less'
        ext.code = 'QUERY_TIMEOUT'
    } else if (code === 'INTERNAL_SERVER_ERROR' && err.path == null && APOLLO_REQUEST_ERRORS.test(message)) {
        ext.code = 'BAD_REQUEST'
    } else if (code === 'INTERNAL_SERVER_ERROR' && userSql) {
        message = userSql.message ?? `bad argument value: ${message.split('\n')[0]}`
        ext.code = 'BAD_USER_INPUT'
        if (userSql.argument) ext.argument = userSql.argument
    } else if (code === 'INTERNAL_SERVER_ERROR' && !fromUs) {
        const sql = exception?.sql ?? exception?.query ?? original?.sql ?? original?.query
        log(internalErrorLine(message, sql, original?.stack ?? exception?.stacktrace?.join?.('\n')))
        message = 'internal error (logged on the server)'
    } else if (!USER_ERROR_CODES.has(code) && !fromUs) {
        // another code of an error no resolver of ours raised: answered as it is, noted in one line
        log(`[api] ${code}: ${message.split('\n')[0]}`)
    }
    if (message === SIZE_LIMIT_MESSAGE) message = sizeLimitMessage(original?.sizeLimitHint, err.path)
    return {message, locations: err.locations, path: err.path, extensions: ext}
}
