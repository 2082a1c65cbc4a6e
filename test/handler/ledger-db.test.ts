/**
 * The handler against a real PostgreSQL, through the real TypeormDatabase: the hand-checked story
 * (scenario.ts) lands in the tables to the planck; the fast path (raw SQL) and the hot path (ctx.store,
 * change-logged) write identical databases; a fork in the unfinalized range leaves the database equal to
 * indexing the final chain alone; a restart (fresh memory) resumes without double counting.
 */
import {FakeStorage, headOf, Indexer, migratedDatabase, sql, tableChecksums} from './harness'
import {A, B, DAY, HOUR, O, PARAMS, S1, S2, storyChain, T0, W1, W2} from './scenario'
import {ev, PHA, SynthBlock, SynthChain} from './synthetic'
import {poolApr, aprPerShare} from '../../src/domain/apr'
import {computeShare} from '../../src/domain/share'

function storage(): FakeStorage {
    const s = new FakeStorage()
    s.params = PARAMS
    return s
}

async function indexFinal(url: string, blocks: SynthBlock[], batch = 3): Promise<Indexer> {
    const ix = await Indexer.open(url, storage())
    for (let i = 0; i < blocks.length; i += batch) await ix.final(blocks.slice(i, i + batch))
    return ix
}

const one = async (url: string, q: string, p: unknown[] = []) => (await sql(url, q, p))[0]

