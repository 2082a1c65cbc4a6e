export enum StakeMovementKind {
    Contribution = "Contribution",
    WithdrawalQueued = "WithdrawalQueued",
    Withdrawal = "Withdrawal",
    OwnerRewardsWithdrawn = "OwnerRewardsWithdrawn",
    StakerRewardsWithdrawn = "StakerRewardsWithdrawn",
    OwnerSharesGained = "OwnerSharesGained",
    OwnerSharesClaimed = "OwnerSharesClaimed",
    WorkerStakeLocked = "WorkerStakeLocked",
    WorkerStakeReleased = "WorkerStakeReleased",
    Slash = "Slash",
}
