/**
 * Pairing settles with the stake pool's reward events, and the per-settle self-check.
 *
 * On chain, one gatekeeper message settles N sessions (computation.rs `try_handle_settle`: for each, the
 * treasury withdrawal then SessionSettled; or SessionSettlementDropped; or nothing for an unbound worker),
 * then hands all N settle infos, in order, to the stake pool (`on_reward`), which emits for each:
 * - worker in no pool: RewardDismissedNotInPool{worker, amount} (even for a zero payout);
 * - zero payout in a pool: nothing;
 * - otherwise, for pool `pid`: RewardDismissedDust / RewardDismissedNoShare for the whole amount, or
 *   [RewardToOwnerDismissedDust] [RewardToDistributionDismissedDust] [RewardReceived{to_owner, to_stakers}]
 *   where the dust events report parts the chain could not mint (already counted in RewardReceived).
 * Reward events therefore pair with settles FIFO: by worker for NotInPool, by pool otherwise. A group closes
 * on RewardReceived, or when its dismissals cover the whole payout. The invariant checked for every closed
 * rewarded settle: to_owner + to_stakers (with RewardReceived) or Σ dismissed (without) = plancks(payout).
 *
 * The v1 `on_reward` (stakepool.rs, 2022) returns after a RewardDismissedNotInPool: the settles after it in
 * the same message get no reward event at all. `skipRestOfMessage` closes them as skipped (no failure). The
 * settles of one message are those added since the last reward-side event.
 */

export type DismissalKind = 'NotInPool' | 'NoShare' | 'Dust' | 'OwnerDust' | 'DistributionDust'

export interface SettleRef<P> {
    payout: P
    /** plancks(payout_bits) */
    amount: bigint
    workerId: string | null
    /** pool the worker is in at settle time (null: in no pool) */
    poolId: string | null
}

export interface Dismissal {
    kind: DismissalKind
    amount: bigint
    eventId: string
}

export interface RewardGroup<P> {
    settle: SettleRef<P>
    received: {toOwner: bigint; toStakers: bigint; eventId: string} | undefined
    dismissals: Dismissal[]
    done: boolean
    /** v2: the Balances.Transfer subsidy pool → W-PHA account that paid this reward */
    transfer: {eventId: string; amount: bigint} | undefined
    /** v1: no reward event can come (on_reward returned early in this message) */
    skipped: boolean
    /** the reward credited to the pool, set with the RewardReceived (src/domain/ledger/rewards.ts) */
    credited: bigint
}

export type RewardSideEvent =
    | {kind: 'RewardReceived'; eventId: string; pid: string; toOwner: bigint; toStakers: bigint}
    | {kind: 'Dismissal'; eventId: string; dismissal: DismissalKind; pid: string | null; worker: string | null; amount: bigint}

/** Result of a closed group */
export interface GroupOutcome {
    toOwner: bigint
    toStakers: bigint
    /** dismissed amounts not covered by a RewardReceived (whole-payout dismissals) */
    dismissed: bigint
    /** dust reported next to a RewardReceived: parts of to_owner / to_stakers not minted */
    ownerDismissed: bigint
    stakersDismissed: bigint
    /** what the invariant compares with the payout */
    accounted: bigint
    ok: boolean
}

export function groupOutcome(g: RewardGroup<unknown>): GroupOutcome {
    let dismissedAll = 0n
    let ownerD = 0n
    let stakersD = 0n
    for (const d of g.dismissals) {
        dismissedAll += d.amount
        if (d.kind === 'OwnerDust') ownerD += d.amount
        else stakersD += d.amount
    }
    if (g.received) {
        const accounted = g.received.toOwner + g.received.toStakers
        return {
            toOwner: g.received.toOwner,
            toStakers: g.received.toStakers,
            dismissed: 0n,
            ownerDismissed: ownerD,
            stakersDismissed: stakersD,
            accounted,
            ok: accounted === g.settle.amount,
        }
    }
    if (g.transfer) {
        // v2, both mints failed as dust: the reward left the subsidy pool (the transfer), nothing was received;
        // the dust events report parts of a paid reward, not a dismissed one
        return {
            toOwner: 0n,
            toStakers: 0n,
            dismissed: 0n,
            ownerDismissed: ownerD,
            stakersDismissed: stakersD,
            accounted: dismissedAll,
            ok: dismissedAll === g.settle.amount && g.transfer.amount === g.settle.amount,
        }
    }
    return {
        toOwner: 0n,
        toStakers: 0n,
        dismissed: dismissedAll,
        ownerDismissed: 0n,
        stakersDismissed: 0n,
        accounted: dismissedAll,
        ok: dismissedAll === g.settle.amount,
    }
}

