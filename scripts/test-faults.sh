#!/usr/bin/env bash
# `npm run test:faults`: the fault suite on the real local stack. It stops and starts Kafka,
# Elasticsearch and (where it may) PostgreSQL, so it runs alone, after `npm test` in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-env.sh faults

npm run --silent build
node dist/libs/infrastructure/src/postgres/migrate.main.js

NODE_OPTIONS=--experimental-vm-modules npx jest --runInBand --selectProjects faults "$@"
