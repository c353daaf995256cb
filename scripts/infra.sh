#!/usr/bin/env bash
# The local infrastructure: PostgreSQL 15, Kafka (KRaft) and Jaeger, as
# processes this project installs and owns under .local/. No Docker engine is
# needed. Jaeger is built from the Go module proxy the first time (several
# minutes, waited for here; npm start builds it in the background instead);
# INFRA_JAEGER=off leaves it out.
#
#   infra.sh up | down [--wipe] | status
set -euo pipefail
INFRA="$(cd "$(dirname "${BASH_SOURCE[0]}")/infra" && pwd)"

case "${1:-}" in
  up)
    if [[ "${INFRA_JAEGER:-on}" != off ]]; then
      echo "infra: using local processes (PostgreSQL, Kafka and Jaeger under .local/)"
    else
      echo "infra: using local processes (PostgreSQL and Kafka under .local/; Jaeger left out)"
    fi
    bash "$INFRA/postgres.sh" up
    bash "$INFRA/kafka.sh" up
    if [[ "${INFRA_JAEGER:-on}" != off ]]; then
      bash "$INFRA/jaeger.sh" up || echo "infra: Jaeger is not available (see above); services run without a trace store" >&2
    fi
    ;;
  down)
    shift
    bash "$INFRA/jaeger.sh" down
    bash "$INFRA/kafka.sh" down "$@"
    bash "$INFRA/postgres.sh" down "$@"
    ;;
  status)
    code=0
    bash "$INFRA/postgres.sh" status || code=$?
    bash "$INFRA/kafka.sh" status || code=$?
    bash "$INFRA/jaeger.sh" status || [[ "${INFRA_JAEGER:-on}" == off ]] || code=3
    exit "$code"
    ;;
  *) echo "usage: $0 up|down [--wipe]|status" >&2; exit 2 ;;
esac
