/**
 * CHAIN=phala end to end: the devnet serves a Phala-shaped chain (spec name "phala", Phala's pallet indices,
 * runtime upgrades 1240 → 1254 → 1260, each spec's mining-event shapes) and the real processor indexes it with
 * the phala preset into PostgreSQL. Every expected value below is worked out by hand from test/devnet/phala-chain.ts.
 */
import {acct, session, worker} from '../../devnet/chain/builtin'
import {scenarioSource} from '../../devnet'
import {buildChain, sourceFromDevBlocks} from '../../devnet/chain/build'
import {startDevnet} from '../../devnet/rpc'
import {getPhalaRuntime} from '../../devnet/runtime'
import {migratedDatabase, sql} from '../handler/harness'
import {startProcessor} from '../e2e/processor-child'
import {testDbPrefix} from '../helpers/indexed'
import {DUST_PAYOUT_BITS, FIRST_BLOCK, FIX1, PHA, PHALA_HEIGHT, phalaChain, STAKE_POOL_ACCOUNT, TREASURY_SHARE, VAULT_ACCOUNT} from './phala-chain'

jest.setTimeout(300_000)

describe('CHAIN=phala: a Phala-shaped devnet chain indexed into PostgreSQL', () => {
    let db: string

    beforeAll(async () => {
        const {genesis, blocks} = phalaChain()
        const dn = await startDevnet({source: sourceFromDevBlocks(genesis, blocks, {chain: 'phala'}), port: 0})
        try {
            // the node is Phala's: spec name, spec versions (post-state: the upgrade block reports the new runtime)
            const rv = async (h: number) => {
                const hash = dn.chain.byNumber(h)!.hashHex
                const r = await fetch(dn.url, {
                    method: 'POST',
                    headers: {'content-type': 'application/json'},
                    body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'state_getRuntimeVersion', params: [hash]}),
                })
                return ((await r.json()) as any).result
            }
            expect(await rv(1)).toMatchObject({specName: 'phala', specVersion: 1240})
            expect((await rv(FIRST_BLOCK[1254])).specVersion).toBe(1254)
            expect((await rv(PHALA_HEIGHT)).specVersion).toBe(1260)
            db = await migratedDatabase(`${testDbPrefix()}phala_chain`)
            const run = startProcessor(db, dn.wsUrl, dn.height, {CHAIN: 'phala'})
            const code = await run.exited
            if (code !== 0) throw new Error(`processor exited with ${code}:\n${run.output().slice(-6000)}`)
            expect(run.output()).toMatch(/indexing phala blocks/)
        } finally {
            await dn.close()
        }
    })

    test('the devnet serves Phala pallet indices, not Khala’s', () => {
        const idx = (name: string) => getPhalaRuntime(1240).desc.pallets.find(p => p.name === name)!.index
        // runtime/phala/src/lib.rs construct_runtime!: PhalaStakePoolv2 = 89, PhalaVault = 90, PhalaBasePool = 92
        expect([idx('PhalaComputation'), idx('PhalaStakePoolv2'), idx('PhalaVault'), idx('PhalaBasePool')]).toEqual([87, 89, 90, 92])
    })

    test('registrations: Ias at spec 1240, Dcap at spec 1260', async () => {
        const rows = await sql(db, `SELECT id, attestation_provider, confidence_level, initial_score FROM worker ORDER BY id`)
        expect(rows).toEqual([
            // WorkerAdded (1240: Ias, 2), InitialScoreSet 2100, then WorkerUpdated (1260: Dcap, 4)
            {id: worker(2), attestation_provider: 'Dcap', confidence_level: 4, initial_score: 2100},
            // WorkerAdded at 1260: Dcap, 5
            {id: worker(3), attestation_provider: 'Dcap', confidence_level: 5, initial_score: null},
        ])
    })

    test('settlements of every spec: payouts converted from the U64F64 bits', async () => {
        const rows = await sql(
            db,
            `SELECT block_height, session_id, worker_id, pool_id, v_bits, payout_bits, amount, dropped FROM payout ORDER BY block_height`
        )
        const p = (h: number, v: bigint, bits: bigint, amount: bigint) => ({
            block_height: h,
            session_id: session(2),
            worker_id: worker(2),
            pool_id: '0',
            v_bits: String(v),
            payout_bits: String(bits),
            amount: String(amount),
            dropped: false,
        })
        expect(rows).toEqual([
            p(4, 4000n * FIX1 + FIX1 / 2n, FIX1, PHA), // spec 1240, no reward: on_reward returned before it
            p(5, 4001n * FIX1, 4n * FIX1, 4n * PHA), // spec 1240
            p(7, 4001n * FIX1 + FIX1 / 2n, DUST_PAYOUT_BITS, 3n),
            p(9, 4002n * FIX1, 2n * FIX1 + FIX1 / 2n, (5n * PHA) / 2n), // spec 1254
            p(12, 4003n * FIX1, FIX1, PHA), // spec 1260
            p(13, 4004n * FIX1, 0n, 0n),
        ])
        const rewards = await sql(db, `SELECT block_height, pool_id, to_owner, to_stakers FROM pool_reward ORDER BY block_height`)
        expect(rewards).toEqual([
            {block_height: 5, pool_id: '0', to_owner: String((8n * PHA) / 10n), to_stakers: String((32n * PHA) / 10n)},
            {block_height: 9, pool_id: '0', to_owner: String(PHA / 2n), to_stakers: String(2n * PHA)},
            {block_height: 12, pool_id: '0', to_owner: String(PHA / 5n), to_stakers: String((4n * PHA) / 5n)},
        ])
        const dismissed = await sql(db, `SELECT block_height, kind, pool_id, amount FROM dismissed_reward ORDER BY block_height`)
        expect(dismissed.map(d => [d.block_height, d.pool_id, d.amount])).toEqual([
            [4, null, String(PHA / 2n)], // RewardDismissedNotInPool of worker 9 (1240), which ends that message's rewards
            [7, '0', '3'], // RewardDismissedDust (1240)
            [9, '0', '7'], // RewardToOwnerDismissedDust (1254; the event came with spec 1247)
        ])
    })

    test('withdrawals: the 1240 shape without burnt shares, the 1254 shape with them', async () => {
        const moves = await sql(
            db,
            `SELECT block_height, kind, pool_id, account_id, amount, shares, burnt_shares FROM stake_movement
             WHERE kind IN ('WithdrawalQueued', 'Withdrawal') ORDER BY block_height`
        )
        expect(moves).toEqual([
            {block_height: 6, kind: 'WithdrawalQueued', pool_id: '0', account_id: acct(3), amount: null, shares: String(500n * PHA), burnt_shares: null},
            {
                block_height: 7,
                kind: 'Withdrawal',
                pool_id: '0',
                account_id: acct(3),
                amount: String(500n * PHA),
                shares: String(500n * PHA),
                burnt_shares: null,
            },
            {block_height: 9, kind: 'WithdrawalQueued', pool_id: '0', account_id: acct(3), amount: null, shares: String(300n * PHA), burnt_shares: null},
            {
                block_height: 10,
                kind: 'Withdrawal',
                pool_id: '0',
                account_id: acct(3),
                amount: String(290n * PHA),
                shares: String(290n * PHA),
                burnt_shares: String(10n * PHA),
            },
        ])
        const pools = await sql(
            db,
            `SELECT id, kind, cid, pool_account_id, commission, total_shares, total_contributed, total_withdrawn, withdrawal_count, queued_withdrawals
             FROM base_pool ORDER BY id`
        )
        expect(pools).toEqual([
            {
                id: '0',
                kind: 'StakePool',
                cid: 1,
                pool_account_id: STAKE_POOL_ACCOUNT,
                commission: 200_000,
                // 8000 + 2000 contributed; 500 withdrawn, then 290 withdrawn + 10 burnt
                total_shares: String(9200n * PHA),
                total_contributed: String(10_000n * PHA),
                total_withdrawn: String(790n * PHA),
                withdrawal_count: 2,
                queued_withdrawals: 0,
            },
            {
                id: '1',
                kind: 'Vault',
                cid: 2,
                pool_account_id: VAULT_ACCOUNT,
                commission: 50_000,
                // 3000 contributed + 0.01 PHA of owner shares gained and claimed
                total_shares: String(3000n * PHA + PHA / 100n),
                total_contributed: String(3000n * PHA),
                total_withdrawn: '0',
                withdrawal_count: 0,
                queued_withdrawals: 0,
            },
        ])
    })

    test('the network state follows the chain to spec 1260', async () => {
        const [n] = await sql(db, `SELECT height, spec_version, settle_count, last_budget_nonce, cool_down_period FROM network_state`)
        expect(n).toEqual({height: PHALA_HEIGHT, spec_version: 1260, settle_count: 6, last_budget_nonce: '1', cool_down_period: '604800'})
        // every settle has its treasury withdrawal and every reward its transfer: nothing the self-check pairs fails,
        // and the settle after the early return of spec 1240's on_reward is not a defect: it was never rewarded
        expect(await sql(db, `SELECT kind, event_id FROM self_check_failure`)).toEqual([])
        expect(await sql(db, `SELECT block_height, credited, paid_to_pool FROM payout WHERE block_height = 4`)).toEqual([
            {block_height: 4, credited: '0', paid_to_pool: '0'},
        ])
        expect(await sql(db, `SELECT dismissed_not_in_pool FROM network_state`)).toEqual([{dismissed_not_in_pool: String(PHA / 2n)}])
        const treasury = await sql(db, `SELECT block_height, treasury FROM payout WHERE treasury > 0 ORDER BY block_height`)
        expect(treasury).toEqual(Object.entries(TREASURY_SHARE).map(([h, t]) => ({block_height: Number(h), treasury: String(t)})))
        const params = await sql(db, `SELECT block_height, budget_per_block FROM tokenomic_parameters WHERE block_height = 4`)
        expect(params).toEqual([{block_height: 4, budget_per_block: String(187n * FIX1)}])
    })
})

describe('devnet --chain phala', () => {
    test('serves v2-era scenarios with Phala 1260, and refuses v1-era blocks', () => {
        const chain = buildChain(scenarioSource({scenario: 'synthetic:3:4', runtimeChain: 'phala'}))
        expect(chain.headHeight).toBe(3)
        const rt = chain.runtimeAt(chain.byNumber(3)!)
        expect([rt.version.specName, rt.version.specVersion]).toEqual(['phala', 1260])
        // the fixture starts in the v1 era, which Phala never had
        expect(() => scenarioSource({scenario: 'fixture', runtimeChain: 'phala'})).toThrow(/Phala has no 'v1' era/)
    })
})
