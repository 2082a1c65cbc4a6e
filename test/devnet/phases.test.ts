/**
 * Event phases and block extrinsics: a script block whose events sit in the ApplyExtrinsic phase of a
 * PhalaMq.sync_offchain_message extrinsic (as the gatekeeper's settlements do on the chain), on_initialize and
 * on_finalize events around it; decoded back with the processor's decoder and the devnet's own metadata.
 */
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {Runtime} from '@subsquid/substrate-runtime'
import {buildChain, buildChainFromDevBlocks, sourceFromDevBlocks, sourceFromFile, writeChainFile} from '../../devnet/chain/build'
import {type BlockRec, type Chain, KEYS} from '../../devnet/chain/chain'
import {readScript, scriptText} from '../../devnet/script'
import {quietPolkadotWarnings} from './fixtures'

const S = (b: string) => '0x' + b.repeat(32)
const SESSION = S('aa')
const RELAYER = S('cc')

function decode(chain: Chain, b: BlockRec): {events: any[]; extrinsics: any[]} {
    let rt = chain.runtimeAt(chain.blocks[b.parent])
    let r = new Runtime(rt.version, rt.metadataHex)
    return {
        events: r.scaleCodec.decodeBinary(r.description.eventRecordList, chain.getStorage(KEYS.systemEvents, b)!),
        extrinsics: b.extrinsics.map(x => r.decodeExtrinsic(x)),
    }
}

const mqArgs = {
    signed_message: {
        message: {sender: {__kind: 'Gatekeeper'}, destination: '0x' + Buffer.from('phala/mining/report').toString('hex'), payload: '0x00'},
        sequence: 7,
        signature: '0x',
    },
}

const SCRIPT = [
    '{"type":"header","version":1,"era":"v2","startTimestamp":"2023-06-01T00:00:00Z","blockTimeMs":12000}',
    JSON.stringify({
        type: 'block',
        extrinsics: [{pallet: 'PhalaMq', call: 'sync_offchain_message', args: mqArgs, signer: RELAYER, nonce: 3}],
        events: [
            {pallet: 'Balances', name: 'Withdraw', args: {who: S('01'), amount: '5'}, phase: {kind: 'Initialization'}},
            {
                pallet: 'PhalaComputation',
                name: 'SessionSettled',
                args: {session: SESSION, v_bits: '1', payout_bits: '2'},
                phase: {kind: 'ApplyExtrinsic', index: 1},
            },
            {
                pallet: 'TransactionPayment',
                name: 'TransactionFeePaid',
                args: {who: RELAYER, actual_fee: '1000', tip: '0'},
                phase: {kind: 'ApplyExtrinsic', index: 1},
            },
            {
                pallet: 'System',
                name: 'ExtrinsicSuccess',
                args: {dispatch_info: {weight: {ref_time: '100', proof_size: '0'}, class: {__kind: 'Normal'}, pays_fee: {__kind: 'Yes'}}},
                phase: {kind: 'ApplyExtrinsic', index: 1},
            },
            {pallet: 'Treasury', name: 'Deposit', args: {value: '9'}},
        ],
    }),
].join('\n')

describe('event phases and extrinsics', () => {
    beforeAll(() => quietPolkadotWarnings())

    it('encodes each event in its phase, after the on_initialize ones comes Timestamp.set', () => {
        let s = readScript(SCRIPT)
        let chain = buildChainFromDevBlocks(s.genesis, s.blocks)
        let {events, extrinsics} = decode(chain, chain.byNumber(1)!)
        expect(events.map(e => [e.phase.__kind, e.phase.value ?? null, `${e.event.__kind}.${e.event.value.__kind}`])).toEqual([
            ['Initialization', null, 'Balances.Withdraw'],
            ['ApplyExtrinsic', 0, 'System.ExtrinsicSuccess'],
            ['ApplyExtrinsic', 1, 'PhalaComputation.SessionSettled'],
            ['ApplyExtrinsic', 1, 'TransactionPayment.TransactionFeePaid'],
            ['ApplyExtrinsic', 1, 'System.ExtrinsicSuccess'],
            ['Finalization', null, 'Treasury.Deposit'],
        ])
        expect(events[3].event.value.actualFee).toBe(1000n)
        expect(extrinsics).toHaveLength(2)
        expect(extrinsics[1].call.__kind).toBe('PhalaMq')
        expect(extrinsics[1].call.value.__kind).toBe('sync_offchain_message')
        expect(extrinsics[1].call.value.signedMessage.sequence).toBe(7n)
        expect(extrinsics[1].signature.address).toEqual({__kind: 'Id', value: RELAYER})
    })

    it('keeps phases and extrinsics through script write/read and the chain file', () => {
        let s = readScript(SCRIPT)
        let again = readScript(scriptText({genesis: s.genesis, blocks: s.blocks}))
        expect(again.blocks.toArray()).toEqual(s.blocks.toArray())
        let dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devnet-phases-'))
        try {
            let file = path.join(dir, 'c.devnet')
            writeChainFile(file, sourceFromDevBlocks(s.genesis, s.blocks))
            let direct = buildChainFromDevBlocks(s.genesis, s.blocks)
            let loaded = buildChain(sourceFromFile(file))
            expect(loaded.head.hashHex).toBe(direct.head.hashHex)
            expect(decode(loaded, loaded.byNumber(1)!).events).toEqual(decode(direct, direct.byNumber(1)!).events)
        } finally {
            fs.rmSync(dir, {recursive: true, force: true})
        }
    })

    it('rejects events out of phase order and phases without their extrinsic', () => {
        let s = readScript(SCRIPT)
        let b = s.blocks.at(0)!
        let swapped = {...b, events: [b.events[4], b.events[1]]}
        expect(() => buildChainFromDevBlocks([], [swapped])).toThrow(/phase order/)
        let noExtrinsic = {...b, extrinsics: []}
        expect(() => buildChainFromDevBlocks([], [noExtrinsic])).toThrow(/ApplyExtrinsic\(1\), but the block has extrinsics 1\.\.0/)
        expect(() => readScript(SCRIPT.replace('"index":1', '"index":0'))).toThrow(/phase.index: expected the extrinsic's index/)
    })
})
