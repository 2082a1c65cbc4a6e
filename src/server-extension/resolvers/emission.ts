import 'reflect-metadata'
import {Arg, Ctx, Field, FieldResolver, Float, Int, ObjectType, Query, Resolver, Root} from 'type-graphql'
import {InputError} from '../../queries/address'
import {chainNetwork, ChainNetwork, PeerUnavailableError, PEERS_SETTING} from '../../server/peers'
import {
    BudgetEvent,
    budgetHistory,
    ChainSchedule,
    combinedProjection,
    DEFAULT_BLOCK_TIME_MS,
    DEFAULT_HALVING_PERIOD_BLOCKS,
    EmissionBucket,
    emissionSeries,
    emissionState,
    EmissionState,
    percent,
    projections,
} from '../../queries/emission'
import {ApiError, guarded} from '../../server/errors'
import {Granularity as BucketSize, parseGranularity, parseOptionalRange} from '../../queries/params'
import {pha} from '../../queries/pha'
import {Query as Sql} from '../../queries/sql'
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
    @Field(() => BigInt, {description: 'rewards credited to pools + treasury'}) emitted!: bigint
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
    @Field(() => Float, {description: 'projectedTotal / allocation × 100 (0–100)'}) allocationProjectedPercent!: number
    @Field(() => Float, {
        description: 'projectedTotal / allocation × 100',
        deprecationReason: 'use allocationProjectedPercent (the same value): a plain name means a fraction (0–1), a name ending in Percent 0–100',
    })
    projectedPercentOfAllocation!: number
    @Field(() => Int, {description: 'DECAY: decays before exhaustion (or until the budget rounds to zero)'}) decays!: number
    @Field(() => BigInt, {nullable: true}) nextDecayHeight!: bigint | null
}

@ObjectType({description: "One chain's emission in the combined view (the same figures emission(chain:) gives for it)"})
export class ChainEmissionOut {
    @Field() chain!: string
    @Field({description: `true: the chain this server indexes; false: read from a peer database (${PEERS_SETTING})`}) local!: boolean
    @Field(() => Int) height!: number
    @Field({nullable: true}) at?: Date
    @Field(() => BigInt, {description: 'rewards credited to pools + treasury so far, on this chain'}) emitted!: bigint
    @Field() emittedPha!: string
    @Field(() => BigInt) emittedPayout!: bigint
    @Field(() => BigInt) emittedTreasury!: bigint
    @Field(() => Float, {description: "this chain's emitted / allocation × 100 (0–100)"}) allocationEmittedPercent!: number
    @Field(() => Float, {description: "this chain's emitted / the chains' combined emitted × 100 (0–100)"}) combinedSharePercent!: number
    @Field(() => Float, {
        description: "this chain's emitted / allocation × 100",
        deprecationReason: 'use allocationEmittedPercent (the same value): a plain name means a fraction (0–1), a name ending in Percent 0–100',
    })
    percentOfAllocation!: number
    @Field(() => Float, {
        description: "this chain's emitted / the chains' combined emitted × 100",
        deprecationReason: 'use combinedSharePercent (the same value): a plain name means a fraction (0–1), a name ending in Percent 0–100',
    })
    percentOfCombined!: number
    @Field(() => BigInt, {description: 'allocation − this chain alone (as emission(chain:) reports it)'}) remaining!: bigint
    @Field() remainingPha!: string
    @Field(() => BigInt, {nullable: true}) budgetPerBlock!: bigint | null
    @Field(() => String, {nullable: true}) budgetPerBlockPha!: string | null
    @Field(() => Float, {nullable: true}) avgBlockTimeMs!: number | null
    @Field(() => Int) halvings!: number
    @Field(() => Int, {nullable: true}) decayAnchorHeight!: number | null
}

