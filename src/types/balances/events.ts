import {sts, Block, Bytes, Option, Result, EventType, RuntimeCtx} from '../support'
import * as v900 from '../v900'
import * as v1130 from '../v1130'

export const transfer =  {
    name: 'Balances.Transfer',
    /**
     * Transfer succeeded. \[from, to, value\]
     */
    v900: new EventType(
        'Balances.Transfer',
        sts.tuple([v900.AccountId32, v900.AccountId32, sts.bigint()])
    ),
    /**
     * Transfer succeeded.
     */
    v1130: new EventType(
        'Balances.Transfer',
        sts.struct({
            from: v1130.AccountId32,
            to: v1130.AccountId32,
            amount: sts.bigint(),
        })
    ),
}
