/**
 * Hour / day buckets: their bounds, and the ids of their rows.
 */
import {DAY_MS, HOUR_MS} from '../domain/constants'
import {RollupPeriod} from '../model'

export interface BucketSpec {
    period: RollupPeriod
    /** bucket [start, end) in ms */
    start: number
    end: number
    /** heights of the bucket's blocks: [startHeight, endHeight) */
    startHeight: number
    endHeight: number
    /** timestamp of the first and last processed block in the bucket */
    firstTimestamp: number | null
    lastTimestamp: number | null
    /** height of the last processed block in the bucket */
    lastHeight: number
}

export function hourStart(ts: number): number {
    return ts - (((ts % HOUR_MS) + HOUR_MS) % HOUR_MS)
}

export function dayStart(ts: number): number {
    return ts - (((ts % DAY_MS) + DAY_MS) % DAY_MS)
}

/** the id prefix of every ledger row of block `height` (ids are `<10-digit height>-<hash>-<index>`) */
export function heightKey(height: number): string {
    return String(height).padStart(10, '0')
}

/** time first: a close inserts its rows at the end of the primary key's index, not all over it */
export function bucketId(entity: string, period: RollupPeriod, start: number): string {
    return bucketPrefix(period, start) + entity
}

/** `<hour or day>-<period>-` of a bucket's ids (the ISO rendering cached: one per bucket, not per row) */
let lastPrefix: {period: RollupPeriod | ''; start: number; text: string} = {period: '', start: Number.NaN, text: ''}
function bucketPrefix(period: RollupPeriod, start: number): string {
    if (lastPrefix.period !== period || lastPrefix.start !== start) {
        const iso = new Date(start).toISOString()
        lastPrefix = {period, start, text: `${period === RollupPeriod.Hour ? iso.slice(0, 13) : iso.slice(0, 10)}-${period}-`}
    }
    return lastPrefix.text
}