@ObjectType({description: "One chain's part of a combined projection"})
export class ChainProjectionOut {
    @Field() chain!: string
    @Field(() => BigInt, {description: 'plancks per block this chain starts from'}) perBlock!: bigint
    @Field() perBlockPha!: string
    @Field(() => Int, {description: 'whole milliseconds per block the combined schedule counts with'}) blockTimeMs!: number
    @Field(() => BigInt, {nullable: true, description: 'blocks this chain produces until the allocation is exhausted'}) blocksUntilExhausted!: bigint | null
    @Field(() => BigInt, {nullable: true}) exhaustionHeight!: bigint | null
    @Field(() => BigInt, {description: 'what this chain pays from its head until then (never exhausted: in total)'}) paid!: bigint
    @Field() paidPha!: string
    @Field(() => Int) decays!: number
    @Field(() => BigInt, {nullable: true}) nextDecayHeight!: bigint | null
}

@ObjectType({description: 'When the shared allocation would run out with every chain paying on its own schedule'})
export class CombinedProjectionOut {
    @Field({description: 'CONSTANT_BUDGET | DECAY | OBSERVED_RATE'}) method!: string
    @Field(() => BigInt, {description: "Σ of the chains' plancks per block at their heads"}) perBlock!: bigint
    @Field() perBlockPha!: string
    @Field() exhausts!: boolean
    @Field({nullable: true}) exhaustionDate?: Date
    @Field(() => BigInt, {description: 'combined emitted so far + what the schedules would still pay (at most the allocation)'}) projectedTotal!: bigint
    @Field() projectedTotalPha!: string
    @Field(() => Float, {description: 'projectedTotal / allocation × 100 (0–100)'}) allocationProjectedPercent!: number
    @Field(() => Float, {
        description: 'projectedTotal / allocation × 100',
        deprecationReason: 'use allocationProjectedPercent (the same value): a plain name means a fraction (0–1), a name ending in Percent 0–100',
    })
    projectedPercentOfAllocation!: number
    @Field(() => [ChainProjectionOut]) chains!: ChainProjectionOut[]
}

@ObjectType({description: `Every chain against the shared allocation: this server's chain and the peers of ${PEERS_SETTING}`})
export class CombinedEmissionOut {
    @Field(() => [ChainEmissionOut], {description: "this server's chain first, then the peers in configuration order"}) chains!: ChainEmissionOut[]
    @Field(() => BigInt, {description: 'the computation allocation shared by the chains (70% of supply)'}) allocation!: bigint
    @Field() allocationPha!: string
    @Field(() => BigInt, {description: "Σ of the chains' rewards credited + treasury"}) emitted!: bigint
    @Field() emittedPha!: string
    @Field(() => BigInt) emittedPayout!: bigint
    @Field(() => BigInt) emittedTreasury!: bigint
    @Field(() => Float, {description: 'combined emitted / allocation × 100 (0–100)'}) allocationEmittedPercent!: number
    @Field(() => Float, {
        description: 'combined emitted / allocation × 100',
        deprecationReason: 'use allocationEmittedPercent (the same value): a plain name means a fraction (0–1), a name ending in Percent 0–100',
    })
    percentOfAllocation!: number
    @Field(() => BigInt, {description: 'allocation − combined emitted'}) remaining!: bigint
    @Field() remainingPha!: string
    @Field(() => BigInt, {nullable: true, description: "Σ of the chains' budgets per block (null: no chain has one)"}) budgetPerBlock!: bigint | null
    @Field(() => String, {nullable: true}) budgetPerBlockPha!: string | null
    @Field(() => [CombinedProjectionOut]) projections!: CombinedProjectionOut[]
}

