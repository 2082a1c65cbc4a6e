export enum SelfCheckKind {
    RewardMismatch = "RewardMismatch",
    UnpairedSettle = "UnpairedSettle",
    UnpairedReward = "UnpairedReward",
    UnpairedTreasury = "UnpairedTreasury",
    UnexpectedTransition = "UnexpectedTransition",
    Inconsistency = "Inconsistency",
}
