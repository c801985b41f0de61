#!/usr/bin/env bash
# `npm start`: the whole system on this machine — local stack (PostgreSQL, Kafka, Elasticsearch,
# Keycloak, Redis), schema migrations, then command-api, query-api and projector in the
# background. `npm stop` stops the apps; `npm run infra:down` stops the stack.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent infra:up

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ledger}"
COMMAND_API_PORT="${COMMAND_API_PORT:-3000}"
QUERY_API_PORT="${QUERY_API_PORT:-3001}"
PROJECTOR_PORT="${PROJECTOR_PORT:-3002}"
export COMMAND_API_PORT QUERY_API_PORT PROJECTOR_PORT

npm run --silent build
node dist/libs/infrastructure/src/postgres/migrate.main.js

state=.local/state/apps
mkdir -p "$state" .local/logs
for app in command-api query-api projector; do
  pidfile="$state/$app.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "$app already running (pid $(cat "$pidfile"))"
    continue
  fi
  # The preload turns tracing on when OTEL_EXPORTER_ZIPKIN_ENDPOINT is set, and does nothing otherwise.
  # command-api with 64 MB semi-spaces, as in the image (README, Benchmarks: HTTP append).
  flags=(); [ "$app" = command-api ] && flags=(--max-semi-space-size=64)
  APP_NAME="$app" nohup node "${flags[@]}" --import ./dist/libs/infrastructure/src/tracing/preload.js "dist/apps/$app/src/main.js" >".local/logs/$app.log" 2>&1 &
  echo $! >"$pidfile"
done

wait_http() { # name url
  local deadline=$((SECONDS + 60))
  until curl -s -o /dev/null "$2"; do
    if [ $SECONDS -gt $deadline ]; then
      echo "$1 did not answer on $2 within 60 s; last log lines:" >&2
      tail -n 30 ".local/logs/$1.log" >&2
      exit 1
    fi
    sleep 0.5
  done
}
wait_http command-api "http://127.0.0.1:$COMMAND_API_PORT/health"
wait_http query-api "http://127.0.0.1:$QUERY_API_PORT/health"
wait_http projector "http://127.0.0.1:$PROJECTOR_PORT/health"

C="http://127.0.0.1:$COMMAND_API_PORT"
Q="http://127.0.0.1:$QUERY_API_PORT"
# The development users, from the realm file Keycloak imported (its passwords are public).
users=$(node -e '
  const realm = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const u of realm.users.filter((u) => u.credentials))
    console.log(`    ${u.username.padEnd(6)} password ${u.credentials[0].value.padEnd(15)} ${u.realmRoles.join(",").padEnd(9)} subject ${u.id}`);
' docker/local/keycloak/ledger-realm.json)
alice=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).users.find((u) => u.username === "alice").id' docker/local/keycloak/ledger-realm.json)
cat <<TXT

The system is up.
  command-api  $C        (POST commands; hosts the relay to Kafka)
  query-api    $Q        (GET read models)
  projector    http://127.0.0.1:$PROJECTOR_PORT/health   (Kafka consumers)
  metrics      GET /metrics on each of the three (Prometheus text format)
  keycloak     http://127.0.0.1:${KEYCLOAK_PORT:-8180}        (realm ledger; admin console /admin: ${KEYCLOAK_ADMIN_USER:-admin} / ${KEYCLOAK_ADMIN_PASSWORD:-admin-dev-password})
  logs         .local/logs/*.log        stop: npm stop (apps), npm run infra:down (stack)

Every request needs a bearer token from Keycloak (development users, customers own what they create):
$users

Try, as alice:
  TOKEN=\$(npm run -s cli -- token alice)
  curl -s -XPOST $C/accounts -H "authorization: Bearer \$TOKEN" -H 'content-type: application/json' -d '{"ownerName":"Alice","currency":"EUR"}'
  curl -s -XPOST $C/accounts/<accountId>/deposits -H "authorization: Bearer \$TOKEN" -H 'content-type: application/json' -d '{"amount":5000,"currency":"EUR"}'
  curl -s -XPOST $C/orders -H "authorization: Bearer \$TOKEN" -H 'content-type: application/json' \\
    -d '{"accountId":"<accountId>","currency":"EUR","items":[{"sku":"BK-1","name":"Book","quantity":2,"unitPrice":1250}]}'
  curl -s $Q/orders/<orderId> -H "authorization: Bearer \$TOKEN" -H 'X-Consistency-Token: order-<orderId>@0'
  curl -s "$Q/customers/$alice/orders?limit=10" -H "authorization: Bearer \$TOKEN"
  curl -s "$Q/orders/search?q=book&sort=newest" -H "authorization: Bearer \$TOKEN"
  curl -s $Q/accounts/<accountId>/transactions -H "authorization: Bearer \$TOKEN"
As oscar, the operator (reads everything, ships):
  curl -s -XPOST $C/orders/<orderId>/ship -H "authorization: Bearer \$(npm run -s cli -- token oscar)"
TXT
