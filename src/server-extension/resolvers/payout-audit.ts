import 'reflect-metadata'
import {Arg, Ctx, Field, FieldResolver, Int, ObjectType, Query, Resolver, Root} from 'type-graphql'
import {toSs58} from '../../queries/address'
import {
    accountCommission,
    AuditAggregate,
    auditAggregate,
    AuditArgs,
    auditPage,
    commissionDetail,
    CommissionDetail,
    delegatorGains,
    ledgerStats,
    LedgerStats,
    reconcile,
    subjectInfo,
    v1StakerRewards,
} from '../../queries/audit'
import {guarded} from '../../server/errors'
import {checkBuckets, MAX_PAGE, parseGranularity, parseLimit, parseOffset, parseRange, parseSubject} from '../../queries/params'
import {fixedToFloat, pha} from '../../queries/pha'
import {chargeResponse, EntityManagerGetter, Granularity, RequestContext, SqlResolver} from './common'

@ObjectType({description: 'Sums over the payouts of the range'})
export class AuditTotalsOut {
    @Field(() => Int, {description: 'payouts (settlements) in the range'}) count!: number
    @Field(() => BigInt, {description: 'Σ payout plancks'}) amount!: bigint
    @Field() amountPha!: string
    @Field(() => BigInt, {description: 'Σ treasury share paid beside the payouts'}) treasury!: bigint
    @Field() treasuryPha!: string
    @Field(() => BigInt, {description: 'Σ commission to the pool owner'}) toOwner!: bigint
    @Field() toOwnerPha!: string
    @Field(() => BigInt, {description: 'Σ distributed to the pool stakers'}) toStakers!: bigint
    @Field() toStakersPha!: string
    @Field(() => BigInt, {description: 'Σ dismissed by the pool (stayed in the subsidy pool)'}) dismissed!: bigint
    // rewardedCount, droppedCount, droppedAmount, firstAt, lastAt: field resolvers (ledger rows, on demand)

    audit!: PayoutAudit
}

@ObjectType()
export class AuditBucketOut {
    @Field() start!: Date
    @Field() end!: Date
    @Field(() => Int) count!: number
    @Field(() => BigInt) amount!: bigint
    @Field() amountPha!: string
    @Field(() => BigInt) treasury!: bigint
    @Field(() => BigInt) toOwner!: bigint
    @Field(() => BigInt) toStakers!: bigint
    @Field(() => BigInt) dismissed!: bigint
    @Field(() => BigInt, {description: 'Σ amount from the range start to the end of this bucket'}) cumulative!: bigint
    @Field() cumulativePha!: string
}

@ObjectType({description: 'One payout (settlement) row of the ledger'})
export class AuditPayoutOut {
    @Field({description: 'id of the SessionSettled / MinerSettled event'}) id!: string
    @Field(() => Int) blockHeight!: number
    @Field() timestamp!: Date
    @Field(() => Int) eventIndex!: number
    @Field() sessionId!: string
    @Field(() => String, {nullable: true}) workerId!: string | null
    @Field(() => String, {nullable: true}) poolId!: string | null
    @Field(() => BigInt, {description: 'payout in plancks, converted from payout_bits exactly as the chain does'}) amount!: bigint
    @Field() amountPha!: string
    @Field(() => BigInt, {description: 'reward credited to the pool for this settle (RewardReceived to_owner + to_stakers), dropped settles included'})
    credited!: bigint
    @Field(() => BigInt, {
        description:
            'paid to the pool out of the subsidy pool at once (v2: the transfer to the W-PHA account); 0 in v1, where the credit stays in the subsidy pool until claimed',
    })
    paidToPool!: bigint
    @Field() paidToPoolPha!: string
    @Field(() => BigInt, {description: 'treasury share withdrawn from the subsidy pool with this settle (0 for a dropped one)'}) treasury!: bigint
    @Field() treasuryPha!: string
    @Field(() => BigInt) toOwner!: bigint
    @Field(() => BigInt) toStakers!: bigint
    @Field(() => BigInt, {description: 'settled but not paid: dismissed as a whole, stays in the subsidy pool'}) dismissed!: bigint
    @Field() dropped!: boolean
    @Field(() => BigInt, {description: 'V after the settle, U64F64 bits'}) vBits!: bigint
    @Field({description: 'V after the settle (display)'}) v!: number
    @Field(() => String, {nullable: true, description: 'the RewardReceived (or last dismissal) event paired with it'}) rewardEventId!: string | null
    @Field(() => String, {nullable: true, description: 'the Balances.Withdraw of its treasury share from the subsidy pool'}) treasuryEventId!: string | null
    @Field(() => String, {nullable: true, description: 'the Balances.Transfer that paid its reward to the W-PHA account (v2)'})
    rewardTransferEventId!: string | null
}

