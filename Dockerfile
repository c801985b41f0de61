# One image for the three apps (and the migration step); docker/docker-compose.yml picks the
# command. Build: docker build -t ledger-cqrs:0.1.0 .
FROM node:20.19.5-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY scripts scripts
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20.19.5-bookworm-slim
ENV NODE_ENV=production HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
USER node
EXPOSE 3000 3001 3002
CMD ["node", "--import", "./dist/libs/infrastructure/src/tracing/preload.js", "dist/apps/command-api/src/main.js"]
