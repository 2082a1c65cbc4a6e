/**
 * The devnet's SQD Network gateway (history for `setGateway`): see ./server.ts and docs/devnet.md.
 */
export {GatewayServer} from './server'
export type {GatewayOptions, GatewayStats} from './server'
export {GatewayRequestError, parseQuery, BLOCK_FIELDS, EVENT_FIELDS} from './query'
export type {GatewayQuery, EventRequest} from './query'
export {decodeBlockEvents} from './blocks'
export type {GatewayEvent} from './blocks'
