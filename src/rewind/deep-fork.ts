/**
 * Deep forks: the node's chain no longer holds a block the database has indexed as final (or as a hot
 * block the SDK can no longer navigate from). The SDK then fails with an assertion, or at every restart
 * with `already indexed block … was not found on chain`; this finds what happened and says it in one line:
 * which block, the stored hash and the node's, how deep the fork reaches, and what to do.
 *
 * The blocks whose hashes the database keeps: the processor's status, its hot blocks, and the boundaries of
 * the handler calls recorded for rewinding (src/rewind/record.ts). The highest of them that the node still
 * has with the same hash is where the chains are known to agree.
 */
import {databaseHead, oldestRewindTarget, Query} from './rewind'
import {REWIND_BATCH, REWIND_SCHEMA} from './record'

export interface DeepFork {
    /** the database's head */
    head: {height: number; hash: string}
    /** the node's hash at the head's height (null: the node has no block there) */
    nodeHash: string | null
    /** the highest stored block the node agrees with (undefined: none of them) */
    ancestor: number | undefined
    /** the oldest block the undo records can rewind to */
    oldestTarget: number | undefined
    /** one line: what happened and what to do */
    line: string
}

/** the node's hash of block `height` (null when it has none) */
export type BlockHashAt = (height: number) => Promise<string | null>

/** undefined when the database's head is on the node's chain (or the database is empty) */
export async function findDeepFork(q: Query, hashAt: BlockHashAt, settings: {window: number; finalityConfirmation?: number}): Promise<DeepFork | undefined> {
    const head = await databaseHead(q)
    if (head.height < 0) return undefined
    const nodeHash = await hashAt(head.height)
    if (nodeHash === head.hash) return undefined
    // every stored (height, hash), highest first
    const known = new Map<number, string>()
    known.set(head.final.height, head.final.hash)
    for (const r of await q(`SELECT height, hash FROM ${REWIND_SCHEMA}.hot_block`)) known.set(Number(r.height), String(r.hash))
    for (const r of await q(`SELECT start_height - 1 AS h, base_hash AS hash FROM ${REWIND_BATCH}`)) known.set(Number(r.h), String(r.hash))
    for (const r of await q(`SELECT end_height AS h, end_hash AS hash FROM ${REWIND_BATCH}`)) known.set(Number(r.h), String(r.hash))
    let ancestor: number | undefined
    for (const h of [...known.keys()].sort((a, b) => b - a)) {
        if (h < 0) {
            ancestor = -1
            break
        }
        if ((await hashAt(h)) === known.get(h)) {
            ancestor = h
            break
        }
    }
    const oldestTarget = await oldestRewindTarget(q, head)
    const short = (h: string | null) => (h == null ? 'none' : h.length > 18 ? `${h.slice(0, 10)}…${h.slice(-6)}` : h)
    const finality =
        settings.finalityConfirmation != null ? `deeper than FINALITY_CONFIRMATION=${settings.finalityConfirmation}` : `below what the node had finalized`
    const what = `deep fork: the database indexed block #${head.height} as ${short(head.hash)} but the node has ${nodeHash == null ? 'no such block' : short(nodeHash)}`
    let todo: string
    if (ancestor != null && oldestTarget != null && ancestor >= oldestTarget) {
        todo =
            `the chains agree at #${ancestor} (a fork ${head.height - ancestor} or more blocks deep, ${finality}): ` +
            `stop the processor, run \`npm run rewind -- --to ${ancestor}\`, then start it again`
    } else if (ancestor != null) {
        todo =
            `the chains agree at #${ancestor}, which is older than the undo records reach (${oldestTarget == null ? 'none kept' : `back to #${oldestTarget}`}, REWIND_WINDOW=${settings.window}): ` +
            `re-index: empty the database (or use a new one) and start the processor again`
    } else {
        todo = `no block the database knows is on the node's chain: check RPC_ENDPOINT (another chain?), or re-index into an empty database`
    }
    return {head: {height: head.height, hash: head.hash}, nodeHash, ancestor, oldestTarget, line: `${what}; ${todo}`}
}
