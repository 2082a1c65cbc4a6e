/**
 * What every analytics resolver shares: the EntityManager graphql-server injects, the SQL runner over it,
 * the response-size limit of the request, and the enums.
 */
import 'reflect-metadata'
import {registerEnumType} from 'type-graphql'
import type {EntityManager} from 'typeorm'
import {cacheKey, resultCache} from '../../server/result-cache'
import {headQuery} from '../../server/head'
import {emQuery, Query} from '../../queries/sql'

/** graphql-server constructs custom resolvers with `() => Promise<EntityManager>` of the request's transaction */
export type EntityManagerGetter = () => Promise<EntityManager>

export class SqlResolver {
    constructor(private readonly tx: EntityManagerGetter) {}

    /** SQL over the request's transaction (opened on first use) */
    protected async sql(): Promise<Query> {
        return emQuery(await this.tx())
    }

    /**
     * `compute` over the request's transaction, or its cached result for the same arguments at the same
     * chain head (src/server/result-cache.ts): a hit costs no database round trip.
     */
    protected cached<T>(name: string, args: unknown, compute: (q: Query) => Promise<T>, rows?: (result: T) => number): Promise<T> {
        const head = headQuery()
        if (!head) return this.sql().then(compute)
        return resultCache().get(
            cacheKey(name, args),
            async () => head,
            () => this.sql(),
            compute,
            rows
        )
    }
}

export interface RequestContext {
    openreader?: {responseSizeLimit?: {check(cb: (left: number) => number): void}}
}

/** count `nodes` result nodes against the server's --max-response-size (the same limit OpenReader enforces) */
export function chargeResponse(ctx: RequestContext | undefined, nodes: number): void {
    ctx?.openreader?.responseSizeLimit?.check(() => nodes)
}

export enum Granularity {
    HOUR = 'HOUR',
    DAY = 'DAY',
    MONTH = 'MONTH',
}
registerEnumType(Granularity, {name: 'Granularity', description: 'UTC bucket size'})

export enum PoolLeaderboardOrder {
    APR = 'APR',
    TOTAL_VALUE = 'TOTAL_VALUE',
    REWARDS = 'REWARDS',
    WORKERS = 'WORKERS',
}
registerEnumType(PoolLeaderboardOrder, {name: 'PoolLeaderboardOrder'})

export enum LeaderboardWindow {
    HOUR = 'HOUR',
    DAY = 'DAY',
    WEEK = 'WEEK',
    MONTH = 'MONTH',
    ALL = 'ALL',
}
registerEnumType(LeaderboardWindow, {
    name: 'LeaderboardWindow',
    description: 'rewards window: the last hour / 24 h / 7 days / 30 days up to the chain head, or all time',
})

export enum ChainName {
    KHALA = 'KHALA',
    PHALA = 'PHALA',
    DEVNET = 'DEVNET',
}
registerEnumType(ChainName, {name: 'ChainName'})
