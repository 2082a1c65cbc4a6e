export * as phalaMining from './phala-mining/storage'
export * as phalaComputation from './phala-computation/storage'
export * as phalaBasePool from './phala-base-pool/storage'
