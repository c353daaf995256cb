#!/usr/bin/env bash
# npm run bench -- [--seed S] [--modes choreography,orchestration,2pc] [--step-seconds N] [--smoke] [--out DIR] ...
# The benchmark: installs dependencies, builds, brings PostgreSQL and Kafka up
# (Jaeger is not needed), then runs apps/bench, which starts the five services
# on fresh databases per mode, drives them with an open-loop load generator and
# writes results.json, report.md and SVG charts (default results/bench/<timestamp>/).
# Every service it started is stopped, and its databases dropped, also on Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/deps.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
cd "$REPO_ROOT"

ensure_dependencies
for arg in "$@"; do
  if [[ "$arg" == --help ]]; then
    [[ -f apps/bench/dist/src/main.js ]] || bash scripts/run.sh build
    exec node apps/bench/dist/src/main.js --help
  fi
done
bash scripts/run.sh build
INFRA_JAEGER="${INFRA_JAEGER:-off}" bash scripts/infra.sh up
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:$POSTGRES_PORT/postgres}"
export TEST_KAFKA_BROKERS="${TEST_KAFKA_BROKERS:-$KAFKA_BROKERS}"
exec node --disable-warning=TimeoutNegativeWarning apps/bench/dist/src/main.js "$@"
