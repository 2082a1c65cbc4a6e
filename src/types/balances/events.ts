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

export const deposit =  {
    name: 'Balances.Deposit',
    /**
     * Some amount was deposited into the account (e.g. for transaction fees). \[who,
     * deposit\]
     */
    v900: new EventType(
        'Balances.Deposit',
        sts.tuple([v900.AccountId32, sts.bigint()])
    ),
    /**
     * Some amount was deposited (e.g. for transaction fees).
     */
    v1130: new EventType(
        'Balances.Deposit',
        sts.struct({
            who: v1130.AccountId32,
            amount: sts.bigint(),
        })
    ),
}

export const withdraw =  {
    name: 'Balances.Withdraw',
    /**
     * Some amount was withdrawn from the account (e.g. for transaction fees). \[who, value\]
     */
    v900: new EventType(
        'Balances.Withdraw',
        sts.tuple([v900.AccountId32, sts.bigint()])
    ),
    /**
     * Some amount was withdrawn from the account (e.g. for transaction fees).
     */
    v1130: new EventType(
        'Balances.Withdraw',
        sts.struct({
            who: v1130.AccountId32,
            amount: sts.bigint(),
        })
    ),
}