@ObjectType()
export class EmissionReport {
    @Field() chain!: string
    @Field(() => Int) height!: number
    @Field({nullable: true}) at?: Date
    @Field(() => BigInt, {description: 'the computation allocation (70% of supply)'}) allocation!: bigint
    @Field() allocationPha!: string
    @Field(() => BigInt, {description: 'rewards credited to pools + treasury so far'}) emitted!: bigint
    @Field() emittedPha!: string
    @Field(() => BigInt) emittedPayout!: bigint
    @Field(() => BigInt) emittedTreasury!: bigint
    @Field(() => Float, {description: 'emitted / allocation × 100 (0–100)'}) allocationEmittedPercent!: number
    @Field(() => Float, {
        description: 'emitted / allocation × 100',
        deprecationReason: 'use allocationEmittedPercent (the same value): a plain name means a fraction (0–1), a name ending in Percent 0–100',
    })
    percentOfAllocation!: number
    @Field(() => BigInt) remaining!: bigint
    @Field() remainingPha!: string
    @Field(() => BigInt, {description: 'payouts of settlements dropped as late (never paid)'}) droppedPayout!: bigint
    @Field(() => BigInt, {nullable: true}) budgetPerBlock!: bigint | null
    @Field(() => String, {nullable: true}) budgetPerBlockPha!: string | null
    @Field(() => Float, {nullable: true, description: "the treasury's share of each block's budget, a fraction (0.2 = 20 %)"}) treasuryRatio!: number | null
    @Field(() => Float, {nullable: true}) avgBlockTimeMs!: number | null
    @Field(() => Int) halvings!: number
    @Field(() => Int) budgetUpdates!: number
    @Field(() => [BudgetEventOut]) budgetHistory!: BudgetEventOut[]
    @Field(() => Granularity) granularity!: Granularity
    @Field(() => [EmissionBucketOut]) series!: EmissionBucketOut[]
    @Field(() => Int) halvingPeriodBlocks!: number
    @Field(() => Int, {nullable: true, description: 'height the decay schedule is anchored at (last SubsidyBudgetHalved)'}) decayAnchorHeight!: number | null
    @Field(() => [EmissionProjectionOut]) projections!: EmissionProjectionOut[]
    /** what the `combined` field needs (not a GraphQL field): set without `chain` when peers are configured */
    combineFrom?: {local: string; st: EmissionState; proj: Projections; halvingPeriodBlocks: number} | null
}

type Projections = Awaited<ReturnType<typeof projections>>

interface ChainReport {
    st: EmissionState
    series: EmissionBucket[]
    history: BudgetEvent[]
    proj: Projections
}

/** the figures of one chain's report, read from its database */
async function chainReport(q: Sql, g: BucketSize, range: {from: Date | null; to: Date | null}, halvingPeriodBlocks: number): Promise<ChainReport> {
    const st = await emissionState(q)
    const [series, history, proj] = await Promise.all([
        emissionSeries(q, st, g, range.from, range.to),
        budgetHistory(q),
        projections(q, st, halvingPeriodBlocks),
    ])
    return {st, series, history, proj}
}

/** what the combined view needs of a chain */
async function chainSummary(q: Sql, halvingPeriodBlocks: number): Promise<{st: EmissionState; proj: Projections}> {
    const st = await emissionState(q)
    return {st, proj: await projections(q, st, halvingPeriodBlocks)}
}

function network(): ChainNetwork {
    try {
        return chainNetwork()
    } catch (e: any) {
        // src/server/main.ts refuses to start with a bad setting; this is for servers started otherwise
        throw new ApiError(String(e?.message ?? e), 'CONFIGURATION_ERROR')
    }
}

function chainSchedule(chain: string, st: EmissionState, perBlock: bigint, decay: ChainSchedule['decay']): ChainSchedule {
    return {chain, height: st.height, head: st.timestamp, blockTimeMs: st.avgBlockTimeMs ?? DEFAULT_BLOCK_TIME_MS, perBlock, decay}
}