@ObjectType({description: 'Commission an account received as the owner of its pools'})
export class CommissionOut {
    @Field(() => BigInt, {description: 'Σ PoolReward.toOwner of the owned pools in the range'}) amount!: bigint
    @Field() amountPha!: string
    @Field(() => BigInt, {description: 'owner rewards the account withdrew in the range'}) withdrawn!: bigint
    @Field() withdrawnPha!: string
    // dust, rewardCount: field resolvers (PoolReward rows, on demand)

    audit!: PayoutAudit
}

@ObjectType({description: 'Share-price gains of an account as a delegator, over whole closed UTC days (daily rollups)'})
export class DelegatorGainsOut {
    @Field() from!: Date
    @Field() to!: Date
    @Field(() => Int) days!: number
    @Field(() => BigInt) valueAtStart!: bigint
    @Field(() => BigInt) valueAtEnd!: bigint
    @Field(() => BigInt) contributed!: bigint
    @Field(() => BigInt) withdrawn!: bigint
    @Field(() => BigInt, {description: 'v1-era staker rewards claimed (never part of the value)'}) stakerRewardsWithdrawn!: bigint
    @Field(() => BigInt, {description: 'valueAtEnd − valueAtStart − contributed + withdrawn + stakerRewardsWithdrawn'}) gain!: bigint
    @Field() gainPha!: string
}

@ObjectType({description: 'a UTC day on which a v1 delegator’s rewards moved'})
export class V1StakerDayOut {
    @Field({description: 'YYYY-MM-DD'}) date!: string
    @Field(() => BigInt, {description: 'accrued during the day'}) accrued!: bigint
    @Field(() => BigInt, {description: 'claimed during the day'}) claimed!: bigint
    @Field(() => BigInt, {description: 'Σ accrued at the day’s end'}) accruedTotal!: bigint
    @Field(() => BigInt, {description: 'Σ claimed at the day’s end'}) claimedTotal!: bigint
    @Field(() => BigInt, {description: 'pending (claimable) at the day’s end'}) pending!: bigint
}

@ObjectType({description: 'a v1 staker rewards claim (StakerRewardsWithdrawn / RewardsWithdrawn)'})
export class V1StakerClaimOut {
    @Field() eventId!: string
    @Field(() => Int) blockHeight!: number
    @Field() timestamp!: Date
    @Field(() => BigInt) amount!: bigint
}

@ObjectType({description: 'a v1 delegator’s stake-pool rewards in one pool, rebuilt with the chain’s arithmetic'})
export class V1StakerRewardsOut {
    @Field() poolId!: string
    @Field(() => BigInt, {description: 'UserStakeInfo.shares (queued shares included)'}) shares!: bigint
    @Field(() => BigInt, {description: 'claimed + pending (now, or at the v2 migration)'}) accrued!: bigint
    @Field(() => BigInt) claimed!: bigint
    @Field(() => BigInt, {description: 'claimable now (before the migration) or carried into v2'}) pending!: bigint
    @Field() pendingPha!: string
    @Field(() => [V1StakerDayOut], {description: 'the days on which the rewards moved (cumulative values hold until the next)'})
    days!: V1StakerDayOut[]
    @Field(() => [V1StakerClaimOut]) claims!: V1StakerClaimOut[]
    @Field(() => Int, {nullable: true}) migratedAtHeight!: number | null
    @Field(() => BigInt, {nullable: true, description: 'pending rewards folded into the v2 pool’s value'}) pendingAtUpgrade!: bigint | null
    @Field(() => BigInt, {nullable: true}) sharesAtUpgrade!: bigint | null
    @Field(() => BigInt, {nullable: true, description: 'value of the shares right after the migration'}) v2ValueAtUpgrade!: bigint | null
    @Field({description: 'at every day end claimed + pending = Σ accrued and claimed = Σ claims so far; the claims add up to claimed'}) reconciled!: boolean
}

