/**
 * The devnet's JSON-RPC methods (the subset of a Substrate node that indexers and @polkadot/api use, plus devnet_*
 * admin methods). Errors follow Substrate: unknown method -32601, bad params -32602, a state query at an unknown
 * block errors with a message containing " not found", chain_* getters return null for unknown blocks.
 */
import {blake2AsHex} from '@polkadot/util-crypto'
import {ScaleWriter, toHex} from '../runtime/codec'
import type {BlockRec, Chain} from '../chain/chain'
import type {DevnetNode, ForkOptions} from '../chain/node'

export class RpcError extends Error {
    constructor(
        readonly code: number,
        message: string,
        readonly data?: unknown
    ) {
        super(message)
    }
}

export const METHOD_NOT_FOUND = -32601
export const INVALID_PARAMS = -32602

export function invalidParams(msg: string): RpcError {
    return new RpcError(INVALID_PARAMS, `Invalid params: ${msg}`)
}

export interface MethodContext {
    node: DevnetNode
    transport: 'http' | 'ws'
    /** subscription support (WebSocket only) */
    subscribe?(kind: SubscriptionKind, notification: string, extra?: unknown): string
    unsubscribe?(kind: SubscriptionKind, id: string): boolean
    info: ServerInfo
}

export type SubscriptionKind = 'newHeads' | 'allHeads' | 'finalizedHeads' | 'runtimeVersion' | 'storage'

export interface ServerInfo {
    chainName: string
    nodeName: string
    nodeVersion: string
    properties: {[k: string]: unknown}
    adminStatus(): unknown
}

type Handler = (params: any[], ctx: MethodContext) => unknown

// ---------------------------------------------------------------- param helpers

function optHash(p: unknown, what = 'block hash'): string | undefined {
    if (p == null) return undefined
    if (typeof p !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(p)) throw invalidParams(`expected a ${what} (0x + 64 hex digits), got ${JSON.stringify(p)}`)
    return p.toLowerCase()
}

function blockNumber(p: unknown): number {
    if (typeof p === 'number') {
        if (!Number.isInteger(p) || p < 0) throw invalidParams(`bad block number ${p}`)
        return p
    }
    if (typeof p === 'string' && /^0x[0-9a-fA-F]+$/.test(p)) {
        let n = parseInt(p, 16)
        if (!Number.isSafeInteger(n)) throw invalidParams(`bad block number ${p}`)
        return n
    }
    throw invalidParams(`expected a block number (integer or 0x-hex), got ${JSON.stringify(p)}`)
}

function storageKey(p: unknown, what = 'storage key'): string {
    if (typeof p !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(p)) throw invalidParams(`expected a ${what} (0x-hex), got ${JSON.stringify(p)}`)
    return p.toLowerCase()
}

function maxParams(params: any[], n: number): void {
    if (params.length > n) throw invalidParams(`expected at most ${n} parameters, got ${params.length}`)
}

/** block for a state_* call: the head when no hash is given; unknown hashes error like Substrate */
function stateBlock(chain: Chain, p: unknown): BlockRec {
    let hash = optHash(p)
    if (hash == null) return chain.head
    let b = chain.byHashHex(hash)
    if (!b) throw new RpcError(4003, `Client error: UnknownBlock: Header was not found in the database: ${hash}`)
    return b
}

/** block for a chain_* getter: the head when no hash is given, null for an unknown hash */
function chainBlock(chain: Chain, p: unknown): BlockRec | null {
    let hash = optHash(p)
    if (hash == null) return chain.head
    return chain.byHashHex(hash) ?? null
}

function hexOrNull(b: Uint8Array | null): string | null {
    return b == null ? null : toHex(b)
}

function encodeBytesVec(b: Uint8Array): Uint8Array {
    let w = new ScaleWriter(b.length + 8)
    w.compact(b.length)
    w.bytes(b)
    return w.finish()
}

// ---------------------------------------------------------------- methods

function getBlockHash(params: any[], ctx: MethodContext): unknown {
    maxParams(params, 1)
    let chain = ctx.node.chain
    let p = params[0]
    if (p == null) return chain.head.hashHex
    // hashAt: a block served from a chain file is not read for its hash
    if (Array.isArray(p)) return p.map(x => chain.hashAt(blockNumber(x)) ?? null)
    return chain.hashAt(blockNumber(p)) ?? null
}

function runtimeVersion(params: any[], ctx: MethodContext): unknown {
    maxParams(params, 1)
    let chain = ctx.node.chain
    return chain.runtimeAt(stateBlock(chain, params[0])).version
}

function getStorage(params: any[], ctx: MethodContext): unknown {
    maxParams(params, 2)
    let key = storageKey(params[0])
    let chain = ctx.node.chain
    return hexOrNull(chain.getStorage(key, stateBlock(chain, params[1])))
}

