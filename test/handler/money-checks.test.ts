/**
 * The money self-checks and the v1 / v2 reward flows, on PostgreSQL through the real handler, each chain
 * built from normalized events in the order the pallets emit them (Phala-Network/phala-blockchain):
 * - computation.rs `try_handle_settle`: a settle's treasury share is a Balances.Withdraw from the subsidy
 *   pool (+ the treasury's deposits) before its SessionSettled; a settle without it is a defect;
 * - stake_pool_v2.rs `handle_pool_new_reward`: a v2 reward is paid by the transfer to the W-PHA account
 *   before RewardReceived; `on_reward` continues after a RewardDismissedNotInPool (spec 1251);
 * - stakepool.rs (2022) `on_reward` returns after a RewardDismissedNotInPool (the rest of the message gets no
 *   reward: not a defect); `handle_pool_new_reward` only credits reward_acc / owner_reward, and
 *   `claim_owner_rewards` / `claim_rewards` pay the claimant from the subsidy pool later.
 */
import {FakeStorage, Indexer, migratedDatabase, sql} from './harness'
import {A, O, PARAMS, S1, S2, T0, W1, W2} from './scenario'
import {ev, PHA, SynthChain, worker} from './synthetic'
import {testDbPrefix} from '../helpers/indexed'
import {SUBSIDY_POOL_ACCOUNT} from '../../src/domain/constants'
import {payoutBitsToPlancks} from '../../src/domain/fixed'

type Kind = 'StakePool' | 'StakePoolV1'

const W3 = worker(3)
/** a payout of a few plancks: the bits of 7 plancks and a bit more (payoutBitsToPlancks rounds like the chain) */
const TINY_BITS = (7n << 64n) / 10n ** 12n + 1n
const TINY = payoutBitsToPlancks(TINY_BITS)

/** pool 0 of `kind` with A's 5000 PHA, W1/S1 and W2/S2 bound and working in it; W3 registered, never bound */
function poolChain(kind: Kind, label: string): SynthChain {
    const c = new SynthChain(label, T0, 12_000, kind === 'StakePoolV1' ? 1170 : 1251)
    c.add([ev.workerAdded(W1), ev.workerAdded(W2), ev.workerAdded(W3), ev.poolCreated(0, O, kind), ev.commission(0, 100_000, kind)])
    c.add([ev.contribution(0, A, 5000n * PHA, 5000n * PHA, kind)])
    c.add([ev.bound(S1, W1), ev.poolWorkerAdded(0, W1, S1, kind), ev.bound(S2, W2), ev.poolWorkerAdded(0, W2, S2, kind)])
    c.add([
        ev.started(S1, 3000n << 64n, 2000),
        ev.workingStarted(0, W1, 2000n * PHA, kind),
        ev.started(S2, 1000n << 64n, 500),
        ev.workingStarted(0, W2, 1500n * PHA, kind),
    ])
    return c
}

async function index(name: string, c: SynthChain): Promise<string> {
    const url = await migratedDatabase(`${testDbPrefix()}money_${name}`)
    const storage = new FakeStorage()
    storage.params = PARAMS
    const ix = await Indexer.open(url, storage)
    try {
        await ix.final(c.blocks)
    } finally {
        await ix.close()
    }
    return url
}

const failures = (url: string) => sql(url, `SELECT block_height, kind, expected, actual FROM self_check_failure ORDER BY block_height, id`)
const network = async (url: string) => (await sql(url, `SELECT * FROM network_state`))[0]

