/**
 * Arguments shared by the GraphQL resolvers and the CSV export: times, ranges, bucket granularity,
 * subjects (account | worker | pool) and pagination, validated with messages naming the argument.
 */
import {InputError, parseAccount, parseWorker} from './address'

export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000

/** more buckets than this in one answer is refused */
export const MAX_BUCKETS = 10_000
/** largest page of ledger rows one GraphQL answer returns */
export const MAX_PAGE = 1_000

export type Granularity = 'HOUR' | 'DAY' | 'MONTH'
export const GRANULARITIES: Granularity[] = ['HOUR', 'DAY', 'MONTH']

/** PostgreSQL date_trunc field and interval of a granularity */
export function pgBucket(g: Granularity): {field: string; interval: string} {
    switch (g) {
        case 'HOUR':
            return {field: 'hour', interval: '1 hour'}
        case 'DAY':
            return {field: 'day', interval: '1 day'}
        case 'MONTH':
            return {field: 'month', interval: '1 month'}
    }
}

export function parseGranularity(field: string, input: string | null | undefined, dflt: Granularity = 'DAY'): Granularity {
    if (input == null || input === '') return dflt
    const g = String(input).trim().toUpperCase()
    if ((GRANULARITIES as string[]).includes(g)) return g as Granularity
    throw new InputError(field, `unknown granularity ${JSON.stringify(input)} (use one of ${GRANULARITIES.join(', ')})`)
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
/** date, time (minutes, optional seconds and fraction), optional zone (group 1) */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i

/**
 * An ISO 8601 date (`2023-01-01`, midnight UTC) or date-time (`2023-01-01T12:00:00Z`, `…+02:00`; without
 * a zone, `2023-01-01T12:00:00` or `2023-01-01T12:00`, it is UTC). Also accepted: a Date, or milliseconds
 * since the epoch as a number.
 */
export function parseTime(field: string, input: unknown): Date {
    if (input instanceof Date) {
        if (Number.isNaN(input.getTime())) throw new InputError(field, 'invalid date')
        return input
    }
    if (typeof input === 'number') {
        if (!Number.isFinite(input)) throw new InputError(field, `invalid time ${input}`)
        return new Date(input)
    }
    if (typeof input !== 'string') throw new InputError(field, 'expected an ISO 8601 date or date-time')
    const s = input.trim()
    let ms = NaN
    /** the zone's offset from UTC, ms: the local date of the input is that of ms + offset */
    let offsetMs = 0
    const dt = DATE_TIME.exec(s)
    if (DATE_ONLY.test(s)) {
        ms = Date.parse(s + 'T00:00:00Z')
    } else if (dt) {
        // without a zone, UTC (Date.parse would take it as the server's local time)
        ms = Date.parse(s.replace(' ', 'T') + (dt[1] == null ? 'Z' : ''))
        const zone = /^([+-])(\d{2}):?(\d{2})$/.exec(dt[1] ?? '')
        if (zone) offsetMs = (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) * 60_000
    }
    if (Number.isNaN(ms)) {
        throw new InputError(
            field,
            `not an ISO 8601 date or date-time: ${JSON.stringify(input)} (e.g. 2023-01-01, 2023-01-01T06:30:00Z, or 2023-01-01T06:30 for UTC)`
        )
    }
    // reject dates that Date.parse silently rolls over (2023-02-30)
    const check = new Date(ms)
    if (new Date(ms + offsetMs).toISOString().slice(0, 10) !== s.slice(0, 10)) throw new InputError(field, `no such date: ${JSON.stringify(input)}`)
    if (check.getUTCFullYear() < 1970 || check.getUTCFullYear() > 9999) throw new InputError(field, `time out of range: ${JSON.stringify(input)}`)
    return check
}

export interface TimeRange {
    from: Date
    to: Date
}

/** [from, to): both given, from < to */
export function parseRange(fromInput: unknown, toInput: unknown, names: [string, string] = ['from', 'to']): TimeRange {
    const from = parseTime(names[0], fromInput)
    const to = parseTime(names[1], toInput)
    if (from.getTime() >= to.getTime()) {
        throw new InputError(names[0], `${names[0]} (${from.toISOString()}) must be before ${names[1]} (${to.toISOString()})`)
    }
    return {from, to}
}

/** [from, to) where either end may be missing (open) */
export function parseOptionalRange(fromInput: unknown, toInput: unknown): {from: Date | null; to: Date | null} {
    const from = fromInput == null || fromInput === '' ? null : parseTime('from', fromInput)
    const to = toInput == null || toInput === '' ? null : parseTime('to', toInput)
    if (from && to && from.getTime() >= to.getTime()) {
        throw new InputError('from', `from (${from.toISOString()}) must be before to (${to.toISOString()})`)
    }
    return {from, to}
}

export function truncUtc(t: number, g: Granularity): number {
    const d = new Date(t)
    switch (g) {
        case 'HOUR':
            return t - (((t % HOUR_MS) + HOUR_MS) % HOUR_MS)
        case 'DAY':
            return t - (((t % DAY_MS) + DAY_MS) % DAY_MS)
        case 'MONTH':
            return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
    }
}

export function addBucket(t: number, g: Granularity, n = 1): number {
    switch (g) {
        case 'HOUR':
            return t + n * HOUR_MS
        case 'DAY':
            return t + n * DAY_MS
        case 'MONTH': {
            const d = new Date(t)
            return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1)
        }
    }
}

