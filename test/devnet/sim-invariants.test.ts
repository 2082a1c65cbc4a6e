/**
 * Economy simulator: invariants over whole runs (tiny and small), event order, truth consistency,
 * determinism, and the khala-day scale.
 */
import {payoutBitsToPlancks, fixedToNumber} from '../../devnet/sim/fixed'
import type {DevBlock, DevEvent} from '../../devnet/model'
import {buildScenario, Scenario, GroundTruth} from '../../devnet/sim'
import {EVENTS} from '../../devnet/sim/events'
import {checkEvent, checkStorage} from '../../devnet/sim/values'
import {SUBSIDY_POOL, TREASURY} from '../../devnet/sim/accounts'
import {utcDay} from '../../devnet/sim/truth'

const SETTLED = new Set(['MinerSettled', 'SessionSettled'])
const REACTIONS = new Set(['RewardReceived', 'RewardDismissedNotInPool', 'RewardDismissedNoShare', 'RewardDismissedDust'])
const POOL_PALLETS = new Set(['PhalaStakePool', 'PhalaStakePoolv2'])

interface Audit {
    payout: bigint
    treasury: bigint
    settles: number
    rewarded: number
    perWorker: Map<string, bigint>
    perDay: Map<string, {payout: bigint; treasury: bigint; settles: number}>
    problems: string[]
}

const isSettle = (e: DevEvent) => (e.pallet === 'PhalaMining' || e.pallet === 'PhalaComputation') && SETTLED.has(e.name)
const sessionOf = (e: DevEvent) => (e.args.session ?? e.args.miner) as string

/** recompute the money from the events alone and check the per-block rules */
function audit(blocks: DevBlock[], upgradeAt: number | null): Audit {
    const a: Audit = {payout: 0n, treasury: 0n, settles: 0, rewarded: 0, perWorker: new Map(), perDay: new Map(), problems: []}
    const workerOf = new Map<string, string>()
    const bad = (b: number, msg: string) => {
        if (a.problems.length < 20) a.problems.push(`block ${b}: ${msg}`)
    }
    blocks.forEach((blk, i) => {
        const b = i + 1
        const era = upgradeAt !== null && b >= upgradeAt ? 'v2' : upgradeAt !== null ? 'v1' : blk.era
        if (blk.era !== era) bad(b, `era ${blk.era}, expected ${era}`)
        const evs = blk.events
        for (const ev of evs) {
            const err = checkEvent(blk.era, ev)
            if (err) bad(b, err)
        }
        for (const w of blk.storage) {
            const err = checkStorage(blk.era, w)
            if (err) bad(b, err)
        }
        const day = utcDay(blk.timestamp)
        let d = a.perDay.get(day)
        if (!d) a.perDay.set(day, (d = {payout: 0n, treasury: 0n, settles: 0}))
        const idx = (pred: (e: DevEvent) => boolean) => evs.map((e, k) => (pred(e) ? k : -1)).filter(k => k >= 0)
        // gatekeeper order: all enters, then all exits, then settlements, then the pools' reactions
        const enters = idx(e => /Enter(Unresponsive)$/.test(e.name))
        const exits = idx(e => /Exit(Unresponsive)$/.test(e.name))
        const settles = idx(isSettle)
        const reactions = idx(e => POOL_PALLETS.has(e.pallet) && REACTIONS.has(e.name))
        if (enters.length && exits.length && Math.max(...enters) > Math.min(...exits)) bad(b, 'an enter after an exit')
        if ((enters.length || exits.length) && settles.length && Math.max(...enters, ...exits) > Math.min(...settles))
            bad(b, 'unresponsive events after a settlement')
        if (reactions.length && (!settles.length || Math.min(...reactions) < Math.max(...settles))) bad(b, 'a pool reaction before the last settlement')
        // tokenomics: the event always comes with the storage write
        const tpc = evs.filter(e => e.name === 'TokenomicParametersChanged').length
        const tpw = blk.storage.filter(w => w.item === 'TokenomicParameters').length
        if (tpc > 0 && tpw === 0) bad(b, 'TokenomicParametersChanged without the storage write')
        evs.forEach((e, k) => {
            if (e.name === 'SubsidyBudgetHalved' || e.name === 'BudgetUpdated') {
                if (evs[k + 1]?.name !== 'TokenomicParametersChanged') bad(b, `${e.name} not followed by TokenomicParametersChanged`)
            }
        })
        // money
        const rewardedSettles: bigint[] = []
        evs.forEach((e, k) => {
            if (e.name === 'SessionBound' || e.name === 'MinerBound') workerOf.set(sessionOf(e), e.args.worker as string)
            if (e.pallet === 'Balances' && e.name === 'Transfer') {
                if (e.args.from !== SUBSIDY_POOL || e.args.to !== TREASURY) bad(b, 'unexpected transfer')
                if (!evs[k + 1] || !isSettle(evs[k + 1])) bad(b, 'treasury transfer not followed by a settlement')
                a.treasury += e.args.amount as bigint
                d!.treasury += e.args.amount as bigint
            }
            if (isSettle(e)) {
                const p = payoutBitsToPlancks(e.args.payout_bits as bigint)
                a.payout += p
                a.settles++
                d!.payout += p
                d!.settles++
                const w = workerOf.get(sessionOf(e))
                if (!w) bad(b, `settlement of an unknown session ${sessionOf(e)}`)
                else a.perWorker.set(w, (a.perWorker.get(w) ?? 0n) + p)
                if (p > 0n) rewardedSettles.push(p)
            }
        })
        a.rewarded += rewardedSettles.length
        // pair every rewarded settlement with one pool reaction, in order
        const groups: {toOwner: bigint; toStakers: bigint; dismissed: bigint; rr: boolean}[] = []
        const rs = reactions.map(k => evs[k])
        for (let k = 0; k < rs.length; k++) {
            const e = rs[k]
            const next = rs[k + 1]
            if (e.name === 'RewardDismissedDust' && next?.name === 'RewardReceived' && next.args.pid === e.args.pid && next.args.to_stakers === e.args.amount) {
                groups.push({toOwner: next.args.to_owner as bigint, toStakers: next.args.to_stakers as bigint, dismissed: 0n, rr: true})
                k++
            } else if (e.name === 'RewardReceived') {
                groups.push({toOwner: e.args.to_owner as bigint, toStakers: e.args.to_stakers as bigint, dismissed: 0n, rr: true})
            } else {
                groups.push({toOwner: 0n, toStakers: 0n, dismissed: e.args.amount as bigint, rr: false})
            }
        }
        if (groups.length !== rewardedSettles.length) bad(b, `${rewardedSettles.length} rewarded settlements but ${groups.length} pool reactions`)
        else
            groups.forEach((g, k) => {
                if (g.toOwner + g.toStakers + g.dismissed !== rewardedSettles[k])
                    bad(b, `reaction ${k}: ${g.toOwner} + ${g.toStakers} + ${g.dismissed} ≠ ${rewardedSettles[k]}`)
            })
    })
    return a
}

