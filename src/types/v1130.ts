import {sts, Result, Option, Bytes, BitSequence} from './support'

export const Public = sts.bytes()

export const AccountId32 = sts.bytes()
