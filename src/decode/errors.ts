/**
 * Errors of the decode layer. All of them mean "stop and look": the indexer must never skip or guess
 * an event or a storage value whose runtime shape it does not know.
 */

/** Common base, so a caller can catch every "runtime shape not understood" case at once. */
export class UnknownVersionError extends Error {
    constructor(
        /** `Pallet.Event` or `Pallet.StorageItem` */
        readonly itemName: string,
        readonly specVersion: number | undefined,
        readonly blockHeight: number | undefined,
        message: string
    ) {
        super(message)
        this.name = 'UnknownVersionError'
    }
}

/**
 * An event whose runtime type matches none of the versions the decoder knows, e.g.
 * `PhalaComputation.SessionSettled: runtime type at spec 1300, block #123 matches no known version`.
 */
export class UnknownEventVersionError extends UnknownVersionError {
    constructor(eventName: string, specVersion: number | undefined, blockHeight: number | undefined, detail?: string) {
        super(
            eventName,
            specVersion,
            blockHeight,
            `${eventName}: runtime type at spec ${specVersion ?? '?'}, block #${blockHeight ?? '?'} matches no known version` + (detail ? ` (${detail})` : '')
        )
        this.name = 'UnknownEventVersionError'
    }
}

/** A storage item whose runtime type matches none of the versions the readers know (or that the runtime lacks). */
export class UnknownStorageVersionError extends UnknownVersionError {
    constructor(itemName: string, specVersion: number | undefined, blockHeight: number | undefined, detail?: string) {
        super(
            itemName,
            specVersion,
            blockHeight,
            `${itemName}: storage type at spec ${specVersion ?? '?'}, block #${blockHeight ?? '?'} matches no known version` + (detail ? ` (${detail})` : '')
        )
        this.name = 'UnknownStorageVersionError'
    }
}

/** The caller handed the decoder an event that is not a mining event at all (it was selected by mistake). */
export class NotAMiningEventError extends Error {
    constructor(
        readonly eventName: string,
        readonly blockHeight: number | undefined
    ) {
        super(`${eventName} (block #${blockHeight ?? '?'}) is not a mining event: the decoder does not handle it; ` + `select only MINING_EVENT_NAMES`)
        this.name = 'NotAMiningEventError'
    }
}