@ObjectType()
export class ReconciliationCheckOut {
    @Field() name!: string
    @Field() description!: string
    @Field({description: 'lifetime: running totals on entities vs all ledger rows; range: rollups vs ledger over the range'}) scope!: string
    @Field(() => BigInt, {description: 're-summed from the ledger rows'}) ledger!: bigint
    @Field(() => BigInt, {description: 'as stored (entity running total or rollup)'}) recorded!: bigint
    @Field(() => BigInt) difference!: bigint
    @Field() ok!: boolean
}

@ObjectType({description: 'to_owner + to_stakers + dismissed = payout plancks, for every rewarded settle of the range'})
export class SettleRewardInvariantOut {
    @Field(() => Int) checked!: number
    @Field(() => Int) matched!: number
    @Field(() => Int, {description: 'the paired RewardReceived (or the dismissals) do not add up to the payout'}) mismatched!: number
    @Field(() => Int, {description: 'no pool reward event and no dismissal for a rewarded settle'}) unpaired!: number
    @Field(() => Int, {description: "the payout row's own to_owner + to_stakers + dismissed differ from its amount"}) rowMismatched!: number
    @Field(() => BigInt) amount!: bigint
    @Field(() => BigInt) toOwner!: bigint
    @Field(() => BigInt) toStakers!: bigint
    @Field(() => BigInt) dismissed!: bigint
    @Field(() => [String], {description: 'up to 20 failing payout ids'}) failedPayoutIds!: string[]
}

@ObjectType()
export class ReconciliationOut {
    @Field(() => [ReconciliationCheckOut]) checks!: ReconciliationCheckOut[]
    @Field(() => SettleRewardInvariantOut) invariant!: SettleRewardInvariantOut
    @Field(() => Int, {description: 'failed checks + mismatched, unpaired and row-mismatched settles'}) differences!: number
    @Field() ok!: boolean
}

@ObjectType({description: 'An audit of every payout of an account, worker or pool over a time range'})
export class PayoutAudit {
    @Field({description: 'account | worker | pool'}) subjectKind!: string
    @Field({description: 'raw 0x-hex account / worker key, or the pid'}) subject!: string
    @Field(() => String, {nullable: true, description: 'SS58 (prefix 30) of an account or worker'}) subjectSs58!: string | null
    @Field(() => [String], {description: 'account: the pools it owns; pool: itself; worker: its current pool'}) pools!: string[]
    @Field() from!: Date
    @Field() to!: Date
    @Field(() => Granularity) granularity!: Granularity
    @Field(() => Int) limit!: number
    @Field(() => Int) offset!: number

    args!: AuditArgs
    aggregateP?: Promise<AuditAggregate & {bucketsOut: AuditBucketOut[]}>
    ledgerStatsP?: Promise<LedgerStats>
    commissionDetailP?: Promise<CommissionDetail>
}

@Resolver(() => PayoutAudit)
export class PayoutAuditResolver extends SqlResolver {
    constructor(tx: EntityManagerGetter) {
        super(tx)
    }

    @Query(() => PayoutAudit, {
        nullable: true,
        description:
            'Every payout of an account (payouts of the pools it owns, its commission, its delegator gains), a worker ' +
            '(across its sessions) or a pool over [from, to), with sums per bucket and a reconciliation against the ' +
            'running totals. Give exactly one of account, worker, pool.',
    })
    async payoutAudit(
        @Arg('account', () => String, {nullable: true, description: 'SS58 (any prefix) or 0x-hex'}) account: string | null,
        @Arg('worker', () => String, {nullable: true, description: 'worker public key, 0x-hex (or SS58)'}) worker: string | null,
        @Arg('pool', () => String, {nullable: true, description: 'pid'}) pool: string | null,
        @Arg('from', {description: 'ISO 8601 date or date-time, inclusive'}) from: string,
        @Arg('to', {description: 'ISO 8601 date or date-time, exclusive'}) to: string,
        @Arg('granularity', () => Granularity, {defaultValue: Granularity.DAY}) granularity: Granularity,
        @Arg('limit', () => Int, {defaultValue: 100, description: `payouts per page (at most ${MAX_PAGE})`}) limit: number,
        @Arg('offset', () => Int, {defaultValue: 0}) offset: number,
        @Arg('includeDropped', {defaultValue: false, description: 'also list settlements the chain dropped as late'}) includeDropped: boolean
    ): Promise<PayoutAudit> {
        return guarded(async () => {
            const subject = parseSubject({account, worker, pool})
            const range = parseRange(from, to)
            const g = parseGranularity('granularity', granularity)
            checkBuckets(range, g)
            const lim = parseLimit('limit', limit, 100, MAX_PAGE)
            const off = parseOffset('offset', offset)
            const info = await this.cached('subject', subject, q => subjectInfo(q, subject))
            return Object.assign(new PayoutAudit(), {
                subjectKind: subject.kind,
                subject: subject.id,
                subjectSs58: subject.kind === 'pool' ? null : toSs58(subject.id),
                pools: info.pools,
                from: range.from,
                to: range.to,
                granularity: g as Granularity,
                limit: lim,
                offset: off,
                args: {
                    subject,
                    range,
                    granularity: g,
                    includeDropped,
                    pools: subject.kind === 'account' ? info.pools : undefined,
                    openBuckets: info.openBuckets,
                },
            })
        })
    }

