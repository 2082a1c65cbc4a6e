/**
 * Custom resolvers squid-graphql-server loads (lib/server-extension/resolvers/index.js): the analytics
 * queries, all computed in SQL. OpenReader serves the entities of schema.graphql beside them.
 */
import 'reflect-metadata'

export {PayoutAuditResolver, AuditTotalsResolver, CommissionResolver} from './payout-audit'
export {EmissionResolver} from './emission'
export {PoolLeaderboardResolver} from './pools'
export {WorkerTimelineResolver} from './worker-timeline'
export {NetworkStatsResolver} from './network'
