import {sts, Block, Bytes, Option, Result, EventType, RuntimeCtx} from '../support'
import * as v900 from '../v900'
import * as v1170 from '../v1170'
import * as v1251 from '../v1251'

export const gatekeeperAdded =  {
    name: 'PhalaRegistry.GatekeeperAdded',
    v900: new EventType(
        'PhalaRegistry.GatekeeperAdded',
        v900.Public
    ),
    /**
     * A new Gatekeeper is enabled on the blockchain
     */
    v1170: new EventType(
        'PhalaRegistry.GatekeeperAdded',
        sts.struct({
            pubkey: v1170.Public,
        })
    ),
}

export const gatekeeperRemoved =  {
    name: 'PhalaRegistry.GatekeeperRemoved',
    v1170: new EventType(
        'PhalaRegistry.GatekeeperRemoved',
        sts.struct({
            pubkey: v1170.Public,
        })
    ),
}

export const workerAdded =  {
    name: 'PhalaRegistry.WorkerAdded',
    v1170: new EventType(
        'PhalaRegistry.WorkerAdded',
        sts.struct({
            pubkey: v1170.Public,
        })
    ),
    v1251: new EventType(
        'PhalaRegistry.WorkerAdded',
        sts.struct({
            pubkey: v1251.Public,
            attestationProvider: sts.option(() => v1251.AttestationProvider),
            confidenceLevel: sts.number(),
        })
    ),
}

export const workerUpdated =  {
    name: 'PhalaRegistry.WorkerUpdated',
    v1170: new EventType(
        'PhalaRegistry.WorkerUpdated',
        sts.struct({
            pubkey: v1170.Public,
        })
    ),
    v1251: new EventType(
        'PhalaRegistry.WorkerUpdated',
        sts.struct({
            pubkey: v1251.Public,
            attestationProvider: sts.option(() => v1251.AttestationProvider),
            confidenceLevel: sts.number(),
        })
    ),
}

export const masterKeyRotated =  {
    name: 'PhalaRegistry.MasterKeyRotated',
    v1251: new EventType(
        'PhalaRegistry.MasterKeyRotated',
        sts.struct({
            rotationId: sts.bigint(),
            masterPubkey: v1251.Public,
        })
    ),
}

export const masterKeyRotationFailed =  {
    name: 'PhalaRegistry.MasterKeyRotationFailed',
    v1251: new EventType(
        'PhalaRegistry.MasterKeyRotationFailed',
        sts.struct({
            rotationLock: sts.option(() => sts.bigint()),
            gatekeeperRotationId: sts.bigint(),
        })
    ),
}

export const initialScoreSet =  {
    name: 'PhalaRegistry.InitialScoreSet',
    v1251: new EventType(
        'PhalaRegistry.InitialScoreSet',
        sts.struct({
            pubkey: v1251.Public,
            initScore: sts.number(),
        })
    ),
}

export const minimumPRuntimeVersionChangedTo =  {
    name: 'PhalaRegistry.MinimumPRuntimeVersionChangedTo',
    v1251: new EventType(
        'PhalaRegistry.MinimumPRuntimeVersionChangedTo',
        sts.tuple([sts.number(), sts.number(), sts.number()])
    ),
}

export const pRuntimeConsensusVersionChangedTo =  {
    name: 'PhalaRegistry.PRuntimeConsensusVersionChangedTo',
    v1251: new EventType(
        'PhalaRegistry.PRuntimeConsensusVersionChangedTo',
        sts.number()
    ),
}

export const gatekeeperLaunched =  {
    name: 'PhalaRegistry.GatekeeperLaunched',
    v1251: new EventType(
        'PhalaRegistry.GatekeeperLaunched',
        sts.unit()
    ),
}
