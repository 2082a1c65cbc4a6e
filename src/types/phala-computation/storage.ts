import {sts, Block, Bytes, Option, Result, StorageType, RuntimeCtx} from '../support'
import * as v1251 from '../v1251'

export const tokenomicParameters =  {
    /**
     *  Tokenomic parameters used by Gatekeepers to compute the V promote.
     */
    v1251: new StorageType('PhalaComputation.TokenomicParameters', 'Optional', [], v1251.TokenomicParameters) as TokenomicParametersV1251,
}

/**
 *  Tokenomic parameters used by Gatekeepers to compute the V promote.
 */
export interface TokenomicParametersV1251  {
    is(block: RuntimeCtx): boolean
    get(block: Block): Promise<(v1251.TokenomicParameters | undefined)>
}
