export enum SelfCheckKind {
    RewardMismatch = "RewardMismatch",
    UnpairedSettle = "UnpairedSettle",
    UnpairedReward = "UnpairedReward",
    UnpairedTreasury = "UnpairedTreasury",
    MissingTreasury = "MissingTreasury",
    MissingRewardTransfer = "MissingRewardTransfer",
    UnexpectedTransition = "UnexpectedTransition",
    Inconsistency = "Inconsistency",
}
