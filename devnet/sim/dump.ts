/**
 * Build a scenario and dump it: `node lib/devnet/sim/dump.js <scenario> [--seed N] [--blocks N]
 * [--script out.jsonl] [--truth out.json]`. Prints build time and event counts.
 */
import {buildScenario} from './index'
import {writeScript} from '../script'

function main(argv: string[]): void {
    const args = argv.slice(2)
    const name = args.find(a => !a.startsWith('--')) ?? 'small'
    const opt = (k: string): string | undefined => {
        const i = args.indexOf(k)
        return i >= 0 ? args[i + 1] : undefined
    }
    const seed = Number(opt('--seed') ?? 1)
    const blocks = opt('--blocks') ? Number(opt('--blocks')) : undefined
    const t0 = Date.now()
    const s = buildScenario(name, {seed, blocks})
    let n = 0
    let events = 0
    let storage = 0
    if (opt('--script')) {
        writeScript(opt('--script')!, s)
        for (const b of s.blocks) {
            n++
            events += b.events.length
            storage += b.storage.length
        }
    } else {
        for (const b of s.blocks) {
            n++
            events += b.events.length
            storage += b.storage.length
        }
    }
    const ms = Date.now() - t0
    if (opt('--truth')) s.writeTruth(opt('--truth')!)
    const t = s.truth
    const out = {
        scenario: name,
        seed,
        blocks: n,
        events,
        storageWrites: storage,
        buildMs: ms,
        workers: Object.keys(t.workers).length,
        pools: Object.keys(t.pools).length,
        settles: t.totals.settleCount,
        payoutPha: Number(t.totals.payout / 1_000_000n) / 1e6,
        treasuryPha: Number(t.totals.treasury / 1_000_000n) / 1e6,
        eventCounts: t.eventCounts,
    }
    console.log(JSON.stringify(out, null, 1))
}

if (require.main === module) main(process.argv)
