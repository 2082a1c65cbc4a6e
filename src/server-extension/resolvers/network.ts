import 'reflect-metadata'
import {Arg, Field, Float, Int, ObjectType, Query, Resolver} from 'type-graphql'
import {guarded} from '../../server/errors'
import {percent} from '../../queries/emission'
import {liveNetworkStats, networkStatsAt} from '../../queries/network'
import {parseTime} from '../../queries/params'
import {pha} from '../../queries/pha'
import {EntityManagerGetter, SqlResolver} from './common'

@ObjectType()
export class WorkersByState {
    @Field(() => Int, {description: 'registered workers'}) total!: number
    @Field(() => Int) ready!: number
    @Field(() => Int) idle!: number
    @Field(() => Int) unresponsive!: number
    @Field(() => Int) coolingDown!: number
    @Field(() => Int, {description: 'registered but bound to no session'}) unbound!: number
}

@ObjectType()
export class NetworkStatsOut {
    @Field({description: 'live (current state) or rollup (a past time)'}) source!: string
    @Field({nullable: true, description: 'the chain head time, or the close of the hourly rollup used'}) asOf?: Date
    @Field({nullable: true, description: 'close of the daily rollups used for pools, delegators and stake'}) poolsAsOf?: Date
    @Field(() => Int, {nullable: true}) height!: number | null
    @Field(() => WorkersByState) workers!: WorkersByState
    @Field(() => Float, {description: 'Σ share of computing (idle) workers'}) idleShare!: number
    @Field(() => BigInt, {nullable: true}) budgetPerBlock!: bigint | null
    @Field(() => String, {nullable: true}) budgetPerBlockPha!: string | null
    @Field(() => Float, {nullable: true, description: "the treasury's share of each block's budget, a fraction (0.2 = 20 %)"}) treasuryRatio!: number | null
    @Field(() => Float, {nullable: true}) avgBlockTimeMs!: number | null
    @Field(() => Float, {nullable: true, description: 'official APR of a pool with apr_multiplier 1, a fraction per unit of multiplier'}) aprPerShare!:
        | number
        | null
    @Field(() => Float, {nullable: true, description: 'stake-pool-value-weighted mean of the official pool APR, a fraction (0.25 = 25 %)'}) averageApr!:
        | number
        | null
    @Field(() => BigInt, {description: 'stake locked by sessions'}) totalStake!: bigint
    @Field() totalStakePha!: string
    @Field(() => BigInt, {description: 'Σ total value of stake pools (vaults excluded: their value is invested in stake pools)'}) totalValue!: bigint
    @Field() totalValuePha!: string
    @Field(() => BigInt) vaultValue!: bigint
    @Field(() => Int) pools!: number
    @Field(() => Int, {description: 'distinct accounts holding pool shares not queued for withdrawal (vault accounts included)'})
    delegators!: number
    @Field(() => Int, {description: 'holdings (account, pool) with shares not queued for withdrawal'}) delegations!: number
    @Field(() => BigInt, {description: 'rewards credited to pools + treasury so far'}) emitted!: bigint
    @Field() emittedPha!: string
    @Field(() => BigInt, {nullable: true}) emittedPayout!: bigint | null
    @Field(() => BigInt, {nullable: true}) emittedTreasury!: bigint | null
    @Field(() => Float, {description: 'emitted / allocation × 100 (0–100)'}) allocationEmittedPercent!: number
    @Field(() => Float, {
        description: 'emitted / allocation × 100',
        deprecationReason: 'use allocationEmittedPercent (the same value): a plain name means a fraction (0–1), a name ending in Percent 0–100',
    })
    percentOfAllocation!: number
    @Field(() => BigInt) emissionRemaining!: bigint
}

@Resolver()
export class NetworkStatsResolver extends SqlResolver {
    constructor(tx: EntityManagerGetter) {
        super(tx)
    }

    @Query(() => NetworkStatsOut, {nullable: true, description: 'The network now, or at a past time (from the rollups that closed before it)'})
    async networkStats(
        @Arg('at', () => String, {nullable: true, description: 'ISO 8601 date or date-time (default: now)'}) at: string | null
    ): Promise<NetworkStatsOut> {
        return guarded(async () => {
            const when = at == null ? null : parseTime('at', at)
            const s = await this.cached('networkStats', when, q => (when == null ? liveNetworkStats(q) : networkStatsAt(q, when)))
            const bound = s.ready + s.idle + s.unresponsive + s.coolingDown
            return {
                source: s.source,
                asOf: s.asOf ?? undefined,
                poolsAsOf: s.poolsAsOf ?? undefined,
                height: s.height,
                workers: {
                    total: s.workers,
                    ready: s.ready,
                    idle: s.idle,
                    unresponsive: s.unresponsive,
                    coolingDown: s.coolingDown,
                    unbound: Math.max(0, s.workers - bound),
                },
                idleShare: s.idleShare,
                budgetPerBlock: s.budgetPerBlock,
                budgetPerBlockPha: s.budgetPerBlock == null ? null : pha(s.budgetPerBlock),
                treasuryRatio: s.treasuryRatio,
                avgBlockTimeMs: s.avgBlockTimeMs,
                aprPerShare: s.aprPerShare,
                averageApr: s.averageApr,
                totalStake: s.totalStake,
                totalStakePha: pha(s.totalStake),
                totalValue: s.stakePoolValue,
                totalValuePha: pha(s.stakePoolValue),
                vaultValue: s.vaultValue,
                pools: s.pools,
                delegators: s.delegators,
                delegations: s.delegations,
                emitted: s.emitted,
                emittedPha: pha(s.emitted),
                emittedPayout: s.emittedPayout,
                emittedTreasury: s.emittedTreasury,
                allocationEmittedPercent: percent(s.emitted, s.emissionCap),
                percentOfAllocation: percent(s.emitted, s.emissionCap),
                emissionRemaining: s.emissionRemaining,
            }
        })
    }
}
