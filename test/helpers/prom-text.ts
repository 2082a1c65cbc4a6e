/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for the tests of /metrics:
 * every line must be a HELP, TYPE, comment, blank or sample line of the right form; a family's TYPE comes
 * before its samples and once; a family's samples are contiguous; no series appears twice; counters are
 * non-negative; histograms have cumulative buckets ending in le="+Inf" equal to _count, and a _sum.
 * Throws an Error naming the line on any violation.
 */

export interface Sample {
    name: string
    labels: Record<string, string>
    value: number
}

export interface Family {
    name: string
    type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'
    help?: string
    samples: Sample[]
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

function parseValue(s: string, where: string): number {
    if (s === '+Inf' || s === 'Inf') return Infinity
    if (s === '-Inf') return -Infinity
    if (s === 'NaN') return NaN
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`${where}: bad value ${JSON.stringify(s)}`)
    return Number(s)
}

/** `{a="x",b="y"}` from position i of line: the labels and the position after `}` */
function parseLabels(line: string, i: number, where: string): [Record<string, string>, number] {
    const labels: Record<string, string> = {}
    i++ // {
    for (;;) {
        if (line[i] === '}') return [labels, i + 1]
        const eq = line.indexOf('=', i)
        if (eq < 0) throw new Error(`${where}: label without '='`)
        const name = line.slice(i, eq).trim()
        if (!LABEL_NAME.test(name)) throw new Error(`${where}: bad label name ${JSON.stringify(name)}`)
        if (name in labels) throw new Error(`${where}: label ${name} twice`)
        if (line[eq + 1] !== '"') throw new Error(`${where}: label value of ${name} not quoted`)
        let j = eq + 2
        let value = ''
        for (;;) {
            const c = line[j]
            if (c == null) throw new Error(`${where}: unterminated label value`)
            if (c === '"') break
            if (c === '\\') {
                const n = line[j + 1]
                if (n === '\\') value += '\\'
                else if (n === '"') value += '"'
                else if (n === 'n') value += '\n'
                else throw new Error(`${where}: bad escape \\${n}`)
                j += 2
            } else {
                value += c
                j++
            }
        }
        labels[name] = value
        i = j + 1
        if (line[i] === ',') i++
        else if (line[i] !== '}') throw new Error(`${where}: expected ',' or '}' after label ${name}`)
    }
}

/** the family a sample belongs to: its name less a histogram's or summary's suffix */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
    const direct = families.get(name)
    if (direct) return direct
    for (const suffix of ['_bucket', '_sum', '_count']) {
        if (!name.endsWith(suffix)) continue
        const f = families.get(name.slice(0, -suffix.length))
        if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return f
    }
    return undefined
}

export function parsePrometheusText(text: string): Map<string, Family> {
    const families = new Map<string, Family>()
    const closed = new Set<string>()
    const seen = new Set<string>()
    let current: Family | undefined
    const lines = text.split('\n')
    if (lines[lines.length - 1] !== '') throw new Error('the text does not end with a newline')
    lines.pop()
    lines.forEach((line, n) => {
        const where = `line ${n + 1} (${JSON.stringify(line.slice(0, 80))})`
        if (line.trim() === '') return
        if (line.startsWith('#')) {
            const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line)
            if (!m) return // a plain comment
            const [, kind, name, rest] = m
            if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name`)
            let f = families.get(name)
            if (f && closed.has(name)) throw new Error(`${where}: ${kind} of ${name} after its samples ended`)
            if (f == null) {
                if (current) closed.add(current.name)
                f = {name, type: 'untyped', samples: []}
                families.set(name, f)
                current = f
            }
            if (kind === 'TYPE') {
                if (f.samples.length > 0) throw new Error(`${where}: TYPE after samples`)
                if (!TYPES.has(rest ?? '')) throw new Error(`${where}: unknown type ${JSON.stringify(rest)}`)
                f.type = rest as Family['type']
            } else {
                if (f.help != null) throw new Error(`${where}: HELP twice`)
                f.help = rest ?? ''
            }
            return
        }
        const nameEnd = line.search(/[{\s]/)
        if (nameEnd <= 0) throw new Error(`${where}: not a sample`)
        const name = line.slice(0, nameEnd)
        if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name`)
        let labels: Record<string, string> = {}
        let i = nameEnd
        if (line[i] === '{') [labels, i] = parseLabels(line, i, where)
        const parts = line.slice(i).trim().split(/\s+/)
        if (parts.length < 1 || parts.length > 2 || parts[0] === '') throw new Error(`${where}: expected a value and an optional timestamp`)
        const value = parseValue(parts[0], where)
        if (parts[1] != null && !/^-?\d+$/.test(parts[1])) throw new Error(`${where}: bad timestamp`)
        let f = familyOf(name, families)
        if (f == null) {
            if (current) closed.add(current.name)
            f = {name, type: 'untyped', samples: []}
            families.set(name, f)
            current = f
        }
        if (f !== current) throw new Error(`${where}: samples of ${f.name} are not together`)
        const key = name + JSON.stringify(Object.entries(labels).sort())
        if (seen.has(key)) throw new Error(`${where}: series twice`)
        seen.add(key)
        if (f.type === 'counter' && !(value >= 0)) throw new Error(`${where}: negative counter`)
        f.samples.push({name, labels, value})
    })
    for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f)
    return families
}

function checkHistogram(f: Family): void {
    const series = new Map<string, {buckets: [number, number][]; sum?: number; count?: number}>()
    for (const s of f.samples) {
        const {le, ...rest} = s.labels
        const key = JSON.stringify(Object.entries(rest).sort())
        const e = series.get(key) ?? {buckets: []}
        series.set(key, e)
        if (s.name === f.name + '_bucket') {
            if (le == null) throw new Error(`${f.name}: bucket without le`)
            e.buckets.push([parseValue(le, `${f.name} le`), s.value])
        } else if (s.name === f.name + '_sum') e.sum = s.value
        else if (s.name === f.name + '_count') e.count = s.value
        else throw new Error(`${f.name}: unexpected sample ${s.name}`)
    }
    for (const [key, e] of series) {
        const where = `${f.name}${key}`
        if (e.sum == null || e.count == null) throw new Error(`${where}: no _sum or _count`)
        if (e.buckets.length === 0 || e.buckets[e.buckets.length - 1][0] !== Infinity) throw new Error(`${where}: no le="+Inf" bucket last`)
        for (let i = 1; i < e.buckets.length; i++) {
            if (!(e.buckets[i][0] > e.buckets[i - 1][0])) throw new Error(`${where}: bucket bounds not increasing`)
            if (e.buckets[i][1] < e.buckets[i - 1][1]) throw new Error(`${where}: buckets not cumulative`)
        }
        if (e.buckets[e.buckets.length - 1][1] !== e.count) throw new Error(`${where}: +Inf bucket differs from _count`)
    }
}

/** the one sample of `name` whose labels include `labels` (throws when there is none or several) */
export function sample(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
    const matches: Sample[] = []
    for (const f of families.values()) {
        for (const s of f.samples) {
            if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) matches.push(s)
        }
    }
    if (matches.length !== 1) throw new Error(`${matches.length} samples of ${name}${JSON.stringify(labels)}`)
    return matches[0].value
}

/** the samples of `name` (any labels) */
export function samples(families: Map<string, Family>, name: string): Sample[] {
    return [...families.values()].flatMap(f => f.samples.filter(s => s.name === name))
}