/** the combined view of `chains` (the local one first) against the shared allocation */
function combine(chains: {chain: string; local: boolean; st: EmissionState; proj: Projections}[], halvingPeriodBlocks: number): CombinedEmissionOut {
    const cap = chains[0].st.cap
    for (const c of chains) {
        if (c.st.cap !== cap) {
            const e = new ApiError(
                `chain ${c.chain}: its database counts against an allocation of ${pha(c.st.cap)} PHA, this server's against ${pha(cap)} PHA; they must be indexed with the same allocation`,
                'PEER_MISMATCH'
            )
            ;(e.extensions as Record<string, string>).chain = c.chain
            throw e
        }
    }
    const sum = (f: (st: EmissionState) => bigint) => chains.reduce((s, c) => s + f(c.st), 0n)
    const emitted = sum(st => st.emitted)
    const remaining = cap - emitted
    const budgets = chains.filter(c => c.st.budgetPerBlock != null)
    const budgetPerBlock = budgets.length ? budgets.reduce((s, c) => s + c.st.budgetPerBlock!, 0n) : null
    const period = BigInt(halvingPeriodBlocks)
    // each chain's own decay heights, as its single-chain DECAY projection has them
    const decayOf = (c: (typeof chains)[number]) => {
        const d = c.proj.projections.find(p => p.method === 'DECAY')
        return {next: d?.nextDecayHeight ?? BigInt(c.st.height + halvingPeriodBlocks), period}
    }
    const projected = [
        combinedProjection(
            'CONSTANT_BUDGET',
            remaining,
            emitted,
            chains.map(c => chainSchedule(c.chain, c.st, c.st.budgetPerBlock ?? 0n, null))
        ),
        combinedProjection(
            'DECAY',
            remaining,
            emitted,
            chains.map(c => chainSchedule(c.chain, c.st, c.st.budgetPerBlock ?? 0n, decayOf(c)))
        ),
    ]
    // the observed rate only when every chain has one (a closed day with blocks)
    if (chains.every(c => c.proj.observedPerBlock != null)) {
        projected.push(
            combinedProjection(
                'OBSERVED_RATE',
                remaining,
                emitted,
                chains.map(c => chainSchedule(c.chain, c.st, c.proj.observedPerBlock!, null))
            )
        )
    }
    return {
        chains: chains.map(c => ({
            chain: c.chain,
            local: c.local,
            height: c.st.height,
            at: c.st.timestamp ?? undefined,
            emitted: c.st.emitted,
            emittedPha: pha(c.st.emitted),
            emittedPayout: c.st.emittedPayout,
            emittedTreasury: c.st.emittedTreasury,
            allocationEmittedPercent: percent(c.st.emitted, cap),
            combinedSharePercent: percent(c.st.emitted, emitted),
            percentOfAllocation: percent(c.st.emitted, cap),
            percentOfCombined: percent(c.st.emitted, emitted),
            remaining: c.st.remaining,
            remainingPha: pha(c.st.remaining),
            budgetPerBlock: c.st.budgetPerBlock,
            budgetPerBlockPha: c.st.budgetPerBlock == null ? null : pha(c.st.budgetPerBlock),
            avgBlockTimeMs: c.st.avgBlockTimeMs,
            halvings: c.st.halvingCount,
            decayAnchorHeight: c.proj.anchorHeight,
        })),
        allocation: cap,
        allocationPha: pha(cap),
        emitted,
        emittedPha: pha(emitted),
        emittedPayout: sum(st => st.emittedPayout),
        emittedTreasury: sum(st => st.emittedTreasury),
        allocationEmittedPercent: percent(emitted, cap),
        percentOfAllocation: percent(emitted, cap),
        remaining,
        remainingPha: pha(remaining),
        budgetPerBlock,
        budgetPerBlockPha: budgetPerBlock == null ? null : pha(budgetPerBlock),
        projections: projected.map(p => ({
            method: p.method,
            perBlock: p.perBlock,
            perBlockPha: pha(p.perBlock),
            exhausts: p.exhausts,
            exhaustionDate: p.exhaustionDate ?? undefined,
            projectedTotal: p.projectedTotal,
            projectedTotalPha: pha(p.projectedTotal),
            allocationProjectedPercent: percent(p.projectedTotal, cap),
            projectedPercentOfAllocation: percent(p.projectedTotal, cap),
            chains: p.chains.map(c => ({...c, perBlockPha: pha(c.perBlock), paidPha: pha(c.paid)})),
        })),
    }
}

@Resolver(() => EmissionReport)
export class EmissionResolver extends SqlResolver {
    constructor(tx: EntityManagerGetter) {
        super(tx)
    }

