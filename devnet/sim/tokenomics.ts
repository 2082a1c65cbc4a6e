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
 *   budget = share/Σshare · budget_per_block · blocks;  treasury = budget·treasury_ratio;  payout = budget − treasury
 */
import {FRAC_BITS, ONE_FIXED, balanceToFixed, fixedDiv, fixedFromInt, fixedMul, fixedSqrt, isqrt, fixedToBalance, fixedToFloat} from './fixed'

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

/**
 * The simulator's decimal constants (the tokenomic parameters below, the confidence scores, a scenario's
 * budget_per_block) as U64F64 bits, TRUNCATED below 2^-64. This is not what the pallet does: its genesis
 * tokenomics (pallets/phala/src/compute/computation.rs `GenesisConfig::default`, every constant written
 * `fp!(…)`, fixed_macro / the fixed crate's `FromStr`) round to the nearest, ties to even, which is
 * `fixedFromDecimal` in ./fixed. The devnet keeps the truncation it always had until the chain-fidelity change
 * switches these constants to `fixedFromDecimal` (and regenerates the docs and examples): then rho
 * (1.000000666600231), the slash rate's 0.001 and the genesis rig_k 0.3, re 1.3 and the confidence score 0.8
 * each gain one bit (2^-64) and every scenario's chain and ground truth change. The other constants (187.8783,
 * 0.0415625, 88.59375, 0.2, 0.449775, 1.5, 0.7) come out the same either way. See docs/devnet.md, "Known
 * differences from the pallet".
 */
export function legacyTruncatedConstant(s: string): bigint {
    const m = /^(\d+)(?:\.(\d*))?$/.exec(s.trim())
    if (!m) throw new RangeError(`not an unsigned decimal: "${s}"`)
    const digits = m[2] ?? ''
    const den = 10n ** BigInt(digits.length)
    return (BigInt(m[1]) << FRAC_BITS) + ((digits === '' ? 0n : BigInt(digits)) << FRAC_BITS) / den
}

/** how a decimal constant becomes bits: `legacyTruncatedConstant` (the simulator, for now) or the pallet's `fixedFromDecimal` */
export type DecimalConstant = (s: string) => bigint

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
const YEAR_SEC = 365n * 24n * 3600n

/**
 * Khala "Gemini" tokenomics (March 2022 on): budget 187.8783 PHA/block, treasury 20%, v_max 30000, re 1.5,
 * k 50, rig_k 0.449775, heartbeat window 20, no slashing, rho 1.000000666600231 per block. cost_k / cost_b
 * keep the runtime's genesis defaults (annual 0.0415625 and 88.59375 PHA, converted to 12 s blocks).
 */
export function geminiParams(decimalToFixed: DecimalConstant = legacyTruncatedConstant): TokenomicParams {
    return {
        pha_rate: ONE_FIXED,
        rho: decimalToFixed('1.000000666600231'),
        budget_per_block: decimalToFixed('187.8783'),
        v_max: intToFixed(30000),
        cost_k: (decimalToFixed('0.0415625') * BLOCK_SEC) / YEAR_SEC,
        cost_b: (decimalToFixed('88.59375') * BLOCK_SEC) / YEAR_SEC,
        slash_rate: 0n,
        treasury_ratio: decimalToFixed('0.2'),
        heartbeat_window: 20,
        rig_k: decimalToFixed('0.449775'),
        rig_b: 0n,
        re: decimalToFixed('1.5'),
        k: intToFixed(50),
        kappa: ONE_FIXED,
    }
}

/** Khala genesis defaults (before Gemini): budget 100/block, re 1.3, k 100, rig_k 0.3 */
export function genesisParams(decimalToFixed: DecimalConstant = legacyTruncatedConstant): TokenomicParams {
    return {
        ...geminiParams(decimalToFixed),
        budget_per_block: intToFixed(100),
        slash_rate: (decimalToFixed('0.001') * BLOCK_SEC) / 3600n,
        heartbeat_window: 10,
        rig_k: decimalToFixed('0.3'),
        re: decimalToFixed('1.3'),
        k: intToFixed(100),
    }
}

/** confidence level (1..5) → score as U64F64 bits (levels outside 1..5 count as 1, like the chain) */
export function confidenceScoreBits(level: number, decimalToFixed: DecimalConstant = legacyTruncatedConstant): bigint {
    if (level === 4) return decimalToFixed('0.8')
    if (level === 5) return decimalToFixed('0.7')
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

/** Ve = f·(S + C) with f = (re − 1)·conf + 1, exact U64F64, not yet capped */
export function veBits(
    params: TokenomicParams,
    stakePlancks: bigint,
    p: number,
    confidenceLevel: number,
    decimalToFixed: DecimalConstant = legacyTruncatedConstant
): bigint {
    const tweakedRe = mulFixed(params.re - ONE_FIXED, confidenceScoreBits(confidenceLevel, decimalToFixed)) + ONE_FIXED
    return mulFixed(tweakedRe, stakeToFixed(stakePlancks) + rigCost(params, p))
}

/** WorkerStarted.init_v: Ve capped at v_max */
export function initVBits(params: TokenomicParams, stakePlancks: bigint, p: number, confidenceLevel: number): bigint {
    const ve = veBits(params, stakePlancks, p, confidenceLevel)
    return ve > params.v_max ? params.v_max : ve
}

/** share = sqrt(V² + (2·p·conf)²) (float; V in PHA) */
export function share(v: number, p: number, conf: number): number {
    const q = 2 * p * conf
    return Math.sqrt(v * v + q * q)
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
 * The budget of one settlement, exact: floor(budget_per_block · blocks · frac) where frac = share/Σshare is
 * quantized to 2^-53 (the only float step), then split into treasury (budget·treasury_ratio, truncated)
 * and payout (the rest), so treasury + payout = budget exactly.
 */
export function settleBudget(params: TokenomicParams, shareFrac: number, blocks: number): {budget: bigint; treasury: bigint; payout: bigint} {
    if (!(shareFrac >= 0)) shareFrac = 0
    if (shareFrac > 1) shareFrac = 1
    const q = BigInt(Math.floor(shareFrac * 9007199254740992))
    const budget = (params.budget_per_block * BigInt(blocks) * q) >> 53n
    const treasury = mulFixed(budget, params.treasury_ratio)
    return {budget, treasury, payout: budget - treasury}
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
