/**
 * Event scripts: parsing (typed values from decimal strings), errors that name the line and the field,
 * and the write → read round trip of simulated scenarios.
 */
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {readScript, parseScript, scriptText, writeScript, scriptLines} from '../../devnet/script'
import {buildScenario} from '../../devnet/sim'
import {startDevnet, startScenarioDevnet} from '../../devnet'
import type {DevBlock} from '../../devnet/model'

const S = '0x' + 'aa'.repeat(32)
const W = '0x' + 'bb'.repeat(32)
const SUB = '0x6d6f646c7068616c612f7070' + '0'.repeat(40)
const TRE = '0x6d6f646c70792f7472737279' + '0'.repeat(40)

const header = '{"type":"header","version":1,"era":"v2","startTimestamp":"2023-01-01T00:00:00Z","blockTimeMs":12000}'
const settled = (payout: string) => `{"pallet":"PhalaComputation","name":"SessionSettled","args":{"session":"${S}","v_bits":"123","payout_bits":"${payout}"}}`

const EXAMPLE = [
    '# a hand-written script',
    header,
    '{"type":"storage","pallet":"PhalaComputation","item":"CoolDownPeriod","keys":[],"value":"604800"}',
    `{"type":"block","events":[{"pallet":"PhalaComputation","name":"SessionBound","args":{"session":"${S}","worker":"${W}"}}]}`,
    '{"type":"empty","count":3}',
    `{"type":"block","events":[{"pallet":"Balances","name":"Transfer","args":{"from":"${SUB}","to":"${TRE}","amount":"250"}},${settled('18446744073709551616000')},` +
        `{"pallet":"PhalaStakePoolv2","name":"RewardReceived","args":{"pid":"0","to_owner":"200000000000000","to_stakers":"800000000000000"}}],` +
        `"storage":[{"pallet":"PhalaBasePool","item":"Pools","keys":["0"],"value":null}]}`,
    `{"type":"block","timestamp":1672531300000,"events":[{"pallet":"PhalaStakePoolv2","name":"Contribution","args":{"pid":"1","user":"${S}","amount":"5","shares":"5","as_vault":"7"}},` +
        `{"pallet":"PhalaRegistry","name":"WorkerAdded","args":{"pubkey":"${W}","attestation_provider":{"__kind":"Ias"},"confidence_level":2}}]}`,
    '',
].join('\n')

describe('reading', () => {
    test('a hand-written script: values typed by the field table, timestamps and empty blocks', () => {
        const s = parseScript(EXAMPLE)
        const blocks = s.blocks.toArray()
        const t0 = Date.parse('2023-01-01T00:00:00Z')
        expect(s.header.era).toBe('v2')
        expect(s.genesis).toEqual([{pallet: 'PhalaComputation', item: 'CoolDownPeriod', keys: [], value: 604800n}])
        expect(blocks.map(b => b.timestamp)).toEqual([t0, t0 + 12_000, t0 + 24_000, t0 + 36_000, t0 + 48_000, 1672531300000])
        expect(s.blockCount).toBe(6)
        expect(blocks.every(b => b.era === 'v2')).toBe(true)
        expect(blocks[1].events).toEqual([])
        const b = blocks[4]
        expect(b.events[0].args.amount).toBe(250n)
        expect(b.events[1].args).toEqual({session: S, v_bits: 123n, payout_bits: 18446744073709551616000n})
        expect(b.events[2].args).toEqual({pid: 0n, to_owner: 200000000000000n, to_stakers: 800000000000000n})
        expect(b.storage).toEqual([{pallet: 'PhalaBasePool', item: 'Pools', keys: [0n], value: null}])
        expect(blocks[5].events[0].args.as_vault).toBe(7n)
        expect(blocks[5].events[1].args).toEqual({pubkey: W, attestation_provider: {__kind: 'Ias'}, confidence_level: 2})
    })

    test('from a file path, and an era change starts the v2 runtime', () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'script-'))
        const file = path.join(dir, 's.jsonl')
        fs.writeFileSync(
            file,
            [
                '{"type":"header","version":1,"era":"v1","startTimestamp":0,"blockTimeMs":6000}',
                `{"type":"block","events":[{"pallet":"PhalaMining","name":"MinerSettled","args":{"miner":"${S}","v_bits":"1","payout_bits":"2"}}]}`,
                '{"type":"block","era":"v2","events":[{"pallet":"PhalaComputation","name":"TokenomicParametersChanged"}]}',
            ].join('\n')
        )
        const s = readScript(file)
        const blocks = s.blocks.toArray()
        expect(blocks.map(b => b.era)).toEqual(['v1', 'v2'])
        expect(blocks.map(b => b.timestamp)).toEqual([0, 6000])
        expect(blocks[1].events[0]).toEqual({pallet: 'PhalaComputation', name: 'TokenomicParametersChanged', args: {}})
        fs.rmSync(dir, {recursive: true})
    })
})

