#!/usr/bin/env bash
# npm run chaos -- [--smoke] [--place-seconds N] [--rate N] [--down-seconds N] [--out DIR]
# Orders in all three modes while replicas, the coordinator, Kafka and PostgreSQL
# are killed and restarted, then the audit (README, "Chaos run"). Installs
# dependencies, builds, brings PostgreSQL and Kafka up; the services run on fresh
# databases of their own, and are stopped (and their databases dropped) at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/deps.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
cd "$REPO_ROOT"

ensure_dependencies
bash scripts/run.sh build
INFRA_JAEGER="${INFRA_JAEGER:-off}" bash scripts/infra.sh up
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:$POSTGRES_PORT/postgres}"
export TEST_KAFKA_BROKERS="${TEST_KAFKA_BROKERS:-$KAFKA_BROKERS}"
export_test_kafka_credentials
exec node --enable-source-maps --disable-warning=TimeoutNegativeWarning apps/chaos/dist/src/main.js "$@"
