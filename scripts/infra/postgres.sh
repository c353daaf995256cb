#!/usr/bin/env bash
# A PostgreSQL 15 cluster owned by this project, under .local/postgres/.
#
#   postgres.sh up       initialise (once), start, wait until ready, create the service databases
#   postgres.sh down     stop it (pg_ctl, by the postmaster's PID); --wipe also deletes the data
#   postgres.sh status   exit 0 when running, 3 when stopped
#
# Env: POSTGRES_PORT (5432), POSTGRES_STATE_DIR (.local/postgres), PG_BIN (folder with initdb/pg_ctl;
# found automatically).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${POSTGRES_STATE_DIR:-$ROOT/.local/postgres}"
DATA_DIR="$STATE_DIR/data"
SOCKET_DIR="$STATE_DIR/run"
LOG_FILE="$STATE_DIR/postgres.log"
PORT="${POSTGRES_PORT:-5432}"
DATABASES=(orders inventory payments orchestrator coordinator)

source "$(dirname "${BASH_SOURCE[0]}")/../lib/pg-bin.sh"

# PostgreSQL refuses to run as root; on a root shell the cluster belongs to the postgres user.
as_cluster_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

psql_admin() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres "$@"
}

is_running() {
  [[ -f "$DATA_DIR/PG_VERSION" ]] && as_cluster_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" status > /dev/null 2>&1
}

postmaster_pid() {
  head -1 "$DATA_DIR/postmaster.pid" 2> /dev/null || echo '?'
}

initialise_cluster() {
  mkdir -p "$STATE_DIR" "$SOCKET_DIR"
  if [[ "$(id -u)" -eq 0 ]]; then chown postgres: "$STATE_DIR" "$SOCKET_DIR"; fi
  if [[ -f "$DATA_DIR/PG_VERSION" ]]; then return; fi
  echo "postgres: initialising a new cluster in $DATA_DIR"
  as_cluster_owner "$PG_BIN/initdb" -D "$DATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > "$STATE_DIR/initdb.log" 2>&1 \
    || { cat "$STATE_DIR/initdb.log" >&2; exit 1; }
  cat >> "$DATA_DIR/postgresql.conf" <<CONF

# --- settings of this project (scripts/infra/postgres.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCKET_DIR'
max_connections = 300
# The 2PC coordinator holds prepared transactions on three databases at once.
max_prepared_transactions = 128
shared_buffers = 256MB
log_line_prefix = '%m [%p] %d '
CONF
}

start_cluster() {
  as_cluster_owner touch "$LOG_FILE"
  as_cluster_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -o "-p $PORT" -w -t 60 start > /dev/null \
    || { echo "postgres: failed to start; last log lines:" >&2; tail -40 "$LOG_FILE" >&2; exit 1; }
  local attempt
  for attempt in $(seq 1 60); do
    if psql_admin -c 'SELECT 1' > /dev/null 2>&1; then return; fi
    sleep 0.5
  done
  echo "postgres: started but does not accept connections on 127.0.0.1:$PORT" >&2
  tail -40 "$LOG_FILE" >&2
  exit 1
}

create_databases() {
  local database
  for database in "${DATABASES[@]}"; do
    if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]]; then
      psql_admin -c "CREATE DATABASE \"$database\""
    fi
  done
}

up() {
  if is_running; then
    echo "postgres: already running (pid $(postmaster_pid)) on 127.0.0.1:$PORT"
  else
    initialise_cluster
    start_cluster
    echo "postgres: up (pid $(postmaster_pid)) on 127.0.0.1:$PORT, log $LOG_FILE"
  fi
  create_databases
}

down() {
  if is_running; then
    as_cluster_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop > /dev/null
    echo "postgres: stopped"
  else
    echo "postgres: not running"
  fi
  if [[ "${1:-}" == "--wipe" ]]; then
    rm -rf "$STATE_DIR"
    echo "postgres: data wiped"
  fi
}

status() {
  if is_running; then
    echo "postgres: running (pid $(postmaster_pid)) on 127.0.0.1:$PORT"
  else
    echo "postgres: stopped"
    return 3
  fi
}

case "${1:-}" in
  up) up ;;
  down) shift; down "$@" ;;
  status) status ;;
  *) echo "usage: $0 up|down [--wipe]|status" >&2; exit 2 ;;
esac
