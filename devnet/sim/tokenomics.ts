/**
 * Phala's tokenomics in exact U64F64 arithmetic (bigint bits), plus the float helpers the simulator uses
 * for V and share between settlements, on top of the U64F64 / balance arithmetic of ./fixed.
 *
 * Formulas (pallets/phala/src/compute/computation.rs, `Tokenomic`: `minimal_stake`, `ve`, `rig_cost`,
 * `confidence_score`, and the gatekeeper's V / payout model, crates/phactory/src/system/gk.rs; the v1 era's
 * pallets/phala/src/mining.rs has the same `Tokenomic`):
 *   S_min = k·sqrt(P)            minimum stake (PHA)
 *   C     = rig_k·P + rig_b      rig cost (PHA)
 *   f     = 1 + conf·(re − 1)    conf = confidence score: 1 (levels 1–3), 0.8 (4), 0.7 (5)
 *   Ve    = f·(S + C), capped at v_max           → WorkerStarted.init_v
 *   share = sqrt(V² + (2·p·conf)²)
 *   ΔV/block (idle, no heartbeat) = (p/p_bench)·((rho − 1)·V + cost_k·p_bench + cost_b), capped at v_max
 *   budget = share/Σshare · budget_per_block · blocks;  treasury = budget·treasury_ratio;  payout = budget·(1 − treasury_ratio)
 */
import {FRAC_BITS, ONE_FIXED, balanceToFixed, fixedDiv, fixedFromDecimal, fixedFromInt, fixedMul, fixedSqrt, fixedToBalance, fixedToFloat, isqrt} from './fixed'

/** U64F64 product and quotient (./fixed; names kept for the simulator's callers) */
export const mulFixed = fixedMul
export const divFixed = fixedDiv

export {isqrt}

/** sqrt of a U64F64 value (bits) as the pallet computes it (fixed-sqrt: 32 fraction bits; ./fixed) */
export const sqrtFixed = fixedSqrt

export const intToFixed = fixedFromInt

/** float → U64F64 bits (truncated; exact for every float with at most 64 fraction bits) */
export function numberToFixed(x: number): bigint {
    if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`not a non-negative finite number: ${x}`)
    const int = Math.floor(x)
    const frac = x - int // exact in IEEE arithmetic
    // frac has at most 52 significant bits: frac·2^64 is an exact integer when frac ≥ 2^-12, otherwise we
    // lose bits below 2^-64 only (truncation)
    return (BigInt(int) << FRAC_BITS) + BigInt(Math.floor(frac * 2 ** 64))
}

/** the pallets' `fp!(…)` literal: the decimal rounded to the nearest 2^-64, ties to even (./fixed) */
const fp = fixedFromDecimal

/** the TokenomicParameters storage value, field names as in the runtime metadata; U64F64 fields are bits */
export interface TokenomicParams {
    pha_rate: bigint
    rho: bigint
    budget_per_block: bigint
    v_max: bigint
    cost_k: bigint
    cost_b: bigint
    slash_rate: bigint
    treasury_ratio: bigint
    heartbeat_window: number
    rig_k: bigint
    rig_b: bigint
    re: bigint
    k: bigint
    kappa: bigint
}

export const TOKENOMIC_FIELDS: (keyof TokenomicParams)[] = [
    'pha_rate',
    'rho',
    'budget_per_block',
    'v_max',
    'cost_k',
    'cost_b',
    'slash_rate',
    'treasury_ratio',
    'heartbeat_window',
    'rig_k',
    'rig_b',
    're',
    'k',
    'kappa',
]

const BLOCK_SEC = 12n
const HOUR_SEC = 3600n
const DAY_SEC = 24n * HOUR_SEC
const YEAR_SEC = 365n * DAY_SEC