function getKeysPaged(params: any[], ctx: MethodContext): unknown {
    maxParams(params, 4)
    let prefix = params[0] == null ? '0x' : storageKey(params[0], 'key prefix')
    let count = params[1]
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw invalidParams(`expected a page size, got ${JSON.stringify(count)}`)
    if (count > 1000) throw new RpcError(-32603, `count exceeds maximum value. value: ${count}, max: 1000`)
    let start = params[2] == null ? undefined : storageKey(params[2], 'start key')
    let chain = ctx.node.chain
    let keys = chain.keys(prefix, stateBlock(chain, params[3]))
    if (start != null) keys = keys.filter(k => k > start!)
    return keys.slice(0, count)
}

function stateCall(params: any[], ctx: MethodContext): unknown {
    maxParams(params, 3)
    let method = params[0]
    if (typeof method !== 'string') throw invalidParams('expected a runtime API method name')
    let data = storageKey(params[1] ?? '0x', 'call data')
    let chain = ctx.node.chain
    let rt = chain.runtimeAt(stateBlock(chain, params[2]))
    switch (method) {
        case 'Core_version':
            return toHex(rt.encodeVersion())
        case 'Metadata_metadata':
            return toHex(encodeBytesVec(rt.metadata.subarray(0)))
        case 'Metadata_metadata_versions':
            return '0x040e000000'
        case 'Metadata_metadata_at_version': {
            let v = data.length >= 10 ? parseInt(data.slice(2, 10).match(/../g)!.reverse().join(''), 16) : -1
            if (v !== 14) return '0x00'
            return '0x01' + toHex(encodeBytesVec(rt.metadata)).slice(2)
        }
        default:
            throw new RpcError(4003, `Client error: Execution failed: Other: Exported method ${method} is not found`)
    }
}

function subscription(kind: SubscriptionKind, notification: string): Handler {
    return (params, ctx) => {
        if (!ctx.subscribe) throw new RpcError(METHOD_NOT_FOUND, 'Method not found (subscriptions need a WebSocket connection)')
        if (kind === 'storage') {
            let keys = params[0]
            if (keys != null && (!Array.isArray(keys) || keys.some(k => typeof k !== 'string'))) throw invalidParams('expected a list of storage keys')
            return ctx.subscribe(kind, notification, keys == null ? null : keys.map((k: unknown) => storageKey(k)))
        }
        return ctx.subscribe(kind, notification)
    }
}

function unsubscription(kind: SubscriptionKind): Handler {
    return (params, ctx) => {
        if (!ctx.unsubscribe) throw new RpcError(METHOD_NOT_FOUND, 'Method not found (subscriptions need a WebSocket connection)')
        let id = params[0]
        if (typeof id !== 'string' && typeof id !== 'number') throw invalidParams('expected a subscription id')
        return ctx.unsubscribe(kind, String(id))
    }
}

function adminParams(params: any[]): any {
    let p = params[0]
    if (p == null) return {}
    if (typeof p !== 'object' || Array.isArray(p)) throw invalidParams('expected an object parameter')
    return p
}

