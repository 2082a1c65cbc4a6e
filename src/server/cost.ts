/**
 * The cost of a GraphQL query, counted before anything runs (src/server/admission.ts refuses a query over
 * GQL_MAX_QUERY_COST / GQL_MAX_FILTER_NODES and sends the rest to the cheap, the analytics or the expensive
 * lane by it).
 *
 * OpenReader's own response-size estimate (GQL_MAX_RESPONSE_NODES) is made per root field from a tree in
 * which the aliases of one scalar field count once, so `payouts(limit: 1000) { a1: id … a5000: id }`
 * passed it and answered 5,000 values per row. Here every field of the document counts, each alias and
 * each fragment use separately:
 *
 * - result nodes: a scalar is 1, an object 1 + its fields, a list 1 + rows × its row (at least 1); lists
 *   nest by multiplying. Rows: `limit` of an entity list (without one: the ids its `where` names, else
 *   unbounded), `first` of a connection (default 100, as OpenReader), the page `limit` or the bucket count
 *   of the range (`from`, `to`, `granularity`) of an analytics query, the largest list an analytics
 *   resolver returns (10,000 intervals…), and for any other list DEFAULT_LIST_ROWS; introspection lists
 *   are as long as the schema's own;
 * - filter nodes: every key and every array element of a `where` (and of any list argument but an
 *   `orderBy`), so 4,000 OR-ed conditions are 4,002 nodes; a filter of a list counts once per row of its parents;
 * - cost = result nodes + FILTER_NODE_WEIGHT × filter nodes + COUNT_WEIGHT per `totalCount` +
 *   ANALYTICS_WEIGHT per analytics root field (their SQL aggregates whole ranges).
 *
 * An entity list or connection OpenReader certainly refuses itself (no `limit` and no bounding filter, or
 * a page whose size alone is over GQL_MAX_RESPONSE_NODES, counted as OpenReader counts) is left to it: it
 * refuses that field before any SQL with the message that says which `limit` fits. Such fields are listed
 * in `deferred` and their result nodes are not counted.
 */
import {
    FieldNode,
    FragmentDefinitionNode,
    getNamedType,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    isCompositeType,
    isEnumType,
    isUnionType,
    isInputObjectType,
    isInterfaceType,
    isListType,
    isNonNullType,
    isObjectType,
    Kind,
    OperationDefinitionNode,
    SelectionSetNode,
    GraphQLType,
} from 'graphql'
import {getArgumentValues} from 'graphql/execution/values'
import {bucketCount, Granularity, GRANULARITIES, MAX_BUCKETS, parseRange} from '../queries/params'
import {MAX_INTERVALS, MAX_SETTLE_POINTS} from '../queries/timeline'

/** rows assumed for a list whose length nothing in the request bounds */
export const DEFAULT_LIST_ROWS = 100
/** OpenReader's page size of a connection without `first` */
export const DEFAULT_CONNECTION_FIRST = 100
export const FILTER_NODE_WEIGHT = 10
export const COUNT_WEIGHT = 100
export const ANALYTICS_WEIGHT = 1000
/** v1 pools assumed for one account's `v1StakerRewards` */
export const V1_POOLS_ROWS = 20
/** buckets assumed for a series whose range is open (`emission` without `from` / `to`), and the most days assumed */
export const OPEN_RANGE_BUCKETS = 1000

/**
 * Fields below an analytics root whose SQL is not bounded by the range asked for: the reconciliation's
 * lifetime checks sum every payout and reward of the subject (seconds to a minute for the busiest owner at
 * 2×10^7 payouts, docs/scaling.md)
 */
export const HEAVY_ANALYTICS_FIELDS = new Set(['reconciliation'])