    @Query(() => EmissionReport, {
        nullable: true,
        description:
            'Emission against the 700,000,000 PHA computation allocation: emitted so far (rewards credited to pools + treasury), per bucket, ' +
            'budget per block over time, halvings and budget updates, and projections of exhaustion.',
    })
    async emission(
        @Arg('chain', () => ChainName, {nullable: true, description: `the chain this server indexes (default) or a peer of ${PEERS_SETTING}`})
        chain: ChainName | null,
        @Arg('granularity', () => Granularity, {defaultValue: Granularity.DAY}) granularity: Granularity,
        @Arg('from', () => String, {nullable: true, description: 'series start (default: the first indexed day)'}) from: string | null,
        @Arg('to', () => String, {nullable: true, description: 'series end, exclusive (default: the open bucket included)'}) to: string | null,
        @Arg('halvingPeriodBlocks', () => Int, {defaultValue: DEFAULT_HALVING_PERIOD_BLOCKS, description: 'decay period of the DECAY projection'})
        halvingPeriodBlocks: number,
        @Ctx() ctx: RequestContext
    ): Promise<EmissionReport> {
        return guarded(async () => {
            const net = network()
            const indexed = net.local
            const asked = chain?.toLowerCase() ?? null
            if (asked != null && asked !== indexed && !net.peer(asked)) {
                throw new InputError(
                    'chain',
                    net.peers.length === 0
                        ? `this server indexes ${indexed}, not ${asked}`
                        : `this server indexes ${indexed}, not ${asked}; known chains: ${net.known.join(', ')} (the others through ${PEERS_SETTING})`
                )
            }
            const g = parseGranularity('granularity', granularity)
            const range = parseOptionalRange(from, to)
            if (!Number.isInteger(halvingPeriodBlocks) || halvingPeriodBlocks < 1 || halvingPeriodBlocks > 100_000_000) {
                throw new InputError('halvingPeriodBlocks', `must be a whole number of blocks in 1 … 100000000, got ${halvingPeriodBlocks}`)
            }
            const peer = asked != null && asked !== indexed ? net.peer(asked)! : null
            const rows = (r: ChainReport) => r.series.length + r.history.length
            const {st, series, history, proj} = peer
                ? await this.cached(
                      'emissionPeer',
                      [peer.chain, g, range, halvingPeriodBlocks],
                      () => peer.read(q => chainReport(q, g, range, halvingPeriodBlocks)),
                      rows
                  )
                : await this.cached('emission', [g, range, halvingPeriodBlocks], q => chainReport(q, g, range, halvingPeriodBlocks), rows)
            chargeResponse(ctx, series.length * 13 + history.length * 8)
            return {
                chain: peer ? peer.chain : indexed,
                height: st.height,
                at: st.timestamp ?? undefined,
                allocation: st.cap,
                allocationPha: pha(st.cap),
                emitted: st.emitted,
                emittedPha: pha(st.emitted),
                emittedPayout: st.emittedPayout,
                emittedTreasury: st.emittedTreasury,
                allocationEmittedPercent: percent(st.emitted, st.cap),
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
                    allocationProjectedPercent: percent(p.projectedTotal, st.cap),
                    projectedPercentOfAllocation: percent(p.projectedTotal, st.cap),
                })),
                combineFrom: asked == null && net.peers.length > 0 ? {local: indexed, st, proj, halvingPeriodBlocks} : null,
            }
        })
    }

    @FieldResolver(() => CombinedEmissionOut, {
        nullable: true,
        description:
            `Without \`chain\` and with peers (${PEERS_SETTING}): every chain against the shared allocation (null otherwise). ` +
            'A peer that cannot be read makes this field an error naming it, never a partial total.',
    })
    async combined(@Root() root: EmissionReport, @Ctx() ctx: RequestContext): Promise<CombinedEmissionOut | null> {
        const from = root.combineFrom
        if (!from) return null
        return guarded(async () => {
            const {halvingPeriodBlocks} = from
            // every peer or none: one that cannot be read fails the whole field
            const others = await Promise.all(
                network().peers.map(async p => ({
                    chain: p.chain,
                    local: false,
                    ...(await this.cached('emissionPeerSummary', [p.chain, halvingPeriodBlocks], () => p.read(q => chainSummary(q, halvingPeriodBlocks))).catch(
                        e => {
                            throw e instanceof PeerUnavailableError ? e.forCombined() : e
                        }
                    )),
                }))
            )
            const combined = combine([{chain: from.local, local: true, st: from.st, proj: from.proj}, ...others], halvingPeriodBlocks)
            chargeResponse(ctx, combined.chains.length * 17 + combined.projections.length * (9 + combined.chains.length * 10))
            return combined
        })
    }
}
