/**
 * `npm run serve` (node lib/src/serve.js): the GraphQL server, src/server/main.ts. Kept at this path
 * because package.json, docker-compose.yml, src/start.ts and the tests start it here.
 */
import './server/main'