/** does `set` (fragments resolved) select a field named in `names`, at any depth */
function selectsAny(set: SelectionSetNode | undefined, names: Set<string>, fragments: Record<string, FragmentDefinitionNode>, depth = 0): boolean {
    if (set == null || depth > 50) return false
    for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
            if (names.has(sel.name.value) || selectsAny(sel.selectionSet, names, fragments, depth + 1)) return true
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
            if (selectsAny(sel.selectionSet, names, fragments, depth + 1)) return true
        } else if (fragments[sel.name.value] && selectsAny(fragments[sel.name.value].selectionSet, names, fragments, depth + 1)) return true
    }
    return false
}

export interface QueryCost {
    /** the whole cost, in the unit of GQL_MAX_QUERY_COST */
    cost: number
    /** estimated result nodes, every alias counted */
    nodes: number
    filterNodes: number
    /** root fields OpenReader refuses itself before running them (see above) */
    deferred: string[]
    /** the root field (response key) that costs most, and its cost */
    heaviest?: {field: string; cost: number}
    /** root fields (response keys) */
    rootFields: number
    /** the query has an analytics root field */
    analytics: boolean
    /** the cost of its root fields that are not analytics (entity lists, connections, lookups, status, introspection) */
    otherCost: number
    /** an analytics root field selects one of HEAVY_ANALYTICS_FIELDS (a payoutAudit's `reconciliation`) */
    heavyAnalytics: boolean
    /** introspection only (`__schema`, `__type`, `__typename`) */
    introspection: boolean
}

interface Part {
    nodes: number
    filter: number
    extra: number
}

const ZERO: Part = {nodes: 0, filter: 0, extra: 0}

function add(a: Part, b: Part): Part {
    return {nodes: a.nodes + b.nodes, filter: a.filter + b.filter, extra: a.extra + b.extra}
}

function partCost(p: Part): number {
    return p.nodes + FILTER_NODE_WEIGHT * p.filter + p.extra
}

/** what a list below a root field needs to know of it */
interface Ctx {
    /** the root field's arguments (analytics: limit, from, to, granularity) */
    root: Record<string, unknown>
    /** which root field (fragments are counted once per root field) */
    rootId: number
    /** `first` of the enclosing connection */
    first?: number
    /** inside `__schema` / `__type` */
    introspection?: boolean
    /** `ofType` levels above (introspection) */
    ofType?: number
}

/** type wrappers of this schema are at most NonNull(List(NonNull(T))): deeper `ofType`s are null */
const MAX_OF_TYPE = 3

/** average lengths of the introspection lists of a schema (their products give the schema's totals) */
interface IntrospectionSizes {
    types: number
    fields: number
    inputFields: number
    args: number
    enumValues: number
    interfaces: number
    possibleTypes: number
    directives: number
}

const introspectionSizes = new WeakMap<GraphQLSchema, IntrospectionSizes>()

function sizesOf(schema: GraphQLSchema): IntrospectionSizes {
    let s = introspectionSizes.get(schema)
    if (s) return s
    const types = Object.values(schema.getTypeMap())
    let fields = 0
    let inputFields = 0
    let args = 0
    let enumValues = 0
    let interfaces = 0
    let possible = 0
    for (const t of types) {
        if (isObjectType(t) || isInterfaceType(t)) {
            const fs = Object.values(t.getFields())
            fields += fs.length
            for (const f of fs) args += f.args.length
            interfaces += t.getInterfaces().length
        } else if (isInputObjectType(t)) {
            inputFields += Object.keys(t.getFields()).length
        } else if (isEnumType(t)) {
            enumValues += t.getValues().length
        }
        if (isInterfaceType(t) || isUnionType(t)) possible += schema.getPossibleTypes(t).length
    }
    const n = Math.max(types.length, 1)
    s = {
        types: types.length,
        fields: Math.ceil(fields / n),
        inputFields: Math.ceil(inputFields / n),
        args: Math.ceil(args / Math.max(fields, 1)) || 1,
        enumValues: Math.ceil(enumValues / n),
        interfaces: Math.ceil(interfaces / n),
        possibleTypes: Math.ceil(possible / n),
        directives: schema.getDirectives().length,
    }
    introspectionSizes.set(schema, s)
    return s
}