/** number of `g` buckets covering [from, to) */
export function bucketCount(r: TimeRange, g: Granularity): number {
    const start = truncUtc(r.from.getTime(), g)
    const end = r.to.getTime()
    switch (g) {
        case 'HOUR':
            return Math.ceil((end - start) / HOUR_MS)
        case 'DAY':
            return Math.ceil((end - start) / DAY_MS)
        case 'MONTH': {
            const a = new Date(start)
            const b = new Date(end)
            let n = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth())
            if (addBucket(start, 'MONTH', n) < end) n++
            return n
        }
    }
}

/** refuse ranges that would make more than MAX_BUCKETS buckets */
export function checkBuckets(r: TimeRange, g: Granularity, field = 'granularity'): number {
    const n = bucketCount(r, g)
    if (n > MAX_BUCKETS) {
        throw new InputError(
            field,
            `the range ${r.from.toISOString()} – ${r.to.toISOString()} holds ${n} ${g.toLowerCase()} buckets; at most ${MAX_BUCKETS} are allowed (use a coarser granularity or a shorter range)`
        )
    }
    return n
}

export function parseLimit(field: string, input: number | null | undefined, dflt: number, max: number): number {
    if (input == null) return dflt
    if (!Number.isInteger(input) || input < 0) throw new InputError(field, `must be a whole number ≥ 0, got ${input}`)
    if (input > max) throw new InputError(field, `at most ${max}, got ${input}`)
    return input
}

export function parseOffset(field: string, input: number | null | undefined): number {
    if (input == null) return 0
    if (!Number.isInteger(input) || input < 0) throw new InputError(field, `must be a whole number ≥ 0, got ${input}`)
    if (input > 10_000_000) throw new InputError(field, `at most 10000000, got ${input}`)
    return input
}

// ------------------------------------------------------------------ subjects

export type SubjectKind = 'account' | 'worker' | 'pool'

export interface Subject {
    kind: SubjectKind
    /** raw 0x-hex account / worker key, or the pid as a decimal string */
    id: string
}

export function parsePool(field: string, input: string | number | bigint): string {
    const s = String(input).trim()
    if (!/^\d{1,20}$/.test(s) || BigInt(s) > 18446744073709551615n) {
        throw new InputError(field, `a pool is its numeric pid (0 … 2^64−1), got ${JSON.stringify(String(input))}`)
    }
    return BigInt(s).toString()
}

/** exactly one of account / worker / pool */
export function parseSubject(input: {account?: string | null; worker?: string | null; pool?: string | number | null}): Subject {
    const given = (['account', 'worker', 'pool'] as const).filter(k => input[k] != null && String(input[k]).trim() !== '')
    if (given.length !== 1) {
        throw new InputError(
            given.length === 0 ? 'account' : given[1],
            given.length === 0 ? 'give one of account, worker or pool' : `give only one of account, worker or pool (got ${given.join(', ')})`
        )
    }
    const k = given[0]
    switch (k) {
        case 'account':
            return {kind: 'account', id: parseAccount('account', String(input.account))}
        case 'worker':
            return {kind: 'worker', id: parseWorker('worker', String(input.worker))}
        case 'pool':
            return {kind: 'pool', id: parsePool('pool', input.pool as any)}
    }
}