describe('money self-checks (v2)', () => {
    let url: string
    beforeAll(async () => {
        const c = poolChain('StakePool', 'v2-defects')
        // #5 a settle without its treasury withdrawal (rewarded normally), then a settle with its withdrawal
        //    whose reward never comes
        c.add([ev.settled(S1, 3001n << 64n, 10n << 64n), ev.treasury(PHA), ev.settled(S2, 1001n << 64n, 4n << 64n), ev.reward(0, 1n * PHA, 9n * PHA)])
        // #6 a reward without its transfer to the W-PHA account
        c.add([ev.treasury(500_000_000_000n), ev.settled(S1, 3002n << 64n, 2n << 64n), ev.rewardOnly(0, 200_000_000_000n, 1_800_000_000_000n)])
        // #7 the treasury share as a transfer to the treasury (not how the chain pays it): no treasury, reported
        c.add([ev.treasuryTransfer(500_000_000_000n), ev.settled(S1, 3003n << 64n, 2n << 64n), ev.reward(0, 200_000_000_000n, 1_800_000_000_000n)])
        url = await index('v2_defects', c)
    })

    it('reports every settle whose treasury withdrawal or reward is missing, and every reward without its transfer', async () => {
        expect(await failures(url)).toEqual([
            {block_height: 5, kind: 'MissingTreasury', expected: null, actual: '0'},
            {block_height: 5, kind: 'UnpairedSettle', expected: String(4n * PHA), actual: '0'},
            {block_height: 6, kind: 'MissingRewardTransfer', expected: String(2n * PHA), actual: '0'},
            {block_height: 7, kind: 'MissingTreasury', expected: null, actual: '0'},
        ])
        const rows = await sql(url, `SELECT block_height, treasury, credited, paid_to_pool FROM payout ORDER BY block_height, event_index`)
        expect(rows.map(r => [r.block_height, r.treasury, r.credited, r.paid_to_pool])).toEqual([
            [5, '0', String(10n * PHA), String(10n * PHA)],
            [5, String(PHA), '0', '0'],
            [6, '500000000000', String(2n * PHA), '0'],
            [7, '0', String(2n * PHA), String(2n * PHA)],
        ])
        // emission counts only what the chain moved as treasury and credited as rewards
        const n = await network(url)
        expect(BigInt(n.emitted_treasury)).toBe(1_500_000_000_000n)
        expect(BigInt(n.rewards_credited)).toBe(14n * PHA)
        expect(BigInt(n.emitted_total)).toBe(15_500_000_000_000n)
    })
})

describe('rewards of settles that are not SessionSettled (v2)', () => {
    let url: string
    beforeAll(async () => {
        const c = poolChain('StakePool', 'v2-dropped')
        // #5 SettleInfos [W3 (no session: try_handle_settle emits nothing), W2 (late: dropped), W1]; on_reward
        //    sees all three, dismisses W3's (in no pool) and continues (spec 1251)
        c.add([
            ev.dropped(S2, 1000n << 64n, 4n << 64n),
            ev.treasury(2_500_000_000_000n),
            ev.settled(S1, 3001n << 64n, 10n << 64n),
            ev.notInPool(W3, 3n * PHA),
            ev.reward(0, 400_000_000_000n, 3_600_000_000_000n),
            ev.reward(0, 1n * PHA, 9n * PHA),
        ])
        // #6 a reward whose two mints both fail as dust: transferred to the W-PHA account, then only the two
        //    dust events (no RewardReceived; stake_pool_v2.rs `handle_pool_new_reward` since spec 1251)
        c.add([ev.treasury(1n), ev.settled(S1, 3002n << 64n, TINY_BITS), ev.rewardTransfer(TINY), ev.ownerDust(0, 1n), ev.distributionDust(0, TINY - 1n)])
        url = await index('v2_dropped', c)
    })

    it('credits the dropped settle, dismisses the unbound worker’s apart, and reports nothing', async () => {
        expect(await failures(url)).toEqual([])
        const rows = await sql(url, `SELECT session_id, dropped, treasury, credited, paid_to_pool, dismissed FROM payout ORDER BY block_height, event_index`)
        expect(rows.map(r => [r.session_id, r.dropped, r.treasury, r.credited, r.paid_to_pool, r.dismissed])).toEqual([
            [S2, true, '0', String(4n * PHA), String(4n * PHA), '0'],
            [S1, false, '2500000000000', String(10n * PHA), String(10n * PHA), '0'],
            // the dust-minted reward left the subsidy pool: credited and paid, not dismissed
            [S1, false, '1', String(TINY), String(TINY), '0'],
        ])
        const n = await network(url)
        expect(BigInt(n.rewards_credited)).toBe(14n * PHA + TINY)
        expect(BigInt(n.emitted_total)).toBe(16_500_000_000_000n + TINY + 1n)
        expect(BigInt(n.dust_in_reward)).toBe(TINY)
        // settled but not paid: the unbound worker's 3 PHA stays in the subsidy pool, shown apart
        expect(BigInt(n.dismissed_not_in_pool)).toBe(3n * PHA)
        expect(BigInt(n.dismissed_rewards)).toBe(3n * PHA)
        const d = await sql(url, `SELECT kind, worker_id, amount, payout_id FROM dismissed_reward WHERE kind = 'NotInPool'`)
        expect(d).toEqual([{kind: 'NotInPool', worker_id: W3, amount: String(3n * PHA), payout_id: null}])
    })
})

