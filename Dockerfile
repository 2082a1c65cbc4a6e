# One image for every service of docker-compose.yml: migrations, processor, GraphQL API, CSV export, devnet.
FROM node:20-bookworm-slim
WORKDIR /squid
COPY package.json package-lock.json ./
RUN npm ci
# everything tsconfig.json includes, built to lib/ by the same script as `npm run build`
COPY tsconfig.json typegen.json schema.graphql ./
COPY src src
COPY devnet devnet
COPY db db
COPY test test
COPY bench bench
COPY scripts scripts
# the front-end of the dashboard and embeds, bundled by the build (scripts/build.js)
COPY web web
RUN npm run build
ENV GQL_PORT=4350
ENV EXPORT_PORT=4351
EXPOSE 4350 4351 9944
CMD ["node", "lib/src/main.js"]
