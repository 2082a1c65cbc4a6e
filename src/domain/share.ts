/**
 * Mining share as Phala's apps compute it: share = sqrt(V^2 + (2 * p * conf)^2), counted over idle
 * workers only. Floating point: used for APR and analytics, never for money. Sums over many workers are
 * kept exactly in integer micro-shares (each session's share rounded once to 1e-6), so they never drift.
 */
import {fixedToNumber} from './fixed'

/** confidence score of a confidence level (1..3 → 1, 4 → 0.8, 5 → 0.7); unknown levels count as 1 */
export function confidenceScore(level: number | null | undefined): number {
    switch (level) {
        case 4:
            return 0.8
        case 5:
            return 0.7
        default:
            return 1
    }
}

export function computeShare(vBits: bigint, pInstant: number, confidenceLevel: number | null | undefined): number {
    const v = fixedToNumber(vBits)
    const p = 2 * pInstant * confidenceScore(confidenceLevel)
    return Math.sqrt(v * v + p * p)
}

export const MICRO = 1_000_000

export function shareToMicro(share: number): bigint {
    return BigInt(Math.round(share * MICRO))
}

export function microToShare(micro: bigint): number {
    return Number(micro) / MICRO
}