function sum<T>(xs: Iterable<T>, f: (x: T) => bigint): bigint {
    let s = 0n
    for (const x of xs) s += f(x)
    return s
}

function checkTruth(s: Scenario, blocks: DevBlock[]): void {
    const t: GroundTruth = s.truth
    expect(t.complete).toBe(true)
    const a = audit(blocks, s.upgradeAt)
    expect(a.problems).toEqual([])
    // totals from the events
    expect(t.totals.payout).toBe(a.payout)
    expect(t.totals.treasury).toBe(a.treasury)
    expect(t.totals.settleCount).toBe(a.settles)
    expect(t.totals.rewardedSettleCount).toBe(a.rewarded)
    // Σ per worker = Σ per day = emitted − treasury
    const perWorker = sum(Object.values(t.workers), w => w.payout)
    const perDay = sum(Object.values(t.days), d => d.payout)
    expect(perWorker).toBe(t.totals.emitted - t.totals.treasury)
    expect(perDay).toBe(t.totals.emitted - t.totals.treasury)
    expect(sum(Object.values(t.days), d => d.treasury)).toBe(t.totals.treasury)
    expect(sum(Object.values(t.sessions), x => x.payout)).toBe(t.totals.payout)
    expect(t.totals.emitted).toBe(a.payout + a.treasury)
    for (const [w, p] of a.perWorker) expect(t.workers[w].payout).toBe(p)
    for (const [day, d] of a.perDay) {
        if (d.settles === 0 && !t.days[day]) continue
        expect(t.days[day].payout).toBe(d.payout)
        expect(t.days[day].treasury).toBe(d.treasury)
        expect(t.days[day].settleCount).toBe(d.settles)
        expect(sum(Object.values(t.days[day].workers), x => x.payout)).toBe(d.payout)
    }
    // per pool: every payout routed to a pool is split or dismissed, exactly
    for (const p of Object.values(t.pools)) {
        expect(p.rewardsToOwner + p.rewardsToStakers + p.dismissed).toBe(p.payout)
    }
    const pooled = sum(Object.values(t.pools), p => p.payout)
    expect(pooled + t.totals.dismissedNotInPool).toBe(t.totals.payout)
    expect(t.totals.toOwner + t.totals.toStakers + t.totals.dismissed).toBe(t.totals.payout)
    // per settlement
    if (t.payouts) {
        expect(t.payouts.length).toBe(t.payoutCount)
        for (const r of t.payouts) {
            expect(r.payout).toBe(payoutBitsToPlancks(r.payoutBits))
            if (r.payout > 0n) expect(r.toOwner + r.toStakers + r.dismissed).toBe(r.payout)
            const ev = blocks[r.block - 1].events[r.eventIndex]
            expect(isSettle(ev) && ev.args.payout_bits === r.payoutBits).toBe(true)
        }
    }
    // subsidy pool: genesis − end = treasury + payouts that left it (all but NotInPool)
    expect(t.totals.subsidyPoolStart - t.totals.subsidyPoolEnd).toBe(t.totals.treasury + t.totals.payout - t.totals.dismissedNotInPool)
    // the last storage writes agree with the truth
    const lastPool = new Map<string, any>()
    let lastParams: any = null
    for (const blk of blocks) {
        for (const w of blk.storage) {
            if (w.item === 'Pools') lastPool.set(String(w.keys[0]), w.value)
            if (w.item === 'TokenomicParameters') lastParams = w.value
        }
    }
    for (const [pid, v] of lastPool) {
        expect(v.value.basepool.total_shares).toBe(t.pools[pid].totalShares)
        expect(v.value.basepool.total_value).toBe(t.pools[pid].totalValue)
    }
    if (lastParams) expect(lastParams).toEqual(t.tokenomics.final)
    // the treasury takes 20% of the budget: treasury / payout ≈ 0.25
    expect(Number((t.totals.treasury * 10_000n) / t.totals.payout) / 10_000).toBeCloseTo(0.25, 3)
}

