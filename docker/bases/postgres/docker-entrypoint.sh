#!/bin/bash
# What this project uses of the official postgres image's entrypoint:
#  - runs as the postgres user (re-executing itself when started as root);
#  - on an empty PGDATA: initdb with POSTGRES_USER (postgres) and POSTGRES_PASSWORD,
#    clients from anywhere with POSTGRES_HOST_AUTH_METHOD (scram-sha-256, or
#    trust), POSTGRES_DB (the user's name) created, and every
#    /docker-entrypoint-initdb.d/*.sh and *.sql run against a server that
#    listens on its Unix socket only;
#  - then the server itself, listening on every address, with the arguments given
#    (`postgres -c max_prepared_transactions=128 ...`).
set -euo pipefail

if [[ "${1:-}" == -* ]]; then
  set -- postgres "$@"
fi
if [[ "${1:-}" != postgres ]]; then
  exec "$@"
fi

if [[ "$(id -u)" == 0 ]]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

export POSTGRES_USER="${POSTGRES_USER:-postgres}"
export POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"

initialise() {
  local auth="${POSTGRES_HOST_AUTH_METHOD:-}"
  if [[ -z "${POSTGRES_PASSWORD:-}" && "$auth" != trust ]]; then
    echo 'postgres: set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust, for tests only)' >&2
    exit 1
  fi
  auth="${auth:-scram-sha-256}"
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD:-}") \
    --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" > /dev/null
  {
    echo "listen_addresses = '*'"
  } >> "$PGDATA/postgresql.conf"
  echo "host all all all $auth" >> "$PGDATA/pg_hba.conf"

  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
  local psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres)
  if [[ "$POSTGRES_DB" != postgres ]]; then
    "${psql[@]}" -v db="$POSTGRES_DB" <<< 'CREATE DATABASE :"db";'
  fi
  local script
  for script in /docker-entrypoint-initdb.d/*; do
    case "$script" in
      *.sh) echo "postgres: running $script"; bash "$script" ;;
      *.sql) echo "postgres: running $script"; "${psql[@]}" -f "$script" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop > /dev/null
  echo 'postgres: initialised; starting the server'
}

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  initialise
fi
exec "$@"
