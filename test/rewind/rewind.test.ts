/**
 * Rolling the index back past finality (src/rewind), in process against a real PostgreSQL with the real
 * PipelinedDatabase and LedgerHandler on synthetic chains: after a fork below what was indexed as final,
 * `rewind` to the common ancestor and indexing the new branch ends equal to a clean index of it (fast path
 * and hot path alike); a target older than the undo records is refused with nothing changed.
 */
import {FakeStorage, headOf, Indexer, migratedDatabase, sql, tableChecksums} from '../handler/harness'
import {DAY, HOUR, O, PARAMS, S1, S2, B, storyChain, T0, W2} from '../handler/scenario'
import {ev, PHA, SynthBlock, SynthChain} from '../handler/synthetic'
import {runRewind} from '../../src/rewind/cli'
import {RewindError} from '../../src/rewind/rewind'

jest.setTimeout(180_000)

function storage(): FakeStorage {
    const s = new FakeStorage()
    s.params = PARAMS
    return s
}

/** the story, then a branch from #8 on that differs (as test/handler/ledger-db.test.ts) */
function forkChain(): SynthChain {
    const f = storyChain('main').fork(8, 'fork')
    f.add([ev.withdrawalQueued(0, B, 400n * PHA), ev.withdrawal(0, B, 401_290_000_000_000n, 400n * PHA)], {at: T0 + HOUR + 29_000})
    f.add([ev.treasury(PHA), ev.settled(S1, 3003n << 64n, 4n << 64n), ev.reward(0, 400_000_000_000n, 3_600_000_000_000n)])
    f.add([ev.stopped(S2)], {at: T0 + 2 * HOUR + 1_000})
    f.add([ev.reclaimed(S2, 1500n * PHA), ev.poolWorkerReclaimed(0, W2)], {at: T0 + DAY + 20_000})
    f.add([ev.ownerRewardsWithdrawn(0, O, PHA)])
    f.add([ev.benchmark(S1, 2222)], {at: T0 + DAY + HOUR + 1_000})
    return f
}

const open: Indexer[] = []
afterAll(async () => {
    for (const ix of open) await ix.close().catch(() => {})
})

async function indexer(url: string, window: number): Promise<Indexer> {
    const ix = await Indexer.open(url, storage(), {pipelined: true, options: {deferIndexes: 'off', fromBlock: 0, rewindWindow: window}})
    open.push(ix)
    return ix
}

async function finalBatches(ix: Indexer, blocks: SynthBlock[], size: number): Promise<void> {
    for (let i = 0; i < blocks.length; i += size) await ix.final(blocks.slice(i, i + size))
}

async function status(url: string) {
    return (await sql(url, `SELECT height, hash FROM squid_processor.status WHERE id = 0`))[0]
}

describe('rewind after a fork below finality', () => {
    let want: Record<string, string>
    const main = storyChain('main').blocks
    const fork = forkChain().blocks

    beforeAll(async () => {
        const ref = await migratedDatabase('rewind_ref')
        const ix = await indexer(ref, 0)
        await finalBatches(ix, fork, 3)
        await ix.close()
        want = await tableChecksums(ref)
    })

    it('the story and the branch differ from #8 on, and the branch is longer than the ancestor', () => {
        expect(main[6].header.height).toBe(7)
        expect(fork[6].header.hash).toBe(main[6].header.hash)
        expect(fork[7].header.hash).not.toBe(main[7].header.hash)
    })

    it('fast path: rewound to the batch boundary below the ancestor, the new branch indexes to a clean index of it', async () => {
        const url = await migratedDatabase('rewind_fast')
        const ix = await indexer(url, 100)
        // every block of the old branch indexed as final, in batches #1–3, #4–6, #7–9, …
        await finalBatches(ix, main, 3)
        await ix.close()
        expect(await tableChecksums(url)).not.toEqual(want)

        // the common ancestor is #7, inside the batch #7–9: the rewind lands on #6
        const line = await runRewind(url, 7, 100)
        expect(line).toMatch(
            new RegExp(`^rewound from #${main[main.length - 1].header.height} to #6 \\(the nearest batch boundary at or below #7\\): \\d+ batches undone`)
        )
        expect(await status(url)).toEqual({height: 6, hash: main[5].header.hash})
        const rs = await sql(url, `SELECT count(*)::int AS n FROM squid_processor.rewind_batch WHERE end_height > 6`)
        expect(rs[0].n).toBe(0)

        // the processor goes on from #7 on the new chain (fresh memory, as after a restart)
        const ix2 = await indexer(url, 100)
        await finalBatches(ix2, fork.slice(6), 3)
        await ix2.close()
        expect(await tableChecksums(url)).toEqual(want)
    })

    it('hot path: blocks finalized one by one, rewound to exactly the ancestor, then the branch', async () => {
        const url = await migratedDatabase('rewind_hot')
        const ix = await indexer(url, 100)
        await ix.final(main.slice(0, 2))
        // every further block arrives unfinalized, finality one block behind (the SDK's hot path, change-logged)
        for (let i = 2; i < main.length; i++) await ix.hot(headOf(main[i - 1]), [main[i]], headOf(main[i - 1]))
        await ix.hot(headOf(main[main.length - 1]), [], headOf(main[main.length - 1]))
        await ix.close()
        expect((await status(url)).height).toBe(main[main.length - 1].header.height)

        const line = await runRewind(url, 7, 100)
        expect(line).toMatch(/^rewound from #\d+ to #7: \d+ batches undone, \d+ rows deleted or restored; start the processor to index from #8$/)
        expect(await status(url)).toEqual({height: 7, hash: main[6].header.hash})

        const ix2 = await indexer(url, 100)
        await finalBatches(ix2, fork.slice(7), 2)
        await ix2.close()
        expect(await tableChecksums(url)).toEqual(want)
    })

    it('a target older than the undo records is refused, and nothing changes', async () => {
        const url = await migratedDatabase('rewind_refused')
        // REWIND_WINDOW = 4: only the last calls' records are kept
        const ix = await indexer(url, 4)
        await finalBatches(ix, main, 2)
        await ix.close()
        const before = await tableChecksums(url)
        const head = await status(url)
        let err: unknown
        try {
            await runRewind(url, 2, 4)
        } catch (e) {
            err = e
        }
        expect(err).toBeInstanceOf(RewindError)
        expect((err as Error).message).toMatch(
            /^cannot rewind to #2: the undo records reach back to #\d+ only \(REWIND_WINDOW=4 blocks behind the head when they were written\); re-index instead/
        )
        const oldest = Number(/reach back to #(\d+)/.exec((err as Error).message)![1])
        expect(oldest).toBeGreaterThan(2)
        expect(oldest).toBeGreaterThanOrEqual(head.height - 4 - 2)
        expect(await tableChecksums(url)).toEqual(before)
        expect(await status(url)).toEqual(head)
        // within the window it works
        expect(await runRewind(url, oldest, 4)).toMatch(new RegExp(`to #${oldest}:`))
    })
})
