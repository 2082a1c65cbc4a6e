/**
 * A chain in the shape of Phala's pallets, written as an event script, served by the devnet and indexed by
 * the real processor into PostgreSQL: the treasury share comes from the subsidy pool's withdrawal and the
 * treasury's deposits, rewards from the transfer to the W-PHA account and RewardReceived, and the emission is
 * Σ rewards credited + Σ treasury shares, to the planck.
 *
 * Pallet source (Phala-Network/phala-blockchain): computation.rs `try_handle_settle` (Balances.Withdraw from
 * the subsidy pool by `withdraw_imbalance_from_subsidy_pool`, Balances.Deposit + Treasury.Deposit by the
 * runtime's `OnTreasurySettled = Treasury`, then SessionSettled; SessionSettlementDropped with no withdrawal
 * for a late settle); `on_gk_message_received` hands every SettleInfo to stake_pool_v2.rs `on_reward`, whose
 * `handle_pool_new_reward` pays the pool by `withdraw_subsidy_pool` (Balances.Transfer subsidy pool → W-PHA
 * account) before RewardReceived — for a dropped settle too.
 */
import {spawnSync} from 'child_process'
import {Client} from 'pg'
import {startDevnet} from '../../devnet'
import {sourceFromDevBlocks} from '../../devnet/chain/build'
import {readScript} from '../../devnet/script'
import {SUBSIDY_POOL_ACCOUNT, TREASURY_ACCOUNT, WPHA_ACCOUNT} from '../../src/domain/constants'
import {PLANCKS_PER_PHA} from '../../src/domain/fixed'
import {freshDatabase} from '../helpers/db'
import {ROOT, runProcessor, testDbPrefix} from '../helpers/indexed'

const PHA = PLANCKS_PER_PHA
const hex = (n: number) => '0x' + n.toString(16).padStart(64, '0')
const O = hex(1) // pool owner
const A = hex(2) // delegator
const RELAYER = hex(3) // signs the gatekeeper's message extrinsic
const W1 = '0x' + 'f1'.repeat(32)
const W2 = '0x' + 'f2'.repeat(32)
const S1 = hex(0x51)
const S2 = hex(0x52)
const POOL_ACCOUNT = hex(0xb0)
const FEE = 1_000_000_000n // the relayer's fee: withdrawn from it, 80% to the treasury (not mining's)

const e = (pallet: string, name: string, args: Record<string, unknown> = {}, inExtrinsic = false) => ({
    pallet,
    name,
    args,
    ...(inExtrinsic ? {phase: {kind: 'ApplyExtrinsic', index: 1}} : {}),
})
const big = (x: bigint) => x.toString()
const bitsOf = (pha: bigint) => big(pha << 64n)

/** the treasury share of a settle: Currency::withdraw, then the Treasury's on_unbalanced */
const treasuryShare = (amount: bigint) => [
    e('Balances', 'Withdraw', {who: SUBSIDY_POOL_ACCOUNT, amount: big(amount)}, true),
    e('Balances', 'Deposit', {who: TREASURY_ACCOUNT, amount: big(amount)}, true),
    e('Treasury', 'Deposit', {value: big(amount)}, true),
]
/** a v2 pool reward: withdraw_subsidy_pool to the W-PHA account, then RewardReceived */
const reward = (toOwner: bigint, toStakers: bigint) => [
    e('Balances', 'Transfer', {from: SUBSIDY_POOL_ACCOUNT, to: WPHA_ACCOUNT, amount: big(toOwner + toStakers)}, true),
    e('PhalaStakePoolv2', 'RewardReceived', {pid: '0', to_owner: big(toOwner), to_stakers: big(toStakers)}, true),
]

const mqArgs = (sequence: number) => ({
    signed_message: {
        message: {sender: {__kind: 'Gatekeeper'}, destination: '0x' + Buffer.from('phala/mining/report').toString('hex'), payload: '0x00'},
        sequence,
        signature: '0x',
    },
})