/** nodes of an argument value: every key, every array element, every scalar */
export function valueNodes(v: unknown): number {
    if (v == null) return 0
    if (Array.isArray(v)) {
        let n = 1
        for (const x of v) n += valueNodes(x)
        return n
    }
    if (typeof v === 'object') {
        let n = 0
        for (const x of Object.values(v as object)) n += 1 + valueNodes(x)
        return Math.max(n, 1)
    }
    return 0
}

/**
 * rows a `where` can match at most: ids named (`id_eq`, `id_in`), AND → the fewest, OR → the sum;
 * `openreader`: OpenReader's own estimate (OR → the most), which is never larger
 */
export function whereRows(where: unknown, openreader = false): number {
    if (where == null || typeof where !== 'object' || Array.isArray(where)) return Infinity
    let rows = Infinity
    for (const [k, v] of Object.entries(where as Record<string, unknown>)) {
        if (v == null) continue
        let r = Infinity
        if (k === 'id_eq') r = 1
        else if (k === 'id_in' && Array.isArray(v)) r = v.length
        else if (k === 'AND') r = Math.min(...(Array.isArray(v) ? v : [v]).map(x => whereRows(x, openreader)))
        else if (k === 'OR') {
            const xs = (Array.isArray(v) ? v : [v]).map(x => whereRows(x, openreader))
            r = xs.length === 0 ? Infinity : openreader ? Math.max(...xs) : xs.reduce((a, b) => a + b, 0)
        }
        rows = Math.min(rows, r)
    }
    return rows
}

function granularity(v: unknown): Granularity {
    return typeof v === 'string' && (GRANULARITIES as string[]).includes(v) ? (v as Granularity) : 'DAY'
}

/** buckets of the root field's range; a range the resolver refuses costs 1 (it is refused before SQL) */
function buckets(root: Record<string, unknown>, g: Granularity = granularity(root.granularity)): number {
    if (root.from == null || root.to == null) return OPEN_RANGE_BUCKETS
    try {
        return Math.max(1, Math.min(bucketCount(parseRange(root.from, root.to), g), MAX_BUCKETS))
    } catch {
        return 1
    }
}

function rootLimit(root: Record<string, unknown>, dflt: number): number {
    const l = root.limit
    return typeof l === 'number' && Number.isFinite(l) && l >= 0 ? l : dflt
}

/** rows of an analytics list field `Type.field` */
function analyticsRows(typeName: string, field: string, ctx: Ctx): number {
    switch (`${typeName}.${field}`) {
        case 'PayoutAudit.payouts':
            return rootLimit(ctx.root, 100)
        case 'PayoutAudit.buckets':
        case 'EmissionReport.series':
            return buckets(ctx.root)
        case 'WorkerTimeline.series':
            return buckets(ctx.root)
        case 'WorkerTimeline.payoutsPerDay':
            return buckets(ctx.root, 'DAY') + 1
        case 'WorkerTimeline.intervals':
            return MAX_INTERVALS
        case 'WorkerTimeline.vSeries':
            return MAX_SETTLE_POINTS
        case 'PoolLeaderboard.entries':
            return rootLimit(ctx.root, 20)
        case 'PayoutAudit.v1StakerRewards':
            // the v1 pools an account delegated to
            return V1_POOLS_ROWS
        case 'V1StakerRewardsOut.days':
            // only the days on which its rewards moved: at most the range's days
            return Math.min(buckets(ctx.root, 'DAY') + 1, OPEN_RANGE_BUCKETS)
    }
    return DEFAULT_LIST_ROWS
}

