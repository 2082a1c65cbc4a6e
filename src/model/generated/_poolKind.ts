export enum PoolKind {
    StakePoolV1 = "StakePoolV1",
    StakePool = "StakePool",
    Vault = "Vault",
}
