# Sourced by scripts/test.sh and scripts/test-faults.sh: packages, the local stack, and the test
# run's own database, consumer groups, search alias and topics (a stack started by `npm start` on
# the same broker keeps its events). $1 names the run in its consumer groups.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent infra:up
# The metrics tests check /metrics with promtool (infra:up fetched it when it was missing).

export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ledger_test}"
export CONSUMER_GROUP_PREFIX="$1-$(date +%s)-$$"
export ORDER_SEARCH_ALIAS="${ORDER_SEARCH_ALIAS:-test-orders}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export KAFKA_TOPIC_PREFIX="${TEST_KAFKA_TOPIC_PREFIX:-test.}"
# The suites drive thousands of requests as one caller: limits far above that, so they are
# counted but refuse nothing. The rate-limit tests set their own small limits.
export RATE_LIMIT_COMMANDS="${RATE_LIMIT_COMMANDS:-100000000}" RATE_LIMIT_READS="${RATE_LIMIT_READS:-100000000}"
export RATE_LIMIT_SEARCHES="${RATE_LIMIT_SEARCHES:-100000000}" RATE_LIMIT_CONSISTENCY_WAITS="${RATE_LIMIT_CONSISTENCY_WAITS:-100000000}"
export RATE_LIMIT_ANONYMOUS="${RATE_LIMIT_ANONYMOUS:-100000000}"
export RATE_LIMIT_KEY_PREFIX="${RATE_LIMIT_KEY_PREFIX:-$1-$(date +%s)-$$:}"

node scripts/reset-test-env.mjs
