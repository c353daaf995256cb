#!/bin/sh
# Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d),
# as POSTGRES_USER: per service, a database owned by its owner role, which runs the
# migrations, and a runtime role, which the service connects as; the migrations grant it
# the rows of the tables (README, "PostgreSQL roles"). Passwords come from
# <SERVICE>_OWNER_PASSWORD and <SERVICE>_RUNTIME_PASSWORD.
# k8s/overlays/dev/postgres-init-roles.sh is a copy (kustomize reads no file outside k8s/).
for service in order inventory payment orchestrator coordinator; do
  case "$service" in
    order) database=orders ;;
    payment) database=payments ;;
    *) database="$service" ;;
  esac
  prefix="$(echo "$service" | tr '[:lower:]' '[:upper:]')"
  OWNER_PASSWORD="$(printenv "${prefix}_OWNER_PASSWORD")" || { echo "init-roles: ${prefix}_OWNER_PASSWORD is not set" >&2; exit 1; }
  RUNTIME_PASSWORD="$(printenv "${prefix}_RUNTIME_PASSWORD")" || { echo "init-roles: ${prefix}_RUNTIME_PASSWORD is not set" >&2; exit 1; }
  export OWNER_PASSWORD RUNTIME_PASSWORD
  # The passwords reach psql through its environment, not its command line.
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
    -v owner="${service}_owner" -v runtime="${service}_runtime" -v database="$database" <<'SQL' || exit 1
\set owner_password `printenv OWNER_PASSWORD`
\set runtime_password `printenv RUNTIME_PASSWORD`
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"runtime" LOGIN PASSWORD :'runtime_password';
-- What every session of the runtime role starts with; a service's pool sends its own timeouts, which win.
ALTER ROLE :"runtime" SET statement_timeout = '30s';
ALTER ROLE :"runtime" SET lock_timeout = '10s';
ALTER ROLE :"runtime" SET idle_in_transaction_session_timeout = '1min';
CREATE DATABASE :"database" OWNER :"owner";
GRANT CONNECT ON DATABASE :"database" TO :"runtime";
SQL
  unset OWNER_PASSWORD RUNTIME_PASSWORD
done
