/**
 * Old path of src/ingest/decode-thread/thread-source.ts, kept only because bench/baseline/main.ts (owned
 * elsewhere) still imports `decodeIfNeeded` from here. Remove it once that import points to
 * ./decode-thread/thread-source.
 */
export {decodeIfNeeded} from './decode-thread/thread-source'
