import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, Index as Index_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, BooleanColumn as BooleanColumn_} from "@subsquid/typeorm-store"

/**
 * One row per SessionSettled / MinerSettled (and per SessionSettlementDropped, flagged dropped).
 */
@Index_(["workerId", "timestamp"], {unique: false})
@Index_(["poolId", "timestamp", "blockHeight", "eventIndex"], {unique: false})
@Entity_()
export class Payout {
    constructor(props?: Partial<Payout>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Index_()
    @IntColumn_({nullable: false})
    blockHeight!: number

    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @IntColumn_({nullable: false})
    eventIndex!: number

    @StringColumn_({nullable: false})
    sessionId!: string

    @StringColumn_({nullable: true})
    workerId!: string | undefined | null

    @StringColumn_({nullable: true})
    poolId!: string | undefined | null

    /**
     * V after the settle, raw U64F64 bits
     */
    @BigIntColumn_({nullable: false})
    vBits!: bigint

    @BigIntColumn_({nullable: false})
    payoutBits!: bigint

    /**
     * payout in plancks, converted exactly as the chain does
     */
    @BigIntColumn_({nullable: false})
    amount!: bigint

    /**
     * treasury share taken with this settle (the Balances.Withdraw from the subsidy pool, resolved by a Balances.Deposit into the treasury), plancks; 0 for a dropped settle
     */
    @BigIntColumn_({nullable: false})
    treasury!: bigint

    /**
     * the Balances.Withdraw of the treasury share
     */
    @StringColumn_({nullable: true})
    treasuryEventId!: string | undefined | null

    @BooleanColumn_({nullable: false})
    dropped!: boolean

    /**
     * pool-side outcome of this payout (filled from the paired reward events)
     */
    @BigIntColumn_({nullable: false})
    toOwner!: bigint

    @BigIntColumn_({nullable: false})
    toStakers!: bigint

    /**
     * settled but not paid: dismissed as a whole (not in a pool, no shares, dust); stays in the subsidy pool
     */
    @BigIntColumn_({nullable: false})
    dismissed!: bigint

    @StringColumn_({nullable: true})
    rewardEventId!: string | undefined | null

    /**
     * reward credited to the pool for this settle (RewardReceived to_owner + to_stakers), dropped settles included
     */
    @BigIntColumn_({nullable: false})
    credited!: bigint

    /**
     * paid to the pool out of the subsidy pool at once (v2: Balances.Transfer to the W-PHA account); 0 in v1, where the credit stays in the subsidy pool until claimed
     */
    @BigIntColumn_({nullable: false})
    paidToPool!: bigint

    /**
     * the Balances.Transfer that paid it
     */
    @StringColumn_({nullable: true})
    rewardTransferEventId!: string | undefined | null
}
