/**
 * Forks: the devnet replaces the last `depth` unfinalized blocks by a branch with the same events and new hashes
 * (every event id changes) while the processor follows the head; the index must end equal to indexing the final
 * chain alone. One fork goes deeper than the processor's FINALITY_CONFIRMATION: blocks it took as final are
 * replaced, which needs a repair (see `repairPastFinality`).
 */
import {spawnSync} from 'child_process'
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import {startDevnet, startScenarioDevnet} from '../../devnet'
import {childEnv} from '../../test/helpers/db'
import {progress, ProcessorRun, ROOT, runProcessor, startProcessor, waitFor} from '../../test/e2e/processor-child'
import {ChaosContext, describeEqual, freshMigrated, indexState, lastWords, Row, stateDiff} from './common'

const SCENARIO = 'tiny'
const TOTAL = 240
/** blocks released before the processor starts */
const INITIAL = 100

interface ForkRun {
    db: string
    chainFile: string
    to: number
    output: string
    exitCode: number | null
    forkBase: number
}

/** the final chain alone (every block final from the start), indexed to `to` */
async function finalChainState(ctx: ChaosContext, chainFile: string, to: number, name: string) {
    const ref = await startDevnet({fromFile: chainFile, port: 0})
    try {
        const url = await freshMigrated(ctx, name)
        await runProcessor(url, ref.url, to)
        return await indexState(url)
    } finally {
        await ref.close()
    }
}

/**
 * devnet in manual mode: release blocks one at a time, waiting for the processor to take each new head, fork
 * `depth` blocks at `forkAt`, go on to the end; returns the database and the final chain saved to a file
 */
async function followFork(ctx: ChaosContext, opts: {depth: number; lag: number; confirmation?: number; name: string}): Promise<ForkRun> {
    const {depth, lag} = opts
    const to = TOTAL - lag
    const forkAt = Math.min(TOTAL - 10, INITIAL + depth + 10)
    const dn = await startScenarioDevnet({scenario: SCENARIO, seed: 1, port: 0, finalityLag: lag, blockTimeMs: -1, initialBlocks: INITIAL})
    const db = await freshMigrated(ctx, opts.name)
    const extra: Record<string, string> = opts.confirmation != null ? {FINALITY_CONFIRMATION: String(opts.confirmation)} : {}
    const run: ProcessorRun = startProcessor(db, dn.wsUrl, to, extra)
    let forkBase = -1
    try {
        const stepTo = async (height: number) => {
            while (dn.height < height) {
                dn.release(1)
                const h = dn.height
                // once the processor has stopped, the chain still goes on to its end (the final chain)
                if (h > to || run.proc.exitCode != null) continue
                await waitFor(
                    `hot head at ${h}`,
                    async () => {
                        if (run.proc.exitCode != null) return true
                        const p = await progress(db)
                        return (p.hotTop ?? p.height) >= h
                    },
                    120_000,
                    20
                )
            }
        }
        await waitFor(`indexed to ${INITIAL - lag}`, async () => run.proc.exitCode != null || (await progress(db)).height >= INITIAL - lag, 300_000)
        await stepTo(forkAt)
        forkBase = dn.fork({depth}).base.height
        // block by block to the end: a head that jumps far past TO_BLOCK at once is its own scenario (headJump)
        await stepTo(TOTAL)
        const exitCode = await Promise.race([run.exited, new Promise<number | null>(r => setTimeout(() => r(null), 120_000))])
        const chainFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-fork-')), 'final.chain')
        dn.save(chainFile)
        return {db, chainFile, to, output: run.output(), exitCode, forkBase}
    } finally {
        if (run.proc.exitCode == null) run.proc.kill('SIGKILL')
        await dn.close()
    }
}

export async function forks(ctx: ChaosContext): Promise<Row[]> {
    const depths = ctx.quick ? [5] : [1, 5, 20, 50]
    const rows: Row[] = []
    for (const depth of depths) {
        const lag = depth + 5
        const r = await followFork(ctx, {depth, lag, name: `chaos_fork_${depth}`})
        const ref = await finalChainState(ctx, r.chainFile, r.to, `chaos_fork_${depth}_final`)
        const diff = r.exitCode === 0 ? stateDiff(await indexState(r.db), ref) : [`processor exit ${r.exitCode}: ${lastWords(r.output)}`]
        rows.push({
            scenario: `forks: depth ${depth}`,
            done: `\`${SCENARIO}\` released block by block (finality lag ${lag}); at block ${r.forkBase + depth} the last ${depth} blocks are replaced (same events, new hashes) while the processor follows the head`,
            expected: 'tables and indexes equal to indexing the final chain alone',
            observed: `${/navigating a fork/.test(r.output) ? 'processor navigated the fork; ' : ''}${diff.length ? diff.slice(0, 4).join('; ') : describeEqual(ref)}`,
            pass: r.exitCode === 0 && diff.length === 0,
        })
        fs.rmSync(path.dirname(r.chainFile), {recursive: true, force: true})
    }
    if (!ctx.quick) rows.push(await headJump(ctx), await pastFinality(ctx))
    return rows
}

