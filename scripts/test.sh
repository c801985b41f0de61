#!/usr/bin/env bash
# `npm test`: everything the tests need, then every test (unit, integration, end-to-end) against
# the real local stack. Works on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-env.sh test

npx eslint .
npm run --silent typecheck
npm run --silent build
node dist/libs/infrastructure/src/postgres/migrate.main.js

NODE_OPTIONS=--experimental-vm-modules npx jest --runInBand --selectProjects unit integration e2e "$@"
