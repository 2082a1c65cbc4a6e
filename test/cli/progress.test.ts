/**
 * The processor's progress log (src/progress.ts) on a simulated clock: no ETA before the speed is measured,
 * an ETA close to the truth at a steady speed, one that follows a change of speed within the window, one that
 * is not early when blocks grow denser, and one caught-up line.
 */
import {formatDuration, ProgressLog} from '../../src/progress'

function harness(opts: {toBlock?: number; head?: number} = {}) {
    let now = 1_000_000
    const out: string[] = []
    const p = new ProgressLog({log: m => out.push(m), head: async () => opts.head ?? 100_000, toBlock: opts.toBlock, now: () => now, intervalMs: 5_000})
    p.setHead(opts.head ?? 100_000)
    return {
        p,
        out,
        advance(ms: number) {
            now += ms
        },
    }
}

describe('progress log', () => {
    test('the first batch (start-up included) gives no ETA; a steady speed gives the true remaining time', () => {
        const h = harness()
        h.advance(30_000) // a slow start: connections, metadata, warm-up
        h.p.batch(10, 5, false)
        expect(h.out).toEqual(['indexed to #10 of 100,000 (0.0%), measuring speed'])
        expect(h.p.etaSeconds()).toBeUndefined()
        // then 1,000 blocks per second
        let height = 10
        for (let i = 0; i < 20; i++) {
            h.advance(1_000)
            height += 1_000
            h.p.batch(height, 2_000, false)
        }
        const remaining = (100_000 - height) / 1_000
        expect(h.p.etaSeconds()).toBeCloseTo(remaining, 6)
        expect(h.out[h.out.length - 1]).toBe(`indexed to #20,010 of 100,000 (20.0%), 1,000 blocks/s, 2,000 events/s, ETA ${formatDuration(remaining)}`)
    })

    test('a change of speed moves the ETA within the window', () => {
        const h = harness()
        h.p.batch(0, 0, false)
        let height = 0
        for (let i = 0; i < 60; i++) {
            h.advance(1_000)
            height += 1_000
            h.p.batch(height, 0, false)
        }
        // ten times slower from here: after a full window the estimate is the slow one
        for (let i = 0; i < 61; i++) {
            h.advance(1_000)
            height += 100
            h.p.batch(height, 0, false)
        }
        expect(h.p.etaSeconds()).toBeCloseTo((100_000 - height) / 100, 0)
    })

    test('blocks growing denser: the ETA counts the events still to come, not just the blocks', () => {
        // events per block grow linearly with height (1 at #0, 5 at #100,000), and the indexer keeps a steady
        // 200 events/s: the true time left is the events left / 200
        const density = (hgt: number) => 1 + (4 * hgt) / 100_000
        const eventsUpTo = (hgt: number) => hgt + (2 * hgt * hgt) / 100_000
        const h = harness()
        h.p.batch(0, 0, false)
        let height = 0
        while (height < 40_000) {
            const next = height + Math.round(200 / density(height))
            h.advance(1_000)
            h.p.batch(next, eventsUpTo(next) - eventsUpTo(height), false)
            height = next
        }
        const truth = (eventsUpTo(100_000) - eventsUpTo(height)) / 200
        const byBlocksAlone = (100_000 - height) / (200 / density(height))
        expect(byBlocksAlone).toBeLessThan(truth * 0.85) // what a blocks/s estimate would say: too early
        const eta = h.p.etaSeconds()!
        expect(eta).toBeGreaterThan(truth * 0.97)
        expect(eta).toBeLessThan(truth * 1.1)
    })

    test('one caught-up line at the head, none while it stays there; TO_BLOCK is named when it is the end', () => {
        const h = harness({head: 5_000})
        h.p.batch(100, 10, false)
        h.advance(2_000)
        h.p.batch(5_000, 1_000, false)
        h.advance(2_000)
        h.p.batch(5_001, 3, true)
        expect(h.out.filter(l => l.startsWith('caught up'))).toEqual(['caught up with the chain head at #5,000: 1,010 mining events in 2s'])

        const t = harness({head: 9_000, toBlock: 3_000})
        t.p.batch(3_000, 7, false)
        expect(t.out).toEqual(['caught up with TO_BLOCK #3,000: 7 mining events in 0s'])
    })

    test('durations', () => {
        expect([formatDuration(0), formatDuration(59.4), formatDuration(61), formatDuration(3_600 * 5 + 62), formatDuration(86_400 * 3 + 3_600)]).toEqual([
            '0s',
            '59s',
            '1m 01s',
            '5h 01m',
            '3d 01h',
        ])
    })
})
