/**
 * The strict Prometheus text parser the /metrics tests rely on (test/helpers/prom-text.ts): it accepts the
 * format and refuses what a Prometheus server would refuse, so a /metrics that parses is well formed.
 */
import {parsePrometheusText, sample} from '../helpers/prom-text'

const GOOD = `# HELP req_seconds Request time
# TYPE req_seconds histogram
req_seconds_bucket{le="0.1",op="a"} 1
req_seconds_bucket{le="+Inf",op="a"} 3
req_seconds_sum{op="a"} 0.9
req_seconds_count{op="a"} 3
# a comment
# TYPE rows_total counter
rows_total{table="pay\\"out"} 7 1700000000000
up 1
`

describe('Prometheus text parser', () => {
    test('reads families, labels (with escapes), values and types', () => {
        const f = parsePrometheusText(GOOD)
        expect([...f.keys()]).toEqual(['req_seconds', 'rows_total', 'up'])
        expect(f.get('req_seconds')!.type).toBe('histogram')
        expect(sample(f, 'req_seconds_count', {op: 'a'})).toBe(3)
        expect(sample(f, 'rows_total', {table: 'pay"out'})).toBe(7)
        expect(f.get('up')!.type).toBe('untyped')
    })

    test.each([
        ['no final newline', 'up 1'],
        ['a bad metric name', '1up 1\n'],
        ['an unquoted label value', 'up{a=b} 1\n'],
        ['a bad value', 'up one\n'],
        ['a series twice', 'up 1\nup 2\n'],
        ['a negative counter', '# TYPE c counter\nc -1\n'],
        ['an unknown type', '# TYPE c countr\nc 1\n'],
        ['TYPE after samples', 'c 1\n# TYPE c counter\n'],
        ['a family split in two', 'a 1\nb 1\na{x="1"} 2\n'],
        ['buckets not cumulative', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
        ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_sum 1\nh_count 2\n'],
        ['+Inf differs from count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'],
    ])('refuses %s', (_what, text) => {
        expect(() => parsePrometheusText(text)).toThrow()
    })
})
