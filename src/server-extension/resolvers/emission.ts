import 'reflect-metadata'
import {Arg, Ctx, Field, Float, Int, ObjectType, Query, Resolver} from 'type-graphql'
import {InputError} from '../../api/address'
import {
    budgetHistory,
    DEFAULT_HALVING_PERIOD_BLOCKS,
    emissionSeries,
    emissionState,
    percent,
    projections,
} from '../../api/emission'
import {guarded} from '../../api/errors'
import {parseGranularity, parseOptionalRange} from '../../api/params'
import {pha} from '../../api/pha'
import {chargeResponse, ChainName, EntityManagerGetter, Granularity, RequestContext, SqlResolver} from './common'

@ObjectType()
export class EmissionBucketOut {
    @Field() start!: Date
    @Field() end!: Date
    @Field({description: 'the bucket is still open (sums so far)'}) partial!: boolean
    @Field(() => Int) blocks!: number
    @Field(() => Int) settleCount!: number
    @Field(() => BigInt) payout!: bigint
    @Field(() => BigInt) treasury!: bigint
    @Field(() => BigInt, {description: 'payout + treasury'}) emitted!: bigint
    @Field() emittedPha!: string
    @Field(() => BigInt, {description: 'emitted since the beginning, at the close of the bucket'}) cumulative!: bigint
    @Field(() => BigInt) remaining!: bigint
    @Field(() => BigInt, {nullable: true, description: 'budget per block (plancks) at the close of the bucket'}) budgetPerBlock!: bigint | null
}

@ObjectType({description: 'A budget change: genesis value, halving, budget-balancer update or parameter change'})
export class BudgetEventOut {
    @Field() id!: string
    @Field() kind!: string
    @Field(() => Int) blockHeight!: number
    @Field() timestamp!: Date
    @Field(() => BigInt, {nullable: true}) nonce!: bigint | null
    @Field(() => BigInt, {nullable: true}) budgetPerBlock!: bigint | null
    @Field(() => String, {nullable: true}) budgetPerBlockPha!: string | null
    @Field(() => BigInt, {nullable: true}) previousBudgetPerBlock!: bigint | null
}

@ObjectType({description: 'When the allocation would run out (see docs/api.md for the methods)'})
export class EmissionProjectionOut {
    @Field({description: 'CONSTANT_BUDGET | DECAY | OBSERVED_RATE'}) method!: string
    @Field(() => BigInt, {description: 'plancks per block the projection starts from'}) perBlock!: bigint
    @Field() perBlockPha!: string
    @Field(() => Float) blockTimeMs!: number
    @Field() exhausts!: boolean
    @Field(() => BigInt, {nullable: true}) blocksUntilExhausted!: bigint | null
    @Field(() => BigInt, {nullable: true}) exhaustionHeight!: bigint | null
    @Field({nullable: true}) exhaustionDate?: Date
    @Field(() => BigInt, {description: 'emitted so far + what the schedule would still pay (at most the allocation)'}) projectedTotal!: bigint
    @Field() projectedTotalPha!: string
    @Field(() => Float) projectedPercentOfAllocation!: number
    @Field(() => Int, {description: 'DECAY: decays before exhaustion (or until the budget rounds to zero)'}) decays!: number
    @Field(() => BigInt, {nullable: true}) nextDecayHeight!: bigint | null
}

@ObjectType()
export class EmissionReport {
    @Field() chain!: string
    @Field(() => Int) height!: number
    @Field({nullable: true}) at?: Date
    @Field(() => BigInt, {description: 'the computation allocation (70% of supply)'}) allocation!: bigint
    @Field() allocationPha!: string
    @Field(() => BigInt, {description: 'payouts + treasury so far'}) emitted!: bigint
    @Field() emittedPha!: string
    @Field(() => BigInt) emittedPayout!: bigint
    @Field(() => BigInt) emittedTreasury!: bigint
    @Field(() => Float, {description: 'emitted / allocation × 100'}) percentOfAllocation!: number
    @Field(() => BigInt) remaining!: bigint
    @Field() remainingPha!: string
    @Field(() => BigInt, {description: 'payouts of settlements dropped as late (never paid)'}) droppedPayout!: bigint
    @Field(() => BigInt, {nullable: true}) budgetPerBlock!: bigint | null
    @Field(() => String, {nullable: true}) budgetPerBlockPha!: string | null
    @Field(() => Float, {nullable: true}) treasuryRatio!: number | null
    @Field(() => Float, {nullable: true}) avgBlockTimeMs!: number | null
    @Field(() => Int) halvings!: number
    @Field(() => Int) budgetUpdates!: number
    @Field(() => [BudgetEventOut]) budgetHistory!: BudgetEventOut[]
    @Field(() => Granularity) granularity!: Granularity
    @Field(() => [EmissionBucketOut]) series!: EmissionBucketOut[]
    @Field(() => Int) halvingPeriodBlocks!: number
    @Field(() => Int, {nullable: true, description: 'height the decay schedule is anchored at (last SubsidyBudgetHalved)'}) decayAnchorHeight!: number | null
    @Field(() => [EmissionProjectionOut]) projections!: EmissionProjectionOut[]
}

