/**
 * The diff of the chain's and the index's figures, category by category, and its printed table.
 *
 * An entity present on one side only is a difference (field `present`). Stakers holding no share on either
 * side are left out (a delegation row that has been fully withdrawn, an emptied NFT). Balances are shown,
 * not compared: the index records the flows in and out of the subsidy pool and the treasury shares it
 * settled, not the accounts' balances.
 */
import type {ChainSnapshot} from './chain'
import type {IndexSnapshot} from './database'

export interface Difference {
    id: string
    field: string
    chain: string
    index: string
}

export interface CategoryResult {
    name: string
    /** entities compared (the union of both sides) */
    compared: number
    matched: number
    differing: number
    differences: Difference[]
}

export interface BalanceLine {
    account: string
    chainFree: bigint
    note: string
}

export interface AuditResult {
    height: number
    hash: string
    specVersion: number
    era: 'v1' | 'v2'
    categories: CategoryResult[]
    balances: BalanceLine[]
    totalDiffering: number
}

type Fields<T> = [string, (x: T) => string][]

function diff<C, I>(
    name: string,
    chain: Map<string, C>,
    index: Map<string, I>,
    fc: Fields<C>,
    fi: Fields<I>,
    skip?: (c?: C, i?: I) => boolean
): CategoryResult {
    const ids = [...new Set([...chain.keys(), ...index.keys()])].sort()
    const r: CategoryResult = {name, compared: 0, matched: 0, differing: 0, differences: []}
    for (const id of ids) {
        const c = chain.get(id)
        const i = index.get(id)
        if (skip?.(c, i)) continue
        r.compared++
        const ds: Difference[] = []
        if (c === undefined || i === undefined) {
            ds.push({id, field: 'present', chain: c === undefined ? 'absent' : 'present', index: i === undefined ? 'absent' : 'present'})
        } else {
            for (let k = 0; k < fc.length; k++) {
                const a = fc[k][1](c)
                const b = fi[k][1](i)
                if (a !== b) ds.push({id, field: fc[k][0], chain: a, index: b})
            }
        }
        if (ds.length) {
            r.differing++
            r.differences.push(...ds)
        } else {
            r.matched++
        }
    }
    return r
}

const s = (x: bigint | string): string => String(x)
const list = (xs: string[]): string => [...xs].sort().join(',') || '(none)'

export function compare(chain: ChainSnapshot, index: IndexSnapshot): AuditResult {
    const sessions = diff(
        'sessions',
        chain.sessions,
        index.sessions,
        [
            ['state', x => x.state],
            ['ve (U64F64 bits)', x => s(x.veBits)],
            ['v (U64F64 bits)', x => s(x.vBits)],
            ['stake', x => s(x.stake)],
        ],
        [
            ['state', x => x.state],
            ['ve (U64F64 bits)', x => s(x.veBits)],
            ['v (U64F64 bits)', x => s(x.vBits)],
            ['stake', x => s(x.stake)],
        ]
    )
    const pools = diff(
        'pools',
        chain.pools,
        index.pools,
        [
            ['total shares', x => s(x.shares)],
            ['total value', x => s(x.value)],
            ['free stake', x => s(x.free)],
            ['workers', x => list(x.workers)],
        ],
        [
            ['total shares', x => s(x.shares)],
            ['total value', x => s(x.value)],
            ['free stake', x => s(x.free)],
            ['workers', x => list(x.workers)],
        ]
    )
    // v1 (stakepool.rs UserStakeInfo): the rewards settled to each staker and its accumulator debt, which the
    // index rebuilds with the chain's arithmetic; v2 has no such per-staker book
    const v1 = chain.era === 'v1'
    const book = (v: bigint | undefined) => (v1 ? s(v ?? 0n) : '-')
    const stakers = diff(
        'stakers',
        chain.stakers,
        index.stakers,
        [
            ['shares (queued included)', x => s(x.shares)],
            ['queued shares', x => s(x.withdrawing)],
            ['available rewards (v1)', x => book(x.availableRewards)],
            ['reward debt (v1)', x => book(x.rewardDebt)],
        ],
        [
            ['shares (queued included)', x => s(x.shares)],
            ['queued shares', x => s(x.withdrawing)],
            ['available rewards (v1)', x => book(x.availableRewards)],
            ['reward debt (v1)', x => book(x.rewardDebt)],
        ],
        (c, i) =>
            (c?.shares ?? 0n) === 0n &&
            (i?.shares ?? 0n) === 0n &&
            (!v1 || ((c?.availableRewards ?? 0n) === 0n && (i?.availableRewards ?? 0n) === 0n && (c?.rewardDebt ?? 0n) === 0n && (i?.rewardDebt ?? 0n) === 0n))
    )
    const n = index.network
    const flows = n
        ? `not in the index: it records flows (in ${n.subsidyPoolIn}, out ${n.subsidyPoolOut}), not the balance`
        : 'not in the index (no network state row)'
    const treasury = n
        ? `not in the index: it records the treasury shares settled (${n.emittedTreasury}), not the balance`
        : 'not in the index (no network state row)'
    const categories = [sessions, pools, stakers]
    return {
        height: chain.height,
        hash: chain.hash,
        specVersion: chain.specVersion,
        era: chain.era,
        categories,
        balances: [
            {account: 'subsidy pool', chainFree: chain.subsidyPoolFree, note: flows},
            {account: 'treasury', chainFree: chain.treasuryFree, note: treasury},
        ],
        totalDiffering: categories.reduce((a, c) => a + c.differing, 0),
    }
}

function pad(x: string, n: number): string {
    return x.length >= n ? x : x + ' '.repeat(n - x.length)
}

function table(rows: string[][]): string[] {
    const w = rows[0].map((_, k) => Math.max(...rows.map(r => r[k].length)))
    return rows.map(r =>
        r
            .map((c, k) => pad(c, w[k]))
            .join('  ')
            .trimEnd()
    )
}

/** the printed report: one line per category, then the first `limit` differences of each, then the balances */
export function formatResult(r: AuditResult, limit: number): string {
    const out: string[] = []
    out.push(`audit at block ${r.height} (${r.hash}), spec ${r.specVersion}, runtime era ${r.era}`)
    out.push('')
    out.push(
        ...table([
            ['category', 'compared', 'matched', 'differing'],
            ...r.categories.map(c => [c.name, String(c.compared), String(c.matched), String(c.differing)]),
        ])
    )
    for (const c of r.categories) {
        if (c.differences.length === 0) continue
        out.push('')
        const shown = c.differences.slice(0, limit)
        out.push(`${c.name}: first ${shown.length} of ${c.differences.length} differences`)
        out.push(...table([['id', 'field', 'chain', 'index'], ...shown.map(d => [d.id, d.field, d.chain, d.index])]))
    }
    out.push('')
    out.push(...table([['balance', 'chain (free)', 'index'], ...r.balances.map(b => [b.account, String(b.chainFree), b.note])]))
    out.push('')
    out.push(r.totalDiffering === 0 ? 'result: 0 differences' : `result: ${r.totalDiffering} entities differ`)
    return out.join('\n')
}
