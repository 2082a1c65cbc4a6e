/**
 * Private internals of @subsquid/graphql-server and @subsquid/openreader this project patches, in one place:
 * - @subsquid/graphql-server/lib/typeorm: TypeormOpenreaderContext (its `tx` and `connection` fields), and
 *   @subsquid/openreader/lib/util/lazy-transaction: LazyTransaction — for the per-request statement timeout;
 * - @subsquid/openreader/lib/limit.size (getListSize, getConnectionSize), lib/util/limit (Limit.prototype.check)
 *   and @subsquid/util-naming — for the response-size limit's explanation.
 * Neither is public API: an SDK upgrade can move them. Each patch falls back to the SDK's own behaviour
 * with a line on stderr.
 */
import * as path from 'path'
import {queuedManager} from '../db/statement-queue'
import {ApiError, attachSizeLimitHint, SIZE_LIMIT_MESSAGE} from '../server/errors'

/**
 * GQL_SQL_TIMEOUT_MS on the API's queries only. graphql-server runs all SQL of a request (OpenReader's and
 * the analytics resolvers', which get the same EntityManager) in one transaction its
 * TypeormOpenreaderContext opens on first use; that transaction now begins READ ONLY, with the
 * statement timeout and `jit = off` set for it alone (`set_config(…, true)`, which ends with it). The connections themselves have no timeout, so the server's own
 * queries (TypeORM's `SELECT version()` at start, …) are never cancelled. Returns the command-line flags
 * still needed: none, or, should the class not be found, the server's own flag (timeout on every
 * connection) as before.
 */
export function limitApiStatements(timeoutMs: number): string[] {
    try {
        const serverDir = path.dirname(require.resolve('@subsquid/graphql-server/package.json'))
        const mod = require(path.join(serverDir, 'lib/typeorm'))
        const {LazyTransaction} = require(require.resolve('@subsquid/openreader/lib/util/lazy-transaction', {paths: [serverDir]}))
        const Base = mod.TypeormOpenreaderContext
        if (typeof Base !== 'function' || typeof LazyTransaction !== 'function') throw new Error('TypeormOpenreaderContext not found')
        // read only: the API never writes, so even a bug or an injected statement cannot change the index; JIT
        // off: on large OR-ed filters PostgreSQL's JIT compilation alone ran far past the statement timeout
        const readOnlySql = 'SET TRANSACTION READ ONLY'
        const setTimeoutSql = `SELECT set_config('statement_timeout', '${Math.floor(timeoutMs)}', true), set_config('jit', 'off', true)`
        mod.TypeormOpenreaderContext = class extends Base {
            constructor(...args: any[]) {
                super(...args)
                this.tx = new LazyTransaction((cb: (em: any) => Promise<unknown>) =>
                    this.connection.transaction(async (em: any) => {
                        // every statement of the request (OpenReader's and the resolvers', which run
                        // concurrently) goes through one queue on the transaction's connection
                        const queued = queuedManager(em)
                        await queued.query(readOnlySql)
                        await queued.query(setTimeoutSql)
                        return cb(queued)
                    })
                )
            }
        }
        return []
    } catch (e: any) {
        process.stderr.write(`[serve] could not limit the API's transactions (${e?.message ?? e}); the SQL timeout applies to every statement\n`)
        return ['--sql-statement-timeout', String(timeoutMs)]
    }
}

/**
 * OpenReader refuses a list without `limit` (or a page too large) with a bare "response might exceed the
 * size limit", one shared error object. Its size estimate (limit.size.js) and the check of the request's
 * node budget (util/limit.js) are wrapped here so that the error carries what to do: the field, and the
 * largest `limit` / `first` that fits with the fields selected (SizeLimitHint, told by cleanGraphqlError).
 * The estimate runs synchronously inside the check, so the estimate seen is the check's own.
 */
export function explainResponseSizeLimit(): void {
    try {
        const serverDir = path.dirname(require.resolve('@subsquid/graphql-server/package.json'))
        const fromOpenreader = (name: string) => require(require.resolve(`@subsquid/openreader/lib/${name}`, {paths: [serverDir]}))
        const size = fromOpenreader('limit.size')
        const limit = fromOpenreader('util/limit')
        const openreaderDir = path.dirname(require.resolve('@subsquid/openreader/package.json', {paths: [serverDir]}))
        const naming = require(require.resolve('@subsquid/util-naming', {paths: [openreaderDir]}))
        const {getListSize, getConnectionSize} = size
        const check = limit.Limit?.prototype?.check
        if (typeof getListSize !== 'function' || typeof getConnectionSize !== 'function' || typeof check !== 'function') {
            throw new Error('OpenReader size limit not found')
        }
        const plural = (typeName: string) => naming.toPlural(naming.toCamelCase(typeName))
        // set by the estimates below, read by the check that called them
        type Estimate = {kind: 'list' | 'connection'; model: any; typeName: string; size: (n: number) => number; given: boolean}
        const last: {estimate?: Estimate} = {}

        size.getListSize = function (model: any, typeName: string, fields: any, lim: number | undefined, where: any): number {
            last.estimate = {kind: 'list', model, typeName, size: n => getListSize(model, typeName, fields, n, where), given: lim != null}
            return getListSize(model, typeName, fields, lim, where)
        }
        size.getConnectionSize = function (model: any, typeName: string, req: any): number {
            last.estimate = {kind: 'connection', model, typeName, size: n => getConnectionSize(model, typeName, {...req, first: n}), given: req?.first != null}
            return getConnectionSize(model, typeName, req)
        }
        limit.Limit.prototype.check = function (this: {value: number}, cb: (left: number) => number): void {
            const left = this.value
            last.estimate = undefined
            try {
                check.call(this, cb)
            } catch (e: any) {
                if (e?.message !== SIZE_LIMIT_MESSAGE) throw e
                const err = new ApiError(SIZE_LIMIT_MESSAGE, 'BAD_USER_INPUT')
                const est = last.estimate as Estimate | undefined
                if (est == null) throw err
                // the sizes grow linearly with the number of rows: the largest n with size(n) + 1 ≤ left
                const s0 = est.size(0)
                const perRow = est.size(1) - s0
                const max = perRow > 0 && Number.isFinite(perRow) ? Math.max(0, Math.floor((left - 1 - s0) / perRow)) : 0
                const entity = est.model?.[est.typeName]
                const list = (entity?.kind === 'entity' && entity.listQueryName) || plural(est.typeName)
                throw attachSizeLimitHint(
                    err,
                    est.kind === 'list'
                        ? {kind: 'list', field: list, connection: `${plural(est.typeName)}Connection`, max, given: est.given}
                        : {kind: 'connection', field: `${plural(est.typeName)}Connection`, max, given: est.given}
                )
            }
        }
    } catch (e: any) {
        process.stderr.write(`[serve] could not explain the response-size limit (${e?.message ?? e}); its errors stay terse\n`)
    }
}
