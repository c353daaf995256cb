#!/usr/bin/env bash
# npm run inspect -- <orderId> [--follow] [--json] [--brokers host:port] [--prefix p]
# One order's Kafka messages across every topic, in causal order. Signs in as the local
# broker's read-only inspector user unless KAFKA_USERNAME or KAFKA_SASL_MECHANISM says otherwise.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
if [[ -z "${KAFKA_USERNAME:-}" && -z "${KAFKA_SASL_MECHANISM+set}" ]]; then
  # shellcheck disable=SC2046
  export $(kafka_client_environment inspector)
fi
exec node --disable-warning=TimeoutNegativeWarning "$REPO_ROOT/apps/inspect/dist/src/main.js" "$@"
