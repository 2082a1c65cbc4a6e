/**
 * A small hand-checked mining story on one stake pool, used by the database tests. Every number the
 * tests expect is derived in the comments next to the block that causes it.
 *
 * t0 = 2024-01-01T00:00:00Z, 12 s blocks. Pool 0 (owner O, commission 10%), delegators A and B,
 * workers W1 (confidence 1) and W2 (confidence 4) with sessions S1 and S2.
 */
import type {TokenomicParams} from '../../src/decode'
import {acct, bits, ev, PHA, SynthChain, worker} from './synthetic'

export const O = acct(1)
export const A = acct(2)
export const B = acct(3)
export const W1 = worker(1)
export const W2 = worker(2)
export const S1 = acct(0x51)
export const S2 = acct(0x52)
export const T0 = Date.UTC(2024, 0, 1)
export const HOUR = 3_600_000
export const DAY = 86_400_000

export const PARAMS: TokenomicParams = {
    phaRate: bits('0.83'),
    rho: bits('1.000000666600231'),
    budgetPerBlock: 100n << 64n,
    vMax: 30000n << 64n,
    costK: bits('0.0000000153'),
    costB: bits('0.0000412'),
    slashRate: 0n,
    treasuryRatio: bits('0.2'),
    heartbeatWindow: 20,
    rigK: bits('0.449775'),
    rigB: 0n,
    re: bits('1.5'),
    k: 50n << 64n,
    kappa: 1n << 64n,
}

/** blocks 1..11 of the story (a chain object: fork it for the fork tests) */
export function storyChain(label = 'main'): SynthChain {
    const c = new SynthChain(label, T0)
    // #1 t0: registry, pool 0 with 10% commission (and the initial tokenomic parameters are read)
    c.add([ev.workerAdded(W1, 1), ev.workerAdded(W2, 4), ev.initialScore(W1, 1000), ev.poolCreated(0, O), ev.commission(0, 100_000)])
    // #2 +12 s: A 1000 PHA / 1000 shares, B 3000 PHA / 3000 shares → value 4000, free 4000
    c.add([ev.contribution(0, A, 1000n * PHA, 1000n * PHA), ev.contribution(0, B, 3000n * PHA, 3000n * PHA)])
    // #3 +24 s: bind both workers into pool 0 (null → Ready)
    c.add([ev.bound(S1, W1), ev.poolWorkerAdded(0, W1, S1), ev.bound(S2, W2), ev.poolWorkerAdded(0, W2, S2)])
    // #4 +36 s: start: W1 stakes 2000, W2 1500 → free 500 (Ready → Idle)
    c.add([ev.started(S1, 3000n << 64n, 2000), ev.workingStarted(0, W1, 2000n * PHA), ev.started(S2, 1000n << 64n, 500), ev.workingStarted(0, W2, 1500n * PHA)])
    // #5 +48 s: S1 settles 10 PHA (treasury 2.5), S2 settles 4 PHA (treasury 1); commission 10%:
    //   rewards (1, 9) and (0.4, 3.6) → value 4012.6, free 512.6, owner rewards 1.4
    c.add([
        ev.treasury(2_500_000_000_000n),
        ev.settled(S1, 3001n << 64n, 10n << 64n),
        ev.treasury(1n * PHA),
        ev.settled(S2, 1000n << 64n, 4n << 64n),
        ev.reward(0, 1n * PHA, 9n * PHA),
        ev.reward(0, 400_000_000_000n, 3_600_000_000_000n),
        ev.benchmark(S1, 2100),
    ])
    // #6 t0+1h+5s (closes hour 00): W2 unresponsive
    c.add([ev.enterUnresponsive(S2)], {at: T0 + HOUR + 5_000})
    // #7 +12 s: W2 back; S2 settles 1/3 PHA bits = 333333333333 plancks (treasury 83333333333):
    //   reward (33333333333, 300000000000) → value 4012.9
    c.add([
        ev.exitUnresponsive(S2),
        ev.treasury(83_333_333_333n),
        ev.settled(S2, 1000n << 64n, (1n << 64n) / 3n),
        ev.reward(0, 33_333_333_333n, 300_000_000_000n),
    ])
    // #8 +12 s: B queues 1000 shares, 500 paid at 4012.9/4000 = 501.6125 PHA →
    //   shares 3500, value 3511.2875, free 11.2875, 500 shares still queued
    c.add([ev.withdrawalQueued(0, B, 1000n * PHA), ev.withdrawal(0, B, 501_612_500_000_000n, 500n * PHA)])
    // #9 +12 s: W2 stops → releasing 1500 (Idle → CoolingDown)
    c.add([ev.stopped(S2)])
    // #10 t0+1d+10s (closes hour 01 and day 0): W2 reclaimed → free 1511.2875; the rest of B's request
    //   paid: 500 shares at 3511.2875/3500 = 501.6125 → value 3009.675, shares 3000, free 1009.675
    c.add([ev.reclaimed(S2, 1500n * PHA), ev.poolWorkerReclaimed(0, W2), ev.withdrawal(0, B, 501_612_500_000_000n, 500n * PHA)], {at: T0 + DAY + 10_000})
    // #11 +12 s: owner takes 1 PHA; S1 settles 10 PHA (treasury 2.5) but the reward is one planck short:
    //   to_owner 1 + to_stakers 8.999999999999 ≠ 10 → one self-check mismatch; value 3018.674999999999
    c.add([
        ev.ownerRewardsWithdrawn(0, O, 1n * PHA),
        ev.treasury(2_500_000_000_000n),
        ev.settled(S1, 3002n << 64n, 10n << 64n),
        ev.reward(0, 1n * PHA, 8_999_999_999_999n),
    ])
    return c
}
