/**
 * Settings of `npm run audit` (src/audit/): the node it reads chain storage from.
 *
 *   RPC_ENDPOINT  the node (ws://, wss://, http://, https://); `--rpc URL` overrides it. Any archive node of
 *                 Khala or Phala, or the devnet. Without either, the node of a running `npm start`, else the
 *                 devnet's default address when CHAIN=devnet.
 *
 * The database is the processor's (DB_URL / DB_*, src/db/connection.ts).
 */
import {CHAIN_PRESETS, ConfigError, type Env, nonEmpty} from './index'

const PROTOCOLS = ['ws:', 'wss:', 'http:', 'https:']

/**
 * The node the audit reads from: `--rpc` first, then RPC_ENDPOINT, then the node of a running `npm start`
 * (`startNode`, from its connection file), then the devnet default under an explicit CHAIN=devnet.
 */
export function auditRpcEndpoint(flag: string | undefined, env: Env = process.env, startNode?: string): string {
    const name = flag != null ? '--rpc' : 'RPC_ENDPOINT'
    let url = flag ?? nonEmpty(env, 'RPC_ENDPOINT') ?? startNode
    if (url == null && nonEmpty(env, 'CHAIN') === 'devnet') url = CHAIN_PRESETS.devnet.defaultRpc
    if (url == null) {
        throw new ConfigError(
            'RPC_ENDPOINT',
            'the audit needs a node to read chain storage from: set RPC_ENDPOINT, pass --rpc URL, or run `npm start` first to use its node'
        )
    }
    let parsed: URL
    try {
        parsed = new URL(url)
    } catch {
        throw new ConfigError(name, `not a URL: ${JSON.stringify(url)}`)
    }
    if (!PROTOCOLS.includes(parsed.protocol)) throw new ConfigError(name, `must be a ws://, wss://, http:// or https:// URL, got ${url}`)
    return url
}