function introspectionRows(field: string, s: IntrospectionSizes): number {
    switch (field) {
        case 'types':
            return s.types
        case 'fields':
            return s.fields
        case 'inputFields':
            return s.inputFields
        case 'args':
            return s.args
        case 'enumValues':
            return s.enumValues
        case 'interfaces':
            return s.interfaces
        case 'possibleTypes':
            return s.possibleTypes
        case 'directives':
            return s.directives
        case 'locations':
            return 20
    }
    return DEFAULT_LIST_ROWS
}

type RootKind = 'list' | 'connection' | 'byId' | 'status' | 'introspection' | 'analytics'

function rootKind(name: string, def: GraphQLField<unknown, unknown> | undefined): RootKind {
    if (name.startsWith('__')) return 'introspection'
    if (name === 'squidStatus') return 'status'
    const args = new Set(def?.args.map(a => a.name) ?? [])
    if (args.has('where') && args.has('orderBy') && args.has('first') && args.has('after')) return 'connection'
    if (args.has('where') && args.has('limit') && def && isListType(isNonNullType(def.type) ? def.type.ofType : def.type)) return 'list'
    if (name.endsWith('ById') && args.size === 1 && args.has('id')) return 'byId'
    return 'analytics'
}

class Counter {
    private readonly memo = new Map<string, Part>()
    private readonly fragments: Record<string, FragmentDefinitionNode>

    constructor(
        private readonly schema: GraphQLSchema,
        fragments: Record<string, FragmentDefinitionNode>,
        private readonly variables: Record<string, unknown>
    ) {
        this.fragments = fragments
    }

    args(def: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
        try {
            return getArgumentValues(def, node, this.variables)
        } catch {
            // invalid arguments: graphql refuses the field before its resolver runs
            return {}
        }
    }

    /** filter nodes of the arguments: input objects (`where`) and lists other than of enum values (`orderBy`) */
    filterNodes(def: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
        let n = 0
        for (const a of def.args) {
            const t = isNonNullType(a.type) ? a.type.ofType : a.type
            const named = getNamedType(t)
            if (isInputObjectType(named) || (isListType(t) && !isEnumType(named))) n += valueNodes(args[a.name])
        }
        return n
    }

    selection(set: SelectionSetNode | undefined, parent: GraphQLNamedType, ctx: Ctx): Part {
        if (set == null) return ZERO
        let total = ZERO
        for (const sel of set.selections) {
            if (sel.kind === Kind.FIELD) {
                total = add(total, this.field(sel, parent, ctx))
            } else if (sel.kind === Kind.INLINE_FRAGMENT) {
                const t = sel.typeCondition ? (this.schema.getType(sel.typeCondition.name.value) ?? parent) : parent
                total = add(total, this.selection(sel.selectionSet, t, ctx))
            } else {
                const frag = this.fragments[sel.name.value]
                if (frag == null) continue
                // the count of a fragment depends only on its type and on what its lists inherit
                const memoKey = `${sel.name.value}|${ctx.rootId}|${ctx.first ?? ''}|${ctx.introspection ? 1 : 0}|${ctx.ofType ?? 0}`
                let p = this.memo.get(memoKey)
                if (p == null) {
                    const t = this.schema.getType(frag.typeCondition.name.value) ?? parent
                    p = this.selection(frag.selectionSet, t, ctx)
                    this.memo.set(memoKey, p)
                }
                total = add(total, p)
            }
        }
        return total
    }