/** one gatekeeper message in its extrinsic: the fee withdrawn first, the mining events, the fee deposited */
function messageBlock(sequence: number, mining: object[]) {
    return {
        type: 'block',
        extrinsics: [{pallet: 'PhalaMq', call: 'sync_offchain_message', args: mqArgs(sequence), signer: RELAYER, nonce: sequence}],
        events: [
            e('Balances', 'Withdraw', {who: RELAYER, amount: big(FEE)}, true),
            ...mining,
            e('Balances', 'Deposit', {who: TREASURY_ACCOUNT, amount: big((FEE * 8n) / 10n)}, true),
            e('Treasury', 'Deposit', {value: big((FEE * 8n) / 10n)}, true),
            e('TransactionPayment', 'TransactionFeePaid', {who: RELAYER, actual_fee: big(FEE), tip: '0'}, true),
        ],
    }
}

const SCRIPT = [
    {type: 'header', version: 1, era: 'v2', startTimestamp: '2023-06-01T00:00:00Z', blockTimeMs: 12000},
    {
        type: 'block',
        events: [
            e('PhalaRegistry', 'WorkerAdded', {pubkey: W1, attestation_provider: {__kind: 'Ias'}, confidence_level: 1}),
            e('PhalaRegistry', 'WorkerAdded', {pubkey: W2, attestation_provider: {__kind: 'Ias'}, confidence_level: 1}),
            e('PhalaStakePoolv2', 'PoolCreated', {owner: O, pid: '0', cid: 0, pool_account_id: POOL_ACCOUNT}),
            e('PhalaStakePoolv2', 'PoolCommissionSet', {pid: '0', commission: 100_000}),
            e('PhalaStakePoolv2', 'Contribution', {pid: '0', user: A, amount: big(5000n * PHA), shares: big(5000n * PHA), as_vault: null}),
            e('PhalaComputation', 'SessionBound', {session: S1, worker: W1}),
            e('PhalaStakePoolv2', 'PoolWorkerAdded', {pid: '0', worker: W1, session: S1}),
            e('PhalaComputation', 'SessionBound', {session: S2, worker: W2}),
            e('PhalaStakePoolv2', 'PoolWorkerAdded', {pid: '0', worker: W2, session: S2}),
        ],
    },
    {
        type: 'block',
        events: [
            e('PhalaComputation', 'WorkerStarted', {session: S1, init_v: bitsOf(3000n), init_p: 2000}),
            e('PhalaStakePoolv2', 'WorkingStarted', {pid: '0', worker: W1, amount: big(2000n * PHA)}),
            e('PhalaComputation', 'WorkerStarted', {session: S2, init_v: bitsOf(1000n), init_p: 500}),
            e('PhalaStakePoolv2', 'WorkingStarted', {pid: '0', worker: W2, amount: big(1500n * PHA)}),
        ],
    },
    // message 1: S1 settles 10 PHA (treasury 2.5); S2's settle is late (dropped: no treasury, no
    // SessionSettled) but on_reward still pays its 4 PHA; commission 10%
    messageBlock(1, [
        ...treasuryShare(2_500_000_000_000n),
        e('PhalaComputation', 'SessionSettled', {session: S1, v_bits: bitsOf(3001n), payout_bits: bitsOf(10n)}, true),
        e('PhalaComputation', 'SessionSettlementDropped', {session: S2, v: bitsOf(1000n), payout: bitsOf(4n)}, true),
        ...reward(1n * PHA, 9n * PHA),
        ...reward(400_000_000_000n, 3_600_000_000_000n),
    ]),
    // message 2: both settle 2 PHA (treasury 0.5 each)
    messageBlock(2, [
        ...treasuryShare(500_000_000_000n),
        e('PhalaComputation', 'SessionSettled', {session: S1, v_bits: bitsOf(3002n), payout_bits: bitsOf(2n)}, true),
        ...treasuryShare(500_000_000_000n),
        e('PhalaComputation', 'SessionSettled', {session: S2, v_bits: bitsOf(1001n), payout_bits: bitsOf(2n)}, true),
        ...reward(200_000_000_000n, 1_800_000_000_000n),
        ...reward(200_000_000_000n, 1_800_000_000_000n),
    ]),
]

async function query(url: string, text: string): Promise<any[]> {
    const c = new Client({connectionString: url})
    await c.connect()
    try {
        return (await c.query(text)).rows
    } finally {
        await c.end()
    }
}

