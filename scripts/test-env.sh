# Sourced by scripts/test.sh and scripts/test-faults.sh: packages, the local stack, and the test
# run's own database, consumer groups, search alias and topics (a stack started by `npm start` on
# the same broker keeps its events). $1 names the run in its consumer groups.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent infra:up

export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ledger_test}"
export CONSUMER_GROUP_PREFIX="$1-$(date +%s)-$$"
export ORDER_SEARCH_ALIAS="${ORDER_SEARCH_ALIAS:-test-orders}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export KAFKA_TOPIC_PREFIX="${TEST_KAFKA_TOPIC_PREFIX:-test.}"

node scripts/reset-test-env.mjs