describe('mining ledger on PostgreSQL: the hand-checked story', () => {
    let url: string
    let ix: Indexer

    beforeAll(async () => {
        url = await migratedDatabase('ledger_story')
        ix = await indexFinal(url, storyChain().blocks)
    })
    afterAll(async () => {
        await ix?.close()
    })

    it('keeps the pool totals, share price and owner rewards exact', async () => {
        const p = await one(url, `SELECT * FROM base_pool WHERE id = '0'`)
        expect(p.kind).toBe('StakePool')
        expect(p.owner_id).toBe(O)
        expect(p.commission).toBe(100_000)
        expect(p.total_shares).toBe((3000n * PHA).toString())
        expect(p.total_value).toBe('3018674999999999')
        expect(p.share_price).toBe('1.006224999999999666')
        expect(p.free_value).toBe('1018674999999999')
        expect(p.releasing_value).toBe('0')
        expect(p.withdrawing_shares).toBe('0')
        expect(p.queued_withdrawals).toBe(0)
        // 1 + 0.4 + 0.033333333333 − 1 (withdrawn) + 1
        expect(p.owner_rewards).toBe('1433333333333')
        expect(p.total_owner_rewards).toBe('2433333333333')
        expect(p.total_staker_rewards).toBe('21899999999999')
        expect(p.total_payout).toBe('24333333333333')
        expect(p.settle_count).toBe(4)
        expect(p.worker_count).toBe(2)
        expect(p.delegator_count).toBe(2)
        expect(p.total_contributed).toBe((4000n * PHA).toString())
        expect(p.total_withdrawn).toBe('1003225000000000')
        expect(p.owner_rewards_withdrawn).toBe(PHA.toString())
    })

    it('values delegations from integers (refreshed at touch and at each day close)', async () => {
        const a = await one(url, `SELECT * FROM delegation WHERE id = $1`, [`0-${A}`])
        const b = await one(url, `SELECT * FROM delegation WHERE id = $1`, [`0-${B}`])
        // A untouched since block 2; the day-0 close priced it at 3511.2875 / 3500 → 1003.225
        expect(a.shares).toBe((1000n * PHA).toString())
        expect(a.value).toBe('1003225000000000')
        expect(a.cost_basis).toBe((1000n * PHA).toString())
        // B after block 10: 2000 shares at 3009.675 / 3000 = 2006.45; paid 2 × 501.6125
        expect(b.shares).toBe((2000n * PHA).toString())
        expect(b.withdrawing_shares).toBe('0')
        expect(b.value).toBe('2006450000000000')
        expect(b.cost_basis).toBe('1996775000000000')
        expect(b.total_withdrawn).toBe('1003225000000000')
        const acc = await one(url, `SELECT * FROM account WHERE id = $1`, [O])
        expect(acc.owner_rewards).toBe('2433333333333')
        expect(acc.owner_rewards_withdrawn).toBe(PHA.toString())
        expect(acc.owned_pool_count).toBe(1)
    })

    it('writes one payout row per settle, paired with its treasury withdrawal and pool reward', async () => {
        const rows = await sql(url, `SELECT * FROM payout ORDER BY block_height, event_index`)
        expect(rows.map(r => [r.block_height, r.session_id, r.worker_id, r.pool_id, r.amount, r.treasury, r.to_owner, r.to_stakers])).toEqual([
            [5, S1, W1, '0', '10000000000000', '2500000000000', '1000000000000', '9000000000000'],
            [5, S2, W2, '0', '4000000000000', '1000000000000', '400000000000', '3600000000000'],
            [7, S2, W2, '0', '333333333333', '83333333333', '33333333333', '300000000000'],
            [11, S1, W1, '0', '10000000000000', '2500000000000', '1000000000000', '8999999999999'],
        ])
        // the treasury share is the Balances.Withdraw three events before the settle (then Balances.Deposit
        // and Treasury.Deposit: computation.rs `try_handle_settle`)
        for (const r of rows) expect(r.treasury_event_id).toBe(r.id.replace(/-\d{6}$/, '-' + String(r.event_index - 3).padStart(6, '0')))
        // credited = to_owner + to_stakers; v2 pays it at once by the transfer to the W-PHA account before the RewardReceived
        expect(rows.map(r => [r.credited, r.paid_to_pool])).toEqual([
            ['10000000000000', '10000000000000'],
            ['4000000000000', '4000000000000'],
            ['333333333333', '333333333333'],
            ['9999999999999', '9999999999999'],
        ])
        for (const r of rows) expect(r.reward_transfer_event_id).not.toBeNull()
        const rewards = await sql(url, `SELECT payout_id, worker_id, pool_owner_id FROM pool_reward ORDER BY block_height, event_index`)
        expect(rewards.map(r => r.payout_id)).toEqual(rows.map(r => r.id))
        expect(rewards.every(r => r.pool_owner_id === O)).toBe(true)
    })

    it('accounts the emission against the 700M allocation and counts the one mismatch', async () => {
        const n = await one(url, `SELECT * FROM network_state`)
        expect(n.emitted_payout).toBe('24333333333333')
        expect(n.emitted_treasury).toBe('6083333333333')
        // emission = rewards credited (10 + 4 + 0.333333333333 + 9.999999999999: the short reward of #11
        // credits one planck less than its payout) + treasury 6.083333333333
        expect(n.rewards_credited).toBe('24333333333332')
        expect(n.rewards_paid_out).toBe('24333333333332')
        expect(n.rewards_credited_v1).toBe('0')
        expect(n.emitted_total).toBe('30416666666665')
        expect(n.emission_cap).toBe((700_000_000n * PHA).toString())
        expect(BigInt(n.emission_remaining)).toBe(700_000_000n * PHA - 30_416_666_666_665n)
        expect(n.settle_count).toBe(4)
        expect(n.self_check_settles).toBe(4)
        expect(n.self_check_mismatches).toBe(1)
        expect(n.self_check_unpaired).toBe(0)
        expect(n.self_check_anomalies).toBe(0)
        expect(n.budget_per_block).toBe((100n * PHA).toString())
        expect(n.height).toBe(11)
        const f = await sql(url, `SELECT * FROM self_check_failure`)
        expect(f).toHaveLength(1)
        expect(f[0]).toMatchObject({block_height: 11, kind: 'RewardMismatch', expected: '10000000000000', actual: '9999999999999'})
        expect(f[0].message).toMatch(/payout 10000000000000 plancks/)
        const tp = await sql(url, `SELECT * FROM tokenomic_parameters`)
        expect(tp).toHaveLength(1)
        expect(tp[0].budget_per_block_plancks).toBe((100n * PHA).toString())
        const bc = await sql(url, `SELECT kind, budget_per_block FROM budget_change`)
        expect(bc).toEqual([{kind: 'Initial', budget_per_block: (100n * PHA).toString()}])
    })

    it('follows the worker state machine and its lifetime totals', async () => {
        const changes = await sql(url, `SELECT block_height, worker_id, from_state, to_state FROM worker_state_change ORDER BY block_height, event_index`)
        expect(changes.map(c => [c.block_height, c.worker_id === W1 ? 'W1' : 'W2', c.from_state, c.to_state])).toEqual([
            [3, 'W1', null, 'Ready'],
            [3, 'W2', null, 'Ready'],
            [4, 'W1', 'Ready', 'WorkerIdle'],
            [4, 'W2', 'Ready', 'WorkerIdle'],
            [6, 'W2', 'WorkerIdle', 'WorkerUnresponsive'],
            [7, 'W2', 'WorkerUnresponsive', 'WorkerIdle'],
            [9, 'W2', 'WorkerIdle', 'WorkerCoolingDown'],
            [10, 'W2', 'WorkerCoolingDown', 'Ready'],
        ])
        const w2 = await one(url, `SELECT * FROM worker WHERE id = $1`, [W2])
        expect(w2).toMatchObject({state: 'Ready', confidence_level: 4, settle_count: 2, start_count: 1, stop_count: 1, reclaim_count: 1, unresponsive_count: 1})
        expect(w2.total_payout).toBe('4333333333333')
        expect(w2.total_treasury).toBe('1083333333333')
        // lifetime ms credited at each change: Ready 12 s, Idle 3569 s + 24 s, Unresponsive 12 s, CD until #10
        expect(w2.ready_ms).toBe('12000')
        expect(w2.idle_ms).toBe('3593000')
        expect(w2.unresponsive_ms).toBe('12000')
        expect(w2.cooling_down_ms).toBe(String(DAY + 10_000 - (HOUR + 41_000)))
        const s2 = await one(url, `SELECT * FROM session WHERE id = $1`, [S2])
        expect(s2).toMatchObject({state: 'Ready', bound: true, worker_id: W2, pool_id: '0', stake: '0', settle_count: 2})
        const n = await one(url, `SELECT ready_count, idle_count, idle_share_micro FROM network_state`)
        expect(n.ready_count).toBe(1)
        expect(n.idle_count).toBe(1)
        const s1 = await one(url, `SELECT share_micro FROM session WHERE id = $1`, [S1])
        expect(n.idle_share_micro).toBe(s1.share_micro)
    })

    it('rolls up closed hours and days from the ledger, with time in each state', async () => {
        const wr = await sql(url, `SELECT * FROM worker_rollup ORDER BY period, bucket_start, worker_id`)
        const key = (r: any) => `${r.period}:${new Date(r.bucket_start).toISOString().slice(0, 13)}:${r.worker_id === W1 ? 'W1' : 'W2'}`
        expect(wr.map(key)).toEqual(['Day:2024-01-01T00:W1', 'Day:2024-01-01T00:W2', 'Hour:2024-01-01T00:W1', 'Hour:2024-01-01T00:W2', 'Hour:2024-01-01T01:W2'])
        const byKey = Object.fromEntries(wr.map(r => [key(r), r]))
        // hour 00: bound at 24 s, started at 36 s
        expect(byKey['Hour:2024-01-01T00:W1']).toMatchObject({
            payout: '10000000000000',
            treasury: '2500000000000',
            settle_count: 1,
            ready_ms: 12_000,
            idle_ms: HOUR - 36_000,
            unresponsive_ms: 0,
        })
        // hour 01: unresponsive 1:00:05–1:00:17, stopped at 1:00:41
        expect(byKey['Hour:2024-01-01T01:W2']).toMatchObject({
            payout: '333333333333',
            idle_ms: 5_000 + 24_000,
            unresponsive_ms: 12_000,
            cooling_down_ms: HOUR - 41_000,
            state_at_close: 'WorkerCoolingDown',
        })
        // day 0 of W2
        expect(byKey['Day:2024-01-01T00:W2']).toMatchObject({
            payout: '4333333333333',
            settle_count: 2,
            ready_ms: 12_000,
            idle_ms: 3_593_000,
            unresponsive_ms: 12_000,
            cooling_down_ms: DAY - HOUR - 41_000,
            stake_at_close: (1500n * PHA).toString(),
        })
        expect(byKey['Day:2024-01-01T00:W1']).toMatchObject({idle_ms: DAY - 36_000, ready_ms: 12_000})

        const net = await sql(url, `SELECT * FROM network_rollup ORDER BY period, bucket_start`)
        expect(net.map(r => [r.period, r.blocks, r.payout, r.treasury, r.emitted, r.settle_count])).toEqual([
            ['Day', 9, '14333333333333', '3583333333333', '17916666666666', 3],
            ['Hour', 5, '14000000000000', '3500000000000', '17500000000000', 2],
            ['Hour', 4, '333333333333', '83333333333', '416666666666', 1],
        ])
        // emitted = credited + treasury: every reward of day 0 credits its whole payout
        expect(net.map(r => [r.credited, r.paid_to_pool])).toEqual([
            ['14333333333333', '14333333333333'],
            ['14000000000000', '14000000000000'],
            ['333333333333', '333333333333'],
        ])
        const h0 = net[1]
        expect(Number(h0.avg_block_time_ms)).toBe(12_000)
        expect(h0.emitted_cumulative).toBe('17500000000000')

        // pool APR at the hour-00 close, official formula
        const pr = await one(url, `SELECT * FROM pool_rollup WHERE period = 'Hour' AND bucket_start = $1`, [new Date(T0)])
        expect(pr).toMatchObject({payout: '14000000000000', to_owner: '1400000000000', to_stakers: '12600000000000', contributed: (4000n * PHA).toString()})
        // hour 00 credited the two rewards of #5 (10 + 4 PHA), each paid by its transfer to the W-PHA account
        expect(pr).toMatchObject({credited: '14000000000000', paid_to_pool: '14000000000000'})
        expect(pr.total_value_at_close).toBe('4012600000000000')
        expect(pr.share_price_at_close).toBe('1.00315')
        const shares = computeShare(3001n << 64n, 2100, 1) + computeShare(1000n << 64n, 500, 4)
        const perShare = aprPerShare(100, 0.2, 12_000, shares)
        expect(Number(pr.apr)).toBeCloseTo(poolApr(perShare, shares, 100_000, 4_012_600_000_000_000n)!, 6)
        const ar = await sql(url, `SELECT * FROM account_rollup WHERE period = 'Day' ORDER BY account_id`)
        const byAcc = Object.fromEntries(ar.map(r => [r.account_id, r]))
        expect(byAcc[O]).toMatchObject({owner_rewards: '1433333333333', owned_pool_count: 1})
        // B at the day-0 close: 2500 shares (500 queued) at 3511.2875 / 3500
        expect(byAcc[B]).toMatchObject({contributed: (3000n * PHA).toString(), withdrawn: '501612500000000', delegated_value_at_close: '2508062500000000'})
    })
})

