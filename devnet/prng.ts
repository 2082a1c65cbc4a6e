/**
 * mulberry32: a tiny seeded 32-bit PRNG (uniform floats in [0, 1)), the one copy in the repository. The
 * devnet's fault injection (rpc/faults.ts) and its synthetic chain (chain/builtin.ts) draw from it; tests may
 * import it from here. The economy simulator has its own sfc32 (sim/rng.ts).
 */
export function mulberry32(seed: number): () => number {
    let a = seed >>> 0
    return () => {
        a = (a + 0x6d2b79f5) >>> 0
        let t = a
        t = Math.imul(t ^ (t >>> 15), t | 1)
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
}