function indexedChain(): string {
    return (process.env.CHAIN ?? 'devnet').trim().toLowerCase() || 'devnet'
}

@Resolver()
export class EmissionResolver extends SqlResolver {
    constructor(tx: EntityManagerGetter) {
        super(tx)
    }

    @Query(() => EmissionReport, {
        nullable: true,
        description:
            'Emission against the 700,000,000 PHA computation allocation: emitted so far (payouts + treasury), per bucket, ' +
            'budget per block over time, halvings and budget updates, and projections of exhaustion.',
    })
    async emission(
        @Arg('chain', () => ChainName, {nullable: true, description: 'must be the chain this server indexes (default: it)'}) chain: ChainName | null,
        @Arg('granularity', () => Granularity, {defaultValue: Granularity.DAY}) granularity: Granularity,
        @Arg('from', () => String, {nullable: true, description: 'series start (default: the first indexed day)'}) from: string | null,
        @Arg('to', () => String, {nullable: true, description: 'series end, exclusive (default: the open bucket included)'}) to: string | null,
        @Arg('halvingPeriodBlocks', () => Int, {defaultValue: DEFAULT_HALVING_PERIOD_BLOCKS, description: 'decay period of the DECAY projection'}) halvingPeriodBlocks: number,
        @Ctx() ctx: RequestContext
    ): Promise<EmissionReport> {
        return guarded(async () => {
            const indexed = indexedChain()
            if (chain != null && chain.toLowerCase() !== indexed) {
                throw new InputError('chain', `this server indexes ${indexed}, not ${chain.toLowerCase()}`)
            }
            const g = parseGranularity('granularity', granularity)
            const range = parseOptionalRange(from, to)
            if (!Number.isInteger(halvingPeriodBlocks) || halvingPeriodBlocks < 1 || halvingPeriodBlocks > 100_000_000) {
                throw new InputError('halvingPeriodBlocks', `must be a whole number of blocks in 1 … 100000000, got ${halvingPeriodBlocks}`)
            }
            const {st, series, history, proj} = await this.cached('emission', [g, range, halvingPeriodBlocks], async q => {
                const st = await emissionState(q)
                const [series, history, proj] = await Promise.all([
                    emissionSeries(q, st, g, range.from, range.to),
                    budgetHistory(q),
                    projections(q, st, halvingPeriodBlocks),
                ])
                return {st, series, history, proj}
            }, r => r.series.length + r.history.length)
            chargeResponse(ctx, series.length * 13 + history.length * 8)
            return {
                chain: indexed,
                height: st.height,
                at: st.timestamp ?? undefined,
                allocation: st.cap,
                allocationPha: pha(st.cap),
                emitted: st.emitted,
                emittedPha: pha(st.emitted),
                emittedPayout: st.emittedPayout,
                emittedTreasury: st.emittedTreasury,
                percentOfAllocation: percent(st.emitted, st.cap),
                remaining: st.remaining,
                remainingPha: pha(st.remaining),
                droppedPayout: st.droppedPayout,
                budgetPerBlock: st.budgetPerBlock,
                budgetPerBlockPha: st.budgetPerBlock == null ? null : pha(st.budgetPerBlock),
                treasuryRatio: st.treasuryRatio,
                avgBlockTimeMs: st.avgBlockTimeMs,
                halvings: st.halvingCount,
                budgetUpdates: history.filter(h => h.kind === 'BudgetUpdated').length,
                budgetHistory: history.map(h => ({...h, budgetPerBlockPha: h.budgetPerBlock == null ? null : pha(h.budgetPerBlock)})),
                granularity: g as Granularity,
                series: series.map(b => ({...b, emittedPha: pha(b.emitted)})),
                halvingPeriodBlocks,
                decayAnchorHeight: proj.anchorHeight,
                projections: proj.projections.map(p => ({
                    ...p,
                    perBlockPha: pha(p.perBlock),
                    exhaustionDate: p.exhaustionDate ?? undefined,
                    projectedTotalPha: pha(p.projectedTotal),
                    projectedPercentOfAllocation: percent(p.projectedTotal, st.cap),
                })),
            }
        })
    }
}