describe('the v1 early return of on_reward', () => {
    /** SettleInfos [W2 (removed from the pool, still bound), W1]: the dismissal of W2's comes first */
    function chain(kind: Kind): SynthChain {
        const c = poolChain(kind, `early-${kind}`)
        c.add([ev.poolWorkerRemoved(0, W2, kind)])
        c.add([
            ev.treasury(750_000_000_000n),
            ev.settled(S2, 1001n << 64n, 3n << 64n),
            ev.treasury(2_500_000_000_000n),
            ev.settled(S1, 3001n << 64n, 10n << 64n),
            ev.notInPool(W2, 3n * PHA, kind),
        ])
        return c
    }

    it('v1: the settles after the dismissal get no reward, and that is no defect', async () => {
        const url = await index('v1_early', chain('StakePoolV1'))
        expect(await failures(url)).toEqual([])
        const rows = await sql(url, `SELECT session_id, credited, dismissed FROM payout ORDER BY block_height, event_index`)
        expect(rows.map(r => [r.session_id, r.credited, r.dismissed])).toEqual([
            [S2, '0', String(3n * PHA)],
            [S1, '0', '0'],
        ])
        const n = await network(url)
        expect(n.rewards_credited).toBe('0')
        expect(BigInt(n.emitted_total)).toBe(3_250_000_000_000n)
    })

    it('v2 (spec 1251) continues: the same message without W1’s reward is a defect', async () => {
        const url = await index('v2_continue', chain('StakePool'))
        expect(await failures(url)).toEqual([{block_height: 6, kind: 'UnpairedSettle', expected: String(10n * PHA), actual: '0'}])
    })
})

describe('v1 rewards: credited at once, paid out when claimed', () => {
    // A, the only staker (5000 PHA of shares), is owed 9 PHA less the chain's rounding: reward_acc grows by
    // ⌊9 · 2^64 / 5000⌋ = (9 · 2^64 − 4544) / 5000 (2^64 ≡ 1616 mod 5000), and mul(5000 PHA, acc) =
    // ⌊(9 · 2^64 − 4544) · 10^12 / 2^64⌋ = 9 PHA − 1 planck (stakepool.rs `pending_reward`)
    const owedToA = 9n * PHA - 1n
    let url: string
    beforeAll(async () => {
        const c = poolChain('StakePoolV1', 'v1-claims')
        // #5 S1 settles 10 PHA: the pool's reward_acc / owner_reward rise, nothing leaves the subsidy pool
        c.add([ev.treasury(2_500_000_000_000n), ev.settled(S1, 3001n << 64n, 10n << 64n), ev.reward(0, 1n * PHA, 9n * PHA, 'StakePoolV1')])
        // #6 A claims its staker rewards: paid by a transfer from the subsidy pool
        c.add([ev.transfer(SUBSIDY_POOL_ACCOUNT, A, owedToA), ev.stakerRewardsWithdrawn(0, A, owedToA)])
        // #7 the owner claims its 1 PHA commission with no transfer paying it
        c.add([ev.ownerRewardsWithdrawn(0, O, 1n * PHA, 'StakePoolV1')])
        url = await index('v1_claims', c)
    })

    it('keeps credited, paid out and claimed apart', async () => {
        const [p] = await sql(url, `SELECT treasury, credited, paid_to_pool FROM payout`)
        expect(p).toEqual({treasury: '2500000000000', credited: String(10n * PHA), paid_to_pool: '0'})
        const n = await network(url)
        expect(BigInt(n.rewards_credited)).toBe(10n * PHA)
        expect(BigInt(n.rewards_credited_v1)).toBe(10n * PHA)
        expect(BigInt(n.rewards_paid_out)).toBe(owedToA)
        expect(BigInt(n.rewards_claimed)).toBe(owedToA + PHA)
        // emission counts the credit when it is made, not when it is claimed
        expect(BigInt(n.emitted_total)).toBe(12_500_000_000_000n)
        expect(await failures(url)).toEqual([{block_height: 7, kind: 'MissingRewardTransfer', expected: String(PHA), actual: '0'}])
        // the staker's book: everything it accrued is claimed
        const [s] = await sql(url, `SELECT claimed, available_rewards FROM v1_staker`)
        expect(s).toEqual({claimed: String(owedToA), available_rewards: '0'})
    })

    it('reports a staker claim the reward book does not hold', async () => {
        const c = poolChain('StakePoolV1', 'v1-claim-wrong')
        c.add([ev.treasury(2_500_000_000_000n), ev.settled(S1, 3001n << 64n, 10n << 64n), ev.reward(0, 1n * PHA, 9n * PHA, 'StakePoolV1')])
        // 9 PHA claimed where the chain owes 9 PHA − 1 planck
        c.add([ev.transfer(SUBSIDY_POOL_ACCOUNT, A, 9n * PHA), ev.stakerRewardsWithdrawn(0, A, 9n * PHA)])
        const u = await index('v1_claim_wrong', c)
        expect((await failures(u)).map(f => [f.block_height, f.kind])).toEqual([[6, 'Inconsistency']])
    })
})
