/**
 * The stochastic behaviour of a simulated network (used by the `small` and `khala-day` scenarios): pool
 * owners, delegators, vault managers and workers acting at configurable rates. Every decision draws from
 * the engine's seeded RNG, so a run is a pure function of (scenario, seed, overrides).
 */
import {PLANCKS_PER_PHA} from './fixed'
import {Engine, Pool, Worker, DUST} from './engine'
import type {Rng} from './rng'
import {V1EdgeCases} from './policy-v1'

export interface PolicyConfig {
    /** stake pools created during the initial ramp (in the start era) */
    stakePools: number
    /** stake pools created after the runtime upgrade */
    stakePoolsAfterUpgrade: number
    /** vaults (created at the start in a v2-only run, else after the upgrade) */
    vaults: number
    delegators: number
    /** workers registered, bound and started during the ramp */
    workers: number
    /** blocks over which the initial network is set up */
    rampBlocks: number
    /** new workers per day after the ramp, as a fraction of `workers` */
    workerGrowthPerDay: number
    contributionsPerDay: number
    withdrawalsPerDay: number
    /** fraction of computing workers stopped per day (by their owners) */
    stopsPerDay: number
    /** fraction of computing workers that go offline per day */
    unresponsivePerDay: number
    unresponsiveBlocks: [number, number]
    /** after reclaim: probability to start again / to leave the pool (else stays Ready) */
    restartProb: number
    removeProb: number
    /** fraction of pools whose owner withdraws commission per day */
    ownerWithdrawsPerDay: number
    /** v1: staker reward claims per day */
    stakerClaimsPerDay: number
    /** vault managers act every this many blocks */
    vaultEveryBlocks: number
    commissionChangesPerDay: number
    whitelistFraction: number
    capFraction: number
    /** queued withdrawals older than this force the pool to stop workers */
    graceBlocks: number
    /** v2: BudgetUpdated every this many blocks (0 = never) */
    budgetEveryBlocks: number
    /** v2: the budget decays ×0.75 every this many blocks (the 180-day halving, maybe compressed) */
    budgetHalvingBlocks: number
    workerUpdatesPerDay: number
    quirksPerDay: {dust: number; late: number; dropped: number; failed: number}
    /** block to emit CoolDownExpirationChanged at (0 = never), and the new period in seconds */
    coolDownChangeAt: number
    coolDownChangeSecs: number
    /** v1 era: the stake-pool edge cases of ./policy-v1 (single staker, tiny shares, queued withdrawals, …) */
    v1EdgeCases?: boolean
    /** growth and churn of long runs (khala-month); absent or 0 = none */
    /** stake pools created per day after the ramp, each with a few new workers, its owner's stake and delegators */
    newPoolsPerDay?: number
    /**
     * stake pools wound down per day after the ramp: the owner stops every worker (reclaimed after the cool-down,
     * then removed and later bound elsewhere) and the delegators withdraw everything; nothing new goes in
     */
    poolRetirementsPerDay?: number
    /** new delegator accounts per day, as a fraction of `delegators`; each contributes when it arrives */
    delegatorGrowthPerDay?: number
    /** v2: the block at which the balancer's budget steps down ×0.75 (its 180-day halving); 0 = none */
    budgetStepAt?: number
}

const pha = (n: number): bigint => BigInt(Math.round(n)) * PLANCKS_PER_PHA

export class Policy {
    private readonly rng: Rng
    private readonly perBlock: number
    private readonly schedule = new Map<number, (() => void)[]>()
    private readonly pendingStart: number[] = []
    private readonly plannedStake = new Map<number, bigint>()
    private readonly cooling: number[] = []
    private readonly poolDelegs = new Map<number, string[]>()
    private delegators: string[] = []
    private owners: string[] = []
    private budgetBase = 0n
    private budgetFrom = 0
    /** pools being wound down (poolRetirementsPerDay) */
    private readonly retired = new Set<number>()
    private readonly v1Edges: V1EdgeCases | null