/**
 * Khala's "Gemini" tokenomics, bit for bit as the runtime wrote them: the SCALE-encoded TokenomicParameters
 * that mining.rs `migrations::enable_phala_tokenomic` decodes from a hard-coded hex string and schedules
 * (ScheduledTokenomicUpdate, applied by on_finalize of the same block). Sources: Phala-Network/khala-parachain
 * commit 8b6b53e4 (2022-04-07, "mining: raise reward to compensate KSM slow block": budget 100 → 187.8783
 * PHA/block) and phala-blockchain 0005a36c3 pallets/phala/src/mining.rs. Khala enacted it with the Gemini
 * upgrade (block 1,467,070, 2022-04-08; see docs/tokenomics.md).
 *
 * These are not fp!(…) literals: budget_per_block is 187.87830000000000000128 (fp!(187.8783) would be 24 bits
 * lower), rig_k is 0.3 / 0.667, cost_k and cost_b are the genesis per-block costs over a PHA rate of 0.667,
 * and pha_rate is 0.27. Slashing is off (slash_rate 0), the heartbeat window 20 blocks, re 1.5, k 50.
 */
export function geminiParams(): TokenomicParams {
    return {
        pha_rate: 4980620899901578936n, // 0.27
        rho: 18446756370313412349n, // fp!(1.000000666600231)
        budget_per_block: 3465742917103625251400n, // 187.8783
        v_max: 553402322211286548480000n, // 30000
        cost_k: 437391350309n, // 0.0000000237110326…
        cost_b: 932334194078877n, // 0.0000505419379351…
        slash_rate: 0n,
        treasury_ratio: 3689348814741910323n, // fp!(0.2)
        heartbeat_window: 20,
        rig_k: 8296886389974309947n, // 0.4497751124437780…
        rig_b: 0n,
        re: 27670116110564327424n, // 1.5
        k: 922337203685477580800n, // 50
        kappa: ONE_FIXED,
    }
}

/**
 * The pallets' genesis defaults (computation.rs and v1 mining.rs `GenesisConfig::default`), computed as there:
 * fp!(…) literals, then U64F64 × integer (exact) and ÷ integer (floor), and ÷ pha_rate (1: unchanged).
 * Budget 720000 PHA a day (100 per 12 s block), slash 0.001 an hour, re 1.3, k 100, rig_k 0.3, window 10.
 */
export function genesisParams(): TokenomicParams {
    const phaRate = fp('1')
    return {
        pha_rate: phaRate,
        rho: fp('1.000000666600231'),
        budget_per_block: (fp('720000') * BLOCK_SEC) / DAY_SEC,
        v_max: fp('30000'),
        cost_k: fixedDiv((fp('0.0415625') * BLOCK_SEC) / YEAR_SEC, phaRate),
        cost_b: fixedDiv((fp('88.59375') * BLOCK_SEC) / YEAR_SEC, phaRate),
        slash_rate: (fp('0.001') * BLOCK_SEC) / HOUR_SEC,
        treasury_ratio: fp('0.2'),
        heartbeat_window: 10,
        rig_k: fixedDiv(fp('0.3'), phaRate),
        rig_b: fixedDiv(fp('0'), phaRate),
        re: fp('1.3'),
        k: fp('100'),
        kappa: fp('1'),
    }
}

/**
 * The v1 pallet's `migrations::initialize` (mining.rs, 0005a36c3): the first Khala parameter set, with a PHA
 * rate of 0.84 (rig and operating costs divided by it), budget 60000 PHA a day, re 1.5, k 50. The pallet's
 * `khala_tokenomics` test pins its outputs.
 */
export function khalaInitialParams(): TokenomicParams {
    const phaRate = fp('0.84')
    return {
        ...genesisParams(),
        pha_rate: phaRate,
        budget_per_block: (fp('60000') * BLOCK_SEC) / DAY_SEC,
        cost_k: fixedDiv((fp('0.0415625') * BLOCK_SEC) / YEAR_SEC, phaRate),
        cost_b: fixedDiv((fp('88.59375') * BLOCK_SEC) / YEAR_SEC, phaRate),
        rig_k: fixedDiv(fp('0.3'), phaRate),
        rig_b: fixedDiv(fp('0'), phaRate),
        re: fp('1.5'),
        k: fp('50'),
    }
}

