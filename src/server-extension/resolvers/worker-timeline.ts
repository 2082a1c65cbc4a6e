import 'reflect-metadata'
import {Arg, Ctx, Field, Float, Int, ObjectType, Query, Resolver} from 'type-graphql'
import {parseWorker, toSs58} from '../../queries/address'
import {guarded} from '../../server/errors'
import {checkBuckets, parseGranularity, parseRange} from '../../queries/params'
import {pha} from '../../queries/pha'
import {payoutsPerDay, rollupSeries, settlePoints, stateIntervals, workerExists, workerSessions} from '../../queries/timeline'
import {chargeResponse, EntityManagerGetter, Granularity, RequestContext, SqlResolver} from './common'

@ObjectType()
export class StateIntervalOut {
    @Field(() => String, {nullable: true, description: 'Ready | WorkerIdle | WorkerUnresponsive | WorkerCoolingDown; null: not bound to a session'})
    state!: string | null
    @Field() start!: Date
    @Field() end!: Date
    @Field(() => Float) durationMs!: number
    @Field(() => String, {nullable: true}) sessionId!: string | null
    @Field(() => String, {nullable: true}) poolId!: string | null
    @Field(() => String, {nullable: true, description: 'event that began the interval (null: began before the range)'}) event!: string | null
    @Field(() => Int, {nullable: true}) blockHeight!: number | null
}

@ObjectType()
export class StateTimesOut {
    @Field(() => Float) readyMs!: number
    @Field(() => Float) idleMs!: number
    @Field(() => Float) unresponsiveMs!: number
    @Field(() => Float) coolingDownMs!: number
    @Field(() => Float) unboundMs!: number
    @Field(() => Float, {description: 'idle + unresponsive'}) computingMs!: number
    @Field(() => Float, {nullable: true, description: 'idle / computing × 100 (0–100)'}) uptimePercent!: number | null
}

@ObjectType({description: 'V after one settle'})
export class SettlePointOut {
    @Field() timestamp!: Date
    @Field(() => Int) blockHeight!: number
    @Field() sessionId!: string
    @Field(() => BigInt) vBits!: bigint
    @Field(() => Float) v!: number
    @Field(() => BigInt) payout!: bigint
}

@ObjectType({description: 'A worker rollup bucket: V, P, share and stake at its close, sums over it'})
export class TimelineBucketOut {
    @Field() start!: Date
    @Field(() => BigInt) payout!: bigint
    @Field(() => BigInt) treasury!: bigint
    @Field(() => Int) settleCount!: number
    @Field(() => Float) readyMs!: number
    @Field(() => Float) idleMs!: number
    @Field(() => Float) unresponsiveMs!: number
    @Field(() => Float) coolingDownMs!: number
    @Field(() => String, {nullable: true}) state!: string | null
    @Field(() => String, {nullable: true}) sessionId!: string | null
    @Field(() => String, {nullable: true}) poolId!: string | null
    @Field(() => BigInt) stake!: bigint
    @Field(() => BigInt) vBits!: bigint
    @Field(() => Float) v!: number
    @Field(() => Float) share!: number
    @Field(() => Int, {nullable: true, description: 'P (instant benchmark) at the close'}) pInstant!: number | null
    @Field(() => Float, {nullable: true, description: 'payout / stake, annualized over the bucket; a fraction (0.25 = 25 %)'}) apr!: number | null
}

@ObjectType()
export class DailyPayoutOut {
    @Field() day!: Date
    @Field(() => BigInt) amount!: bigint
    @Field() amountPha!: string
    @Field(() => BigInt) treasury!: bigint
    @Field(() => Int) settleCount!: number
}

@ObjectType()
export class TimelineSessionOut {
    @Field() sessionId!: string
    @Field() firstSeen!: Date
    @Field() lastSeen!: Date
    @Field(() => String, {nullable: true}) poolId!: string | null
    @Field(() => String, {nullable: true, description: 'current state while still bound'}) state!: string | null
    @Field(() => Boolean, {nullable: true}) bound!: boolean | null
    @Field(() => BigInt) stake!: bigint
    @Field(() => BigInt, {description: 'lifetime, Session.totalPayout'}) totalPayout!: bigint
    @Field(() => Int) settleCount!: number
    @Field(() => BigInt) payoutInRange!: bigint
    @Field(() => Int) settleCountInRange!: number
}

