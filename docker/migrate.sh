#!/bin/sh
# Applies the pending migrations of every service database (the migrate image's
# entry point; docker-compose.yml and the Kubernetes Job run it once, before the
# services). Each database comes from <SERVICE>_MIGRATION_DATABASE_URL, as the role
# that owns it (scripts/lib/env.sh); afterwards the service's runtime role,
# <SERVICE>_RUNTIME_ROLE (default <service>_runtime), may read and write the rows.
set -eu
cd /app
for service in order inventory payment orchestrator coordinator; do
  prefix="$(echo "$service" | tr '[:lower:]' '[:upper:]')"
  url="$(printenv "${prefix}_MIGRATION_DATABASE_URL" || true)"
  if [ -z "$url" ]; then
    echo "migrate: ${prefix}_MIGRATION_DATABASE_URL is not set" >&2
    exit 1
  fi
  runtime_role="$(printenv "${prefix}_RUNTIME_ROLE" || echo "${service}_runtime")"
  # --service: the library tables it gets (libs/shared/*/migrations), then prisma/<service>/migrations.
  node libs/shared/prisma/dist/src/cli/migrate.js --name "$service" \
    --database-url "$url" --service "$service" --root /app --runtime-role "$runtime_role"
done
echo "migrate: every service database is up to date"
