/**
 * `node lib/src/serve.js` runs the GraphQL server with its V8 heap limited (GQL_HEAP_MB, src/serve.ts): the
 * server is a child started with --max-old-space-size, it answers, and it ends with its parent, even when the
 * parent is killed outright.
 */
import * as fs from 'fs'
import {GraphqlServer, httpRequest} from '../helpers/graphql-server'
import {indexedDatabase} from '../helpers/indexed'

function childrenOf(pid: number): {pid: number; cmd: string}[] {
    const out: {pid: number; cmd: string}[] = []
    for (const d of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue
        try {
            const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8')
            if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) {
                out.push({pid: Number(d), cmd: fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ')})
            }
        } catch {
            // ended meanwhile
        }
    }
    return out
}

const alive = (pid: number) => fs.existsSync(`/proc/${pid}`) && !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))

describe('GraphQL server heap limit', () => {
    let dbUrl: string
    beforeAll(async () => {
        dbUrl = (await indexedDatabase('small')).url
    }, 1_800_000)

    it('serves from a child with --max-old-space-size=GQL_HEAP_MB, which ends with its parent', async () => {
        const gql = await GraphqlServer.start(dbUrl, {GQL_HEAP_MB: '300'})
        const parent = gql.pid!
        const [child] = childrenOf(parent)
        expect(child?.cmd).toMatch(/--max-old-space-size=300 .*serve\.js/)
        const r = await httpRequest(gql.url, {
            method: 'POST',
            body: JSON.stringify({query: '{ squidStatus { height } }'}),
            headers: {'content-type': 'application/json'},
        })
        expect(JSON.parse(r.body).data.squidStatus.height).toBeGreaterThan(0)
        process.kill(parent, 'SIGKILL')
        for (let i = 0; i < 100 && alive(child.pid); i++) await new Promise(res => setTimeout(res, 100))
        expect(alive(child.pid)).toBe(false)
    })

    it('GQL_HEAP_MB=0 serves in the process itself', async () => {
        const gql = await GraphqlServer.start(dbUrl, {GQL_HEAP_MB: '0'})
        try {
            expect(childrenOf(gql.pid!).filter(c => /serve\.js/.test(c.cmd))).toEqual([])
        } finally {
            await gql.stop()
        }
    })
})