describe('tiny', () => {
    const s = buildScenario('tiny', {seed: 1})
    const blocks = s.blocks as DevBlock[]

    test('shape: v1 blocks, a storage-only upgrade block migrating every pool, v2 blocks', () => {
        expect(Array.isArray(s.blocks)).toBe(true)
        expect(blocks.length).toBeGreaterThanOrEqual(100)
        expect(blocks.length).toBeLessThanOrEqual(300)
        const u = s.upgradeAt!
        expect(blocks.slice(0, u - 1).every(b => b.era === 'v1')).toBe(true)
        expect(blocks.slice(u - 1).every(b => b.era === 'v2')).toBe(true)
        const ub = blocks[u - 1]
        expect(ub.events).toEqual([])
        const v1Pools = new Set(
            blocks
                .slice(0, u - 1)
                .flatMap(b => b.events)
                .filter(e => e.name === 'PoolCreated')
                .map(e => e.args.pid)
        )
        const migrated = new Set(ub.storage.filter(w => w.item === 'Pools').map(w => w.keys[0]))
        expect(migrated).toEqual(v1Pools)
        expect(ub.storage.some(w => w.pallet === 'PhalaComputation' && w.item === 'TokenomicParameters')).toBe(true)
        // timestamps step by the block time
        blocks.forEach((b, i) => {
            expect(b.timestamp).toBe(s.startTimestamp + i * s.blockTimeMs)
        })
    })

    test('at least one of every event kind (except the ones that never fire on Khala)', () => {
        const never = new Set([
            'Balances.Endowed',
            'Balances.Deposit',
            'Balances.Withdraw',
            'PhalaRegistry.GatekeeperAdded',
            'PhalaRegistry.GatekeeperRemoved',
            'PhalaMining.InternalErrorWrongHalvingConfigured',
            'PhalaComputation.InternalErrorWrongHalvingConfigured',
            'PhalaComputation.SubsidyBudgetHalved', // halvings are a v1-era thing here; v2 uses BudgetUpdated
            'PhalaStakePool.RewardsWithdrawn',
            'PhalaStakePool.DustRemoved',
            'PhalaStakePool.PoolSlashed',
            'PhalaStakePool.SlashSettled',
            'PhalaStakePoolv2.PoolSlashed',
            'PhalaStakePoolv2.SlashSettled',
            'PhalaStakePoolv2.RewardToOwnerDismissedDust',
            'PhalaStakePoolv2.RewardToDistributionDismissedDust',
        ])
        const seen = new Set(blocks.flatMap(b => b.events.map(e => `${e.pallet}.${e.name}`)))
        const missing: string[] = []
        for (const era of ['v1', 'v2'] as const) {
            for (const [pallet, evs] of Object.entries(EVENTS[era])) {
                for (const name of Object.keys(evs)) {
                    const k = `${pallet}.${name}`
                    if (!never.has(k) && !seen.has(k)) missing.push(k)
                }
            }
        }
        expect(missing).toEqual([])
    })

    test('money, order and truth invariants', () => {
        checkTruth(s, blocks)
        const t = s.truth
        expect(Object.keys(t.days).length).toBe(2)
        expect(t.totals.dismissedNotInPool > 0n && t.totals.dismissedNoShare > 0n && t.totals.dismissedDust > 0n).toBe(true)
        expect(t.totals.dustInReward > 0n).toBe(true)
        expect(t.tokenomics.halvings).toBe(1)
        expect(t.tokenomics.budgetUpdates).toBe(2)
        // a worker moved to another pool has two sessions
        expect(Object.values(t.workers).some(w => w.sessions.length === 2)).toBe(true)
    })

    test('stop → a final settlement with payout 0, and WorkerStarted init_v = min(Ve, v_max)', () => {
        const evs = blocks.flatMap(b => b.events)
        for (const [k, e] of evs.entries()) {
            if (e.name !== 'WorkerStopped' && e.name !== 'MinerStopped') continue
            const s0 = sessionOf(e)
            const next = evs.slice(k + 1).find(x => isSettle(x) && sessionOf(x) === s0)
            expect(next?.args.payout_bits).toBe(0n)
        }
        const started = evs.filter(e => e.name === 'MinerStarted' || e.name === 'WorkerStarted')
        expect(started.some(e => e.args.init_v === 30000n << 64n)).toBe(true) // the 25000-PHA worker is capped
        for (const e of started) expect(fixedToNumber(e.args.init_v as bigint)).toBeLessThanOrEqual(30000)
    })
})

