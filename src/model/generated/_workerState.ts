export enum WorkerState {
    Ready = "Ready",
    WorkerIdle = "WorkerIdle",
    WorkerUnresponsive = "WorkerUnresponsive",
    WorkerCoolingDown = "WorkerCoolingDown",
}