@ObjectType()
export class WorkerTimeline {
    @Field() worker!: string
    @Field() workerSs58!: string
    @Field() from!: Date
    @Field() to!: Date
    @Field({description: 'intervals end here: min(to, chain head)'}) coveredTo!: Date
    @Field(() => [StateIntervalOut]) intervals!: StateIntervalOut[]
    @Field({description: `more than 10,000 intervals: the rest is cut`}) intervalsTruncated!: boolean
    @Field(() => StateTimesOut) times!: StateTimesOut
    @Field(() => Float, {nullable: true, description: 'time WorkerIdle / time computing (Idle + Unresponsive) × 100 (0–100)'}) uptimePercent!: number | null
    @Field(() => [SettlePointOut], {description: 'V after every settle in the range (at most 10,000)'}) vSeries!: SettlePointOut[]
    @Field() vSeriesTruncated!: boolean
    @Field(() => Granularity) granularity!: Granularity
    @Field(() => [TimelineBucketOut], {description: 'rollup buckets: V, P, share, stake at close (HOUR rows exist for hours with activity)'})
    series!: TimelineBucketOut[]
    @Field(() => [DailyPayoutOut], {description: 'every UTC day of the range, from the ledger'}) payoutsPerDay!: DailyPayoutOut[]
    @Field(() => BigInt) totalPayout!: bigint
    @Field() totalPayoutPha!: string
    @Field(() => [TimelineSessionOut], {description: 'every session the worker went through'}) sessions!: TimelineSessionOut[]
}

@Resolver()
export class WorkerTimelineResolver extends SqlResolver {
    constructor(tx: EntityManagerGetter) {
        super(tx)
    }

    @Query(() => WorkerTimeline, {
        nullable: true,
        description: "A worker's state intervals, uptime, V / P series, payouts per day and sessions over [from, to)",
    })
    async workerTimeline(
        @Arg('worker', {description: 'public key, 0x-hex (or SS58)'}) worker: string,
        @Arg('from') from: string,
        @Arg('to') to: string,
        @Arg('granularity', () => Granularity, {defaultValue: Granularity.DAY, description: 'of `series`: HOUR or DAY'}) granularity: Granularity,
        @Ctx() ctx: RequestContext
    ): Promise<WorkerTimeline> {
        return guarded(async () => {
            const id = parseWorker('worker', worker)
            const range = parseRange(from, to)
            const g = parseGranularity('granularity', granularity)
            checkBuckets(range, 'DAY', 'to')
            if (g !== 'MONTH') checkBuckets(range, g)
            const [iv, pts, series, days, sessions] = await this.cached(
                'timeline',
                [id, range, g],
                async q => {
                    await workerExists(q, id)
                    return Promise.all([
                        stateIntervals(q, id, range),
                        settlePoints(q, id, range),
                        rollupSeries(q, id, range, g),
                        payoutsPerDay(q, id, range),
                        workerSessions(q, id, range),
                    ])
                },
                ([iv, pts, series, days, sessions]) => iv.intervals.length + pts.points.length + series.length + days.length + sessions.length
            )
            chargeResponse(ctx, iv.intervals.length * 8 + pts.points.length * 6 + series.length * 17 + days.length * 5 + sessions.length * 11)
            const total = days.reduce((s, d) => s + d.amount, 0n)
            return {
                worker: id,
                workerSs58: toSs58(id),
                from: range.from,
                to: range.to,
                coveredTo: iv.coveredTo,
                intervals: iv.intervals,
                intervalsTruncated: iv.truncated,
                times: iv.times,
                uptimePercent: iv.times.uptimePercent,
                vSeries: pts.points,
                vSeriesTruncated: pts.truncated,
                granularity: g as Granularity,
                series,
                payoutsPerDay: days.map(d => ({...d, amountPha: pha(d.amount)})),
                totalPayout: total,
                totalPayoutPha: pha(total),
                sessions,
            }
        })
    }
}