describe('small', () => {
    let s: Scenario
    let blocks: DevBlock[]
    let ms = 0
    beforeAll(() => {
        const t0 = Date.now()
        s = buildScenario('small', {seed: 7})
        ms = Date.now() - t0
        blocks = s.blocks as DevBlock[]
    })

    test('size: ~100 workers, a few pools and vaults, 4 days across a v1→v2 upgrade, built in seconds', () => {
        expect(ms).toBeLessThan(20_000)
        expect(blocks.length).toBeGreaterThanOrEqual(10_000)
        expect(blocks.length).toBeLessThanOrEqual(20_000)
        const t = s.truth
        expect(Object.keys(t.workers).length).toBeGreaterThanOrEqual(100)
        expect(Object.values(t.pools).filter(p => p.kind === 'Vault').length).toBeGreaterThanOrEqual(2)
        expect(Object.values(t.pools).filter(p => p.migrated).length).toBeGreaterThanOrEqual(3)
        expect(Object.keys(t.days).length).toBe(4)
        expect(blocks[0].era).toBe('v1')
        expect(blocks[blocks.length - 1].era).toBe('v2')
        expect(t.tokenomics.halvings).toBe(1)
        expect(t.tokenomics.budgetUpdates).toBeGreaterThanOrEqual(1)
        expect(t.totals.settleCount).toBeGreaterThan(5_000)
    })

    test('money, order and truth invariants over the whole run', () => {
        checkTruth(s, blocks)
    })

    test('withdrawals are paid as stake frees up; contributions add up', () => {
        const t = s.truth
        const evs = blocks.flatMap(b => b.events)
        const contributed = sum(
            evs.filter(e => e.name === 'Contribution'),
            e => e.args.amount as bigint
        )
        const withdrawn = sum(
            evs.filter(e => e.name === 'Withdrawal'),
            e => e.args.amount as bigint
        )
        expect(t.totals.contributions).toBe(contributed)
        expect(t.totals.withdrawals).toBe(withdrawn)
        expect(sum(Object.values(t.accounts), a => a.contributed)).toBe(contributed)
        expect(sum(Object.values(t.accounts), a => a.withdrawn)).toBe(withdrawn)
        expect(evs.some(e => e.name === 'WithdrawalQueued')).toBe(true)
        // owners' commission = Σ to_owner
        expect(sum(Object.values(t.accounts), a => a.commission)).toBe(t.totals.toOwner)
    })
})

