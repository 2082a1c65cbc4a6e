/**
 * The baseline processor: the same data source and event selection as the indexer (src/processor.ts), the
 * same decoder, and one TypeORM row per event inserted in bulk through ctx.store — nothing else.
 * `npm run bench` compares the ledger's throughput with it (bench/ledger.ts).
 *
 * TypeormDatabase finds entities under `<projectDir>/lib/model`: BASELINE_PROJECT_DIR points it at a
 * directory whose lib/model re-exports ./model (bench/ledger.ts prepares it).
 */
import {TypeormDatabase} from '@subsquid/typeorm-store'
import {decodeIfNeeded} from '../../src/ingest/decode-thread/thread-source'
import {createProcessor} from '../../src/processor'
import {BaselineEvent} from './model'
import {loadBenchSettings} from '../../src/config/bench'

function subjectOf(ev: any): string | null {
    return ev.session ?? ev.worker ?? ev.user ?? ev.owner ?? ev.from ?? null
}

function amountOf(ev: any): bigint | null {
    const v = ev.amount ?? ev.payoutBits ?? ev.toStakers ?? ev.shares ?? null
    return typeof v === 'bigint' ? v : null
}

const processor = createProcessor()

processor.run(new TypeormDatabase({supportHotBlocks: true, projectDir: loadBenchSettings().baselineProjectDir}), async ctx => {
    const rows: BaselineEvent[] = []
    for (const block of ctx.blocks) {
        for (const e of block.events) {
            const ev = decodeIfNeeded(e)
            rows.push(
                new BaselineEvent({
                    id: ev.id,
                    blockHeight: ev.blockHeight,
                    timestamp: new Date(ev.timestamp),
                    kind: ev.kind,
                    subject: subjectOf(ev),
                    amount: amountOf(ev),
                })
            )
        }
    }
    await ctx.store.insert(rows)
})
