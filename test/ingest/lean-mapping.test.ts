/**
 * src/ingest/lean-mapping.ts gives the decoder exactly what the SDK's own block mapping gives it (ids,
 * names, JSON args, the header and its runtime), for the selected events only.
 */
import {RpcDataSource} from '@subsquid/substrate-processor/lib/ds-rpc'
import {blockId, leanBlock} from '../../src/ingest/lean-mapping'

const runtime = {specVersion: 1251, marker: 'runtime'}
const prevRuntime = {specVersion: 1250, marker: 'previous'}

function rawBlock(height: number, hash: string) {
    return {
        header: {
            height,
            hash,
            parentHash: '0x' + '11'.repeat(32),
            specName: 'khala',
            specVersion: 1251,
            implName: 'khala',
            implVersion: 0,
            timestamp: 1_670_000_000_000,
        },
        runtime,
        runtimeOfPrevBlock: prevRuntime,
        events: [
            {index: 0, name: 'System.ExtrinsicSuccess', args: {dispatchInfo: {weight: 10n}}, phase: 'ApplyExtrinsic', extrinsicIndex: 0, callAddress: []},
            {
                index: 1,
                name: 'PhalaComputation.SessionSettled',
                args: {session: new Uint8Array([1, 2, 3]), vBits: 18446744073709551616n, payoutBits: 123n},
                phase: 'ApplyExtrinsic',
                extrinsicIndex: 1,
                callAddress: [],
            },
            {index: 12, name: 'PhalaStakePoolv2.Contribution', args: [new Uint8Array([9]), 5n], phase: 'Finalization'},
        ],
    }
}

test('ids, names, args, header and runtime equal the SDK mapping; unselected events are left out', () => {
    const names = new Set(['PhalaComputation.SessionSettled', 'PhalaStakePoolv2.Contribution'])
    const hash = '0xabcdef0123' + '00'.repeat(27)
    const lean = leanBlock(rawBlock(1234567, hash) as any, names)
    const sdk = (RpcDataSource.prototype as any).mapBlock.call({}, rawBlock(1234567, hash))

    expect(lean.header.id).toBe(sdk.header.id)
    expect(lean.header.id).toBe(blockId(1234567, hash))
    expect(lean.header._runtime).toBe(runtime)
    expect(lean.header._runtimeOfPrevBlock).toBe(prevRuntime)
    for (const k of ['height', 'hash', 'parentHash', 'specName', 'specVersion', 'implName', 'implVersion', 'timestamp']) {
        expect((lean.header as any)[k]).toEqual(sdk.header[k])
    }
    const selected = sdk.events.filter((e: any) => names.has(e.name))
    expect(lean.events.map(e => e.id)).toEqual(selected.map((e: any) => e.id))
    expect(lean.events.map(e => e.name)).toEqual(selected.map((e: any) => e.name))
    expect(lean.events.map(e => e.args)).toEqual(selected.map((e: any) => e.args))
    expect(lean.events.map(e => e.phase)).toEqual(selected.map((e: any) => e.phase))
    for (const e of lean.events) expect(e.block).toBe(lean.header)
    // JSON args, as the SDK gives them to typegen: bigints as strings, bytes as hex
    expect(lean.events[0].args).toEqual({session: '0x010203', vBits: '18446744073709551616', payoutBits: '123'})
    // the runtime does not leak into logs or JSON
    expect(Object.keys(lean.header)).not.toContain('_runtime')
})
