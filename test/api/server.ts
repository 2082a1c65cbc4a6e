/** moved to test/helpers/graphql-server.ts; kept for bench/ and test/cli/, which import it from here */
export * from '../helpers/graphql-server'