    field(node: FieldNode, parent: GraphQLNamedType, ctx: Ctx): Part {
        const name = node.name.value
        if (name === '__typename') return {nodes: 1, filter: 0, extra: 0}
        let def: GraphQLField<unknown, unknown> | undefined
        if (name === '__schema' || name === '__type') {
            const t = this.schema.getType(name === '__schema' ? '__Schema' : '__Type')
            if (t == null) return {nodes: 1, filter: 0, extra: 0}
            return add({nodes: 1, filter: 0, extra: 0}, this.selection(node.selectionSet, t, {...ctx, introspection: true}))
        }
        if (ctx.introspection && name === 'ofType') {
            const depth = (ctx.ofType ?? 0) + 1
            if (depth > MAX_OF_TYPE) return {nodes: 1, filter: 0, extra: 0}
            ctx = {...ctx, ofType: depth}
        } else if (ctx.introspection && ctx.ofType) ctx = {...ctx, ofType: 0}
        if (isObjectType(parent) || isInterfaceType(parent)) def = parent.getFields()[name]
        if (def == null) return {nodes: 1, filter: 0, extra: 0}
        const args = this.args(def, node)
        const filter = this.filterNodes(def, args)
        let type: GraphQLType = def.type
        if (isNonNullType(type)) type = type.ofType
        const named = getNamedType(type)
        let childCtx = ctx
        if (name === 'totalCount' && parent.name.endsWith('Connection')) return {nodes: 1, filter: 0, extra: COUNT_WEIGHT}
        if (parent.name.endsWith('Connection') && name === 'edges') {
            // rows: the connection's page
        } else if (isObjectType(named) && named.name.endsWith('Connection') && 'first' in args) {
            const f = args.first
            childCtx = {...ctx, first: typeof f === 'number' && f >= 0 ? f : DEFAULT_CONNECTION_FIRST}
        }
        const child = isCompositeType(named) ? this.selection(node.selectionSet, named, childCtx) : ZERO
        if (!isListType(type)) return {nodes: child.nodes + 1, filter: child.filter + filter, extra: child.extra}
        let rows: number
        if (ctx.introspection) rows = introspectionRows(name, sizesOf(this.schema))
        else if (parent.name.endsWith('Connection') && name === 'edges') rows = ctx.first ?? DEFAULT_CONNECTION_FIRST
        else if (parent === this.schema.getQueryType()) {
            const l = args.limit
            rows = typeof l === 'number' && l >= 0 ? Math.min(l, whereRows(args.where)) : whereRows(args.where)
        } else rows = analyticsRows(parent.name, name, ctx)
        // a list of lists (none in this schema) counts its inner lists as DEFAULT_LIST_ROWS each
        const inner = isListType(isNonNullType(type.ofType) ? type.ofType.ofType : type.ofType) ? DEFAULT_LIST_ROWS : 1
        return {
            nodes: 1 + rows * inner * Math.max(child.nodes, 1),
            filter: filter + rows * child.filter,
            extra: rows * child.extra,
        }
    }
}

/** distinct fields of a selection, each once: a lower bound of OpenReader's size of one row */
function distinctFields(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, seen = new Set<string>(), depth = 0): number {
    if (set == null || depth > 20) return seen.size
    for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
            if (sel.name.value !== '__typename') seen.add(sel.name.value)
        } else if (sel.kind === Kind.INLINE_FRAGMENT) distinctFields(sel.selectionSet, fragments, seen, depth + 1)
        else {
            const f = fragments[sel.name.value]
            if (f) distinctFields(f.selectionSet, fragments, seen, depth + 1)
        }
    }
    return seen.size
}

/** the `node { … }` selection of a connection's `edges { node { … } }`, if asked for */
function connectionNodes(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>): SelectionSetNode[] {
    const out: SelectionSetNode[] = []
    const walk = (s: SelectionSetNode | undefined, want: string, then: (f: FieldNode) => void, depth = 0) => {
        if (s == null || depth > 20) return
        for (const sel of s.selections) {
            if (sel.kind === Kind.FIELD) {
                if (sel.name.value === want) then(sel)
            } else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet, want, then, depth + 1)
            else walk(fragments[sel.name.value]?.selectionSet, want, then, depth + 1)
        }
    }
    walk(set, 'edges', e => walk(e.selectionSet, 'node', n => n.selectionSet && out.push(n.selectionSet)))
    return out
}

/**
 * Whether OpenReader refuses this entity list / connection itself before running it: its own estimate
 * (OR counts its largest branch; each distinct field once) is over `maxResponseNodes` already.
 */
