/**
 * PhalaMining (v1 era, specs ≤ 1170) and PhalaComputation (v2 era, spec 1251+): one set of kinds.
 *
 * Renames hidden here: miner → session, Miner* → Worker* / Session*, MinerExitUnresponive (the spec-900
 * typo) and MinerExitUnresponsive → WorkerExitUnresponsive, InternalErrorMinerSettleFailed /
 * InternalErrorWorkerSettleFailed → WorkerSettleFailed, MinerSettlementDropped → SessionSettlementDropped,
 * InternalErrorWrongHalvingConfigured → WrongHalvingConfigured.
 * Spec 900/1130 events are positional tuples (`[miner, v, payout]`), later ones structs.
 */
import {phalaComputation as c, phalaMining as m} from '../types/events'
import {EventDecoder, hex32, on} from './dispatch'

export const computationDecoders: EventDecoder[] = [
    // ---------------------------------------------------------------- PhalaMining (v1)
    on(m.coolDownExpirationChanged, {
        v900: period => ({kind: 'CoolDownExpirationChanged', period}),
        v1140: a => ({kind: 'CoolDownExpirationChanged', period: a.period}),
    }),
    on(m.minerStarted, {
        v900: miner => ({kind: 'WorkerStarted', session: hex32(miner), initV: null, initP: null}),
        v1140: a => ({kind: 'WorkerStarted', session: hex32(a.miner), initV: null, initP: null}),
        v1170: a => ({kind: 'WorkerStarted', session: hex32(a.miner), initV: a.initV, initP: a.initP}),
    }),
    on(m.minerStopped, {
        v900: miner => ({kind: 'WorkerStopped', session: hex32(miner)}),
        v1140: a => ({kind: 'WorkerStopped', session: hex32(a.miner)}),
    }),
    on(m.minerReclaimed, {
        v900: ([miner, originalStake, slashed]) => ({kind: 'WorkerReclaimed', session: hex32(miner), originalStake, slashed}),
        v1140: a => ({kind: 'WorkerReclaimed', session: hex32(a.miner), originalStake: a.originalStake, slashed: a.slashed}),
    }),
    on(m.minerBound, {
        v900: ([miner, worker]) => ({kind: 'SessionBound', session: hex32(miner), worker: hex32(worker)}),
        v1140: a => ({kind: 'SessionBound', session: hex32(a.miner), worker: hex32(a.worker)}),
    }),
    on(m.minerUnbound, {
        v900: ([miner, worker]) => ({kind: 'SessionUnbound', session: hex32(miner), worker: hex32(worker)}),
        v1140: a => ({kind: 'SessionUnbound', session: hex32(a.miner), worker: hex32(a.worker)}),
    }),
    on(m.minerEnterUnresponsive, {
        v900: miner => ({kind: 'WorkerEnterUnresponsive', session: hex32(miner)}),
        v1140: a => ({kind: 'WorkerEnterUnresponsive', session: hex32(a.miner)}),
    }),
    // spec 900 spelled it "Unresponive"
    on(m.minerExitUnresponive, {
        v900: miner => ({kind: 'WorkerExitUnresponsive', session: hex32(miner)}),
    }),
    on(m.minerExitUnresponsive, {
        v1130: miner => ({kind: 'WorkerExitUnresponsive', session: hex32(miner)}),
        v1140: a => ({kind: 'WorkerExitUnresponsive', session: hex32(a.miner)}),
    }),
    on(m.minerSettled, {
        v900: ([miner, vBits, payoutBits]) => ({kind: 'SessionSettled', session: hex32(miner), vBits, payoutBits}),
        v1140: a => ({kind: 'SessionSettled', session: hex32(a.miner), vBits: a.vBits, payoutBits: a.payoutBits}),
    }),
    on(m.internalErrorMinerSettleFailed, {
        v900: worker => ({kind: 'WorkerSettleFailed', worker: hex32(worker)}),
        v1140: a => ({kind: 'WorkerSettleFailed', worker: hex32(a.worker)}),
    }),
    on(m.subsidyBudgetHalved, {
        v900: () => ({kind: 'SubsidyBudgetHalved'}),
    }),
    on(m.internalErrorWrongHalvingConfigured, {
        v900: () => ({kind: 'WrongHalvingConfigured'}),
    }),
    on(m.tokenomicParametersChanged, {
        v1130: () => ({kind: 'TokenomicParametersChanged'}),
    }),
    on(m.minerSettlementDropped, {
        v1130: a => ({kind: 'SessionSettlementDropped', session: hex32(a.miner), v: a.v, payout: a.payout}),
    }),
    on(m.benchmarkUpdated, {
        v1170: a => ({kind: 'BenchmarkUpdated', session: hex32(a.miner), pInstant: a.pInstant}),
    }),

    // ---------------------------------------------------------------- PhalaComputation (v2)
    on(c.coolDownExpirationChanged, {
        v1251: a => ({kind: 'CoolDownExpirationChanged', period: a.period}),
    }),
    on(c.workerStarted, {
        v1251: a => ({kind: 'WorkerStarted', session: hex32(a.session), initV: a.initV, initP: a.initP}),
    }),
    on(c.workerStopped, {
        v1251: a => ({kind: 'WorkerStopped', session: hex32(a.session)}),
    }),
    on(c.workerReclaimed, {
        v1251: a => ({kind: 'WorkerReclaimed', session: hex32(a.session), originalStake: a.originalStake, slashed: a.slashed}),
    }),
    on(c.sessionBound, {
        v1251: a => ({kind: 'SessionBound', session: hex32(a.session), worker: hex32(a.worker)}),
    }),
    on(c.sessionUnbound, {
        v1251: a => ({kind: 'SessionUnbound', session: hex32(a.session), worker: hex32(a.worker)}),
    }),
    on(c.workerEnterUnresponsive, {
        v1251: a => ({kind: 'WorkerEnterUnresponsive', session: hex32(a.session)}),
    }),
    on(c.workerExitUnresponsive, {
        v1251: a => ({kind: 'WorkerExitUnresponsive', session: hex32(a.session)}),
    }),
    on(c.sessionSettled, {
        v1251: a => ({kind: 'SessionSettled', session: hex32(a.session), vBits: a.vBits, payoutBits: a.payoutBits}),
    }),
    on(c.internalErrorWorkerSettleFailed, {
        v1251: a => ({kind: 'WorkerSettleFailed', worker: hex32(a.worker)}),
    }),
    on(c.subsidyBudgetHalved, {
        v1251: () => ({kind: 'SubsidyBudgetHalved'}),
    }),
    on(c.internalErrorWrongHalvingConfigured, {
        v1251: () => ({kind: 'WrongHalvingConfigured'}),
    }),
    on(c.tokenomicParametersChanged, {
        v1251: () => ({kind: 'TokenomicParametersChanged'}),
    }),
    on(c.sessionSettlementDropped, {
        v1251: a => ({kind: 'SessionSettlementDropped', session: hex32(a.session), v: a.v, payout: a.payout}),
    }),
    on(c.benchmarkUpdated, {
        v1251: a => ({kind: 'BenchmarkUpdated', session: hex32(a.session), pInstant: a.pInstant}),
    }),
    on(c.budgetUpdated, {
        v1251: a => ({kind: 'BudgetUpdated', nonce: a.nonce, budget: a.budget}),
    }),
]
