/**
 * The processor's tuning settings (src/config/ledger.ts): the defaults the code had when it read the
 * variables itself, their meanings, and a ConfigError naming the setting for a value that makes no sense.
 */
import {ConfigError} from '../../src/config'
import {DEFAULT_HANDLER_SETTINGS, loadLedgerSettings} from '../../src/config/ledger'

describe('loadLedgerSettings', () => {
    test('defaults: 1000 rows, asynchronous commits, no timing (every 100), 2 ms, no public gateway', () => {
        const s = loadLedgerSettings({})
        expect(s).toEqual({pipelineRows: 1000, syncCommit: false, timing: false, timingEvery: 100, yieldMs: 2, usePublicGateway: false})
        expect(loadLedgerSettings({LEDGER_PIPELINE_ROWS: '', LEDGER_TIMING: '', USE_PUBLIC_GATEWAY: ''})).toEqual(s)
        const {usePublicGateway, ...handler} = s
        expect(usePublicGateway).toBe(false)
        expect(handler).toEqual(DEFAULT_HANDLER_SETTINGS)
    })

    test('values', () => {
        expect(
            loadLedgerSettings({
                LEDGER_PIPELINE_ROWS: '0',
                LEDGER_SYNC_COMMIT: '1',
                LEDGER_TIMING: 'yes',
                LEDGER_TIMING_EVERY: '7',
                LEDGER_YIELD_MS: '0.5',
                USE_PUBLIC_GATEWAY: '1',
            })
        ).toEqual({pipelineRows: 0, syncCommit: true, timing: true, timingEvery: 7, yieldMs: 0.5, usePublicGateway: true})
        // only '1' turns synchronous commits and the public gateway on; any non-empty LEDGER_TIMING turns timing on
        expect(loadLedgerSettings({LEDGER_SYNC_COMMIT: 'on', USE_PUBLIC_GATEWAY: 'true', LEDGER_TIMING: '0'})).toMatchObject({
            syncCommit: false,
            usePublicGateway: false,
            timing: true,
        })
    })

    test.each([
        ['LEDGER_PIPELINE_ROWS', 'many'],
        ['LEDGER_PIPELINE_ROWS', '-1'],
        ['LEDGER_PIPELINE_ROWS', '1.5'],
        ['LEDGER_TIMING_EVERY', '0'],
        ['LEDGER_TIMING_EVERY', 'x'],
        ['LEDGER_YIELD_MS', '-2'],
        ['LEDGER_YIELD_MS', 'soon'],
    ])('%s=%s is refused, naming the setting', (name, value) => {
        let error: unknown
        try {
            loadLedgerSettings({[name]: value})
        } catch (e) {
            error = e
        }
        expect(error).toBeInstanceOf(ConfigError)
        expect((error as ConfigError).setting).toBe(name)
        expect((error as ConfigError).message).toMatch(new RegExp(`^${name}: must be .*${JSON.stringify(value)}`))
    })
})
