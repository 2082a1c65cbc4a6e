import 'reflect-metadata'
import {Arg, Ctx, Field, Float, Int, ObjectType, Query, Resolver} from 'type-graphql'
import {InputError} from '../../queries/address'
import {guarded} from '../../server/errors'
import {parseOrder, parseWindow, poolLeaderboard} from '../../queries/leaderboard'
import {parseLimit} from '../../queries/params'
import {pha} from '../../queries/pha'
import {chargeResponse, EntityManagerGetter, LeaderboardWindow, PoolLeaderboardOrder, RequestContext, SqlResolver} from './common'

@ObjectType()
export class PoolLeaderboardEntry {
    @Field(() => Int) rank!: number
    @Field() pid!: string
    @Field({description: 'StakePoolV1 | StakePool | Vault'}) kind!: string
    @Field() ownerId!: string
    @Field(() => Int, {description: "the pool's commission as the chain stores it, parts per million (1,000,000 = 100 %)"}) commissionPermill!: number
    @Field(() => Float, {description: 'commissionPermill / 10,000 (0–100)'}) commissionPercent!: number
    @Field(() => Int, {
        description: 'parts per million (1,000,000 = 100 %)',
        deprecationReason: 'use commissionPermill (the same value) or commissionPercent: a plain name means a fraction (0–1)',
    })
    commission!: number
    @Field(() => Float, {nullable: true, description: 'official formula (Phala apps), on the current state; a fraction (0.25 = 25 %)'}) apr!: number | null
    @Field(() => Float, {nullable: true, description: 'pool idle shares · (1 − commission) / pool value in PHA; apr = aprMultiplier · aprPerShare'})
    aprMultiplier!: number | null
    @Field(() => Float, {nullable: true, description: 'BasePool.apr as the indexer stored it at the last hour close; a fraction'}) storedApr!: number | null
    @Field(() => BigInt) totalValue!: bigint
    @Field() totalValuePha!: string
    @Field(() => BigInt) totalShares!: bigint
    @Field() sharePrice!: string
    @Field(() => BigInt) freeValue!: bigint
    @Field(() => Int) delegatorCount!: number
    @Field(() => Int) workerCount!: number
    @Field(() => Int) idleWorkers!: number
    @Field(() => Int) unresponsiveWorkers!: number
    @Field(() => Int) readyWorkers!: number
    @Field(() => Int) coolingDownWorkers!: number
    @Field(() => Float) idleShare!: number
    @Field(() => BigInt, {description: "Σ payouts of the pool's workers in the window"}) rewards!: bigint
    @Field() rewardsPha!: string
    @Field(() => BigInt) ownerRewards!: bigint
    @Field(() => BigInt) stakerRewards!: bigint
    @Field(() => Int) settleCount!: number
}

@ObjectType()
export class PoolLeaderboard {
    @Field({nullable: true, description: 'chain head time the figures refer to'}) at?: Date
    @Field(() => Int) height!: number
    @Field(() => PoolLeaderboardOrder) orderBy!: PoolLeaderboardOrder
    @Field(() => LeaderboardWindow) window!: LeaderboardWindow
    @Field({nullable: true, description: 'start of the rewards window (hour-aligned)'}) windowStart?: Date
    @Field(() => Float, {
        nullable: true,
        description: 'yearly PHA per unit of idle share: budget·(1−treasury)·year/blockTime/Σshares (the APR, a fraction, of a pool with aprMultiplier 1)',
    })
    aprPerShare!: number | null
    @Field(() => [PoolLeaderboardEntry]) entries!: PoolLeaderboardEntry[]
}

@Resolver()
export class PoolLeaderboardResolver extends SqlResolver {
    constructor(tx: EntityManagerGetter) {
        super(tx)
    }

    @Query(() => PoolLeaderboard, {nullable: true, description: 'Pools ranked by official APR, total value, rewards in a window, or workers'})
    async poolLeaderboard(
        @Arg('orderBy', () => PoolLeaderboardOrder, {defaultValue: PoolLeaderboardOrder.APR}) orderBy: PoolLeaderboardOrder,
        @Arg('window', () => LeaderboardWindow, {defaultValue: LeaderboardWindow.DAY}) window: LeaderboardWindow,
        @Arg('limit', () => Int, {defaultValue: 20, description: 'at most 1000'}) limit: number,
        @Arg('kind', () => String, {nullable: true, description: 'only pools of this kind: StakePool, StakePoolV1 or Vault'}) kind: string | null,
        @Ctx() ctx: RequestContext
    ): Promise<PoolLeaderboard> {
        return guarded(async () => {
            const order = parseOrder(orderBy)
            const win = parseWindow(window)
            const lim = parseLimit('limit', limit, 20, 1000)
            if (kind != null && !['StakePool', 'StakePoolV1', 'Vault'].includes(kind)) {
                throw new InputError('kind', `unknown pool kind ${JSON.stringify(kind)} (use StakePool, StakePoolV1 or Vault)`)
            }
            const lb = await this.cached('leaderboard', [order, win, lim, kind], q => poolLeaderboard(q, order, win, lim, kind))
            chargeResponse(ctx, lb.entries.length * 28)
            return {
                at: lb.at ?? undefined,
                height: lb.height,
                orderBy,
                window,
                windowStart: lb.windowStart ?? undefined,
                aprPerShare: lb.aprPerShare,
                entries: lb.entries.map(e => ({
                    ...e,
                    commissionPermill: e.commission,
                    commissionPercent: e.commission / 10_000,
                    totalValuePha: pha(e.totalValue),
                    rewardsPha: pha(e.rewards),
                })),
            }
        })
    }
}
