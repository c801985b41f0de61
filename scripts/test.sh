#!/usr/bin/env bash
# `npm test`: everything the tests need, then every test (unit, integration, end-to-end) against
# the real local stack. Works on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent infra:up

export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ledger_test}"
export CONSUMER_GROUP_PREFIX="test-$(date +%s)-$$"
export ORDER_SEARCH_ALIAS="${ORDER_SEARCH_ALIAS:-test-orders}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
# The test run's own topics: a stack started by `npm start` on the same broker keeps its events.
export KAFKA_TOPIC_PREFIX="${TEST_KAFKA_TOPIC_PREFIX:-test.}"

node scripts/reset-test-env.mjs
npx eslint .
npm run --silent typecheck
npm run --silent build
node dist/libs/infrastructure/src/postgres/migrate.main.js

NODE_OPTIONS=--experimental-vm-modules npx jest --runInBand --selectProjects unit integration e2e "$@"