/**
 * confidence level → score as U64F64 bits (computation.rs / mining.rs `Tokenomic::confidence_score`:
 * fp!(1) for levels 1–3, fp!(0.8) for 4, fp!(0.7) for 5, and levels outside 1..5 count as 1)
 */
export function confidenceScoreBits(level: number): bigint {
    if (level === 4) return fp('0.8')
    if (level === 5) return fp('0.7')
    return ONE_FIXED
}

export function confidenceScore(level: number): number {
    return level === 4 ? 0.8 : level === 5 ? 0.7 : 1
}

/** minimum stake in plancks: from_fixed(k·sqrt(P)) (computation.rs `Tokenomic::minimal_stake`) */
export function minimalStake(params: TokenomicParams, p: number): bigint {
    return fixedToBalance(mulFixed(params.k, sqrtFixed(intToFixed(p))))
}

/** rig cost C = rig_k·P + rig_b (bits) */
export function rigCost(params: TokenomicParams, p: number): bigint {
    return params.rig_k * BigInt(p) + params.rig_b
}

/** the stake as U64F64 PHA: `s.to_fixed()` in computation.rs `Tokenomic::ve` (balance_convert.rs) */
export function stakeToFixed(plancks: bigint): bigint {
    return balanceToFixed(plancks)
}

/** Ve = f·(S + C) with f = (re − 1)·conf + 1, exact U64F64, not yet capped (computation.rs `Tokenomic::ve`) */
export function veBits(params: TokenomicParams, stakePlancks: bigint, p: number, confidenceLevel: number): bigint {
    const tweakedRe = mulFixed(params.re - ONE_FIXED, confidenceScoreBits(confidenceLevel)) + ONE_FIXED
    return mulFixed(tweakedRe, stakeToFixed(stakePlancks) + rigCost(params, p))
}

/** WorkerStarted.init_v: Ve capped at v_max */
export function initVBits(params: TokenomicParams, stakePlancks: bigint, p: number, confidenceLevel: number): bigint {
    const ve = veBits(params, stakePlancks, p, confidenceLevel)
    return ve > params.v_max ? params.v_max : ve
}

/** the gatekeeper's confidence score (gk.rs `conf_score`): like the pallet's, but unknown levels score 0 (128 scores 1) */
export function gkConfScoreBits(level: number): bigint {
    if (level === 4) return fp('0.8')
    if (level === 5) return fp('0.7')
    return level === 1 || level === 2 || level === 3 || level === 128 ? ONE_FIXED : 0n
}

/**
 * share = sqrt(V² + (2·p·conf)²) in U64F64, as the gatekeeper computes it (crates/phactory/src/system/gk.rs,
 * `TokenomicInfo::share`: `square(v) + square(fp!(2) * p * conf)`, each product floored, then the fixed-sqrt
 * root with 32 fraction bits). Inputs and result are bits.
 */
export function shareBits(vBits: bigint, pBits: bigint, confBits: bigint): bigint {
    const q = mulFixed(mulFixed(fixedFromInt(2), pBits), confBits)
    return sqrtFixed(mulFixed(vBits, vBits) + mulFixed(q, q))
}

/**
 * share = sqrt(V² + (2·p·conf)²) for the simulator's float model (V and p in PHA and iterations, conf the
 * score 1 | 0.8 | 0.7): the inputs become U64F64 (conf as its fp! literal), the root is the chain's
 * (`shareBits`), and the result goes back to a float. A more precise root would rank workers slightly
 * differently from the gatekeeper.
 */
export function share(v: number, p: number, conf: number): number {
    const confBits = conf === 1 ? ONE_FIXED : conf === 0.8 ? fp('0.8') : conf === 0.7 ? fp('0.7') : numberToFixed(conf)
    return fixedToFloat(shareBits(numberToFixed(v), numberToFixed(p), confBits))
}

