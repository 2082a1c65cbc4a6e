/** moved to test/helpers/indexed.ts; kept for bench/ and test/cli/, which import it from here */
export * from '../helpers/indexed'
