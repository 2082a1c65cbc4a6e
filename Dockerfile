# One image for the processor and the GraphQL API (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /squid
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json typegen.json schema.graphql ./
COPY src src
COPY devnet devnet
COPY db db
COPY test test
COPY bench bench
RUN npm run build
ENV GQL_PORT=4350
CMD ["node", "lib/src/main.js"]
