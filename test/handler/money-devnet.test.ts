/**
 * The `tiny` devnet chain (v1 era, runtime upgrade, v2 era), whose money moves as Phala's pallets move it,
 * indexed by the real processor: the money totals equal the simulator's ground truth to the planck, and the
 * self-check finds nothing.
 *
 * What is compared, and the pallet function behind it (Phala-Network/phala-blockchain):
 * - treasury: computation.rs / mining.rs `try_handle_settle` → `withdraw_imbalance_from_subsidy_pool`
 *   (Balances.Withdraw) resolved by `OnTreasurySettled` (Balances.Deposit, Treasury.Deposit);
 * - rewards credited: stake_pool_v2.rs / stakepool.rs `on_reward` for every SettleInfo of a message, dropped
 *   ones included, v1 returning at a RewardDismissedNotInPool;
 * - v1 claims: stakepool.rs `claim_owner_rewards` / `claim_rewards` → `withdraw_subsidy_pool`;
 * - emission = rewards credited + treasury.
 */
import {Client} from 'pg'
import {indexedDatabase} from '../helpers/indexed'
import {b} from '../helpers/truth'

async function query(url: string, text: string): Promise<any[]> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        return (await c.query(text)).rows
    } finally {
        await c.end()
    }
}

describe('money totals of the tiny devnet chain against its ground truth', () => {
    let url: string
    let truth: any

    beforeAll(async () => {
        const db = await indexedDatabase('tiny')
        url = db.url
        truth = db.truth
    }, 600_000)

    it('treasury, rewards credited, v1 claims and emission equal the truth to the planck', async () => {
        const t = truth.totals
        const [n] = await query(url, `SELECT * FROM network_state`)
        // the chain exercises every case: the v1 early return, unbound workers' settles, dropped settles, v1
        // claims, and the fees the treasury receives beside the treasury shares
        expect(b(t.skippedAfterNotInPool)).toBeGreaterThan(0n)
        expect(t.unboundSettles).toBeGreaterThan(0)
        expect(b(t.droppedPayout)).toBeGreaterThan(0n)
        expect(b(t.rewardsClaimedV1)).toBeGreaterThan(0n)
        expect(b(t.feeTreasuryDeposits)).toBeGreaterThan(0n)
        expect(b(t.treasury)).toBeGreaterThan(0n)
        expect(b(n.emitted_treasury)).toBe(b(t.treasury))
        expect(b(n.rewards_credited)).toBe(b(t.rewardsCredited))
        expect(b(n.rewards_claimed)).toBe(b(t.rewardsClaimedV1))
        expect(b(n.emitted_total)).toBe(b(t.emission))
        expect(b(n.emitted_total)).toBe(b(t.rewardsCredited) + b(t.treasury))
        expect(b(n.dropped_payout)).toBe(b(t.droppedPayout))
    })

    it('the payout rows add up to the network totals', async () => {
        const [s] = await query(url, `SELECT sum(treasury)::text AS treasury, sum(credited)::text AS credited FROM payout`)
        const [n] = await query(url, `SELECT * FROM network_state`)
        expect(b(s.treasury)).toBe(b(n.emitted_treasury))
        // rewards credited with no settle row are those of unbound workers' settles: dismissed, never credited
        expect(b(s.credited)).toBe(b(n.rewards_credited))
    })

    it('finds no self-check failure: the v1 early return and unbound settles are no defects', async () => {
        expect(await query(url, `SELECT kind, message FROM self_check_failure ORDER BY id`)).toEqual([])
    })
})
