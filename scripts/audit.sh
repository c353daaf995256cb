#!/usr/bin/env bash
# npm run audit -- [--wait seconds] [--json] [--brokers host:port] [--prefix p] [--<service>-db url]
# Checks the whole system's invariants; exit code 1 on any violation. Signs in to Kafka as the
# local broker's read-only inspector user unless KAFKA_USERNAME or KAFKA_SASL_MECHANISM says otherwise.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
if [[ -z "${KAFKA_USERNAME:-}" && -z "${KAFKA_SASL_MECHANISM+set}" ]]; then
  # shellcheck disable=SC2046
  export $(kafka_client_environment inspector)
fi
# It only reads: as the read-only dtx_reader, unless <SERVICE>_DATABASE_URL says otherwise.
for service in "${SERVICES[@]}"; do
  variable="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DATABASE_URL"
  export "$variable=${!variable:-$(service_reader_database_url "$service")}"
done
exec node --disable-warning=TimeoutNegativeWarning "$REPO_ROOT/apps/audit/dist/src/main.js" "$@"
