/**
 * The v1 era's stake-pool edge cases of a policy-driven scenario, at fixed blocks after the ramp (their own
 * random stream, so that the policy's choices stay as they were): a pool with a single staker whose
 * commission changes between rewards, a staker with tiny shares, withdrawals larger than the free stake
 * (queued, and earning until paid), and claims followed by a re-stake of what was claimed.
 */
import {PLANCKS_PER_PHA} from './fixed'
import type {Engine, Pool} from './engine'
import {Rng} from './rng'

export class V1EdgeCases {
    private readonly rng: Rng
    private readonly steps = new Map<number, () => void>()
    private single: Pool | null = null
    private singleOwner = ''
    private readonly tinyStaker: string
    private tinyPool: Pool | null = null
    private restake: {pool: Pool; user: string; before: bigint} | null = null

    constructor(
        private readonly e: Engine,
        rampBlocks: number
    ) {
        this.rng = new Rng((e.cfg.seed * 7919 + 15) >>> 0)
        this.tinyStaker = this.rng.hex(32)
        const r = Math.max(10, rampBlocks)
        const end = e.cfg.upgradeAt ?? e.cfg.blocks
        const at = (b: number, fn: () => void) => {
            if (b < end) this.steps.set(b, fn)
        }
        at(r + 20, () => this.singleStakerPool())
        at(r + 40, () => this.tinyShares())
        at(r + 120, () => this.commission(250_000))
        at(r + 200, () => this.queuedWithdrawal())
        at(r + 900, () => this.claimThenRestake())
        at(r + 901, () => this.restakeClaimed())
        at(r + 1500, () => this.singleClaims())
        at(r + 1800, () => this.commission(0))
        at(r + 2500, () => this.queuedWithdrawal())
        at(r + 3000, () => this.claimThenRestake())
        at(r + 3001, () => this.restakeClaimed())
        at(r + 3500, () => this.tinyLeaves())
        at(r + 4200, () => this.singleClaims())
    }

    act(): void {
        this.steps.get(this.e.block)?.()
    }

    /** a pool whose owner is its only staker: the cap is its stake, so nobody else can join */
    private singleStakerPool(): void {
        const {e, rng} = this
        this.singleOwner = rng.hex(32)
        const pool = e.createStakePool(this.singleOwner)
        e.setCommission(pool, 0)
        const w = e.newWorker(rng.int(1500, 4000), 1)
        const stake = (e.minStake(w) / PLANCKS_PER_PHA + 1n) * PLANCKS_PER_PHA
        if (!e.contribute(pool, this.singleOwner, stake)) return
        e.setCap(pool, stake)
        if (e.register(w) && e.bind(w, pool) && e.start(w, stake)) this.single = pool
    }

    private commission(ppm: number): void {
        if (this.single) this.e.setCommission(this.single, ppm)
    }

    private singleClaims(): void {
        if (this.single) this.e.claimStakerRewards(this.single, this.singleOwner)
    }

    /** the v1 pool with the most workers (the first on ties) */
    private busiestPool(): Pool | null {
        let best: Pool | null = null
        for (const pid of this.e.stakePids) {
            const p = this.e.pools[pid]
            if (p.v1 && p !== this.single && (!best || p.workers.length > best.workers.length)) best = p
        }
        return best
    }

    /** 1,500 plancks: shares of a few hundred plancks' worth of reward per PHA distributed */
    private tinyShares(): void {
        for (const pid of this.e.stakePids) {
            const pool = this.e.pools[pid]
            if (pool.v1 && pool !== this.single && !pool.whitelist && this.e.contribute(pool, this.tinyStaker, 1_500n)) {
                this.tinyPool = pool
                return
            }
        }
    }

    private tinyLeaves(): void {
        const pool = this.tinyPool
        const d = pool?.delegs.get(this.tinyStaker)
        if (pool && d && d.shares > 0n) this.e.withdraw(pool, this.tinyStaker, d.shares)
    }

    /** the largest staker (often the owner) of the v1 pool with the least free stake asks for all its shares */
    private queuedWithdrawal(): void {
        const {e} = this
        let pool: Pool | null = null
        for (const pid of e.stakePids) {
            const p = e.pools[pid]
            if (!p.v1 || p === this.single || p.totalShares === 0n) continue
            if (!pool || p.free < pool.free) pool = p
        }
        if (!pool) return
        let user: string | null = null
        let most = 0n
        for (const [u, d] of pool.delegs) {
            if (d.shares > most && !e.hasQueued(pool, u)) {
                most = d.shares
                user = u
            }
        }
        if (user) e.withdraw(pool, user, most)
    }

    /** a staker of the busiest pool claims, and contributes the claimed amount back in the next block */
    private claimThenRestake(): void {
        const {e} = this
        const pool = this.busiestPool()
        if (!pool) return
        let user: string | null = null
        let most = 0n
        for (const [u, d] of pool.delegs) {
            if (d.shares > most && u !== this.tinyStaker && !e.hasQueued(pool, u)) {
                most = d.shares
                user = u
            }
        }
        if (!user) return
        const before = e.truth.accounts[user]?.stakerRewardsWithdrawn ?? 0n
        if (e.claimStakerRewards(pool, user)) this.restake = {pool, user, before}
    }

    private restakeClaimed(): void {
        const r = this.restake
        this.restake = null
        if (!r) return
        const claimed = (this.e.truth.accounts[r.user]?.stakerRewardsWithdrawn ?? 0n) - r.before
        if (claimed > 0n) this.e.contribute(r.pool, r.user, claimed)
    }
}
