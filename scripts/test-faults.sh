#!/usr/bin/env bash
# `npm run test:faults`: the fault suite on the real local stack. It stops and starts Kafka,
# Elasticsearch and (where it may) PostgreSQL, so it runs alone, after `npm test` in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent infra:up

export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ledger_test}"
export CONSUMER_GROUP_PREFIX="faults-$(date +%s)-$$"
export ORDER_SEARCH_ALIAS="${ORDER_SEARCH_ALIAS:-test-orders}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export KAFKA_TOPIC_PREFIX="${TEST_KAFKA_TOPIC_PREFIX:-test.}"

node scripts/reset-test-env.mjs
npm run --silent build
node dist/libs/infrastructure/src/postgres/migrate.main.js

NODE_OPTIONS=--experimental-vm-modules npx jest --runInBand --selectProjects faults "$@"