export interface BlockPairing<P> {
    /** groups that received their reward events (check `groupOutcome(g).ok`) */
    closed: RewardGroup<P>[]
    /** rewarded settles whose reward events are missing or incomplete */
    open: RewardGroup<P>[]
}

export class RewardPairer<P> {
    private queue: RewardGroup<P>[] = []
    /** index in the queue of the current message's first settle */
    private messageStart = 0
    private lastWasReward = false

    addSettle(ref: SettleRef<P>): RewardGroup<P> {
        if (this.lastWasReward) {
            this.messageStart = this.queue.length
            this.lastWasReward = false
        }
        const g: RewardGroup<P> = {settle: ref, received: undefined, dismissals: [], done: false, transfer: undefined, skipped: false, credited: 0n}
        this.queue.push(g)
        return g
    }

    /**
     * The v1 early return: every settle of the current message after `after` (or, when the dismissal
     * matched no settle, every one still waiting) gets no reward. Returns the groups skipped.
     */
    skipRestOfMessage(after: RewardGroup<P> | undefined): RewardGroup<P>[] {
        const from = after ? this.queue.indexOf(after) + 1 : this.messageStart
        const skipped: RewardGroup<P>[] = []
        for (let i = Math.max(from, this.messageStart); i < this.queue.length; i++) {
            const g = this.queue[i]
            if (g.done) continue
            g.done = true
            g.skipped = true
            skipped.push(g)
        }
        return skipped
    }

    /**
     * Pair one reward-side event. Returns the group it joined (with the settle), or undefined when no
     * pending settle can take it (an unpaired reward event).
     */
    addReward(ev: RewardSideEvent): RewardGroup<P> | undefined {
        this.lastWasReward = true
        if (ev.kind === 'Dismissal' && ev.dismissal === 'NotInPool') {
            const g = this.queue.find(g => !g.done && g.settle.workerId === ev.worker && g.dismissals.length === 0 && !g.received)
            if (g == null) return undefined
            g.dismissals.push({kind: 'NotInPool', amount: ev.amount, eventId: ev.eventId})
            g.done = true
            return g
        }
        const pid = ev.pid
        const g = this.queue.find(g => !g.done && g.settle.amount > 0n && g.settle.poolId === pid)
        if (g == null) return undefined
        if (ev.kind === 'RewardReceived') {
            g.received = {toOwner: ev.toOwner, toStakers: ev.toStakers, eventId: ev.eventId}
            g.done = true
            return g
        }
        g.dismissals.push({kind: ev.dismissal, amount: ev.amount, eventId: ev.eventId})
        if (ev.dismissal === 'NoShare') {
            g.done = true
        } else {
            let sum = 0n
            for (const d of g.dismissals) sum += d.amount
            if (sum >= g.settle.amount) g.done = true
        }
        return g
    }

    /** Close the block: every queued settle is either closed or (when rewarded) open/unpaired. */
    endBlock(): BlockPairing<P> {
        const closed: RewardGroup<P>[] = []
        const open: RewardGroup<P>[] = []
        for (const g of this.queue) {
            if (g.done) closed.push(g)
            else if (g.settle.amount > 0n) open.push(g)
        }
        this.queue = []
        this.messageStart = 0
        this.lastWasReward = false
        return {closed, open}
    }

    get pending(): number {
        return this.queue.length
    }
}