describe('mining ledger on PostgreSQL: fast path, hot path, forks and restarts agree', () => {
    const urls: string[] = []
    const open: Indexer[] = []
    afterAll(async () => {
        for (const ix of open) await ix.close()
    })

    async function fresh(name: string) {
        const url = await migratedDatabase(name)
        urls.push(url)
        return url
    }

    /** the story, then a fork at #8 that differs: B withdraws less, an extra settle, later blocks */
    function forkChain(): SynthChain {
        const main = storyChain('main')
        const f = main.fork(8, 'fork')
        f.add([ev.withdrawalQueued(0, B, 400n * PHA), ev.withdrawal(0, B, 401_290_000_000_000n, 400n * PHA)], {at: T0 + HOUR + 29_000})
        f.add([ev.treasury(PHA), ev.settled(S1, 3003n << 64n, 4n << 64n), ev.reward(0, 400_000_000_000n, 3_600_000_000_000n)])
        f.add([ev.stopped(S2)], {at: T0 + 2 * HOUR + 1_000})
        f.add([ev.reclaimed(S2, 1500n * PHA), ev.poolWorkerReclaimed(0, W2)], {at: T0 + DAY + 20_000})
        f.add([ev.ownerRewardsWithdrawn(0, O, PHA)])
        f.add([ev.benchmark(S1, 2222)], {at: T0 + DAY + HOUR + 1_000})
        return f
    }

    it('writes the same database through the fast path, the hot path, with a restart, and across a fork', async () => {
        const final = forkChain()
        const main = storyChain('main')

        // 1. reference: the final chain, finalized batches of 3 (fast path only)
        const ref = await fresh('ledger_ref')
        const ix1 = await indexFinal(ref, final.blocks)
        open.push(ix1)
        expect(ix1.handler.stats.hotCalls).toBe(0)

        // 2. every block unfinalized first (hot path, change-logged), finality two blocks behind
        const hot = await fresh('ledger_hot')
        const ix2 = await Indexer.open(hot, storage())
        open.push(ix2)
        const fb = final.blocks
        await ix2.final([fb[0]])
        for (let i = 1; i < fb.length; i++) {
            const fin = headOf(fb[Math.max(0, i - 2)])
            await ix2.hot(headOf(fb[i - 1]), [fb[i]], fin)
        }
        await ix2.hot(headOf(fb[fb.length - 1]), [], headOf(fb[fb.length - 1]))
        expect(ix2.handler.stats.hotCalls).toBe(fb.length - 1)

        // 3. a restart: index half, drop the process state, go on from what the database says
        const rst = await fresh('ledger_restart')
        const ix3a = await indexFinal(rst, fb.slice(0, 7))
        await ix3a.close()
        const ix3 = await Indexer.open(rst, storage())
        open.push(ix3)
        for (let i = 7; i < fb.length; i += 2) await ix3.final(fb.slice(i, i + 2))

        // 4. a fork: #1–#5 final, the main branch's #6–#10 unfinalized, then the node switches to the fork
        //    branching after #7, and finalizes it
        const frk = await fresh('ledger_fork')
        const ix4 = await Indexer.open(frk, storage())
        open.push(ix4)
        const mb = main.blocks
        await ix4.final(mb.slice(0, 5))
        await ix4.hot(headOf(mb[4]), mb.slice(5, 10), headOf(mb[4]))
        const mid = await sql(frk, `SELECT count(*)::int AS n FROM payout`)
        expect(mid[0].n).toBe(3) // the main branch's #7 settle is there, unfinalized
        const dayRows = await sql(frk, `SELECT count(*)::int AS n FROM network_rollup WHERE period = 'Day'`)
        expect(dayRows[0].n).toBe(1) // main #10 closed day 0 (hot)
        await ix4.hot(headOf(mb[6]), fb.slice(7), headOf(fb[9]))
        await ix4.hot(headOf(fb[fb.length - 1]), [], headOf(fb[fb.length - 1]))
        expect(ix4.handler.stats.reloads).toBe(2) // start, and after the rollback

        const want = await tableChecksums(ref)
        expect(Object.keys(want).length).toBeGreaterThanOrEqual(20)
        expect(await tableChecksums(hot)).toEqual(want)
        expect(await tableChecksums(rst)).toEqual(want)
        expect(await tableChecksums(frk)).toEqual(want)

        // and the fork really differed from the main branch
        const b = await sql(ref, `SELECT shares FROM delegation WHERE id = $1`, [`0-${B}`])
        expect(b[0].shares).toBe((2600n * PHA).toString())
    })
})