/** x^n by repeated squaring (IEEE multiplications only, so bit-identical everywhere) */
export function powInt(x: number, n: number): number {
    let r = 1
    let b = x
    let e = n
    while (e > 0) {
        if (e & 1) r *= b
        b *= b
        e = Math.floor(e / 2)
    }
    return r
}

/** Float view of the parameters the V model needs */
export interface GrowthParams {
    rhoMinus1: number
    costK: number
    costB: number
    vMax: number
}

export function growthParams(params: TokenomicParams): GrowthParams {
    return {
        rhoMinus1: fixedToFloat(params.rho - ONE_FIXED),
        costK: fixedToFloat(params.cost_k),
        costB: fixedToFloat(params.cost_b),
        vMax: fixedToFloat(params.v_max),
    }
}

/**
 * V after `n` idle blocks without a heartbeat, starting at `v`: the per-block recurrence
 * V' = V + r·((rho−1)·V + cost_k·p_bench + cost_b) (r = p_instant/p_bench), in closed form, capped at v_max.
 */
export function growV(g: GrowthParams, v: number, n: number, pBench: number, pInstant: number): number {
    if (n <= 0 || v >= g.vMax) return Math.min(v, g.vMax)
    const r = pBench > 0 ? pInstant / pBench : 1
    const a = r * g.rhoMinus1 // per-block relative growth
    const c = r * (g.costK * pBench + g.costB) // per-block absolute growth
    let out: number
    if (a === 0) out = v + c * n
    else {
        const m = powInt(1 + a, n)
        out = m * v + (c * (m - 1)) / a
    }
    return Math.min(out, g.vMax)
}

/**
 * The budget of one settlement as the gatekeeper splits it (gk.rs `TokenomicInfo::update_v_heartbeat`):
 * budget = share/Σshare · budget_per_block · blocks, payout = budget · (1 − treasury_ratio) and
 * treasury = budget · treasury_ratio, each a floored U64F64 product, so payout + treasury may fall a few
 * 2^-64 short of budget, as on the chain. share/Σshare is the simulator's float fraction, quantized to 2^-53
 * (the only float step).
 */
export function settleBudget(params: TokenomicParams, shareFrac: number, blocks: number): {budget: bigint; treasury: bigint; payout: bigint} {
    if (!(shareFrac >= 0)) shareFrac = 0
    if (shareFrac > 1) shareFrac = 1
    const frac = BigInt(Math.floor(shareFrac * 9007199254740992)) << 11n // 2^-53 steps as 2^-64 bits
    const budget = mulFixed(mulFixed(frac, params.budget_per_block), fixedFromInt(blocks))
    const treasury = mulFixed(budget, params.treasury_ratio)
    const payout = mulFixed(budget, ONE_FIXED - params.treasury_ratio)
    return {budget, treasury, payout}
}

// ---- the stake pools' balance ⇄ fixed-point conversions (balance_convert.rs, in ./fixed) ---------------------

export const balanceToFixedBits = balanceToFixed
export const fixedBitsToBalance = fixedToBalance

/**
 * A vault's cut of a stake pool's reward (base_pool distribute_reward): the vault's shares in the pool (its
 * NFT plus its queued withdrawals) over the pool's total shares, as a balance, times the reward:
 *   stake_ratio = from_fixed(to_fixed(vaultShares) / to_fixed(totalShares));
 *   cut = from_fixed(to_fixed(stake_ratio) · to_fixed(reward))
 */
export function vaultRewardCut(vaultShares: bigint, totalShares: bigint, reward: bigint): bigint {
    const den = balanceToFixedBits(totalShares)
    if (den === 0n || vaultShares === 0n) return 0n
    const ratio = (balanceToFixedBits(vaultShares) << FRAC_BITS) / den
    const stakeRatio = fixedBitsToBalance(ratio)
    return fixedBitsToBalance(mulFixed(balanceToFixedBits(stakeRatio), balanceToFixedBits(reward)))
}
