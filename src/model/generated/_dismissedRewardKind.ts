export enum DismissedRewardKind {
    NotInPool = "NotInPool",
    NoShare = "NoShare",
    Dust = "Dust",
    OwnerDust = "OwnerDust",
    DistributionDust = "DistributionDust",
}