describe('money in the chain’s shape, from an event script through the devnet and the processor', () => {
    let url: string

    beforeAll(async () => {
        url = await freshDatabase(`${testDbPrefix()}money_script`)
        const env: NodeJS.ProcessEnv = {...process.env, DB_URL: url, CHAIN: 'devnet'}
        delete env.DB_HOST
        const mig = spawnSync(process.execPath, [require.resolve('@subsquid/typeorm-migration/lib/apply.js')], {cwd: ROOT, env, encoding: 'utf8'})
        if (mig.status !== 0) throw new Error(`migrations failed:\n${mig.stdout}\n${mig.stderr}`)
        const script = readScript(SCRIPT.map(l => JSON.stringify(l)).join('\n'))
        const node = await startDevnet({source: sourceFromDevBlocks(script.genesis, script.blocks), port: 0})
        try {
            await runProcessor({...env, RPC_ENDPOINT: node.wsUrl, TO_BLOCK: String(node.height)}, () => {})
        } finally {
            await node.close()
        }
    }, 180_000)

    it('takes the treasury share from the withdrawal and its deposits, never from the fee deposits', async () => {
        const rows = await query(url, `SELECT session_id, dropped, amount, treasury, treasury_event_id FROM payout ORDER BY block_height, event_index`)
        expect(rows.map(r => [r.session_id, r.dropped, r.amount, r.treasury])).toEqual([
            [S1, false, big(10n * PHA), '2500000000000'],
            [S2, true, big(4n * PHA), '0'],
            [S1, false, big(2n * PHA), '500000000000'],
            [S2, false, big(2n * PHA), '500000000000'],
        ])
        const n = (await query(url, `SELECT * FROM network_state`))[0]
        // 2.5 + 0.5 + 0.5 PHA; the relayer's fee share deposited into the treasury is not counted
        expect(BigInt(n.emitted_treasury)).toBe(3_500_000_000_000n)
        expect(BigInt(n.emitted_treasury)).toBeGreaterThan(0n)
    })

    it('credits the dropped settle’s reward and pays every v2 reward by its transfer to the W-PHA account', async () => {
        const rows = await query(
            url,
            `SELECT dropped, credited, paid_to_pool, to_owner, to_stakers, reward_transfer_event_id FROM payout ORDER BY block_height, event_index`
        )
        expect(rows.map(r => [r.dropped, r.credited, r.paid_to_pool, r.to_owner, r.to_stakers])).toEqual([
            [false, big(10n * PHA), big(10n * PHA), big(1n * PHA), big(9n * PHA)],
            [true, big(4n * PHA), big(4n * PHA), '400000000000', '3600000000000'],
            [false, big(2n * PHA), big(2n * PHA), '200000000000', '1800000000000'],
            [false, big(2n * PHA), big(2n * PHA), '200000000000', '1800000000000'],
        ])
        for (const r of rows) expect(r.reward_transfer_event_id).not.toBeNull()
        expect(await query(url, `SELECT kind, message FROM self_check_failure`)).toEqual([])
    })

    it('emits Σ rewards credited + Σ treasury, to the planck', async () => {
        const n = (await query(url, `SELECT * FROM network_state`))[0]
        const [sums] = await query(url, `SELECT sum(credited)::text AS credited, sum(treasury)::text AS treasury FROM payout`)
        // credited: 10 + 4 (dropped) + 2 + 2 = 18 PHA; treasury 3.5 PHA
        expect(BigInt(n.rewards_credited)).toBe(18n * PHA)
        expect(BigInt(sums.credited)).toBe(18n * PHA)
        expect(BigInt(n.emitted_total)).toBe(BigInt(sums.credited) + BigInt(sums.treasury))
        expect(BigInt(n.emitted_total)).toBe(21_500_000_000_000n)
        expect(BigInt(n.emission_remaining)).toBe(BigInt(n.emission_cap) - 21_500_000_000_000n)
        // v2 credits leave the subsidy pool at once: paid out = credited; nothing v1, nothing claimed
        expect(BigInt(n.rewards_paid_out)).toBe(18n * PHA)
        expect(n.rewards_credited_v1).toBe('0')
        expect(n.rewards_claimed).toBe('0')
        // the subsidy pool's outflow: rewards + treasury shares
        expect(BigInt(n.subsidy_pool_out)).toBe(21_500_000_000_000n)
    })
})
