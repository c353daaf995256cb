#!/usr/bin/env bash
# The local infrastructure: PostgreSQL 15 and Kafka (KRaft), as processes this
# project installs and owns under .local/. No Docker engine is needed.
#
#   infra.sh up | down [--wipe] | status
set -euo pipefail
INFRA="$(cd "$(dirname "${BASH_SOURCE[0]}")/infra" && pwd)"

case "${1:-}" in
  up)
    echo "infra: using local processes (PostgreSQL and Kafka under .local/)"
    bash "$INFRA/postgres.sh" up
    bash "$INFRA/kafka.sh" up
    ;;
  down)
    shift
    bash "$INFRA/kafka.sh" down "$@"
    bash "$INFRA/postgres.sh" down "$@"
    ;;
  status)
    code=0
    bash "$INFRA/postgres.sh" status || code=$?
    bash "$INFRA/kafka.sh" status || code=$?
    exit "$code"
    ;;
  *) echo "usage: $0 up|down [--wipe]|status" >&2; exit 2 ;;
esac
