#!/usr/bin/env bash
# `npm stop`: stops the apps `npm start` started (by their pids); the stack stays up.
set -uo pipefail
cd "$(dirname "$0")/.."
for pidfile in .local/state/apps/*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  app=$(basename "$pidfile" .pid)
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "stopped $app ($pid)"
  fi
  rm -f "$pidfile"
done
