#!/usr/bin/env bash
# npm run inspect -- <orderId> [--follow] [--json] [--brokers host:port] [--prefix p]
# One order's Kafka messages across every topic, in causal order.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
exec node --disable-warning=TimeoutNegativeWarning "$REPO_ROOT/apps/inspect/dist/src/main.js" "$@"
