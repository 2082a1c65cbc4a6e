/**
 * The API workload generator (bench/workload-mix.ts): its mix, its skew over ids, its coverage of every id,
 * its ranges, and its open-loop schedule. No server, no timing: a fake clock drives the schedule.
 */
import {Clock, DEFAULT_MIX, openLoop, Population, RequestKind, seededRandom, Workload, WorkloadRequest, zipfSampler} from '../../bench/workload-mix'

const DAY = 86_400_000

function population(accounts: number, workers: number, pools: number): Population {
    const ids = (p: string, n: number) => Array.from({length: n}, (_, i) => `0x${p}${String(i).padStart(62, '0')}`)
    return {
        accounts: ids('a', accounts),
        workers: ids('b', workers),
        pools: Array.from({length: pools}, (_, i) => String(i)),
        firstMs: Date.parse('2023-06-01T00:00:00Z'),
        headMs: Date.parse('2023-06-01T00:00:00Z') + 133 * DAY - 12_000,
    }
}

function draw(w: Workload, n: number): WorkloadRequest[] {
    return Array.from({length: n}, () => w.next())
}

/** the subject of a request, whichever kind it is */
function subjectOf(r: WorkloadRequest): string | undefined {
    if (r.kind === 'csvPayouts') {
        const q = new URLSearchParams(r.path.split('?')[1])
        return q.get('account') ?? q.get('worker') ?? q.get('pool') ?? undefined
    }
    const m = /(?:account|worker|pool): \\?"([^"\\]+)\\?"/.exec(JSON.parse(r.body).query)
    return m?.[1]
}

describe('workload mix', () => {
    test('each request kind comes in its share of the mix', () => {
        const reqs = draw(new Workload(population(500, 2000, 60), {seed: 7}), 40_000)
        const counts = new Map<RequestKind, number>()
        for (const r of reqs) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1)
        for (const [kind, share] of Object.entries(DEFAULT_MIX) as [RequestKind, number][]) {
            const got = (counts.get(kind) ?? 0) / reqs.length
            expect(Math.abs(got - share)).toBeLessThan(0.01)
        }
        expect([...counts.keys()].sort()).toEqual(Object.keys(DEFAULT_MIX).sort())
    })

    test('a custom mix is followed, kinds with share 0 never come', () => {
        const mix = {...DEFAULT_MIX}
        for (const k of Object.keys(mix) as RequestKind[]) mix[k] = 0
        mix.auditWorker = 3
        mix.emission = 1
        const reqs = draw(new Workload(population(10, 10, 2), {seed: 3, mix}), 8000)
        const workers = reqs.filter(r => r.kind === 'auditWorker').length
        expect(reqs.every(r => r.kind === 'auditWorker' || r.kind === 'emission')).toBe(true)
        expect(Math.abs(workers / reqs.length - 0.75)).toBeLessThan(0.02)
    })

    test('ranks follow Zipf: P(rank r) ∝ 1 / (r + 1)^s', () => {
        const s = 1.1
        const n = 200
        const z = zipfSampler(n, s, seededRandom(11))
        const counts = new Array(n).fill(0)
        const draws = 300_000
        for (let i = 0; i < draws; i++) counts[z()]++
        let h = 0
        for (let r = 0; r < n; r++) h += 1 / (r + 1) ** s
        for (const r of [0, 1, 4, 19]) {
            const expected = draws / (r + 1) ** s / h
            expect(Math.abs(counts[r] - expected) / expected).toBeLessThan(0.05)
        }
        // skew: rank 0 against rank 1 ≈ 2^s
        expect(counts[0] / counts[1]).toBeGreaterThan(2 ** s * 0.93)
        expect(counts[0] / counts[1]).toBeLessThan(2 ** s * 1.07)
    })

    test('subjects are skewed: the most asked-for worker is far above uniform, ranks are not id order', () => {
        const pop = population(100, 1000, 20)
        const reqs = draw(new Workload(pop, {seed: 5}), 30_000)
        const byWorker = new Map<string, number>()
        for (const r of reqs) {
            if (r.kind !== 'auditWorker' && r.kind !== 'workerTimeline') continue
            const s = subjectOf(r)!
            byWorker.set(s, (byWorker.get(s) ?? 0) + 1)
        }
        const total = [...byWorker.values()].reduce((a, b) => a + b, 0)
        const sorted = [...byWorker.entries()].sort((a, b) => b[1] - a[1])
        // uniform would give each worker 1/1000 of the draws; Zipf(1.1) over 1000 gives the top one ~ 1/5.5
        expect(sorted[0][1] / total).toBeGreaterThan(0.1)
        // the top ids are not simply the first ids of the list
        expect(sorted.slice(0, 5).map(e => e[0])).not.toEqual(pop.workers.slice(0, 5))
    })

    test('every account, worker and pool is drawn sooner or later', () => {
        const pop = population(30, 40, 8)
        const reqs = draw(new Workload(pop, {seed: 9, zipfS: 1.1}), 60_000)
        const seen = new Set(reqs.map(subjectOf).filter(Boolean))
        for (const id of [...pop.accounts, ...pop.workers, ...pop.pools]) expect(seen.has(id)).toBe(true)
    })

    test('ranges lie in the history, vary in length and end, and pages vary', () => {
        const pop = population(50, 50, 5)
        const reqs = draw(new Workload(pop, {seed: 2}), 5000)
        const lengths = new Set<number>()
        const ends = new Set<string>()
        const offsets = new Set<number>()
        for (const r of reqs) {
            if (r.kind !== 'auditAccount' && r.kind !== 'auditWorker' && r.kind !== 'auditPool') continue
            const q = JSON.parse(r.body).query as string
            const from = Date.parse(/from: "([^"]+)"/.exec(q)![1])
            const to = Date.parse(/to: "([^"]+)"/.exec(q)![1])
            expect(from).toBeGreaterThanOrEqual(pop.firstMs)
            expect(to).toBeLessThanOrEqual(pop.headMs + 1000)
            expect(to).toBeGreaterThan(from)
            lengths.add(Math.round((to - from) / DAY))
            ends.add(to === pop.headMs + 1000 ? 'head' : to % DAY === 0 ? 'midnight' : 'other')
            offsets.add(Number(/offset: (\d+)/.exec(q)![1]))
        }
        for (const d of [1, 7, 30, 90, 133]) expect(lengths.has(d)).toBe(true)
        expect([...ends].sort()).toEqual(['head', 'midnight'])
        expect(offsets.has(0)).toBe(true)
        expect(offsets.size).toBeGreaterThan(5)
    })

    test('the same seed gives the same requests', () => {
        const pop = population(20, 20, 3)
        expect(draw(new Workload(pop, {seed: 4}), 200)).toEqual(draw(new Workload(pop, {seed: 4}), 200))
        expect(draw(new Workload(pop, {seed: 4}), 200)).not.toEqual(draw(new Workload(pop, {seed: 5}), 200))
    })
})

