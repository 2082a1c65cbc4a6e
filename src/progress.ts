/**
 * The processor's progress log: where it is, how fast it goes, when it will be done, and one line when it
 * has caught up with the chain head.
 *
 * The estimate is honest rather than early: no ETA is given until the speed has been measured for
 * `minMeasureMs` past the first batch (the first batch carries the start-up: connections, metadata, the
 * decode thread's warm-up), and the speed is that of the last `windowMs`, so a stretch of denser or
 * sparser blocks moves the estimate within a minute.
 *
 * A chain whose blocks grow denser as the network grows (Khala's history: more workers, more heartbeats
 * per block) would make a blocks/s estimate early, since the blocks still to come hold more events than
 * those just indexed. So the estimate is the later of two: the blocks left at the blocks/s of the window,
 * and the events expected in them at the events/s of the window, where events per block are extrapolated
 * linearly through the run's average and the window's (each the density at its stretch's middle).
 */

export interface ProgressOptions {
    log: (msg: string) => void
    /** the chain's finalized head; polled every `headPollMs` */
    head: () => Promise<number>
    /** the last block to index, if bounded (TO_BLOCK) */
    toBlock?: number
    /** ms between progress lines (default 5 s) */
    intervalMs?: number
    headPollMs?: number
    minMeasureMs?: number
    windowMs?: number
    now?: () => number
}

interface Sample {
    t: number
    height: number
    events: number
}

export function formatDuration(seconds: number): string {
    if (!Number.isFinite(seconds)) return 'unknown'
    const s = Math.max(0, Math.round(seconds))
    if (s < 60) return `${s}s`
    const m = Math.floor(s / 60)
    if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`
    const h = Math.floor(m / 60)
    if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`
    return `${Math.floor(h / 24)}d ${String(h % 24).padStart(2, '0')}h`
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

export class ProgressLog {
    private readonly now: () => number
    private readonly intervalMs: number
    private readonly minMeasureMs: number
    private readonly windowMs: number
    private readonly headPollMs: number
    private headHeight: number | undefined
    private samples: Sample[] = []
    private totalEvents = 0
    private startedAt: number
    private firstHeight: number | undefined
    /** events counted up to and including the first batch (the start-up's batch is left out of densities) */
    private firstEvents = 0
    private lastLine = 0
    private caughtUp = false
    private timer: NodeJS.Timeout | undefined

    /** the chain's finalized head as last seen (undefined before the first poll) */
    get head(): number | undefined {
        return this.headHeight
    }

    constructor(private readonly opts: ProgressOptions) {
        this.now = opts.now ?? Date.now
        this.intervalMs = opts.intervalMs ?? 5_000
        this.minMeasureMs = opts.minMeasureMs ?? 5_000
        this.windowMs = opts.windowMs ?? 60_000
        this.headPollMs = opts.headPollMs ?? 10_000
        this.startedAt = this.now()
    }

    /** reads the head now and then every headPollMs (a failed read keeps the last one) */
    async start(): Promise<void> {
        await this.pollHead()
        this.timer = setInterval(() => void this.pollHead(), this.headPollMs)
        this.timer.unref()
    }

    stop(): void {
        if (this.timer) clearInterval(this.timer)
    }

    setHead(height: number): void {
        this.headHeight = height
    }

    private async pollHead(): Promise<void> {
        try {
            this.setHead(await this.opts.head())
        } catch {
            // the processor reports a node that has gone; the log keeps its last head
        }
    }

    /** the finalized chain head as last read (undefined: not yet) */
    chainHead(): number | undefined {
        return this.headHeight
    }

    /** the block the indexer is heading for: the head, or TO_BLOCK if that comes first */
    target(): number | undefined {
        const h = this.headHeight
        const to = this.opts.toBlock
        if (h == null) return to
        return to == null ? h : Math.min(h, to)
    }

    /** speed over the window: [blocks/s, events/s], undefined until measured long enough */
    speed(): [number, number] | undefined {
        if (this.samples.length < 2) return undefined
        const last = this.samples[this.samples.length - 1]
        const first = this.samples[0]
        const dt = last.t - first.t
        if (dt < this.minMeasureMs) return undefined
        return [((last.height - first.height) * 1000) / dt, ((last.events - first.events) * 1000) / dt]
    }

    /** seconds to the target at the measured speed, undefined while unknown */
    etaSeconds(): number | undefined {
        const s = this.speed()
        const target = this.target()
        if (!s || target == null || s[0] <= 0) return undefined
        const last = this.samples[this.samples.length - 1]
        const left = Math.max(0, target - last.height)
        const byBlocks = left / s[0]
        const events = this.eventsAhead(left)
        return events == null || s[1] <= 0 ? byBlocks : Math.max(byBlocks, events / s[1])
    }

    /** the events expected in the next `left` blocks: density now, growing as it grew over the run */
    private eventsAhead(left: number): number | undefined {
        const first = this.samples[0]
        const last = this.samples[this.samples.length - 1]
        const windowBlocks = last.height - first.height
        if (this.firstHeight == null || windowBlocks <= 0) return undefined
        // densities (events per block) are those of a stretch's middle: the window's, and the whole run's
        const recent = (last.events - first.events) / windowBlocks
        const run = last.height - this.firstHeight
        const apart = run / 2 - windowBlocks / 2
        if (apart <= 0) return recent * left
        const average = (last.events - this.firstEvents) / run
        // never extrapolate a thinning chain to zero: a falling density counts as flat (honest, not early)
        const slope = Math.max(0, (recent - average) / apart)
        const atHead = recent + (slope * windowBlocks) / 2
        return atHead * left + (slope * left * left) / 2
    }

    /** after each handler batch: the last block indexed, its event count, and the runner's isHead */
    batch(lastHeight: number, events: number, isHead: boolean): void {
        const t = this.now()
        this.totalEvents += events
        if (this.firstHeight == null) {
            this.firstHeight = lastHeight
            this.firstEvents = this.totalEvents
        }
        this.samples.push({t, height: lastHeight, events: this.totalEvents})
        // keep one sample older than the window, so the window is always covered
        while (this.samples.length > 2 && t - this.samples[1].t > this.windowMs) this.samples.shift()

        const target = this.target()
        const atTarget = isHead || (target != null && lastHeight >= target)
        if (atTarget) {
            if (!this.caughtUp) {
                this.caughtUp = true
                const secs = (t - this.startedAt) / 1000
                const what =
                    this.opts.toBlock != null && lastHeight >= this.opts.toBlock ? `TO_BLOCK #${fmt(lastHeight)}` : `the chain head at #${fmt(lastHeight)}`
                this.opts.log(`caught up with ${what}: ${fmt(this.totalEvents)} mining events in ${formatDuration(secs)}`)
            }
            return
        }
        if (this.caughtUp && target != null && target - lastHeight < 100) return
        this.caughtUp = false
        if (t - this.lastLine < this.intervalMs) return
        this.lastLine = t
        this.opts.log(this.line(lastHeight))
    }

    line(height: number): string {
        const target = this.target()
        let msg = `indexed to #${fmt(height)}`
        if (target != null && target > 0) msg += ` of ${fmt(target)} (${((100 * Math.min(height, target)) / target).toFixed(1)}%)`
        const s = this.speed()
        if (!s) return `${msg}, measuring speed`
        msg += `, ${fmt(s[0])} blocks/s, ${fmt(s[1])} events/s`
        const eta = this.etaSeconds()
        return eta == null ? msg : `${msg}, ETA ${formatDuration(eta)}`
    }
}