    constructor(
        private readonly e: Engine,
        private readonly c: PolicyConfig
    ) {
        this.rng = e.rng
        this.perBlock = 86_400_000 / e.cfg.blockTimeMs
        this.plan()
        this.v1Edges = c.v1EdgeCases && e.cfg.startEra === 'v1' ? new V1EdgeCases(e, c.rampBlocks) : null
    }

    private at(block: number, fn: () => void): void {
        const b = Math.max(1, Math.round(block))
        const l = this.schedule.get(b)
        if (l) l.push(fn)
        else this.schedule.set(b, [fn])
    }

    private amount(lo: number, hi: number): bigint {
        return pha(this.rng.range(lo, hi)) + BigInt(this.rng.int(0, 999_999)) * 1_000_000n
    }

    private newWorker(): Worker {
        const p = this.rng.int(800, 6000)
        const r = this.rng.next()
        const conf = r < 0.55 ? 1 : r < 0.75 ? 2 : r < 0.85 ? 3 : r < 0.95 ? 4 : 5
        const w = this.e.newWorker(p, conf)
        const min = this.e.minStake(w)
        const stake = ((min * BigInt(Math.floor(this.rng.range(1, 3) * 1000))) / 1000n / PLANCKS_PER_PHA + 1n) * PLANCKS_PER_PHA
        this.plannedStake.set(w.i, stake)
        return w
    }

    /** the initial network: pools, delegations and workers over the ramp */
    private plan(): void {
        const {e, c, rng} = this
        const ramp = Math.max(10, c.rampBlocks)
        this.delegators = Array.from({length: c.delegators}, () => rng.hex(32))
        const nOwners = Math.max(1, Math.round((c.stakePools + c.stakePoolsAfterUpgrade + c.vaults) * 0.8))
        this.owners = Array.from({length: nOwners}, () => rng.hex(32))
        if (c.coolDownChangeAt > 0) this.at(c.coolDownChangeAt, () => e.setCoolDown(c.coolDownChangeSecs))

        // workers per pool: heavy-tailed weights
        const weights = Array.from({length: c.stakePools}, (_, k) => (1 / Math.pow(k + 1, 0.7)) * rng.range(0.5, 1.5))
        const wsum = weights.reduce((a, b) => a + b, 0)
        const counts = weights.map(x => Math.floor((x / wsum) * c.workers))
        let left = c.workers - counts.reduce((a, b) => a + b, 0)
        for (let k = 0; left > 0; k = (k + 1) % counts.length, left--) counts[k]++

        for (let k = 0; k < c.stakePools; k++) {
            const created = 1 + Math.floor(rng.next() * ramp * 0.2)
            const owner = this.owners[k % nOwners]
            const workers = Array.from({length: counts[k]}, () => this.newWorker())
            this.at(created, () => this.setupPool(owner, workers, created, Math.max(2, ramp * 0.6 - (created - 1))))
        }
        if (e.cfg.upgradeAt === null && e.cfg.startEra === 'v2') {
            for (let k = 0; k < c.vaults; k++) this.at(1 + Math.floor(rng.next() * ramp * 0.3), () => this.setupVault())
        }
        if (e.cfg.upgradeAt !== null) {
            const u = e.cfg.upgradeAt
            for (let k = 0; k < c.vaults; k++) this.at(u + 5 + Math.floor(rng.next() * 200), () => this.setupVault())
            for (let k = 0; k < c.stakePoolsAfterUpgrade; k++) {
                const created = u + 10 + Math.floor(rng.next() * 300)
                const workers = Array.from({length: 1 + rng.int(0, Math.max(1, Math.round(c.workers / Math.max(1, c.stakePools))))}, () => this.newWorker())
                this.at(created, () => this.setupPool(this.owners[rng.int(0, nOwners - 1)], workers, created, Math.max(2, 300 * 0.6 - (created - 1))))
            }
        }
    }

