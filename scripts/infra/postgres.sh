#!/usr/bin/env bash
# A PostgreSQL 15 cluster owned by this project, under .local/postgres/.
#
#   postgres.sh up       initialise (once), start, wait until ready, create the service databases
#                        and their roles (README, "PostgreSQL roles"); a cluster made before the
#                        roles existed gets them, and its tables go to the owner roles
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
# One password file per role, made once; pgpass there is for psql (PGPASSFILE).
CREDENTIALS_DIR="$STATE_DIR/credentials"
PORT="${POSTGRES_PORT:-5432}"
SERVICES=(order inventory payment orchestrator coordinator)
READER_ROLE=dtx_reader
# What every session of a runtime role starts with. A service's pool sends its own
# DATABASE_*_TIMEOUT_MS on each connection, which win; these hold for any other session.
RUNTIME_ROLE_SETTINGS=(statement_timeout=30s lock_timeout=10s idle_in_transaction_session_timeout=1min)

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

service_database() {
  case "$1" in order) echo orders ;; payment) echo payments ;; *) echo "$1" ;; esac
}

# The postgres superuser is trusted on this machine (the scripts and the test harness use it);
# every other role signs in with its password (SCRAM), over TCP and the Unix socket alike.
ACCESS_RULES="# Written by scripts/infra/postgres.sh on every start: edits are overwritten.
# TYPE  DATABASE     USER      ADDRESS        METHOD
local   all          postgres                 trust
host    all          postgres  127.0.0.1/32   trust
host    all          postgres  ::1/128        trust
local   replication  postgres                 trust
host    replication  postgres  127.0.0.1/32   trust
local   all          all                      scram-sha-256
host    all          all       127.0.0.1/32   scram-sha-256
host    all          all       ::1/128        scram-sha-256"

# Exit status 0 when pg_hba.conf had to be rewritten.
write_access_rules() {
  local file="$DATA_DIR/pg_hba.conf"
  if [[ "$(cat "$file")" == "$ACCESS_RULES" ]]; then return 1; fi
  printf '%s\n' "$ACCESS_RULES" | as_cluster_owner tee "$file" > /dev/null
}

# A random password for each role, made once and kept under credentials/ (git-ignored, mode 600).
ensure_passwords() {
  local role service
  mkdir -p "$CREDENTIALS_DIR"
  chmod 700 "$CREDENTIALS_DIR"
  for role in "$READER_ROLE" $(for service in "${SERVICES[@]}"; do echo "${service}_owner ${service}_runtime"; done); do
    if [[ ! -s "$CREDENTIALS_DIR/$role" ]]; then
      (umask 077 && head -c 24 /dev/urandom | base64 | tr '+/' '-_' > "$CREDENTIALS_DIR/$role")
    fi
  done
  (
    umask 077
    for service in "${SERVICES[@]}"; do
      for role in "${service}_owner" "${service}_runtime"; do
        echo "*:*:$(service_database "$service"):$role:$(cat "$CREDENTIALS_DIR/$role")"
      done
    done > "$CREDENTIALS_DIR/pgpass"
    echo "*:*:*:$READER_ROLE:$(cat "$CREDENTIALS_DIR/$READER_ROLE")" >> "$CREDENTIALS_DIR/pgpass"
  )
}

# psql statements that make <role> a login role (without any other attribute) with its password.
login_role_sql() {
  cat <<SQL
\\set password \`cat '$CREDENTIALS_DIR/$1'\`
SELECT format('CREATE ROLE %I', '$1') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$1') \\gexec
ALTER ROLE "$1" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'password';
SQL
}

# Per service: its owner role owns the database (and so its public schema) and everything in it,
# including tables a migration made as the superuser before the roles existed; its runtime role
# may connect. What the runtime role may do inside is granted by the migrations (dtx-migrate
# --runtime-role), which run as the owner.
service_roles_sql() {
  local service="$1" database owner="$1_owner" runtime="$1_runtime" setting
  database="$(service_database "$service")"
  login_role_sql "$owner"
  login_role_sql "$runtime"
  for setting in "${RUNTIME_ROLE_SETTINGS[@]}"; do
    echo "ALTER ROLE \"$runtime\" SET ${setting%%=*} = '${setting#*=}';"
  done
  cat <<SQL
SELECT format('CREATE DATABASE %I OWNER %I', '$database', '$owner')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$database') \\gexec
ALTER DATABASE "$database" OWNER TO "$owner";
GRANT CONNECT ON DATABASE "$database" TO "$runtime", "$READER_ROLE";
\\connect $database
SET dtx.owner = '$owner';
DO \$\$
DECLARE
  new_owner text := current_setting('dtx.owner');
  relation regclass;
BEGIN
  -- Tables take their indexes and the sequences of their serial columns along.
  FOR relation IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND pg_get_userbyid(c.relowner) <> new_owner
  LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO %I', relation, new_owner);
  END LOOP;
  FOR relation IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> new_owner
  LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', relation, new_owner);
  END LOOP;
END
\$\$;
\\connect postgres
SQL
}

# The roles and databases of every service, and a read-only role for tools (npm run audit).
# Idempotent: runs on every up, so a cluster made before the roles existed gets them.
provision_roles() {
  local service
  ensure_passwords
  {
    login_role_sql "$READER_ROLE"
    echo "GRANT pg_read_all_data TO \"$READER_ROLE\";"
    echo "ALTER ROLE \"$READER_ROLE\" SET default_transaction_read_only = on;"
    for service in "${SERVICES[@]}"; do service_roles_sql "$service"; done
  } | PGOPTIONS='-c client_min_messages=warning' psql_admin > /dev/null
}

up() {
  if is_running; then
    echo "postgres: already running (pid $(postmaster_pid)) on 127.0.0.1:$PORT"
    if write_access_rules; then
      psql_admin -c 'SELECT pg_reload_conf()' > /dev/null
      echo "postgres: access rules rewritten (password authentication for every role but postgres)"
    fi
  else
    initialise_cluster
    write_access_rules || true
    start_cluster
    echo "postgres: up (pid $(postmaster_pid)) on 127.0.0.1:$PORT, log $LOG_FILE"
  fi
  provision_roles
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