export const METHODS: {[name: string]: Handler} = {
    chain_getBlockHash: getBlockHash,
    chain_getHead: getBlockHash,
    chain_getFinalizedHead(params, ctx) {
        maxParams(params, 0)
        return ctx.node.chain.finalized.hashHex
    },
    chain_getHeader(params, ctx) {
        maxParams(params, 1)
        let b = chainBlock(ctx.node.chain, params[0])
        return b && ctx.node.chain.headerJson(b)
    },
    chain_getBlock(params, ctx) {
        maxParams(params, 1)
        let b = chainBlock(ctx.node.chain, params[0])
        return b && ctx.node.chain.blockJson(b)
    },
    chain_subscribeNewHeads: subscription('newHeads', 'chain_newHead'),
    chain_unsubscribeNewHeads: unsubscription('newHeads'),
    chain_subscribeAllHeads: subscription('allHeads', 'chain_allHead'),
    chain_unsubscribeAllHeads: unsubscription('allHeads'),
    chain_subscribeFinalizedHeads: subscription('finalizedHeads', 'chain_finalizedHead'),
    chain_unsubscribeFinalizedHeads: unsubscription('finalizedHeads'),
    state_getRuntimeVersion: runtimeVersion,
    state_subscribeRuntimeVersion: subscription('runtimeVersion', 'state_runtimeVersion'),
    state_unsubscribeRuntimeVersion: unsubscription('runtimeVersion'),
    state_getMetadata(params, ctx) {
        maxParams(params, 1)
        let chain = ctx.node.chain
        return chain.runtimeAt(stateBlock(chain, params[0])).metadataHex
    },
    state_getStorage: getStorage,
    state_getStorageHash(params, ctx) {
        let v = getStorage(params, ctx) as string | null
        return v == null ? null : blake2AsHex(Buffer.from(v.slice(2), 'hex'), 256)
    },
    state_getStorageSize(params, ctx) {
        let v = getStorage(params, ctx) as string | null
        return v == null ? null : (v.length - 2) / 2
    },
    state_queryStorageAt(params, ctx) {
        maxParams(params, 2)
        let keys = params[0]
        if (!Array.isArray(keys)) throw invalidParams('expected a list of storage keys')
        let chain = ctx.node.chain
        let b = stateBlock(chain, params[1])
        return [{block: b.hashHex, changes: keys.map(k => [storageKey(k), hexOrNull(chain.getStorage(storageKey(k), b))])}]
    },
    state_getKeys(params, ctx) {
        maxParams(params, 2)
        let prefix = storageKey(params[0], 'key prefix')
        let chain = ctx.node.chain
        return chain.keys(prefix, stateBlock(chain, params[1]))
    },
    state_getKeysPaged: getKeysPaged,
    state_getPairs(params, ctx) {
        maxParams(params, 2)
        let prefix = storageKey(params[0], 'key prefix')
        let chain = ctx.node.chain
        let b = stateBlock(chain, params[1])
        return chain.keys(prefix, b).map(k => [k, hexOrNull(chain.getStorage(k, b))])
    },
    state_subscribeStorage: subscription('storage', 'state_storage'),
    state_unsubscribeStorage: unsubscription('storage'),
    state_call: stateCall,
    system_chain: (_p, ctx) => ctx.info.chainName,
    system_name: (_p, ctx) => ctx.info.nodeName,
    system_version: (_p, ctx) => ctx.info.nodeVersion,
    system_properties: (_p, ctx) => ctx.info.properties,
    system_chainType: () => 'Development',
    system_health: () => ({peers: 0, isSyncing: false, shouldHavePeers: false}),
    system_peers: () => [],
    system_nodeRoles: () => ['Full'],
    system_localPeerId: () => '12D3KooWDevnetDevnetDevnetDevnetDevnetDevnetDevnet',
    rpc_methods: () => ({version: 1, methods: Object.keys(METHODS).sort()}),

    // ---- admin
    devnet_status: (_p, ctx) => ctx.info.adminStatus(),
    devnet_release(params, ctx) {
        let p = adminParams(params)
        let n = p.count ?? (p.empty ? 0 : 1)
        if (!Number.isInteger(n) || n < 0) throw invalidParams('count must be a non-negative integer')
        let released = ctx.node.release(n)
        let empty = 0
        if (p.empty != null) {
            if (!Number.isInteger(p.empty) || p.empty < 0) throw invalidParams('empty must be a non-negative integer')
            if (!ctx.node.exhausted) throw invalidParams('empty blocks can only follow the last source block')
            empty = ctx.node.appendEmpty(p.empty)
        }
        return {released, empty, head: ctx.node.chain.headHeight, exhausted: ctx.node.exhausted}
    },
    devnet_finalize(params, ctx) {
        let p = adminParams(params)
        let h = p.height ?? ctx.node.chain.headHeight
        if (!Number.isInteger(h) || h < 0) throw invalidParams('height must be a non-negative integer')
        ctx.node.finalize(h)
        return {finalized: ctx.node.chain.finalizedHeight}
    },
    devnet_fork(params, ctx) {
        let p = adminParams(params) as ForkOptions
        if (!Number.isInteger(p.depth)) throw invalidParams('depth (a positive integer) is required')
        if (p.blocks != null && !Array.isArray(p.blocks)) throw invalidParams('blocks must be a list of DevBlocks')
        try {
            return ctx.node.fork(p)
        } catch (e: any) {
            throw invalidParams(e.message)
        }
    },
}

/** Substrate's method aliases */
export const ALIASES: {[alias: string]: string} = {
    chain_getFinalisedHead: 'chain_getFinalizedHead',
    chain_subscribeNewHead: 'chain_subscribeNewHeads',
    chain_unsubscribeNewHead: 'chain_unsubscribeNewHeads',
    subscribe_newHead: 'chain_subscribeNewHeads',
    unsubscribe_newHead: 'chain_unsubscribeNewHeads',
    chain_subscribeFinalisedHeads: 'chain_subscribeFinalizedHeads',
    chain_unsubscribeFinalisedHeads: 'chain_unsubscribeFinalizedHeads',
    chain_getRuntimeVersion: 'state_getRuntimeVersion',
    chain_subscribeRuntimeVersion: 'state_subscribeRuntimeVersion',
    chain_unsubscribeRuntimeVersion: 'state_unsubscribeRuntimeVersion',
    state_getStorageAt: 'state_getStorage',
    state_getStorageHashAt: 'state_getStorageHash',
    state_getStorageSizeAt: 'state_getStorageSize',
    state_getKeysPagedAt: 'state_getKeysPaged',
    state_callAt: 'state_call',
}

for (let [alias, target] of Object.entries(ALIASES)) METHODS[alias] = METHODS[target]

export function isAdminMethod(method: string): boolean {
    return method.startsWith('devnet_')
}
