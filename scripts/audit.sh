#!/usr/bin/env bash
# npm run audit -- [--wait seconds] [--json] [--brokers host:port] [--prefix p] [--<service>-db url]
# Checks the whole system's invariants; exit code 1 on any violation.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
# It only reads: as the read-only dtx_reader, unless <SERVICE>_DATABASE_URL says otherwise.
for service in "${SERVICES[@]}"; do
  variable="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DATABASE_URL"
  export "$variable=${!variable:-$(service_reader_database_url "$service")}"
done
exec node --disable-warning=TimeoutNegativeWarning "$REPO_ROOT/apps/audit/dist/src/main.js" "$@"
