/**
 * The pipelined write path leaves node-postgres nothing to queue: no "Calling client.query() when the
 * client is already executing a query" DeprecationWarning (pg 8; pg 9 drops that queue), and no unhandled
 * rejection, on success or on a failed batch. Run in a child process (pipeline-child.ts): warnings go to
 * the real process. The story indexed pipelined equals the same story indexed through TypeormDatabase.
 */
import {execFile} from 'child_process'
import * as path from 'path'
import {Indexer, FakeStorage, migratedDatabase, tableChecksums} from '../handler/harness'
import {PARAMS, storyChain} from '../handler/scenario'

jest.setTimeout(180_000)

interface ChildReport {
    warnings: string[]
    unhandled: string[]
    error?: string
}

function runChild(url: string, mode: string): Promise<{report: ChildReport; stderr: string}> {
    const env: Record<string, string> = {...(process.env as Record<string, string>), DB_URL: url, LEDGER_PIPELINE_ROWS: '1'}
    for (const k of ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASS']) delete env[k]
    return new Promise((resolve, reject) => {
        execFile(process.execPath, [path.join(__dirname, 'pipeline-child.js'), mode], {env, timeout: 120_000}, (err, stdout, stderr) => {
            if (err) return reject(new Error(`pipeline-child ${mode}: ${err.message}\n${stdout}\n${stderr}`))
            const line = stdout.trim().split('\n').pop()!
            resolve({report: JSON.parse(line), stderr})
        })
    })
}

const PG_QUEUE_WARNING = /Calling client\.query\(\) when the client is already executing a query/

test('control: statements on a busy connection without the queue make pg warn', async () => {
    const url = await migratedDatabase('pipeline_warn_control')
    const {report, stderr} = await runChild(url, 'unqueued')
    expect(report.warnings).toEqual([expect.stringMatching(PG_QUEUE_WARNING)])
    expect(stderr).toMatch(/DeprecationWarning/)
})

test('the story through PipelinedDatabase: no warning, no unhandled rejection, the same database as TypeormDatabase', async () => {
    const url = await migratedDatabase('pipeline_warn_story')
    const {report, stderr} = await runChild(url, 'story')
    expect(report).toEqual({warnings: [], unhandled: []})
    expect(stderr).not.toMatch(/DeprecationWarning/)

    const ref = await migratedDatabase('pipeline_warn_ref')
    const storage = new FakeStorage()
    storage.params = PARAMS
    const ix = await Indexer.open(ref, storage)
    const blocks = storyChain().blocks
    try {
        for (let i = 0; i < blocks.length; i += 2) await ix.final(blocks.slice(i, i + 2))
    } finally {
        await ix.close()
    }
    expect(await tableChecksums(url)).toEqual(await tableChecksums(ref))
})

test('a failed pipelined batch: the next batch throws, no warning, no unhandled rejection', async () => {
    const url = await migratedDatabase('pipeline_warn_fail')
    const {report, stderr} = await runChild(url, 'fail')
    expect(report.error).toMatch(/batch #\d+–#\d+ was not committed: division by zero/)
    expect(report.warnings).toEqual([])
    expect(report.unhandled).toEqual([])
    expect(stderr).not.toMatch(/DeprecationWarning/)
})
