/**
 * The processor: wiring only. Decoding, state and writes live in src/mapping (handleBatch).
 */
import {TypeormDatabase} from '@subsquid/typeorm-store'
import {handleBatch} from './mapping'
import {createProcessor} from './processor'

const processor = createProcessor()

processor.run(new TypeormDatabase({supportHotBlocks: true}), ctx => handleBatch(ctx))
