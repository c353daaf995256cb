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
# Everything runs on this one machine, so the services reach a local cluster through its Unix
# socket, as a co-located deployment would: each statement costs about 13% less CPU than over
# TCP loopback (client and server together). BENCH_POSTGRES_TRANSPORT=tcp measures over TCP.
socket_dir="${POSTGRES_STATE_DIR:-$REPO_ROOT/.local/postgres}/run"
if [[ "${BENCH_POSTGRES_TRANSPORT:-socket}" == socket && -S "$socket_dir/.s.PGSQL.$POSTGRES_PORT" ]]; then
  default_postgres_url="postgresql://postgres@localhost:$POSTGRES_PORT/postgres?host=$socket_dir"
else
  default_postgres_url="postgresql://postgres@127.0.0.1:$POSTGRES_PORT/postgres"
fi
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-$default_postgres_url}"
export TEST_KAFKA_BROKERS="${TEST_KAFKA_BROKERS:-$KAFKA_BROKERS}"
export_test_kafka_credentials
exec node --disable-warning=TimeoutNegativeWarning apps/bench/dist/src/main.js "$@"
