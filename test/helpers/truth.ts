/**
 * Reading the devnet ground truth (JSON, bigints as decimal strings) for the API tests.
 */
export const b = (x: unknown): bigint => (x == null ? 0n : BigInt(x as string))

export interface TruthPayout {
    block: number
    eventIndex: number
    timestamp: number
    session: string
    worker: string
    pid: string | null
    payout: string
    treasury: string
    toOwner: string
    toStakers: string
    dismissed: string
}

/** workers sorted by payout count, most first (the busiest ones are the interesting ones) */
export function busiestWorkers(truth: any): string[] {
    return Object.values<any>(truth.workers)
        .sort((x, y) => y.settleCount - x.settleCount || (x.pubkey < y.pubkey ? -1 : 1))
        .map(w => w.pubkey)
}

/** a worker that went through more than one session, if any */
export function multiSessionWorker(truth: any): string | undefined {
    return Object.values<any>(truth.workers)
        .filter(w => w.sessions.length > 1 && w.settleCount > 0)
        .sort((x, y) => y.sessions.length - x.sessions.length || y.settleCount - x.settleCount)[0]?.pubkey
}

/** the account owning the most stake pools (ties: most payout) */
export function busiestOwner(truth: any): string {
    const owners = new Map<string, {pools: string[]; payout: bigint}>()
    for (const p of Object.values<any>(truth.pools)) {
        if (p.kind === 'Vault') continue
        let o = owners.get(p.owner)
        if (!o) owners.set(p.owner, (o = {pools: [], payout: 0n}))
        o.pools.push(p.pid)
        o.payout += b(p.payout)
    }
    return [...owners.entries()].sort((x, y) => y[1].pools.length - x[1].pools.length || (y[1].payout > x[1].payout ? 1 : -1))[0][0]
}

export function ownedPools(truth: any, account: string): string[] {
    return Object.values<any>(truth.pools)
        .filter(p => p.owner === account)
        .map(p => p.pid)
}

export const DAY_MS = 86_400_000

export function days(truth: any): string[] {
    return Object.keys(truth.days).sort()
}
