#!/bin/sh
# Applies the pending migrations of every service database (the migrate image's
# entry point; docker-compose.yml and the Kubernetes Job run it once, before the
# services). Each database comes from <SERVICE>_MIGRATION_DATABASE_URL, as the role
# that owns it (scripts/lib/env.sh); afterwards the service's runtime role,
# <SERVICE>_RUNTIME_ROLE (default <service>_runtime), may read and write the rows.
set -eu
cd /app
# Where the engine does not wait for PostgreSQL's health check (podman-compose with
# podman 4), this waits: until the owner role can connect, which also means the
# first start's init scripts have made it. MIGRATE_WAIT_SECONDS, 120 by default.
wait_for_database() {
  node --input-type=module -e "
    import pg from 'pg';
    const deadline = Date.now() + Number(process.env.MIGRATE_WAIT_SECONDS ?? 120) * 1000;
    for (let said = false; ; ) {
      const client = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.end();
        break;
      } catch (error) {
        await client.end().catch(() => {});
        if (Date.now() > deadline) {
          console.error('migrate: the database does not answer: ' + error.message);
          process.exit(1);
        }
        if (!said) console.log('migrate: waiting for the database (' + error.message + ')');
        said = true;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }" "$1"
}

# A connection lost on the way (a name the engine's DNS did not answer in time under load,
# say) is tried again, up to 5 times; each migration is its own transaction, so a retry
# starts from the first one not applied. Any other failure ends the job at once.
migrate_service() {
  attempt=1
  while :; do
    # --service: the library tables it gets (libs/shared/*/migrations), then prisma/<service>/migrations.
    if output="$(node libs/shared/prisma/dist/src/cli/migrate.js --name "$1" \
      --database-url "$2" --service "$1" --root /app --runtime-role "$3" 2>&1)"; then
      echo "$output"
      return 0
    fi
    echo "$output" >&2
    if [ "$attempt" -ge 5 ] ||
      ! echo "$output" | grep -Eq 'EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated'; then
      return 1
    fi
    echo "migrate: $1: the connection failed; trying again ($attempt of 5)" >&2
    attempt=$((attempt + 1))
    sleep 2
  done
}

for service in order inventory payment orchestrator coordinator; do
  prefix="$(echo "$service" | tr '[:lower:]' '[:upper:]')"
  url="$(printenv "${prefix}_MIGRATION_DATABASE_URL" || true)"
  if [ -z "$url" ]; then
    echo "migrate: ${prefix}_MIGRATION_DATABASE_URL is not set" >&2
    exit 1
  fi
  runtime_role="$(printenv "${prefix}_RUNTIME_ROLE" || echo "${service}_runtime")"
  wait_for_database "$url"
  migrate_service "$service" "$url" "$runtime_role"
done
echo "migrate: every service database is up to date"
