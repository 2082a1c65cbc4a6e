import {sts, Block, Bytes, Option, Result, StorageType, RuntimeCtx} from '../support'
import * as v900 from '../v900'

export const tokenomicParameters =  {
    /**
     *  Tokenomic parameters used by Gatekeepers to compute the V promote.
     */
    v900: new StorageType('PhalaMining.TokenomicParameters', 'Optional', [], v900.TokenomicParameters) as TokenomicParametersV900,
}

/**
 *  Tokenomic parameters used by Gatekeepers to compute the V promote.
 */
export interface TokenomicParametersV900  {
    is(block: RuntimeCtx): boolean
    get(block: Block): Promise<(v900.TokenomicParameters | undefined)>
}
