export enum BudgetChangeKind {
    BudgetUpdated = "BudgetUpdated",
    SubsidyBudgetHalved = "SubsidyBudgetHalved",
    ParametersChanged = "ParametersChanged",
    Initial = "Initial",
}
