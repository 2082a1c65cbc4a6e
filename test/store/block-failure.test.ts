/**
 * A block the handler cannot index (here an event shape the decoder does not know, UnknownEventVersionError)
 * in the middle of a batch: the real PipelinedDatabase commits every block before it and nothing of it or
 * after it, the failure names the block, and a restart with the shape understood resumes exactly there and
 * ends equal to a clean index. Finalized batches (synchronous and pipelined) and a hot update alike.
 */
import {FakeStorage, headOf, Indexer, migratedDatabase, sql, tableChecksums} from '../handler/harness'
import {PARAMS, storyChain} from '../handler/scenario'
import type {SynthBlock} from '../handler/synthetic'
import {UnknownEventVersionError} from '../../src/decode'
import {BlockFailure, stopLine} from '../../src/store/failures'

jest.setTimeout(180_000)

function storage(): FakeStorage {
    const s = new FakeStorage()
    s.params = PARAMS
    return s
}

const blocks = storyChain('main').blocks
const open: Indexer[] = []
afterAll(async () => {
    for (const ix of open) await ix.close().catch(() => {})
})

/** an indexer whose decoder does not know the shape of `bad` (and knows every other event) */
async function indexer(url: string, bad?: unknown): Promise<Indexer> {
    const decode = (e: any) => {
        if (e === bad) throw new UnknownEventVersionError('PhalaComputation.SessionSettled', 1300, badHeight)
        return e
    }
    const ix = await Indexer.open(url, storage(), {pipelined: true, decode, options: {deferIndexes: 'off', fromBlock: 0}})
    open.push(ix)
    return ix
}

/** the first block from #7 on with an event, and that event */
const badBlock = blocks.find(b => b.header.height >= 7 && b.events.length > 0)!
const badHeight = badBlock.header.height
const badEvent = badBlock.events[0]

async function status(url: string) {
    return (await sql(url, `SELECT height, hash FROM squid_processor.status WHERE id = 0`))[0]
}

async function cleanIndex(name: string, upTo: SynthBlock[]): Promise<Record<string, string>> {
    const url = await migratedDatabase(name)
    const ix = await indexer(url)
    for (let i = 0; i < upTo.length; i += 3) await ix.final(upTo.slice(i, i + 3))
    await ix.close()
    return tableChecksums(url)
}

async function expectFailure(p: Promise<unknown>): Promise<BlockFailure> {
    let err: unknown
    try {
        await p
    } catch (e) {
        err = e
    }
    expect(err).toBeInstanceOf(BlockFailure)
    return err as BlockFailure
}

describe('a block that cannot be indexed, inside a batch', () => {
    const before = blocks.filter(b => b.header.height < badHeight)
    let wantBefore: Record<string, string>
    let wantAll: Record<string, string>

    beforeAll(async () => {
        expect(badHeight).toBeGreaterThan(blocks[0].header.height + 3)
        wantBefore = await cleanIndex('bad_block_ref_before', before)
        wantAll = await cleanIndex('bad_block_ref_all', blocks)
    })

    for (const mode of ['first batch (synchronous)', 'pipelined batch']) {
        it(`${mode}: commits exactly the blocks before it, names it, and resumes there`, async () => {
            const url = await migratedDatabase(mode.startsWith('first') ? 'bad_block_sync' : 'bad_block_pipe')
            const ix = await indexer(url, badEvent)
            // the failing batch reaches from a few blocks before the bad one to the end of the chain
            const split = mode.startsWith('first') ? 0 : 2
            if (split > 0) await ix.final(blocks.slice(0, split))
            const err = await expectFailure(ix.final(blocks.slice(split)))
            expect(err.block).toEqual({height: badHeight, hash: badBlock.header.hash})
            expect(stopLine(err)).toBe(
                `block #${badHeight} (${badBlock.header.hash}) cannot be indexed: PhalaComputation.SessionSettled: runtime type at spec 1300, block #${badHeight} matches no known version; ` +
                    `every block before it is committed and nothing of it or after it: update the decoder for this runtime (src/decode, npm run typegen) and start the processor again, it resumes at #${badHeight}`
            )
            expect(await status(url)).toEqual({height: badHeight - 1, hash: badBlock.header.parentHash})
            expect(await tableChecksums(url)).toEqual(wantBefore)
            await ix.close()

            // the decoder updated: a new process resumes at the bad block
            const ix2 = await indexer(url)
            await ix2.final(blocks.filter(b => b.header.height >= badHeight))
            await ix2.close()
            expect(await tableChecksums(url)).toEqual(wantAll)
        })
    }

    it('hot update: commits the update blocks before it, nothing of it', async () => {
        const url = await migratedDatabase('bad_block_hot')
        const ix = await indexer(url, badEvent)
        await ix.final(blocks.slice(0, 2))
        // one update carrying every further block, unfinalized, finality at #2
        const rest = blocks.slice(2)
        const err = await expectFailure(ix.hot(headOf(blocks[1]), rest, headOf(blocks[1])))
        expect(err.block.height).toBe(badHeight)
        const top = await sql(url, `SELECT max(height)::int AS h FROM squid_processor.hot_block`)
        expect(top[0].h).toBe(badHeight - 1)
        expect(await tableChecksums(url)).toEqual(wantBefore)
        await ix.close()

        const ix2 = await indexer(url)
        const after = blocks.filter(b => b.header.height >= badHeight)
        await ix2.hot(headOf(blocks[badHeight - 2]), after, headOf(after[after.length - 1]))
        await ix2.close()
        expect(await tableChecksums(url)).toEqual(wantAll)
    })
})
