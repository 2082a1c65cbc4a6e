/**
 * Balances.Transfer. The decoder keeps every transfer; deciding which ones touch the subsidy pool or the
 * treasury is the mapping's job.
 */
import {balances as b} from '../types/events'
import {EventDecoder, hex32, on} from './dispatch'

export const balancesDecoders: EventDecoder[] = [
    on(b.transfer, {
        v900: ([from, to, amount]) => ({kind: 'Transfer', from: hex32(from), to: hex32(to), amount}),
        v1130: a => ({kind: 'Transfer', from: hex32(a.from), to: hex32(a.to), amount: a.amount}),
    }),
]
