/**
 * Hand-made DevBlock fixtures for the devnet's own tests (the simulator is someone else's and may be absent):
 * a v1-era chain, a runtime upgrade, a v2-era chain (see devnet/chain/builtin.ts), alternative branches for
 * forks, and helpers to locate the real Khala metadata the repository keeps in chain/khala.
 */
import * as fs from 'fs'
import * as path from 'path'
import {alternativeBlocks, fixtureScenario, FixtureOptions} from '../../devnet/chain/builtin'
import type {DevBlock, DevStorageWrite} from '../../devnet/model'

export {acct, worker, session, hex32, stakePoolValue, vaultValue, tokenomics, alternativeBlocks} from '../../devnet/chain/builtin'

export function fixture(opts: FixtureOptions = {}): {genesis: DevStorageWrite[]; blocks: DevBlock[]} {
    return fixtureScenario(opts)
}

/** the v1 → v2 upgrade: height of the first v2-era block in the default fixture */
export const FIXTURE_UPGRADE_HEIGHT = 7
export const FIXTURE_HEIGHT = 20

/** alternative content for the last `n` blocks of `blocks` */
export function altTail(blocks: DevBlock[], n: number, salt = 1): DevBlock[] {
    return alternativeBlocks(blocks.slice(blocks.length - n), salt)
}

function findRepoRoot(start: string): string {
    let dir = start
    for (;;) {
        if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'devnet'))) return dir
        let up = path.dirname(dir)
        if (up === dir) throw new Error(`repository root not found above ${start}`)
        dir = up
    }
}

export const REPO_ROOT = findRepoRoot(__dirname)
/** the in-repo copy of the real Khala metadata (chain/khala/README.md) */
export const CHAIN_DIR = path.join(REPO_ROOT, 'chain', 'khala')

/** The path of a file of chain/khala; throws, naming the file, when it is not there (the tests fail, never skip). */
export function chainFile(name: string): string {
    let f = path.join(CHAIN_DIR, name)
    if (!fs.existsSync(f)) {
        throw new Error(
            `real Khala metadata missing: ${f} does not exist. It is part of the repository (chain/khala, see ` +
                'chain/khala/README.md): the devnet is checked against it. Restore it with `git checkout -- chain/khala`.'
        )
    }
    return f
}

/** the real metadata of a Khala spec (900, 1130, 1140, 1170 or 1251) */
export function realMetadataFile(spec: number): string {
    return chainFile(`khala-${spec}.scale`)
}

/** JSON-comparable form: integers as decimal strings, bytes as hex, undefined as null, keys sorted */
export function canon(v: unknown): unknown {
    if (v === undefined || v === null) return null
    if (typeof v === 'bigint' || typeof v === 'number') return String(v)
    if (typeof v === 'string') return v.startsWith('0x') ? v.toLowerCase() : v
    if (v instanceof Uint8Array) return '0x' + Buffer.from(v).toString('hex')
    if (Array.isArray(v)) return v.map(canon)
    if (typeof v === 'object') {
        let out: {[k: string]: unknown} = {}
        for (let k of Object.keys(v as object).sort()) out[k] = canon((v as any)[k])
        return out
    }
    return v
}

/** Silences @polkadot/types' "Unknown signed extensions CheckMqSequence" warning (real Khala has that extension). */
export function quietPolkadotWarnings(): void {
    let orig = console.warn
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
        if (args.some(a => typeof a === 'string' && (a.includes('Unknown signed extensions') || a.includes('API/INIT')))) return
        orig(...args)
    })
}
