export enum RollupPeriod {
    Hour = "Hour",
    Day = "Day",
}
