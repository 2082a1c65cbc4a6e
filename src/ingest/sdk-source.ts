/**
 * The one hook into @subsquid/substrate-processor 8.x internals used by src/ingest: its private
 * `getRpcDataSource()`. `wrapRpcDataSource` replaces the source it returns by `wrap(source)`, once (later
 * calls get the same object), and fails loudly if the SDK no longer has that method.
 */
import type {SubstrateBatchProcessor} from '@subsquid/substrate-processor'

export function wrapRpcDataSource<S extends object>(processor: SubstrateBatchProcessor<any>, purpose: string, wrap: (source: S) => S): void {
    const p = processor as unknown as {getRpcDataSource?: () => S}
    const original = p.getRpcDataSource
    if (typeof original !== 'function') {
        throw new Error(`@subsquid/substrate-processor has no getRpcDataSource(): ${purpose} needs 8.x (written against 8.5.1)`)
    }
    let wrapped: S | undefined
    p.getRpcDataSource = function (this: unknown) {
        return (wrapped ??= wrap(original.call(this)))
    }
}