describe('open loop', () => {
    /** a clock that only moves when the loop sleeps */
    function fakeClock(): Clock & {t: number; sleeps: number} {
        const c = {
            t: 1000,
            sleeps: 0,
            now: () => c.t,
            sleep: async (ms: number) => {
                c.sleeps++
                c.t += ms
            },
        }
        return c
    }

    test('sends every request on its schedule even when no answer ever comes', async () => {
        const clock = fakeClock()
        const sent: {i: number; at: number; now: number}[] = []
        const never = new Promise<void>(() => {})
        const started = await openLoop(
            50,
            200,
            (i, at) => {
                sent.push({i, at, now: clock.t})
                return never
            },
            clock
        )
        expect(started).toHaveLength(200)
        expect(sent.map(s => s.i)).toEqual(Array.from({length: 200}, (_, i) => i))
        for (const s of sent) {
            expect(s.at).toBeCloseTo(1000 + s.i * 20, 6)
            expect(s.now).toBeGreaterThanOrEqual(s.at - 1)
        }
        expect(clock.sleeps).toBeGreaterThanOrEqual(199)
    })

    test('a late loop does not stretch the schedule: overdue requests go at once, timed from their slot', async () => {
        const clock = fakeClock()
        const sent: {i: number; at: number; now: number}[] = []
        await openLoop(
            100,
            50,
            async (i, at) => {
                sent.push({i, at, now: clock.t})
                // the sender itself is slow (busy event loop): 35 ms per call
                clock.t += 35
            },
            clock
        )
        // the schedule stays i × 10 ms; requests are sent late but none is skipped or re-timed
        expect(sent.map(s => s.at - 1000)).toEqual(Array.from({length: 50}, (_, i) => i * 10))
        expect(sent[49].now - sent[49].at).toBeGreaterThan(1000)
    })
})