    /** a new stake pool whose delegations and workers come in over `span` blocks after `created` */
    private setupPool(owner: string, workers: Worker[], created: number, span: number): Pool {
        const {e, rng} = this
        const pool = e.createStakePool(owner)
        this.poolDelegs.set(pool.pid, [])
        const r = rng.next()
        const commission = r < 0.15 ? 0 : r < 0.9 ? rng.int(1, 40) * 5000 : rng.int(0, 1_000_000)
        e.setCommission(pool, commission)
        let need = 0n
        for (const w of workers) need += this.plannedStake.get(w.i)!
        need = (need * BigInt(Math.floor(rng.range(1.05, 1.4) * 1000))) / 1000n
        if (rng.chance(this.c.capFraction)) e.setCap(pool, (need * BigInt(rng.int(15, 30))) / 10n)
        // delegators of this pool
        const n = Math.min(this.delegators.length, Math.max(1, Math.round(2 + workers.length * rng.range(0.5, 2))))
        const members = new Set<string>()
        for (let k = 0; k < n; k++) members.add(rng.pick(this.delegators))
        if (rng.chance(this.c.whitelistFraction)) for (const m of members) e.addToWhitelist(pool, m)
        // the owner puts in 10–30%, delegators the rest, in chunks
        const ownerPart = (need * BigInt(rng.int(10, 30))) / 100n
        this.at(created + 1 + rng.int(0, 3), () => this.contribute(pool, owner, ownerPart))
        const list = [...members]
        let rest = need - ownerPart
        for (let k = 0; rest > 0n; k++) {
            const chunk = k === 2 * list.length - 1 ? rest : ((rest / BigInt(Math.max(1, 2 * list.length - k))) * BigInt(rng.int(50, 150))) / 100n + pha(1)
            const amt = chunk > rest ? rest : chunk
            rest -= amt
            const user = list[k % list.length]
            this.at(created + 1 + rng.next() * span, () => this.contribute(pool, user, amt))
        }
        // workers register and bind over the ramp; they start as stake becomes free
        for (const w of workers) {
            this.at(created + rng.next() * span, () => {
                e.register(w, rng.chance(0.97) ? 'Ias' : null)
                e.bind(w, pool)
                this.pendingStart.push(w.i)
            })
        }
        return pool
    }

    private setupVault(): void {
        const {e, rng} = this
        const owner = rng.pick(this.owners)
        const vault = e.createVault(owner)
        if (!vault) return
        this.poolDelegs.set(vault.pid, [])
        e.setCommission(vault, rng.int(1, 20) * 10_000)
        const n = 3 + rng.int(0, 20)
        for (let k = 0; k < n; k++) {
            const user = rng.pick(this.delegators)
            this.at(e.block + 1 + rng.int(0, 100), () => this.contribute(vault, user, this.amount(1000, 50_000)))
        }
    }

    private contribute(pool: Pool, user: string, amount: bigint): boolean {
        if (amount <= DUST) return false
        if (!this.e.contribute(pool, user, amount)) {
            // whitelisted pool: the owner lets the user in first (once)
            if (pool.whitelist && !pool.whitelist.has(user) && this.rng.chance(0.5)) {
                this.e.addToWhitelist(pool, user)
                if (!this.e.contribute(pool, user, amount)) return false
            } else return false
        }
        const l = this.poolDelegs.get(pool.pid)!
        if (!l.includes(user)) l.push(user)
        return true
    }

    private rate(perDay: number): number {
        return this.rng.poisson(perDay / this.perBlock)
    }

    private randomWorker(pred: (w: Worker) => boolean): Worker | null {
        const ws = this.e.workers
        if (ws.length === 0) return null
        for (let k = 0; k < 24; k++) {
            const w = ws[this.rng.int(0, ws.length - 1)]
            if (pred(w)) return w
        }
        return null
    }

    private randomStakePool(): Pool | null {
        const all = this.e.stakePids
        const pids = this.retired.size ? all.filter(p => !this.retired.has(p)) : all
        return pids.length ? this.e.pools[this.rng.pick(pids)] : null
    }

