# One image for the three apps (and the migration step); docker/docker-compose.yml picks the
# command. Build: docker build -t ledger-cqrs:0.1.0 .
# The base is pinned to one exact Node.js release: 24, what users run (the tests here run on the
# oldest release the package admits, Node 20.19+; README, "Two ways to run it").
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY scripts scripts
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:24.21.0-bookworm-slim
ENV NODE_ENV=production HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY bin bin
# The operator CLI, e.g. `docker compose exec projector ledger projections list`.
RUN ln -s /app/bin/ledger.mjs /usr/local/bin/ledger
# The image's own user (uid 1000), not root; the files stay root's, so the app cannot change its code.
USER node
EXPOSE 3000 3001 3002
# GET /health of whichever app this container runs (on its configured port): 200 when ready.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "dist/libs/infrastructure/src/http/health-probe.main.js"]
# command-api with 64 MB semi-spaces: fewer, shorter scavenges under load (README, Benchmarks: HTTP append).
CMD ["node", "--max-semi-space-size=64", "--import", "./dist/libs/infrastructure/src/tracing/preload.js", "dist/apps/command-api/src/main.js"]