describe('errors name the line and the field', () => {
    const withLine = (line: string) => [header, line].join('\n')
    const cases: [string, string, RegExp][] = [
        ['bad JSON', '{"type":"block","events":[', /^script line 2: bad JSON/],
        [
            'unknown pallet',
            '{"type":"block","events":[{"pallet":"PhalaNope","name":"X","args":{}}]}',
            /^script line 2, events\[0\]\.pallet: unknown pallet "PhalaNope" in era v2/,
        ],
        [
            'unknown event',
            '{"type":"block","events":[{"pallet":"PhalaComputation","name":"MinerSettled","args":{}}]}',
            /^script line 2, events\[0\]\.name: unknown event PhalaComputation\.MinerSettled in era v2/,
        ],
        [
            'missing field',
            `{"type":"block","events":[{"pallet":"PhalaComputation","name":"SessionSettled","args":{"session":"${S}","v_bits":"1"}}]}`,
            /^script line 2, events\[0\]\.args\.payout_bits: missing field payout_bits \(u128\)/,
        ],
        [
            'unknown field',
            `{"type":"block","events":[{"pallet":"PhalaComputation","name":"WorkerStopped","args":{"session":"${S}","miner":"${S}"}}]}`,
            /^script line 2, events\[0\]\.args\.miner: unknown field miner/,
        ],
        ['negative amount', `{"type":"block","events":[${settled('-5')}]}`, /^script line 2, events\[0\]\.args\.payout_bits: negative amount "-5" for u128/],
        [
            'wrong type (number for an account)',
            '{"type":"block","events":[{"pallet":"PhalaComputation","name":"WorkerStopped","args":{"session":12}}]}',
            /^script line 2, events\[0\]\.args\.session: expected AccountId32 as 0x-hex of 32 bytes, got 12/,
        ],
        [
            'wrong type (text for an amount)',
            `{"type":"block","events":[${settled('12.5')}]}`,
            /^script line 2, events\[0\]\.args\.payout_bits: expected a decimal u128 string, got "12.5"/,
        ],
        [
            'overflow',
            `{"type":"block","events":[{"pallet":"PhalaStakePoolv2","name":"PoolCommissionSet","args":{"pid":"1","commission":"4294967296"}}]}`,
            /^script line 2, events\[0\]\.args\.commission: 4294967296 does not fit in u32/,
        ],
        [
            'bad enum variant',
            `{"type":"block","events":[{"pallet":"PhalaRegistry","name":"WorkerAdded","args":{"pubkey":"${W}","attestation_provider":{"__kind":"Sgx"},"confidence_level":1}}]}`,
            /^script line 2, events\[0\]\.args\.attestation_provider\.__kind: unknown variant "Sgx"/,
        ],
        [
            'unknown storage item',
            '{"type":"storage","pallet":"PhalaComputation","item":"Nope","keys":[],"value":1}',
            /^script line 2, item: unknown storage item PhalaComputation\.Nope/,
        ],
        [
            'bad storage value',
            '{"type":"storage","pallet":"PhalaComputation","item":"TokenomicParameters","keys":[],"value":{"pha_rate":"1"}}',
            /^script line 2, value\.rho: missing field rho/,
        ],
        ['unknown line type', '{"type":"blocks"}', /^script line 2, type: unknown line type "blocks"/],
        ['bad empty count', '{"type":"empty","count":0}', /^script line 2, count: expected a positive integer/],
    ]
    for (const [what, line, re] of cases) {
        test(what, () => {
            expect(() => parseScript(withLine(line))).toThrow(re)
        })
    }

    test('header problems', () => {
        expect(() => parseScript('{"type":"block","events":[]}')).toThrow(/^script line 1, type: the first line must be the header/)
        expect(() => parseScript('{"type":"header","version":2,"era":"v2","startTimestamp":0,"blockTimeMs":1}')).toThrow(
            /^script line 1, version: unsupported version 2/
        )
        expect(() => parseScript('{"type":"header","version":1,"era":"v3","startTimestamp":0,"blockTimeMs":1}')).toThrow(/^script line 1, era:/)
        expect(() => parseScript('{"type":"header","version":1,"era":"v2","startTimestamp":"yesterday","blockTimeMs":1}')).toThrow(
            /^script line 1, startTimestamp:/
        )
        expect(() => parseScript('# nothing\n\n')).toThrow(/no header/)
    })

    test('the line number counts comments and blank lines; genesis storage must come first; timestamps increase', () => {
        const text = [header, '', '# comment', '{"type":"block","events":[]}', `{"type":"block","events":[${settled('x')}]}`].join('\n')
        expect(() => parseScript(text)).toThrow(/^script line 5, events\[0\]\.args\.payout_bits:/)
        expect(() =>
            parseScript([header, '{"type":"block"}', '{"type":"storage","pallet":"PhalaComputation","item":"CoolDownPeriod","keys":[],"value":"1"}'].join('\n'))
        ).toThrow(/^script line 3, type: genesis storage lines must come before the first block/)
        expect(() => parseScript([header, '{"type":"block","timestamp":1000}', '{"type":"block","timestamp":1000}'].join('\n'))).toThrow(
            /^script line 3, timestamp: block timestamps must increase/
        )
        // v1 events are rejected in a v2 block
        expect(() =>
            parseScript([header, `{"type":"block","events":[{"pallet":"PhalaMining","name":"MinerStopped","args":{"miner":"${S}"}}]}`].join('\n'))
        ).toThrow(/unknown pallet "PhalaMining" in era v2/)
    })
})