describe('determinism', () => {
    test('same seed → identical blocks and truth; different seed → different', () => {
        const a = buildScenario('tiny', {seed: 11})
        const b = buildScenario('tiny', {seed: 11})
        const c = buildScenario('tiny', {seed: 12})
        expect(b.blocks).toEqual(a.blocks)
        expect(b.genesis).toEqual(a.genesis)
        expect(b.truth).toEqual(a.truth)
        expect(c.blocks).not.toEqual(a.blocks)
    })

    test('small: same seed → identical (first 3000 blocks); different seed differs', () => {
        const a = buildScenario('small', {seed: 5, blocks: 3000})
        const b = buildScenario('small', {seed: 5, blocks: 3000})
        const c = buildScenario('small', {seed: 6, blocks: 3000})
        expect(b.blocks).toEqual(a.blocks)
        expect(c.blocks).not.toEqual(a.blocks)
    })

    test('a lazy scenario re-iterates to the same blocks and truth', () => {
        const s = buildScenario('small', {seed: 5, blocks: 800, eager: false})
        expect(Array.isArray(s.blocks)).toBe(false)
        expect(s.truth.complete).toBe(false)
        const first = [...s.blocks]
        const t1 = JSON.stringify(s.truth, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
        expect(s.truth.complete).toBe(true)
        const second = [...s.blocks]
        expect(second).toEqual(first)
        expect(JSON.stringify(s.truth, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).toBe(t1)
        expect(first).toEqual(buildScenario('small', {seed: 5, blocks: 800}).blocks)
    })

    test('unknown scenario names are rejected', () => {
        expect(() => buildScenario('huge')).toThrow(/unknown scenario "huge"/)
    })
})

describe('khala-day', () => {
    test('~20k workers, 7200 blocks, ~150k SessionSettled, lazily built in well under a minute', () => {
        const t0 = Date.now()
        const s = buildScenario('khala-day', {seed: 1})
        expect(Array.isArray(s.blocks)).toBe(false)
        expect(s.blockCount).toBe(7200)
        let n = 0
        let settled = 0
        let rewards = 0
        let transfers = 0
        let maxEvents = 0
        for (const b of s.blocks) {
            n++
            maxEvents = Math.max(maxEvents, b.events.length)
            expect(b.era).toBe('v2')
            for (const e of b.events) {
                if (e.name === 'SessionSettled') settled++
                else if (e.name === 'RewardReceived') rewards++
                else if (e.name === 'Transfer') transfers++
            }
        }
        const ms = Date.now() - t0
        expect(ms).toBeLessThan(45_000)
        expect(n).toBe(7200)
        expect(settled).toBeGreaterThan(135_000)
        expect(settled).toBeLessThan(165_000)
        expect(rewards).toBeGreaterThan(0.95 * settled)
        expect(transfers).toBeGreaterThan(0.95 * settled)
        const t = s.truth
        expect(t.complete).toBe(true)
        expect(Object.keys(t.workers).length).toBeGreaterThanOrEqual(20_000)
        expect(t.totals.settleCount).toBe(settled)
        expect(t.payouts).toBeNull()
        expect(t.payoutCount).toBe(settled)
        expect(sum(Object.values(t.workers), w => w.payout)).toBe(t.totals.emitted - t.totals.treasury)
        expect(sum(Object.values(t.days), d => d.payout)).toBe(t.totals.payout)
        // one day of Khala's budget after the first halving (187.8783 · 0.75 = 140.908725 PHA/block · 7200 · 0.8
        // paid out) minus the ramp; the two BudgetUpdated move it by ±3 % at most
        const paidPha = Number(t.totals.payout / 1_000_000_000_000n)
        expect(paidPha).toBeGreaterThan(0.85 * 140.908725 * 7200 * 0.8)
        expect(paidPha).toBeLessThan(1.03 * 140.908725 * 7200 * 0.8)
    })
})
