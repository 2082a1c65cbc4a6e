/**
 * Failures that stop the processor with one line instead of a stack trace, and the failure of one block
 * inside a batch, which lets the database commit the blocks before it (src/store/pipelined-database.ts).
 */

/** stops the processor: `message` is the one line printed (src/main.ts) */
export class ProcessorStop extends Error {
    constructor(message: string, options?: {cause?: unknown}) {
        super(message, options)
        this.name = 'ProcessorStop'
    }
}

export interface BlockRef {
    height: number
    hash: string
}

/**
 * Block `block` of a batch could not be processed (an event or storage shape the decoder does not know, or
 * any other error while applying it). The blocks of the batch before it are fine: the database commits them
 * (up to `parent`, the block before) and the processor stops with `message`, naming the block.
 */
export class BlockFailure extends ProcessorStop {
    constructor(
        readonly block: BlockRef,
        readonly parent: BlockRef,
        readonly error: unknown,
        /** the failed block is the batch's first: nothing before it to commit */
        readonly firstInBatch: boolean
    ) {
        const msg = error instanceof Error ? error.message : String(error)
        super(
            `block #${block.height} (${block.hash}) cannot be indexed: ${msg}; every block before it is committed and nothing of it or after it: ` +
                `${isShapeError(error) ? 'update the decoder for this runtime (src/decode, npm run typegen)' : 'fix the cause'} and start the processor again, it resumes at #${block.height}`,
            {cause: error}
        )
        this.name = 'BlockFailure'
    }
}

/** an event or storage item whose runtime shape the decoder does not know (src/decode/errors.ts), also from the decode thread */
export function isShapeError(e: unknown): boolean {
    const name = (e as {name?: string} | null)?.name
    return name === 'UnknownEventVersionError' || name === 'UnknownStorageVersionError' || name === 'UnknownVersionError'
}

/** the one line for an error raised by the processor's data source or database, if it is one of ours */
export function stopLine(e: unknown): string | undefined {
    if (e instanceof ProcessorStop) return e.message
    if (isShapeError(e)) {
        return (
            `${(e as Error).message}; every block before it is committed and nothing of it or after it: update the decoder for this runtime ` +
            `(src/decode, npm run typegen) and start the processor again, it resumes at that block`
        )
    }
    return undefined
}

const STOP_BEFORE = Symbol('stop before block')

/** the handler indexes only blocks below this height in this store's transaction (a batch's committed part) */
export function stopBefore(store: object): number | undefined {
    return (store as {[STOP_BEFORE]?: number})[STOP_BEFORE]
}

export function setStopBefore(store: object, height: number): void {
    ;(store as {[STOP_BEFORE]?: number})[STOP_BEFORE] = height
}
