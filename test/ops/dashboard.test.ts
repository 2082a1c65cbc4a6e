/**
 * The Grafana dashboard (docs/grafana/phala-mining-squid.json) is importable as it is: a dashboard object
 * whose every panel queries the data source variable, and whose queries name only metrics that
 * docs/operations.md documents (and the code exports: the /metrics tests check those names).
 */
import * as fs from 'fs'
import * as path from 'path'
import {ROOT} from '../helpers/indexed'

const dashboard = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/grafana/phala-mining-squid.json'), 'utf8'))
/** the data source variable as panels reference it */
const DS_VAR = ['$', '{datasource}'].join('')
const doc = fs.readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8')

describe('Grafana dashboard', () => {
    test('has the fields an import needs and a data source variable', () => {
        expect(typeof dashboard.title).toBe('string')
        expect(typeof dashboard.uid).toBe('string')
        expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(30)
        expect(dashboard.id ?? null).toBeNull()
        const ds = dashboard.templating.list.find((v: any) => v.type === 'datasource')
        expect(ds).toMatchObject({name: 'datasource', query: 'prometheus'})
        const ids = dashboard.panels.map((p: any) => p.id)
        expect(new Set(ids).size).toBe(ids.length)
    })

    test('every query uses the data source variable and documented metrics', () => {
        const queries = dashboard.panels.filter((p: any) => p.type !== 'row')
        expect(queries.length).toBeGreaterThanOrEqual(10)
        const names = new Set<string>()
        for (const p of queries) {
            expect({panel: p.title, uid: p.datasource?.uid}).toEqual({panel: p.title, uid: DS_VAR})
            expect(p.targets.length).toBeGreaterThan(0)
            for (const t of p.targets) {
                expect(t.datasource.uid).toBe(DS_VAR)
                for (const m of t.expr.matchAll(/phala_squid_[a-z_]+/g)) names.add(m[0].replace(/_(bucket|count|sum)$/, ''))
            }
        }
        const undocumented = [...names].filter(n => !doc.includes('`' + n + '`'))
        expect(undocumented).toEqual([])
        expect(names.size).toBeGreaterThanOrEqual(10)
    })
})
