#!/usr/bin/env bash
# The local stack without Docker: PostgreSQL, Apache Kafka (KRaft), Elasticsearch, Keycloak (the
# OpenID Connect provider), Redis (the rate limits' shared storage) and Zipkin (the trace backend),
# and the tools the tests use (promtool, to check /metrics; chromium, for the status page; kubectl,
# to render deploy/k8s).
#   infra.sh up | down | status  [postgres|kafka|elasticsearch|keycloak|redis|zipkin|tools ...]  (all when none is named)
#   infra.sh promtool-path       prints promtool's path, fetching it first when it is missing
# Idempotent. Downloads are cached under .local/cache (git-ignored); data and logs live under
# .local/. `down` stops only what `up` started; services already listening are reused as they are.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LOCAL="${LEDGER_LOCAL_DIR:-$ROOT/.local}"
CACHE="${LEDGER_CACHE_DIR:-$LOCAL/cache}"
STATE="$LOCAL/state"
LOGS="$LOCAL/logs"

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
ES_VERSION="${ES_VERSION:-8.19.7}"
ES_PORT="${ES_PORT:-9200}"
ES_ENABLED="${ES_ENABLED:-1}"
ES_USER=esrun
KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.7.3}"
KEYCLOAK_PORT="${KEYCLOAK_PORT:-8180}"
KEYCLOAK_MANAGEMENT_PORT="${KEYCLOAK_MANAGEMENT_PORT:-9180}"
REDIS_PORT="${REDIS_PORT:-6379}"
ZIPKIN_VERSION="${ZIPKIN_VERSION:-3.6.1}"
ZIPKIN_PORT="${ZIPKIN_PORT:-9411}"

mkdir -p "$CACHE" "$STATE" "$LOGS"