    /** the extrinsics of one block */
    act(): void {
        const {e, c, rng} = this
        const b = e.block
        for (const fn of this.schedule.get(b) ?? []) fn()
        this.schedule.delete(b)

        // reclaim workers whose cool-down ended
        while (this.cooling.length > 0 && e.canReclaim(e.workers[this.cooling[0]])) {
            const w = e.workers[this.cooling.shift()!]
            e.reclaim(w)
            if (this.retired.has(w.pid)) {
                this.leave(w)
                continue
            }
            const r = rng.next()
            if (r < c.restartProb) this.pendingStart.push(w.i)
            else if (r < c.restartProb + c.removeProb) {
                e.remove(w)
                this.at(b + rng.int(10, 600), () => {
                    const pool = this.randomStakePool()
                    if (pool && w.pid < 0 && e.bind(w, pool)) this.pendingStart.push(w.i)
                })
            }
        }
        // start workers when their pool has the stake (a rotating queue, at most 400 attempts a block)
        for (let tries = Math.min(400, this.pendingStart.length); tries > 0; tries--) {
            const i = this.pendingStart.shift()!
            const w = e.workers[i]
            if (w.state !== 'Ready') continue
            const stake = this.plannedStake.get(i) ?? e.minStake(w)
            if (this.retired.has(w.pid)) continue
            if (!e.start(w, stake)) this.pendingStart.push(i)
        }
        const ramping = b <= c.rampBlocks
        if (!ramping) {
            for (let k = this.rate(c.contributionsPerDay); k > 0; k--) {
                const toVault = e.vaultPids.length > 0 && rng.chance(0.2)
                const pool = toVault ? e.pools[rng.pick(e.vaultPids)] : this.randomStakePool()
                if (pool) this.contribute(pool, rng.pick(this.delegators), this.amount(100, 20_000))
            }
            for (let k = this.rate(c.withdrawalsPerDay); k > 0; k--) this.randomWithdrawal()
            const idle = e.idleCount
            for (let k = this.rate(c.stopsPerDay * idle); k > 0; k--) {
                const w = this.randomWorker(x => x.state === 'WorkerIdle')
                if (w && e.stop(w)) this.cooling.push(w.i)
            }
            for (let k = this.rate(c.workerGrowthPerDay * c.workers); k > 0; k--) {
                const pool = this.randomStakePool()
                if (!pool) break
                const w = this.newWorker()
                e.register(w)
                e.bind(w, pool)
                // the owner brings the stake for the new worker
                this.contribute(pool, pool.owner, this.plannedStake.get(w.i)!)
                this.pendingStart.push(w.i)
            }
            if (c.newPoolsPerDay || c.poolRetirementsPerDay || c.delegatorGrowthPerDay) this.churn()
            for (let k = this.rate(c.ownerWithdrawsPerDay * e.stakePids.length); k > 0; k--) {
                const pool = this.randomStakePool()
                if (pool) e.withdrawOwnerRewards(pool)
            }
            if (e.era === 'v1') {
                for (let k = this.rate(c.stakerClaimsPerDay); k > 0; k--) {
                    const pool = this.randomStakePool()
                    const l = pool && this.poolDelegs.get(pool.pid)
                    if (pool && l?.length) e.claimStakerRewards(pool, rng.pick(l))
                }
            }
            for (let k = this.rate(c.commissionChangesPerDay); k > 0; k--) {
                const pool = this.randomStakePool()
                if (pool) e.setCommission(pool, rng.int(0, 40) * 5000)
            }
            if (e.era === 'v2') {
                for (let k = this.rate(c.workerUpdatesPerDay); k > 0; k--) {
                    const w = this.randomWorker(x => x.registered)
                    if (w) e.updateWorker(w, rng.int(1, 5))
                }
            }
        }
        // offline episodes (reported by the gatekeeper from the next block on)
        for (let k = this.rate(c.unresponsivePerDay * e.idleCount); k > 0; k--) {
            const w = this.randomWorker(x => x.state === 'WorkerIdle' && x.unrespUntil === 0)
            if (w) e.markUnresponsive(w, rng.int(c.unresponsiveBlocks[0], c.unresponsiveBlocks[1]))
        }
        this.quirks()
        if (e.era === 'v1') this.v1Edges?.act()
        if (c.vaultEveryBlocks > 0 && b % c.vaultEveryBlocks === 0) for (const vpid of e.vaultPids) this.manageVault(e.pools[vpid])
        if (b % 50 === 0) this.forceStops()
        if (e.era === 'v2' && c.budgetEveryBlocks > 0) {
            if (this.budgetBase === 0n) {
                this.budgetBase = e.params.budget_per_block
                this.budgetFrom = b
            }
            if (b % c.budgetEveryBlocks === 0 || b === c.budgetStepAt) {
                let decay = c.budgetHalvingBlocks > 0 ? Math.pow(0.75, (b - this.budgetFrom) / c.budgetHalvingBlocks) : 1
                if (c.budgetStepAt && b >= c.budgetStepAt) decay *= 0.75
                const f = decay * rng.range(0.97, 1.03)
                e.updateBudget((this.budgetBase * BigInt(Math.floor(f * 2 ** 30))) >> 30n)
            }
        }
    }