/**
 * The processor follows the head with TO_BLOCK set, then the head jumps far past TO_BLOCK in one step (many
 * blocks at once, as after a node's own catch-up): it must index every block up to TO_BLOCK before it ends.
 */
async function headJump(ctx: ChaosContext): Promise<Row> {
    const lag = 10
    const to = TOTAL - lag
    const dn = await startScenarioDevnet({scenario: SCENARIO, seed: 1, port: 0, finalityLag: lag, blockTimeMs: -1, initialBlocks: INITIAL})
    const db = await freshMigrated(ctx, 'chaos_head_jump')
    const run = startProcessor(db, dn.wsUrl, to)
    const jumpFrom = INITIAL + 18
    try {
        await waitFor(`indexed to ${INITIAL - lag}`, async () => run.proc.exitCode != null || (await progress(db)).height >= INITIAL - lag, 300_000)
        while (dn.height < jumpFrom && run.proc.exitCode == null) {
            dn.release(1)
            const h = dn.height
            await waitFor(`hot head at ${h}`, async () => run.proc.exitCode != null || ((await progress(db)).hotTop ?? 0) >= h, 120_000, 20)
        }
        dn.release(TOTAL - dn.height)
        const code = await Promise.race([run.exited, new Promise<number | null>(r => setTimeout(() => r(null), 120_000))])
        const p = await progress(db)
        const reached = Math.max(p.height, p.hotTop ?? -1)
        return {
            scenario: 'forks: head jumps past TO_BLOCK',
            done: `\`${SCENARIO}\` (finality lag ${lag}), processor with TO_BLOCK=${to} following the head block by block to ${jumpFrom}, then the other ${TOTAL - jumpFrom} blocks released at once`,
            expected: `indexes every block to ${to} before it exits 0`,
            observed: `exit ${code ?? 'none within 120 s'}; committed height ${p.height}, top hot block ${p.hotTop ?? 'none'}`,
            pass: code === 0 && reached >= to,
        }
    } finally {
        if (run.proc.exitCode == null) run.proc.kill('SIGKILL')
        await dn.close()
    }
}

/**
 * REPAIR STEP for a fork deeper than the processor's finality: the one place where the repair is invoked.
 * When the build has `npm run rewind` (package.json), it is run as `rewind -- --to <fork base>` on the
 * database, then the processor runs again. Returns what was done, or why nothing could be.
 */
function repairPastFinality(db: string, forkBase: number): {repaired: boolean; note: string} {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    const script: string | undefined = pkg.scripts?.rewind
    const file = script && /node (lib\/\S+\.js)/.exec(script)?.[1]
    if (!file) return {repaired: false, note: 'no repair path in this build (`npm run rewind` not found)'}
    const r = spawnSync(process.execPath, [path.join(ROOT, file), '--to', String(forkBase)], {
        cwd: ROOT,
        env: childEnv({DB_URL: db}, ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASS']),
        encoding: 'utf8',
        timeout: 300_000,
    })
    if (r.status !== 0) return {repaired: false, note: `rewind --to ${forkBase} failed (exit ${r.status}): ${lastWords(r.stderr + r.stdout)}`}
    return {repaired: true, note: `rewind --to ${forkBase}: ${lastWords(r.stderr + r.stdout, 120)}`}
}

async function pastFinality(ctx: ChaosContext): Promise<Row> {
    const confirmation = 3
    const depth = 10
    const lag = 30
    const r = await followFork(ctx, {depth, lag, confirmation, name: 'chaos_fork_past_finality'})
    const ref = await finalChainState(ctx, r.chainFile, r.to, 'chaos_fork_past_finality_final')
    let observed: string
    let pass = false
    if (r.exitCode === 0) {
        const diff = stateDiff(await indexState(r.db), ref)
        observed = `processor went on by itself; ${diff.length ? diff.slice(0, 4).join('; ') : describeEqual(ref)}`
        pass = diff.length === 0
    } else {
        const stop =
            r.exitCode == null ? 'processor still running (stuck) 120 s after the last block' : `processor exit ${r.exitCode}: "${lastWords(r.output)}"`
        const fix = repairPastFinality(r.db, r.forkBase)
        if (fix.repaired) {
            // the ledger, as the repair left it, is indexed on from the final chain
            const dn = await startDevnet({fromFile: r.chainFile, port: 0})
            try {
                await runProcessor(r.db, dn.url, r.to)
            } finally {
                await dn.close()
            }
            const diff = stateDiff(await indexState(r.db), ref)
            observed = `${stop}; ${fix.note}; ${diff.length ? diff.slice(0, 4).join('; ') : describeEqual(ref)}`
            pass = diff.length === 0
        } else observed = `${stop}; ${fix.note}`
    }
    fs.rmSync(path.dirname(r.chainFile), {recursive: true, force: true})
    return {
        scenario: 'forks: past FINALITY_CONFIRMATION',
        done: `processor with FINALITY_CONFIRMATION=${confirmation}; the devnet (finality lag ${lag}) replaces the last ${depth} blocks, ${depth - confirmation} of which the processor took as final`,
        expected: 'the processor stops with a clear message or repairs; after the repair step, equal to indexing the final chain alone',
        observed,
        pass,
    }
}
