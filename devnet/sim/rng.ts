/**
 * Seeded, deterministic pseudo-random numbers for the economy simulator (never Math.random).
 *
 * sfc32 (Chris Doty-Humphrey's "small fast counter", 128-bit state, 32-bit output) seeded through
 * splitmix32, so any integer seed (also 0) gives a well-mixed state. All arithmetic is 32-bit integer
 * math (Math.imul, >>> 0), hence bit-identical on every JS engine.
 */

function splitmix32(state: {s: number}): number {
    state.s = (state.s + 0x9e3779b9) | 0
    let z = state.s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
}

export class Rng {
    private a: number
    private b: number
    private c: number
    private d: number

    constructor(seed: number) {
        if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`)
        // fold the (possibly > 32 bit) integer seed into the splitmix state
        const lo = Math.trunc(seed) | 0
        const hi = Math.trunc(seed / 4294967296) | 0
        const st = {s: lo ^ Math.imul(hi, 0x27d4eb2d)}
        this.a = splitmix32(st)
        this.b = splitmix32(st)
        this.c = splitmix32(st)
        this.d = splitmix32(st)
        for (let i = 0; i < 12; i++) this.u32()
    }

    /** uniform 32-bit unsigned integer */
    u32(): number {
        const t = (((this.a + this.b) | 0) + this.d) | 0
        this.d = (this.d + 1) | 0
        this.a = this.b ^ (this.b >>> 9)
        this.b = (this.c + (this.c << 3)) | 0
        this.c = (this.c << 21) | (this.c >>> 11)
        this.c = (this.c + t) | 0
        return t >>> 0
    }

    /** uniform float in [0, 1) with 53 random bits */
    next(): number {
        const hi = this.u32() >>> 5 // 27 bits
        const lo = this.u32() >>> 6 // 26 bits
        return (hi * 67108864 + lo) / 9007199254740992
    }

    /** uniform integer in [lo, hi] (inclusive) */
    int(lo: number, hi: number): number {
        if (hi < lo) throw new RangeError(`empty range [${lo}, ${hi}]`)
        return lo + Math.floor(this.next() * (hi - lo + 1))
    }

    /** uniform float in [lo, hi) */
    range(lo: number, hi: number): number {
        return lo + this.next() * (hi - lo)
    }

    chance(p: number): boolean {
        return this.next() < p
    }

    pick<T>(items: readonly T[]): T {
        if (items.length === 0) throw new RangeError('pick from an empty list')
        return items[Math.floor(this.next() * items.length)]
    }

    /** Poisson-distributed count with mean `lambda` (Knuth for small means, normal approximation above 30) */
    poisson(lambda: number): number {
        if (lambda <= 0) return 0
        if (lambda > 30) {
            const n = Math.round(lambda + Math.sqrt(lambda) * this.gaussian())
            return Math.max(n, 0)
        }
        const l = Math.exp(-lambda)
        let k = 0
        let p = 1
        do {
            k++
            p *= this.next()
        } while (p > l)
        return k - 1
    }

    /** standard normal (Box–Muller) */
    gaussian(): number {
        let u = this.next()
        if (u < 1e-300) u = 1e-300
        const v = this.next()
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    }

    /** `n` random bytes as lowercase 0x-hex */
    hex(n: number): string {
        let out = '0x'
        for (let i = 0; i < n; i += 4) {
            const w = this.u32().toString(16).padStart(8, '0')
            out += i + 4 <= n ? w : w.slice(0, (n - i) * 2)
        }
        return out
    }

    /** an independent generator derived from this one (for sub-streams that must not disturb the main one) */
    fork(label: number): Rng {
        return new Rng((this.u32() ^ Math.imul(label | 0, 0x9e3779b1)) >>> 0)
    }
}