    private aggregate(root: PayoutAudit): Promise<AuditAggregate & {bucketsOut: AuditBucketOut[]}> {
        root.aggregateP ??= this.cached(
            'aggregate',
            root.args,
            async q => {
                const agg = await auditAggregate(q, root.args)
                return {...agg, bucketsOut: agg.buckets.map(b => ({...b, amountPha: pha(b.amount), cumulativePha: pha(b.cumulative)}))}
            },
            r => r.buckets.length * 2
        )
        return root.aggregateP
    }

    @FieldResolver(() => Int, {description: 'payouts in the range (the length of all pages together)'})
    async count(@Root() root: PayoutAudit): Promise<number> {
        return guarded(async () => (await this.aggregate(root)).totals.count)
    }

    @FieldResolver(() => AuditTotalsOut)
    async total(@Root() root: PayoutAudit): Promise<AuditTotalsOut> {
        return guarded(async () => {
            const t = (await this.aggregate(root)).totals
            return Object.assign(new AuditTotalsOut(), {
                ...t,
                amountPha: pha(t.amount),
                treasuryPha: pha(t.treasury),
                toOwnerPha: pha(t.toOwner),
                toStakersPha: pha(t.toStakers),
                audit: root,
            })
        })
    }

    @FieldResolver(() => [AuditBucketOut], {description: 'every UTC bucket of the range, empty ones included'})
    async buckets(@Root() root: PayoutAudit, @Ctx() ctx: RequestContext): Promise<AuditBucketOut[]> {
        return guarded(async () => {
            const agg = await this.aggregate(root)
            chargeResponse(ctx, agg.buckets.length * 11)
            return agg.bucketsOut
        })
    }

    @FieldResolver(() => [AuditPayoutOut], {description: 'the payouts of the page [offset, offset + limit), in chain order'})
    async payouts(@Root() root: PayoutAudit, @Ctx() ctx: RequestContext): Promise<AuditPayoutOut[]> {
        return guarded(async () => {
            const rows = await this.cached(
                'page',
                [root.args, root.limit, root.offset],
                async q =>
                    (await auditPage(q, root.args, root.limit, root.offset)).map(r => ({
                        ...r,
                        amountPha: pha(r.amount),
                        paidToPoolPha: pha(r.paidToPool),
                        treasuryPha: pha(r.treasury),
                        v: fixedToFloat(r.vBits)!,
                    })),
                r => r.length
            )
            chargeResponse(ctx, rows.length * 18)
            return rows
        })
    }

    @FieldResolver(() => Boolean, {description: 'more payouts after this page'})
    async hasMore(@Root() root: PayoutAudit): Promise<boolean> {
        return guarded(async () => root.offset + root.limit < (await this.aggregate(root)).totals.count)
    }

    @FieldResolver(() => CommissionOut, {nullable: true, description: 'account only: commission received as pool owner in the range'})
    async commission(@Root() root: PayoutAudit): Promise<CommissionOut | null> {
        if (root.args.subject.kind !== 'account') return null
        return guarded(async () => {
            // computed with the sums (one statement); alone only if the aggregate did not bring it
            const c = (await this.aggregate(root)).commission ?? (await this.cached('commission', root.args, q => accountCommission(q, root.args)))
            return Object.assign(new CommissionOut(), {...c, amountPha: pha(c.amount), withdrawnPha: pha(c.withdrawn), audit: root})
        })
    }

