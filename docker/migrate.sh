#!/bin/sh
# Applies the pending migrations of every service database (the migrate image's
# entry point; docker-compose.yml and the Kubernetes Job run it once, before the
# services). Each database comes from <SERVICE>_DATABASE_URL, as in scripts/lib/env.sh.
set -eu
cd /app
for service in order inventory payment orchestrator coordinator; do
  variable="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DATABASE_URL"
  eval "url=\${$variable:-}"
  if [ -z "$url" ]; then
    echo "migrate: $variable is not set" >&2
    exit 1
  fi
  # --service: the library tables it gets (libs/shared/*/migrations), then prisma/<service>/migrations.
  node libs/shared/prisma/dist/src/cli/migrate.js --name "$service" \
    --database-url "$url" --service "$service" --root /app
done
echo "migrate: every service database is up to date"