describe('hostile scripts', () => {
    const withLines = (...lines: string[]) => [header, ...lines].join('\n')
    const h = (fields: string) => `{"type":"header",${fields}}`
    const cases: [string, string, RegExp][] = [
        ['a second header', withLines('{"type":"block"}', header), /^script line 3, type: a second header \(the header is line 1/],
        ['a block before the header', '{"type":"block","events":[]}\n' + header, /^script line 1, type: the first line must be the header/],
        ['a line without a type', withLines('{"count":3}'), /^script line 2, type: missing "type"/],
        ['an array line', withLines('[{"type":"block"}]'), /^script line 2: each line must be a JSON object with a "type", got an array/],
        ['a number line', withLines('42'), /^script line 2: each line must be a JSON object with a "type", got number 42/],
        ['trailing garbage', withLines('{"type":"block"} trailing'), /^script line 2: bad JSON/],
        ['two objects on a line', withLines('{"type":"block"}{"type":"block"}'), /^script line 2: bad JSON/],
        ['a repeated key', withLines('{"type":"empty","count":1,"count":10000000}'), /^script line 2, count: the key "count" appears twice/],
        [
            'a repeated key deep in an event',
            withLines(`{"type":"block","events":[{"pallet":"PhalaComputation","name":"WorkerStopped","args":{"session":"${S}","session":"${W}"}}]}`),
            /^script line 2, events\[0\]\.args\.session: the key "session" appears twice/,
        ],
        [
            'a repeated header key',
            h('"version":1,"era":"v2","era":"v1","startTimestamp":0,"blockTimeMs":1'),
            /^script line 1, era: the key "era" appears twice/,
        ],
        [
            'an unknown header key',
            h('"version":1,"era":"v2","startTimestamp":0,"blockTimeMs":1,"blocktime":5'),
            /^script line 1, blocktime: unknown field "blocktime"/,
        ],
        ['a missing version', h('"era":"v2","startTimestamp":0,"blockTimeMs":1'), /^script line 1, version: missing version/],
        [
            'a version as text',
            h('"version":"1","era":"v2","startTimestamp":0,"blockTimeMs":1'),
            /^script line 1, version: unsupported version "1" \(this reader reads version 1, the number\)/,
        ],
        ['a name that is not text', h('"version":1,"era":"v2","startTimestamp":0,"blockTimeMs":1,"name":5'), /^script line 1, name: expected a string, got 5/],
        [
            'a blockTimeMs as text',
            h('"version":1,"era":"v2","startTimestamp":0,"blockTimeMs":"12000"'),
            /^script line 1, blockTimeMs: expected a positive integer \(ms\), got "12000"/,
        ],
        [
            'a date that is prose',
            h('"version":1,"era":"v2","startTimestamp":"Block 5","blockTimeMs":1'),
            /^script line 1, startTimestamp: expected a timestamp/,
        ],
        ['a negative date', h('"version":1,"era":"v2","startTimestamp":"-5","blockTimeMs":1'), /^script line 1, startTimestamp: expected a timestamp/],
        [
            'an impossible date',
            h('"version":1,"era":"v2","startTimestamp":"2023-13-45","blockTimeMs":1'),
            /^script line 1, startTimestamp: not a valid date: "2023-13-45"/,
        ],
        ['a negative timestamp', withLines('{"type":"block","timestamp":-1}'), /^script line 2, timestamp: timestamp -1 is out of range/],
        ['a fractional timestamp', withLines('{"type":"block","timestamp":1.5}'), /^script line 2, timestamp: expected a timestamp .*got 1\.5/],
        [
            'a timestamp past the last date',
            withLines('{"type":"block","timestamp":"99999999999999999999"}'),
            /^script line 2, timestamp: timestamp "99999999999999999999" is out of range/,
        ],
        ['a negative count', withLines('{"type":"empty","count":-3}'), /^script line 2, count: expected a positive integer, got -3/],
        ['a count as text', withLines('{"type":"empty","count":"5"}'), /^script line 2, count: expected a positive integer, got "5"/],
        [
            'a count over the limit',
            withLines('{"type":"empty","count":100000001}'),
            /^script line 2, count: 100000001 more blocks make 100000001, over the limit of 100000000/,
        ],
        [
            'a run past the last date',
            h('"version":1,"era":"v2","startTimestamp":0,"blockTimeMs":8640000000000000') + '\n{"type":"empty","count":3}',
            /^script line 2, count: the run of 3 blocks ends at timestamp/,
        ],
        ['events that are null', withLines('{"type":"block","events":null}'), /^script line 2, events: expected an array of events, got null/],
        ['storage that is an object', withLines('{"type":"block","storage":{}}'), /^script line 2, storage: expected an array of storage writes, got \{\}/],
        ['an era going back', withLines('{"type":"block","era":"v1"}'), /^script line 2, era: the runtime cannot go back from v2 to v1/],
        [
            'a type inside a block storage write',
            withLines('{"type":"block","storage":[{"type":"storage","pallet":"PhalaComputation","item":"CoolDownPeriod","keys":[],"value":"1"}]}'),
            /^script line 2, storage\[0\]\.type: unknown field "type"/,
        ],
        [
            'a pallet that is not text',
            withLines('{"type":"block","events":[{"pallet":7,"name":"X"}]}'),
            /^script line 2, events\[0\]\.pallet: expected the pallet name as a string, got 7/,
        ],
    ]
    for (const [what, text, re] of cases) {
        test(what, () => {
            expect(() => parseScript(text)).toThrow(re)
        })
    }

    test('text that is not JSON lines is not taken for a file name', () => {
        expect(() => readScript('[{"type":"header"}]')).toThrow(/^script line 1: a script is JSON lines starting with the header object/)
        expect(() => readScript('/no/such/script.jsonl')).toThrow(/^cannot read the script file "\/no\/such\/script\.jsonl": ENOENT/)
    })

    test('ten million empty blocks are held as one run, not one object per block', () => {
        const before = process.memoryUsage().heapUsed
        const s = parseScript(withLines('{"type":"block"}', '{"type":"empty","count":10000000}', '{"type":"block","events":[]}'))
        const grown = process.memoryUsage().heapUsed - before
        expect(s.blockCount).toBe(10_000_002)
        expect(s.blocks.length).toBe(10_000_002)
        // one DevBlock object is ~100 bytes: materialised, the run would need ~1 GB
        expect(grown).toBeLessThan(50 << 20)
        const t0 = Date.parse('2023-01-01T00:00:00Z')
        expect(s.blocks.at(1)).toEqual({timestamp: t0 + 12_000, era: 'v2', events: [], storage: []})
        expect(s.blocks.at(10_000_000)).toEqual({timestamp: t0 + 10_000_000 * 12_000, era: 'v2', events: [], storage: []})
        expect(s.blocks.at(10_000_001)?.timestamp).toBe(t0 + 10_000_001 * 12_000)
        expect(s.blocks.at(10_000_002)).toBeUndefined()
        // iterating pulls the run block by block
        let k = 0
        let last = 0
        for (const b of s.blocks) {
            last = b.timestamp
            if (++k === 1000) break
        }
        expect(last).toBe(t0 + 999 * 12_000)
    })
})

describe('the devnet holds a bounded number of blocks', () => {
    const huge = [header, '{"type":"empty","count":10000000}'].join('\n')

    test('a script longer than maxBlocks is refused before anything is built', async () => {
        await expect(startScenarioDevnet({script: huge, port: 0})).rejects.toThrow(
            /^the chain has 10000000 blocks, more than the devnet holds \(maxBlocks 1000000; it keeps every block in memory/
        )
    })

    test('a source of unknown length is cut at maxBlocks, as if it ended', async () => {
        const s = parseScript(huge)
        // a generator hides the length: the node stops taking blocks at the limit
        const gen = function* () {
            yield* s.blocks
        }
        const dn = await startDevnet({genesis: s.genesis, blocks: gen(), port: 0, maxBlocks: 50})
        try {
            expect(dn.height).toBe(50)
            expect(dn.exhausted).toBe(true)
            expect(dn.release(10)).toBe(0)
        } finally {
            await dn.close()
        }
    })
})

describe('writing', () => {
    test('tiny round trip: write then read gives the same genesis and blocks', () => {
        const s = buildScenario('tiny', {seed: 4})
        const text = scriptText(s)
        const r = readScript(text)
        expect(r.header.era).toBe('v1')
        expect(r.header.blockTimeMs).toBe(12_000)
        expect(r.genesis).toEqual(s.genesis)
        expect(r.blocks.toArray()).toEqual(s.blocks)
        // amounts travel as decimal strings
        expect(text).toMatch(/"payout_bits":"\d+"/)
    })

    test('small round trip through a file (with runs of empty blocks and explicit timestamps)', () => {
        const s = buildScenario('small', {seed: 2, blocks: 2500})
        const blocks = (s.blocks as DevBlock[]).slice()
        // make the dump exercise empty runs and irregular timestamps
        blocks.push({timestamp: blocks[blocks.length - 1].timestamp + 24_000, era: 'v1', events: [], storage: []})
        blocks.push({timestamp: blocks[blocks.length - 1].timestamp + 24_000, era: 'v1', events: [], storage: []})
        blocks.push({timestamp: blocks[blocks.length - 1].timestamp + 99_000, era: 'v1', events: [], storage: []})
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'script-'))
        const file = path.join(dir, 'small.jsonl')
        const n = writeScript(file, {genesis: s.genesis, blocks, blockTimeMs: s.blockTimeMs, name: 'small'})
        const text = fs.readFileSync(file, 'utf8')
        expect(text.split('\n').filter(Boolean)).toHaveLength(n)
        expect(text).toMatch(/\{"type":"empty","count":2\}/)
        const r = readScript(file)
        expect(r.header.name).toBe('small')
        expect(r.genesis).toEqual(s.genesis)
        expect(r.blocks.toArray()).toEqual(blocks)
        fs.rmSync(dir, {recursive: true})
    })

    test('the writer refuses events outside the era table', () => {
        const blocks: DevBlock[] = [{timestamp: 0, era: 'v2', events: [{pallet: 'PhalaMining', name: 'MinerStopped', args: {miner: S}}], storage: []}]
        expect(() => [...scriptLines({genesis: [], blocks})]).toThrow(/PhalaMining\.MinerStopped: no such event in era v2/)
    })
})
