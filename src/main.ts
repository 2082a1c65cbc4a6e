/**
 * The processor: wiring only. Decoding, state and writes live in src/mapping (handleBatch).
 */
import {loadConfig} from './config'
import {handleBatch} from './mapping'
import {createProcessor} from './processor'
import {PipelinedDatabase} from './store/pipelined-database'

const config = loadConfig()
const processor = createProcessor(config)

processor.run(
    new PipelinedDatabase({supportHotBlocks: true, toBlock: config.toBlock, pipeline: config.pipelineCommits}),
    ctx => handleBatch(ctx)
)
