#!/usr/bin/env bash
# npm run api:check: Schemathesis against every service's OpenAPI document.
# Builds, ensures PostgreSQL and Kafka are up (as npm test does), installs the pinned
# Schemathesis (scripts/schemathesis.sh), then runs the rest-contract test, which starts
# every service on its own ports and databases and runs Schemathesis against each
# (settings: scripts/api-check/schemathesis.toml). README, "The REST contract".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/deps.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
cd "$REPO_ROOT"

ensure_dependencies
bash scripts/run.sh build
bash scripts/schemathesis.sh install
if [[ -z "${TEST_POSTGRES_URL:-}" || -z "${TEST_KAFKA_BROKERS:-}" ]]; then
  bash scripts/infra.sh up
  export TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$POSTGRES_PORT/postgres"
  export TEST_KAFKA_BROKERS="$KAFKA_BROKERS"
  export_test_kafka_credentials
fi
node --test --test-reporter=spec --test-timeout=600000 --enable-source-maps \
  apps/system-e2e/dist/test/rest-contract.integration.js