say() { printf '%s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
alive() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

need_cmd() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  say "installing $2 (for $1)"
  [ -f "$STATE/.apt-updated" ] || { apt-get update -qq && touch "$STATE/.apt-updated"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

java_home() { dirname "$(dirname "$(readlink -f "$(command -v java)")")"; }

# Starts a command in its own session (so its process group is its pid) and records the pid.
start_detached() { # name logfile command...
  local name=$1 log=$2
  shift 2
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$STATE/$name.pid" "$@" >>"$log" 2>&1 </dev/null &
  for _ in $(seq 1 50); do [ -s "$STATE/$name.pid" ] && return 0; sleep 0.1; done
  say "$name: could not record its pid" >&2
  return 1
}

stop_group() { # name
  local name=$1 pid
  alive "$name" || { rm -f "$STATE/$name.pid"; return 0; }
  pid=$(cat "$STATE/$name.pid")
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$STATE/$name.pid"
  say "$name: stopped"
}

wait_for() { # name deadline-seconds logfile check-command...
  local name=$1 deadline=$((SECONDS + $2)) log=$3
  shift 3
  until "$@"; do
    if [ $SECONDS -gt $deadline ]; then
      say "$name: not ready in time; last lines of $log:" >&2
      tail -n 40 "$log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

# ---------------------------------------------------------------- PostgreSQL
pg_ready() { pg_isready -q -h "$PGHOST" -p "$PGPORT"; }

pg_up() {
  need_cmd pg_isready postgresql-client
  if pg_ready; then
    [ -f "$STATE/postgres.started" ] && say "postgres: running (started by infra.sh)" || say "postgres: running on $PGHOST:$PGPORT (reused)"
  elif [ -d /etc/postgresql ] && ls /etc/postgresql/*/main >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
    echo cluster >"$STATE/postgres.started"
    wait_for postgres 30 /dev/null pg_ready
    say "postgres: started the machine's cluster"
  else
    pg_private_up
  fi
  local db
  for db in ledger ledger_test; do
    psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 ||
      psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -qc "CREATE DATABASE $db" && true
  done
}

pg_private_up() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bin" ]; then
    need_cmd /usr/lib/postgresql/15/bin/postgres postgresql
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  local data="$LOCAL/data/pg"
  id postgres >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin postgres
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data" && chown postgres "$data"
    runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
  fi
  chown postgres "$LOGS"
  runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$LOGS/postgres.log" -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
  echo "private $bin $data" >"$STATE/postgres.started"
  wait_for postgres 30 "$LOGS/postgres.log" pg_ready
  say "postgres: started a private cluster in $data"
}

pg_down() {
  [ -f "$STATE/postgres.started" ] || { say "postgres: not started by infra.sh; left running"; return 0; }
  read -r kind bin data <"$STATE/postgres.started"
  if [ "$kind" = cluster ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main stop || true
  else
    runuser -u postgres -- "$bin/pg_ctl" -D "$data" stop -m fast >/dev/null || true
  fi
  rm -f "$STATE/postgres.started"
  say "postgres: stopped"
}

# ---------------------------------------------------------------- Kafka (KRaft)
KAFKA_LIB="$CACHE/kafka-$KAFKA_VERSION/lib"
KAFKA_DIR="$LOCAL/kafka"
KAFKA_LOG="$LOGS/kafka.log"

kafka_fetch() {
  [ -f "$KAFKA_LIB/.complete" ] && return 0
  need_cmd java openjdk-17-jre-headless
  need_cmd mvn maven
  say "kafka: fetching Apache Kafka $KAFKA_VERSION jars from Maven Central (once)"
  mvn -B -q -f "$HERE/kafka-pom.xml" -Dkafka.version="$KAFKA_VERSION" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIB"
  touch "$KAFKA_LIB/.complete"
}

# The readiness probe uses the project's kafkajs: install the dependencies on a fresh clone.
node_deps() { [ -d "$ROOT/node_modules/kafkajs" ] || (say "npm: installing dependencies (npm ci)"; cd "$ROOT" && npm ci --no-audit --no-fund >/dev/null); }

kafka_ready() { KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" WAIT_MS=1000 node "$HERE/wait-kafka.mjs"; }

kafka_up() {
  if alive kafka; then say "kafka: running (started by infra.sh) on 127.0.0.1:$KAFKA_PORT"; return 0; fi
  if port_open "$KAFKA_PORT"; then say "kafka: 127.0.0.1:$KAFKA_PORT already served (reused)"; return 0; fi
  kafka_fetch
  node_deps
  mkdir -p "$KAFKA_DIR" "$LOCAL/data/kafka"
  cat >"$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$LOCAL/data/kafka
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
delete.topic.enable=true
PROPS
  local cp="$KAFKA_LIB/*"
  if [ ! -f "$LOCAL/data/kafka/meta.properties" ]; then
    local id
    id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java -cp "$cp" -Dlog4j.configuration="file:$HERE/kafka-log4j.properties" kafka.tools.StorageTool format \
      -t "$id" -c "$KAFKA_DIR/server.properties" >/dev/null
  fi
  start_detached kafka "$KAFKA_LOG" java -Xms256m -Xmx512m -cp "$cp" \
    -Dlog4j.configuration="file:$HERE/kafka-log4j.properties" kafka.Kafka "$KAFKA_DIR/server.properties"
  wait_for kafka 90 "$KAFKA_LOG" kafka_ready
  say "kafka: started on 127.0.0.1:$KAFKA_PORT"
}

# ---------------------------------------------------------------- Elasticsearch
ES_HOME="$CACHE/elasticsearch-$ES_VERSION"
ES_DIR="$LOCAL/elasticsearch"
ES_LOG="$LOGS/elasticsearch.log"

es_fetch() {
  [ -x "$ES_HOME/bin/elasticsearch" ] && return 0
  need_cmd java openjdk-17-jre-headless
  need_cmd mvn maven
  need_cmd unzip unzip
  say "elasticsearch: fetching $ES_VERSION (integ-test-zip) from Maven Central (once)"
  mvn -B -q -f "$HERE/kafka-pom.xml" -Dkafka.version="$KAFKA_VERSION" dependency:copy \
    -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" -DoutputDirectory="$CACHE"
  unzip -q -o "$CACHE/elasticsearch-$ES_VERSION.zip" -d "$CACHE"
  rm -f "$CACHE/elasticsearch-$ES_VERSION.zip"
}

es_ready() { curl -fs "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null; }

es_up() {
  if [ "$ES_ENABLED" = 0 ]; then say "elasticsearch: skipped (ES_ENABLED=0)"; return 0; fi
  if alive elasticsearch; then say "elasticsearch: running (started by infra.sh) on http://127.0.0.1:$ES_PORT"; return 0; fi
  if port_open "$ES_PORT"; then say "elasticsearch: 127.0.0.1:$ES_PORT already served (reused)"; return 0; fi
  es_fetch
  id "$ES_USER" >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin "$ES_USER"
  mkdir -p "$ES_DIR/config" "$LOCAL/data/es" "$LOGS/es"
  cp -rn "$ES_HOME/config/." "$ES_DIR/config/"
  cat >"$ES_DIR/config/elasticsearch.yml" <<YML
cluster.name: ledger-local
node.name: ledger-es
network.host: 127.0.0.1
http.port: $ES_PORT
discovery.type: single-node
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
path.data: $LOCAL/data/es
path.logs: $LOGS/es
YML
  chown -R "$ES_USER" "$ES_DIR" "$LOCAL/data/es" "$LOGS/es"
  # Slightly below the apps' CPU priority, so its start (about 30 s of CPU) slows them less.
  start_detached elasticsearch "$ES_LOG" nice -n 5 runuser -u "$ES_USER" -- env ES_JAVA_HOME="$(java_home)" \
    ES_PATH_CONF="$ES_DIR/config" ES_JAVA_OPTS="-Xms512m -Xmx512m" "$ES_HOME/bin/elasticsearch"
  wait_for elasticsearch 120 "$ES_LOG" es_ready
  say "elasticsearch: started on http://127.0.0.1:$ES_PORT"
}

# ---------------------------------------------------------------- Keycloak (OpenID Connect)
KC_HOME="$CACHE/keycloak-$KEYCLOAK_VERSION"
KC_LOG="$LOGS/keycloak.log"
KC_REALM="$HERE/keycloak/ledger-realm.json"
# Build-time options, baked in once by `kc.sh build` (rebuilt when they change): each start is then
# `start --optimized`, which needs less than start-dev's CPU. An in-memory database: every start
# imports the realm file afresh, so the file is the whole truth (users have fixed ids in it, so
# their subjects, the owners of what they create, survive restarts). A local cache: no cluster.
KC_BUILD_OPTIONS="--db=dev-mem --cache=local --health-enabled=false --metrics-enabled=false"

# Keycloak needs Java 21 or newer; the machine's default java may be older.
kc_java_home() {
  local jdk
  for jdk in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    local v
    v=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then echo "${jdk%/}"; return 0; fi
  done
  return 1
}

kc_fetch() {
  [ -f "$KC_HOME/.complete" ] && return 0
  need_cmd java openjdk-17-jre-headless
  need_cmd mvn maven
  say "keycloak: fetching $KEYCLOAK_VERSION from Maven Central (once)"
  mvn -B -q -f "$HERE/kafka-pom.xml" -Dkafka.version="$KAFKA_VERSION" dependency:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz" -DoutputDirectory="$CACHE"
  rm -rf "$KC_HOME"
  tar -xzf "$CACHE/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz" -C "$CACHE"
  rm -f "$CACHE/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz"
  touch "$KC_HOME/.complete"
}

kc_ready() { curl -fs "http://127.0.0.1:$KEYCLOAK_PORT/realms/ledger/.well-known/openid-configuration" >/dev/null; }

# Starts Keycloak without waiting for it (about a minute on 2 cores): kc_wait waits, after the
# other services have started.
kc_start() {
  if alive keycloak; then say "keycloak: running (started by infra.sh) on http://127.0.0.1:$KEYCLOAK_PORT"; return 0; fi
  if port_open "$KEYCLOAK_PORT"; then say "keycloak: 127.0.0.1:$KEYCLOAK_PORT already served (reused)"; return 0; fi
  local jdk
  jdk=$(kc_java_home) || { say "keycloak: needs a JDK 21 or newer under /usr/lib/jvm (e.g. Temurin 25); none found" >&2; return 1; }
  kc_fetch
  if [ "$(cat "$KC_HOME/.build-options" 2>/dev/null)" != "$KC_BUILD_OPTIONS" ]; then
    say "keycloak: building the server with $KC_BUILD_OPTIONS (once, about a minute)"
    # shellcheck disable=SC2086
    JAVA_HOME="$jdk" "$KC_HOME/bin/kc.sh" build $KC_BUILD_OPTIONS >>"$KC_LOG" 2>&1
    echo "$KC_BUILD_OPTIONS" >"$KC_HOME/.build-options"
  fi
  # --import-realm reads only <home>/data/import.
  rm -rf "$KC_HOME/data/import"
  mkdir -p "$KC_HOME/data/import"
  cp "$KC_REALM" "$KC_HOME/data/import/ledger-realm.json"
  # The hostname fixes the issuer, whether callers say 127.0.0.1 or localhost. The bootstrap admin
  # (master realm) is for the admin console and for tests that add users: development only.
  # At a lower CPU priority: its start takes a minute of both cores, and on a small machine the
  # apps must keep answering meanwhile (on its own host this changes nothing).
  start_detached keycloak "$KC_LOG" nice -n 10 env JAVA_HOME="$jdk" JAVA_OPTS_KC_HEAP="-Xms128m -Xmx512m" \
    KC_BOOTSTRAP_ADMIN_USERNAME="${KEYCLOAK_ADMIN_USER:-admin}" KC_BOOTSTRAP_ADMIN_PASSWORD="${KEYCLOAK_ADMIN_PASSWORD:-admin-dev-password}" \
    "$KC_HOME/bin/kc.sh" start --optimized --http-enabled=true --hostname-strict=false \
    --hostname="http://127.0.0.1:$KEYCLOAK_PORT" --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" \
    --http-management-port="$KEYCLOAK_MANAGEMENT_PORT" --import-realm
  echo pending >"$STATE/keycloak.waiting"
}

kc_ready_or_gone() {
  alive keycloak || { say "keycloak: exited while starting" >&2; tail -n 20 "$KC_LOG" >&2; exit 1; }
  kc_ready
}

kc_wait() {
  [ -f "$STATE/keycloak.waiting" ] || return 0
  wait_for keycloak 240 "$KC_LOG" kc_ready_or_gone
  rm -f "$STATE/keycloak.waiting"
  say "keycloak: started on http://127.0.0.1:$KEYCLOAK_PORT (realm ledger)"
}

# ---------------------------------------------------------------- Redis
# PING over /dev/tcp: no client needed to tell whether something answers like Redis.
redis_ready() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && IFS= read -r -t 2 line <&3 && printf '%s' "$line") 2>/dev/null) || true
  [[ "$reply" == +PONG* ]]
}

redis_up() {
  if alive redis; then say "redis: running (started by infra.sh) on 127.0.0.1:$REDIS_PORT"; return 0; fi
  if redis_ready; then say "redis: 127.0.0.1:$REDIS_PORT already served (reused)"; return 0; fi
  if port_open "$REDIS_PORT"; then say "redis: 127.0.0.1:$REDIS_PORT is taken by something that does not answer PING" >&2; return 1; fi
  need_cmd redis-server redis-server
  # Rate-limit counters only: nothing is written to disk.
  start_detached redis "$LOGS/redis.log" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize no
  wait_for redis 30 "$LOGS/redis.log" redis_ready
  say "redis: started on 127.0.0.1:$REDIS_PORT"
}

# ---------------------------------------------------------------- Zipkin (traces)
ZIPKIN_JAR="$CACHE/zipkin-server-$ZIPKIN_VERSION-exec.jar"
ZIPKIN_LOG="$LOGS/zipkin.log"

zipkin_fetch() {
  [ -s "$ZIPKIN_JAR" ] && return 0
  need_cmd java openjdk-17-jre-headless
  need_cmd mvn maven
  say "zipkin: fetching $ZIPKIN_VERSION from Maven Central (once)"
  mvn -B -q -f "$HERE/kafka-pom.xml" -Dkafka.version="$KAFKA_VERSION" dependency:copy \
    -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" -DoutputDirectory="$CACHE"
}

zipkin_ready() { curl -fs "http://127.0.0.1:$ZIPKIN_PORT/health" | grep -q UP; }

# In-memory storage: traces last until Zipkin stops (and the oldest go past its span limit).
zipkin_up() {
  if alive zipkin; then say "zipkin: running (started by infra.sh) on http://127.0.0.1:$ZIPKIN_PORT"; return 0; fi
  if port_open "$ZIPKIN_PORT"; then say "zipkin: 127.0.0.1:$ZIPKIN_PORT already served (reused)"; return 0; fi
  zipkin_fetch
  # In-memory storage keeps at most MEM_MAX_SPANS spans (500,000 by default, more than this heap
  # holds: it ran out of memory and then spent two cores on garbage collection). 50,000 spans fit,
  # and a JVM out of memory exits rather than spin.
  start_detached zipkin "$ZIPKIN_LOG" nice -n 10 env STORAGE_TYPE=mem MEM_MAX_SPANS=50000 QUERY_PORT="$ZIPKIN_PORT" \
    java -Xms128m -Xmx384m -XX:+ExitOnOutOfMemoryError -jar "$ZIPKIN_JAR" --armeria.ports[0].ip=127.0.0.1 --armeria.ports[0].port="$ZIPKIN_PORT" --armeria.ports[0].protocols=http
  wait_for zipkin 90 "$ZIPKIN_LOG" zipkin_ready
  say "zipkin: started on http://127.0.0.1:$ZIPKIN_PORT"
}

# ---------------------------------------------------------------- tools
# promtool comes with Debian's prometheus package; only the binary is taken from it (installing the
# package would also install, and on some machines start, a Prometheus server).
PROMTOOL_CACHED="$CACHE/prometheus/usr/bin/promtool"
promtool_path() { command -v promtool 2>/dev/null || echo "$PROMTOOL_CACHED"; }

promtool_up() {
  command -v promtool >/dev/null 2>&1 && return 0
  [ -x "$PROMTOOL_CACHED" ] && return 0
  say "promtool: extracting it from Debian's prometheus package into $CACHE/prometheus"
  need_cmd dpkg-deb dpkg
  [ -f "$STATE/.apt-updated" ] || { apt-get update -qq && touch "$STATE/.apt-updated"; }
  (cd "$CACHE" && rm -f prometheus_*.deb && apt-get download -qq prometheus 2>/dev/null && dpkg-deb -x prometheus_*.deb prometheus && rm -f prometheus_*.deb)
  [ -x "$PROMTOOL_CACHED" ] || { say "promtool: could not be fetched (apt-get download prometheus)" >&2; return 1; }
}

# kubectl renders deploy/k8s (`kubectl kustomize`) for test/k8s-manifests.spec.ts, and needs its
# kustomize v4 or newer. It comes from the `kubectl` package where a package source offers one
# (the Kubernetes or Google Cloud apt repositories); Debian's own kubernetes-client (1.20) embeds
# kustomize v2, which cannot read these kustomizations, so it is not installed. Without one, that
# test skips its rendering and says why; it is not a reason to stop the stack.
kubectl_ok() { kubectl version --client 2>/dev/null | grep -Eq 'Kustomize Version: v([4-9]|[1-9][0-9])'; }
kubectl_up() {
  kubectl_ok && return 0
  [ -f "$STATE/.apt-updated" ] || { apt-get update -qq && touch "$STATE/.apt-updated"; }
  if apt-cache policy kubectl 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    say "installing kubectl (to render deploy/k8s)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubectl >/dev/null || true
  fi
  kubectl_ok || say "kubectl with kustomize v4+: not available from this machine's package sources; test/k8s-manifests.spec.ts skips rendering" >&2
}

# The status page's browser test drives Debian's chromium with playwright-core, which downloads nothing.
tools_up() {
  promtool_up
  need_cmd chromium chromium
  kubectl_up
}

# ---------------------------------------------------------------- commands
status_line() { # name check url
  if alive "$1"; then say "$1: running (started by infra.sh) $3"
  elif $2; then say "$1: running (not started by infra.sh) $3"
  else say "$1: stopped"; fi
}

# up|down [postgres|kafka|elasticsearch|keycloak|redis|zipkin|tools ...]: all when none is named.
command=${1:-}
shift || true
wanted=" ${*:-postgres kafka elasticsearch keycloak redis zipkin tools} "
want() { [[ "$wanted" == *" $1 "* ]]; }

case "$command" in
  up)
    # Keycloak is the slowest to start: it starts first and is waited for last.
    if want keycloak; then kc_start; fi
    if want postgres; then pg_up; fi
    if want redis; then redis_up; fi
    if want kafka; then kafka_up; fi
    if want elasticsearch; then es_up; fi
    if want zipkin; then zipkin_up; fi
    if want tools; then tools_up; fi
    if want keycloak; then kc_wait; fi
    ;;
  down)
    if want zipkin; then stop_group zipkin; fi
    if want keycloak; then stop_group keycloak; rm -f "$STATE/keycloak.waiting"; fi
    if want redis; then stop_group redis; fi
    if want elasticsearch; then stop_group elasticsearch; fi
    if want kafka; then stop_group kafka; fi
    if want postgres; then pg_down; fi
    ;;
  status)
    if pg_ready; then say "postgres: running on $PGHOST:$PGPORT$([ -f "$STATE/postgres.started" ] && echo ' (started by infra.sh)')"; else say "postgres: stopped"; fi
    status_line kafka "port_open $KAFKA_PORT" "127.0.0.1:$KAFKA_PORT"
    status_line elasticsearch "port_open $ES_PORT" "http://127.0.0.1:$ES_PORT"
    status_line keycloak "port_open $KEYCLOAK_PORT" "http://127.0.0.1:$KEYCLOAK_PORT$([ -f "$STATE/keycloak.waiting" ] && ! kc_ready && echo ' (starting)')"
    status_line redis "port_open $REDIS_PORT" "127.0.0.1:$REDIS_PORT"
    status_line zipkin "port_open $ZIPKIN_PORT" "http://127.0.0.1:$ZIPKIN_PORT"
    if [ -x "$(promtool_path)" ]; then say "promtool: $(promtool_path)"; else say "promtool: missing (infra.sh up tools)"; fi
    if command -v chromium >/dev/null 2>&1; then say "chromium: $(command -v chromium)"; else say "chromium: missing (infra.sh up tools)"; fi
    if kubectl_ok; then say "kubectl: $(command -v kubectl)"; else say "kubectl (kustomize v4+): missing (infra.sh up tools)"; fi
    ;;
  promtool-path)
    promtool_up >&2
    promtool_path
    ;;
  *)
    say "usage: $0 up|down|status [postgres|kafka|elasticsearch|keycloak|redis|zipkin|tools ...] | promtool-path" >&2
    exit 2
    ;;
esac