    @FieldResolver(() => DelegatorGainsOut, {
        nullable: true,
        description: 'account only: share-price gains as a delegator (null when the range holds no whole closed day)',
    })
    async delegatorGains(@Root() root: PayoutAudit): Promise<DelegatorGainsOut | null> {
        if (root.args.subject.kind !== 'account') return null
        return guarded(async () => {
            const d = await this.cached('delegatorGains', root.args, q => delegatorGains(q, root.args))
            return d && {...d, gainPha: pha(d.gain)}
        })
    }

    @FieldResolver(() => [V1StakerRewardsOut], {
        description: 'account only: its v1 stake-pool rewards per pool (whole history, not limited to the range)',
    })
    async v1StakerRewards(@Root() root: PayoutAudit, @Ctx() ctx: RequestContext): Promise<V1StakerRewardsOut[]> {
        if (root.args.subject.kind !== 'account') return []
        return guarded(async () => {
            const rows = await this.cached('v1StakerRewards', root.args.subject.id, q => v1StakerRewards(q, root.args.subject.id))
            chargeResponse(
                ctx,
                rows.reduce((n, r) => n + 10 + r.days.length * 6 + r.claims.length * 4, 0)
            )
            return rows.map(r => ({...r, pendingPha: pha(r.pending)}))
        })
    }

    @FieldResolver(() => ReconciliationOut)
    async reconciliation(@Root() root: PayoutAudit): Promise<ReconciliationOut> {
        return guarded(async () => this.cached('reconcile', root.args, q => reconcile(q, root.args)))
    }
}

/** the totals only the ledger rows know, computed when asked for */
@Resolver(() => AuditTotalsOut)
export class AuditTotalsResolver extends SqlResolver {
    constructor(tx: EntityManagerGetter) {
        super(tx)
    }

    private stats(t: AuditTotalsOut): Promise<LedgerStats> {
        const root = t.audit
        root.ledgerStatsP ??= this.cached('ledgerStats', root.args, q => ledgerStats(q, root.args))
        return root.ledgerStatsP
    }

    @FieldResolver(() => Int, {description: 'payouts that paid more than 0'})
    async rewardedCount(@Root() t: AuditTotalsOut): Promise<number> {
        return guarded(async () => (await this.stats(t)).rewardedCount)
    }

    @FieldResolver(() => Int, {description: 'settlements the chain dropped as late (moved no money)'})
    async droppedCount(@Root() t: AuditTotalsOut): Promise<number> {
        return guarded(async () => (await this.stats(t)).droppedCount)
    }

    @FieldResolver(() => BigInt, {description: 'Σ payout of dropped settlements (never paid; not in amount unless includeDropped)'})
    async droppedAmount(@Root() t: AuditTotalsOut): Promise<bigint> {
        return guarded(async () => (await this.stats(t)).droppedAmount)
    }

    @FieldResolver(() => Date, {nullable: true})
    async firstAt(@Root() t: AuditTotalsOut): Promise<Date | null> {
        return guarded(async () => (await this.stats(t)).firstAt)
    }

    @FieldResolver(() => Date, {nullable: true})
    async lastAt(@Root() t: AuditTotalsOut): Promise<Date | null> {
        return guarded(async () => (await this.stats(t)).lastAt)
    }
}

/** commission details from the PoolReward rows, computed when asked for */
@Resolver(() => CommissionOut)
export class CommissionResolver extends SqlResolver {
    constructor(tx: EntityManagerGetter) {
        super(tx)
    }

    private detail(c: CommissionOut): Promise<CommissionDetail> {
        const root = c.audit
        root.commissionDetailP ??= this.cached('commissionDetail', root.args, q => commissionDetail(q, root.args))
        return root.commissionDetailP
    }

    @FieldResolver(() => BigInt, {description: 'of the commission, dust the chain could not mint'})
    async dust(@Root() c: CommissionOut): Promise<bigint> {
        return guarded(async () => (await this.detail(c)).dust)
    }

    @FieldResolver(() => Int, {description: 'RewardReceived events with a commission'})
    async rewardCount(@Root() c: CommissionOut): Promise<number> {
        return guarded(async () => (await this.detail(c)).rewardCount)
    }
}