    /** long runs: new pools and delegators arrive, pools are wound down */
    private churn(): void {
        const {e, c, rng} = this
        for (let k = this.rate(c.newPoolsPerDay ?? 0); k > 0; k--) {
            const owner = rng.chance(0.5) ? rng.pick(this.owners) : rng.hex(32)
            if (!this.owners.includes(owner)) this.owners.push(owner)
            const perPool = Math.max(1, Math.round(c.workers / Math.max(1, c.stakePools)))
            const workers = Array.from({length: 1 + rng.int(0, perPool)}, () => this.newWorker())
            this.setupPool(owner, workers, e.block + 1, 300 + rng.int(0, 600))
        }
        for (let k = this.rate((c.delegatorGrowthPerDay ?? 0) * c.delegators); k > 0; k--) {
            const user = rng.hex(32)
            this.delegators.push(user)
            const pool = this.randomStakePool()
            if (pool) this.contribute(pool, user, this.amount(100, 20_000))
        }
        for (let k = this.rate(c.poolRetirementsPerDay ?? 0); k > 0; k--) {
            const pool = this.randomStakePool()
            if (pool && pool.workers.length > 0) this.retire(pool)
        }
    }

    /** a pool is wound down: its workers stop (and leave once reclaimed), everyone withdraws */
    private retire(pool: Pool): void {
        const {e} = this
        this.retired.add(pool.pid)
        for (const i of [...pool.workers]) {
            const w = e.workers[i]
            if (w.state === 'Ready') this.leave(w)
            else if (e.stop(w)) this.cooling.push(w.i)
        }
        for (const user of [...(this.poolDelegs.get(pool.pid) ?? []), pool.owner]) {
            if (e.vaultByAccount.has(user) || e.hasQueued(pool, user)) continue
            const d = pool.delegs.get(user)
            if (d && d.shares > 0n) e.withdraw(pool, user, d.shares)
        }
    }

    /** a Ready worker leaves its (retired) pool and is bound to another one later */
    private leave(w: Worker): void {
        const {e, rng} = this
        if (!e.remove(w)) return
        this.at(e.block + rng.int(600, 7200), () => {
            const pool = this.randomStakePool()
            if (pool && w.pid < 0 && e.bind(w, pool)) {
                this.contribute(pool, pool.owner, this.plannedStake.get(w.i) ?? e.minStake(w))
                this.pendingStart.push(w.i)
            }
        })
    }