function openreaderRefuses(
    kind: RootKind,
    node: FieldNode,
    args: Record<string, unknown>,
    fragments: Record<string, FragmentDefinitionNode>,
    maxResponseNodes: number
): boolean {
    const card = whereRows(args.where, true)
    if (kind === 'list') {
        const l = args.limit
        const rows = typeof l === 'number' && l >= 0 ? Math.min(l, card) : card
        return rows * Math.max(distinctFields(node.selectionSet, fragments), 1) + 1 > maxResponseNodes
    }
    const f = args.first
    const first = typeof f === 'number' && f >= 0 ? f : DEFAULT_CONNECTION_FIRST
    const nodeSets = connectionNodes(node.selectionSet, fragments)
    if (nodeSets.length === 0) return false
    const seen = new Set<string>()
    for (const s of nodeSets) distinctFields(s, fragments, seen)
    return Math.min(first, card) * Math.max(seen.size, 1) + 1 > maxResponseNodes
}

/**
 * The cost of `operation` (a query of `schema`) with `variables` (already coerced by graphql's rules, or
 * the raw JSON: only their values are read). `maxResponseNodes`: OpenReader's limit (fields it refuses
 * itself are left to it).
 */
export function queryCost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Record<string, FragmentDefinitionNode>,
    variables: Record<string, unknown>,
    maxResponseNodes: number
): QueryCost {
    const counter = new Counter(schema, fragments, variables)
    const query = schema.getQueryType()
    const out: QueryCost = {
        cost: 0,
        nodes: 0,
        filterNodes: 0,
        deferred: [],
        analytics: false,
        otherCost: 0,
        heavyAnalytics: false,
        introspection: true,
        rootFields: 0,
    }
    if (query == null) return out
    let total = ZERO
    const perKey = new Map<string, number>()
    // the root fields, fragments resolved
    const roots: FieldNode[] = []
    const collect = (set: SelectionSetNode, depth = 0) => {
        if (depth > 50) return
        for (const sel of set.selections) {
            if (sel.kind === Kind.FIELD) roots.push(sel)
            else if (sel.kind === Kind.INLINE_FRAGMENT) collect(sel.selectionSet, depth + 1)
            else if (fragments[sel.name.value]) collect(fragments[sel.name.value].selectionSet, depth + 1)
        }
    }
    collect(operation.selectionSet)
    for (const [rootId, node] of roots.entries()) {
        const name = node.name.value
        const def = query.getFields()[name]
        const kind = rootKind(name, def)
        if (kind !== 'introspection') out.introspection = false
        let part: Part
        if ((kind === 'list' || kind === 'connection') && def) {
            const args = counter.args(def, node)
            if (openreaderRefuses(kind, node, args, fragments, maxResponseNodes)) {
                out.deferred.push(node.alias?.value ?? name)
                part = {nodes: 0, filter: counter.filterNodes(def, args), extra: 0}
            } else part = counter.field(node, query, {root: args, rootId})
        } else if (kind === 'analytics' && def) {
            out.analytics = true
            if (selectsAny(node.selectionSet, HEAVY_ANALYTICS_FIELDS, fragments)) out.heavyAnalytics = true
            const args = counter.args(def, node)
            part = add(counter.field(node, query, {root: args, rootId}), {nodes: 0, filter: 0, extra: ANALYTICS_WEIGHT})
        } else {
            part = counter.field(node, query, {root: {}, rootId})
        }
        total = add(total, part)
        if (kind !== 'analytics') out.otherCost += partCost(part)
        const key = node.alias?.value ?? name
        perKey.set(key, (perKey.get(key) ?? 0) + partCost(part))
    }
    out.nodes = total.nodes
    out.filterNodes = total.filter
    out.cost = partCost(total)
    out.rootFields = perKey.size
    for (const [field, cost] of perKey) if (out.heaviest == null || cost > out.heaviest.cost) out.heaviest = {field, cost}
    if (roots.length === 0) out.introspection = false
    return out
}
