/**
 * The `tiny` scenario's playbook: a hand-written sequence of actions (v1 era, runtime upgrade, v2 era) that
 * makes every event kind the simulator knows appear at least once, on top of the engine's automatic
 * heartbeats and settlements. Each step must succeed; a failing step throws (a broken playbook is a bug).
 */
import {PLANCKS_PER_PHA} from './fixed'
import {Engine, Pool, Worker} from './engine'

const pha = (n: number): bigint => BigInt(n) * PLANCKS_PER_PHA

export const TINY_BLOCKS = 240
export const TINY_UPGRADE = 120

export function tinyPlaybook(e: Engine): (e: Engine) => void {
    const rng = e.rng
    const acct = () => rng.hex(32)
    const [A, B, C, E] = [acct(), acct(), acct(), acct()]
    const D = Array.from({length: 7}, acct)
    // workers: [P, confidence level, stake (PHA)]
    const spec: [number, number, number][] = [
        [2000, 1, 15000],
        [3000, 2, 15000],
        [2500, 4, 15000],
        [1500, 5, 8000],
        [4000, 1, 25000],
        [1000, 3, 5000],
        [2200, 1, 20000],
        [3300, 1, 25000],
    ]
    const W: Worker[] = spec.map(([p, conf]) => e.newWorker(p, conf))
    const stake = (i: number) => pha(spec[i][2])
    const pools: Pool[] = []
    let vault: Pool | null = null

    const must = (ok: boolean, what: string) => {
        if (!ok) throw new Error(`tiny playbook: "${what}" failed at block ${e.block}`)
    }
    const shares = (pool: Pool, user: string) => pool.delegs.get(user)?.shares ?? 0n

    const steps: Record<number, () => void> = {
        1: () => {
            e.setCoolDown(120)
            pools.push(e.createStakePool(A), e.createStakePool(B))
            must(e.setCommission(pools[0], 200_000), 'commission pool 0')
            must(e.setCap(pools[0], pha(1_000_000)), 'cap pool 0')
            must(e.setCommission(pools[1], 0), 'commission pool 1')
            must(e.addToWhitelist(pools[1], D[1]), 'whitelist D1')
            must(e.addToWhitelist(pools[1], D[2]), 'whitelist D2')
            for (let i = 0; i < 6; i++) must(e.register(W[i]), `register W${i}`)
        },
        2: () => {
            must(e.contribute(pools[0], A, pha(20_000)), 'A → pool 0')
            must(e.contribute(pools[0], D[1], pha(30_000)), 'D1 → pool 0')
            must(e.contribute(pools[1], D[2], pha(25_000)), 'D2 → pool 1')
            must(e.contribute(pools[1], B, pha(10_000)), 'B → pool 1')
            must(e.contribute(pools[0], D[3], pha(15_000)), 'D3 → pool 0')
        },
        3: () => {
            for (const i of [0, 1, 2]) must(e.bind(W[i], pools[0]), `bind W${i}`)
            for (const i of [3, 4]) must(e.bind(W[i], pools[1]), `bind W${i}`)
        },
        4: () => {
            for (const i of [0, 1, 2, 3, 4]) must(e.start(W[i], stake(i)), `start W${i}`)
        },
        10: () => {
            pools.push(e.createStakePool(C))
            must(e.contribute(pools[2], C, pha(6_000)), 'C → pool 2')
            must(e.bind(W[5], pools[2]), 'bind W5')
        },
        11: () => must(e.start(W[5], stake(5)), 'start W5'),
        25: () => must(e.markUnresponsive(W[1], 8), 'W1 offline'),
        30: () => must(e.removeFromWhitelist(pools[1], D[1]), 'unwhitelist D1'),
        31: () => must(e.deleteWhitelist(pools[1]), 'delete whitelist'),
        35: () => must(e.contribute(pools[1], D[4], 1_500n), 'D4 → pool 1: 1,500 plancks (tiny shares)'),
        40: () => must(e.withdraw(pools[0], D[3], shares(pools[0], D[3]) / 2n), 'D3 withdraws half'),
        45: () => must(e.claimStakerRewards(pools[0], D[1]), 'D1 claims rewards'),
        50: () => must(e.withdrawOwnerRewards(pools[0]), 'owner 0 withdraws'),
        55: () => must(e.stop(W[2]), 'stop W2'),
        56: () => must(e.withdraw(pools[0], D[1], shares(pools[0], D[1])), 'D1 withdraws all'),
        60: () => must(e.claimStakerRewards(pools[1], D[2]), 'D2 claims rewards'),
        61: () => must(e.contribute(pools[1], D[2], e.truth.accounts[D[2]].stakerRewardsWithdrawn), 'D2 re-stakes them'),
        66: () => must(e.reclaim(W[2]), 'reclaim W2'),
        67: () => must(e.remove(W[2]), 'remove W2'),
        69: () => e.quirk('late', W[2]), // → RewardDismissedNotInPool
        71: () => e.quirk('dust', W[0]), // pool 0 has commission → RewardDismissedDust + RewardReceived
        73: () => e.quirk('dust', W[3]), // pool 1 has none → RewardDismissedDust only
        74: () => e.quirk('dropped', W[1]),
        76: () => e.quirk('failed', W[4]),
        79: () => must(e.contribute(pools[1], D[2], pha(10_000)), 'D2 → pool 1 again'),
        80: () => must(e.bind(W[2], pools[1]), 'rebind W2 to pool 1'),
        81: () => must(e.start(W[2], pha(10_000)), 'restart W2'),
        85: () => {
            must(e.setCap(pools[0], pha(2_000_000)), 'raise cap pool 0')
            must(e.setCommission(pools[0], 150_000), 'commission pool 0')
        },
        90: () => must(e.withdraw(pools[2], C, shares(pools[2], C)), 'C withdraws all'),
        91: () => must(e.stop(W[5]), 'stop W5'),
        101: () => must(e.reclaim(W[5]), 'reclaim W5'), // pays C: pool 2 has no shares left
        102: () => e.quirk('late', W[5]), // → RewardDismissedNoShare
        100: () => must(e.withdraw(pools[1], D[4], shares(pools[1], D[4])), 'D4 leaves pool 1'),
        110: () => must(e.updateWorker(W[0], 2), 'W0 re-registered'),
        // 120: runtime upgrade (storage-only migration)
        121: () => {
            must(e.register(W[6], 'Ias'), 'register W6')
            must(e.register(W[7], 'Root'), 'register W7')
            pools.push(e.createStakePool(A))
            must(e.setCommission(pools[3], 100_000), 'commission pool 3')
            vault = e.createVault(E)
            must(vault !== null && e.setCommission(vault, 150_000), 'vault commission')
        },
        122: () => {
            must(e.contribute(pools[3], D[4], pha(20_000)), 'D4 → pool 3')
            must(e.contribute(vault!, D[5], pha(40_000)), 'D5 → vault')
            must(e.contribute(vault!, D[1], pha(10_000)), 'D1 → vault')
        },
        123: () => {
            must(e.bind(W[6], pools[3]) && e.bind(W[7], pools[3]), 'bind W6, W7')
            must(e.start(W[6], stake(6)), 'start W6')
            must(e.contribute(pools[3], vault!.account, pha(30_000), vault!.pid), 'vault → pool 3')
            must(e.start(W[7], stake(7)), 'start W7')
        },
        124: () => must(e.addToWhitelist(pools[3], D[4]), 'whitelist pool 3'),
        125: () => must(e.removeFromWhitelist(pools[3], D[4]), 'unwhitelist pool 3'),
        130: () => must(e.markUnresponsive(W[6], 6), 'W6 offline'),
        135: () => must(e.contribute(pools[0], D[6], pha(10_000)), 'D6 → pool 0 (pays the queued withdrawal)'),
        140: () => must(e.withdraw(pools[0], A, shares(pools[0], A) / 4n), 'A withdraws a quarter'),
        150: () => {
            must(e.withdrawOwnerRewards(pools[0]), 'owner 0 withdraws (v2)')
            must(e.setCommission(pools[3], 150_000), 'commission pool 3')
            must(e.setCap(pools[3], pha(500_000)), 'cap pool 3')
        },
        160: () => must(e.gainOwnerShares(vault!), 'vault owner shares gained'),
        165: () => must(e.claimOwnerShares(vault!), 'vault owner shares claimed'),
        170: () => must(e.updateBudget((e.params.budget_per_block * 98n) / 100n), 'budget update'),
        175: () => must(e.stop(W[7]), 'stop W7'),
        180: () => must(e.withdraw(vault!, D[5], shares(vault!, D[5]) / 2n), 'D5 withdraws from the vault'),
        181: () => must(e.withdraw(pools[3], vault!.account, shares(pools[3], vault!.account), vault!.pid), 'vault withdraws from pool 3'),
        186: () => must(e.reclaim(W[7]), 'reclaim W7'),
        187: () => must(e.remove(W[7]), 'remove W7'),
        189: () => e.quirk('late', W[7]), // → RewardDismissedNotInPool (v2)
        191: () => e.quirk('dust', W[6]), // pool 3 has commission
        193: () => e.quirk('dust', W[3]), // pool 1 has none
        195: () => e.quirk('late', W[5]), // pool 2 has no shares → RewardDismissedNoShare (v2)
        200: () => {
            e.quirk('dropped', W[0])
            e.quirk('failed', W[1], 2)
            must(e.updateWorker(W[6], 4), 'W6 re-registered')
        },
        205: () => e.setCoolDown(180),
        210: () => must(e.gainOwnerShares(vault!) || true, 'vault'),
        230: () => must(e.updateBudget((e.params.budget_per_block * 99n) / 100n), 'budget update 2'),
    }
    return (eng: Engine) => steps[eng.block]?.()
}