    private randomWithdrawal(): void {
        const {e, rng} = this
        const all = [...e.stakePids, ...e.vaultPids]
        if (all.length === 0) return
        const pool = e.pools[rng.pick(all)]
        const l = this.poolDelegs.get(pool.pid)
        if (!l || l.length === 0) return
        const user = rng.pick(l)
        if (e.vaultByAccount.has(user)) return // a vault's holdings move only with its manager (as_vault)
        const d = pool.delegs.get(user)
        if (!d || d.shares === 0n || e.hasQueued(pool, user)) return
        const frac = rng.chance(0.3) ? 1000n : BigInt(rng.int(100, 900))
        const shares = (d.shares * frac) / 1000n
        if (shares > 0n) e.withdraw(pool, user, shares)
    }

    /** pools whose oldest withdrawal request is older than the grace period stop workers to free stake */
    private forceStops(): void {
        const {e} = this
        for (const pid of e.stakePids) {
            const pool = e.pools[pid]
            if (pool.queue.length === 0 || pool.totalShares === 0n) continue
            if (e.ts - pool.queue[0].startTime < this.c.graceBlocks * e.cfg.blockTimeMs) continue
            let needed = 0n
            for (const q of pool.queue) needed += (q.shares * pool.totalValue) / pool.totalShares
            needed -= pool.free
            for (const i of pool.cdWorkers) needed -= e.workers[i].stake
            for (const i of [...pool.workers]) {
                if (needed <= 0n) break
                const w = e.workers[i]
                if (e.stop(w)) {
                    this.cooling.push(w.i)
                    needed -= w.stake
                }
            }
            // withdrawn stake must not be re-locked by restarts
            for (const i of pool.workers) {
                const k = this.pendingStart.indexOf(i)
                if (k >= 0) this.pendingStart.splice(k, 1)
            }
        }
    }

    private manageVault(vault: Pool): void {
        const {e, rng} = this
        e.gainOwnerShares(vault)
        if (vault.ownerShares > 0n && rng.chance(0.3)) e.claimOwnerShares(vault)
        // serve the vault's own withdrawal queue by pulling stake out of pools
        if (vault.queue.length > 0) {
            e.processQueue(vault)
            if (vault.queue.length > 0 && vault.investPools.length > 0) {
                const pool = e.pools[rng.pick(vault.investPools)]
                const d = pool.delegs.get(vault.account)
                if (d && d.shares > 0n && !e.hasQueued(pool, vault.account))
                    e.withdraw(pool, vault.account, d.shares / 2n + 1n > d.shares ? d.shares : d.shares / 2n + 1n, vault.pid)
            }
            return
        }
        // invest free stake
        if (vault.free > pha(1000)) {
            const targets = Math.min(3, e.stakePids.length)
            let budget = (vault.free * 9n) / 10n
            for (let k = 0; k < targets && budget > pha(100); k++) {
                const pool = this.randomStakePool()!
                const amt = k === targets - 1 ? budget : budget / 2n
                if (e.contribute(pool, vault.account, amt, vault.pid)) {
                    budget -= amt
                    const l = this.poolDelegs.get(pool.pid)!
                    if (!l.includes(vault.account)) l.push(vault.account)
                }
            }
        }
    }

    private quirks(): void {
        const {e, c} = this
        const q = c.quirksPerDay
        for (let k = this.rate(q.dust); k > 0; k--) {
            const w = this.randomWorker(x => x.state === 'WorkerIdle' && x.unrespUntil === 0)
            if (w) e.quirk('dust', w)
        }
        for (let k = this.rate(q.late); k > 0; k--) {
            const w = this.randomWorker(
                x => (x.state === 'Ready' || x.state === 'Registered') && (x.session ?? x.lastSession) !== null && this.e.truth.workers[x.pubkey].startCount > 0
            )
            if (w) e.quirk('late', w)
        }
        for (let k = this.rate(q.dropped); k > 0; k--) {
            const w = this.randomWorker(x => x.state === 'WorkerIdle')
            if (w) e.quirk('dropped', w)
        }
        for (let k = this.rate(q.failed); k > 0; k--) {
            const w = this.randomWorker(x => x.state === 'WorkerIdle')
            if (w) e.quirk('failed', w)
        }
    }
}
