#!/usr/bin/env bash
# `npm run bench [-- --quick] [-- --only a,b]`: the benchmarks on the real local stack, each figure
# with its baseline measured in the same run. Never part of `npm test`. Uses its own database
# (ledger_bench, dropped and created again per scenario), its own ports and its own search alias;
# its Kafka topics are its own (KAFKA_TOPIC_PREFIX=bench.), deleted and recreated per scenario.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent infra:up

export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ledger_bench}"
export KAFKA_VERSION="${KAFKA_VERSION:-$(sed -n 's/^KAFKA_VERSION="${KAFKA_VERSION:-\(.*\)}"$/\1/p' docker/local/infra.sh)}"
export ORDER_SEARCH_ALIAS="${BENCH_ORDER_SEARCH_ALIAS:-bench-orders}"
export CONSUMER_GROUP_PREFIX="bench-$(date +%s)-$$"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export KAFKA_TOPIC_PREFIX="${BENCH_KAFKA_TOPIC_PREFIX:-bench.}"
# Rate limits are counted (in Redis) under their own keys; the scenarios set them far above their load.
export RATE_LIMIT_KEY_PREFIX="bench-$(date +%s)-$$:"
# Tracing is off in every scenario but observability-cost, which turns it on (TRACING_ENABLED) to
# measure what it costs; the spans then go to the local stack's Zipkin.
export OTEL_EXPORTER_ZIPKIN_ENDPOINT="${BENCH_ZIPKIN_ENDPOINT:-http://127.0.0.1:9411/api/v2/spans}" TRACING_ENABLED=false

npx tsc -p tsconfig.bench.json
node dist/bench/run.js "$@"
