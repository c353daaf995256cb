# shellcheck shell=bash
# Local defaults shared by the scripts: service names, ports, database URLs.
# Every value can be overridden from the environment (see README, "Configuration").

SERVICES=(order inventory payment orchestrator coordinator)
# Every process npm start and npm run service run: the services, and the operator console, which
# has no database (so it is not in SERVICES, which the scripts loop over for databases and migrations).
PROCESSES=("${SERVICES[@]}" console)
# The repository, also for the scripts that source this without node.sh (scripts/infra/*).
ENV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

export POSTGRES_PORT="${POSTGRES_PORT:-5432}"
export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
# The local Jaeger (scripts/infra/jaeger.sh): the services export spans to its OTLP/HTTP port.
export JAEGER_OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-4317}"
export JAEGER_OTLP_HTTP_PORT="${JAEGER_OTLP_HTTP_PORT:-4318}"
export JAEGER_QUERY_PORT="${JAEGER_QUERY_PORT:-16686}"
export JAEGER_QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}"
export JAEGER_STATE_DIR="${JAEGER_STATE_DIR:-$ENV_ROOT/.local/jaeger}"
# Where the Jaeger build says how far it is (building, ready or failed): npm start and the
# operator console read it to say when traces will be kept (README, "The Jaeger build status file").
export JAEGER_STATUS_FILE="${JAEGER_STATUS_FILE:-$JAEGER_STATE_DIR/status.json}"
# The local token issuer's key pair (npm run -s token); services check tokens against its JWKS.
export AUTH_KEYS_DIR="${AUTH_KEYS_DIR:-$ENV_ROOT/.local/auth}"

# Users of the local Kafka broker (scripts/infra/kafka.sh): the super user, a read-only
# user for tools, the operator console, and one per service; each password is a file in
# KAFKA_CREDENTIALS.
KAFKA_USERS=(admin inspector console "${SERVICES[@]}")
KAFKA_CREDENTIALS="$ENV_ROOT/.local/kafka/credentials"

# kafka_client_environment <user>: the variables a client of the local broker signs in with.
kafka_client_environment() {
  echo "KAFKA_SASL_MECHANISM=scram-sha-512"
  echo "KAFKA_USERNAME=$1"
  echo "KAFKA_PASSWORD_FILE=$KAFKA_CREDENTIALS/$1"
}

# grant_kafka_access: as the admin, creates the topics of the deployment KAFKA_TOPIC_PREFIX names
# and grants each user its rights there (libs/shared/messaging/src/lib/kafka-acls.ts). Idempotent.
grant_kafka_access() {
  local cli="$REPO_ROOT/libs/shared/messaging/dist/src/cli/kafka-access.js"
  [[ -f "$cli" ]] || { echo "kafka-access: not built; run npm run build" >&2; return 1; }
  # shellcheck disable=SC2046
  env $(kafka_client_environment admin) node "$cli" --brokers "$KAFKA_BROKERS" --prefix "${KAFKA_TOPIC_PREFIX:-}"
}

# The tests' own Kafka clients sign in as the local broker's admin; the services they start, as themselves.
export_test_kafka_credentials() {
  if [[ -z "${TEST_KAFKA_USERNAME:-}" && -z "${TEST_KAFKA_SASL_MECHANISM+set}" ]]; then
    export TEST_KAFKA_SASL_MECHANISM=scram-sha-512 TEST_KAFKA_USERNAME=admin
    export TEST_KAFKA_PASSWORD_FILE="$KAFKA_CREDENTIALS/admin"
    export TEST_KAFKA_CREDENTIALS_DIR="${TEST_KAFKA_CREDENTIALS_DIR:-$KAFKA_CREDENTIALS}"
  fi
}

is_service() {
  local candidate
  for candidate in "${PROCESSES[@]}"; do [[ "$candidate" == "$1" ]] && return 0; done
  return 1
}

service_default_port() {
  case "$1" in
    order) echo 3001 ;; inventory) echo 3002 ;; payment) echo 3003 ;;
    orchestrator) echo 3004 ;; coordinator) echo 3005 ;; console) echo 3006 ;;
  esac
}

# <SERVICE>_PORT overrides the port of one service, e.g. ORDER_PORT=4001.
service_port() {
  local variable
  variable="$(echo "$1" | tr '[:lower:]' '[:upper:]')_PORT"
  echo "${!variable:-$(service_default_port "$1")}"
}

service_database() {
  case "$1" in
    order) echo orders ;; payment) echo payments ;; *) echo "$1" ;;
  esac
}

# Passwords of the local cluster's roles, made by scripts/infra/postgres.sh (README, "PostgreSQL roles").
POSTGRES_CREDENTIALS_DIR="${POSTGRES_STATE_DIR:-$ENV_ROOT/.local/postgres}/credentials"

# <role> <database>: a URL of the local cluster that signs in as the role.
local_database_url() {
  local password
  password="$(cat "$POSTGRES_CREDENTIALS_DIR/$1" 2> /dev/null)" \
    || { echo "no password for the PostgreSQL role $1 in $POSTGRES_CREDENTIALS_DIR: run npm run infra:up" >&2; return 1; }
  echo "postgresql://$1:$password@127.0.0.1:$POSTGRES_PORT/$2"
}

# What a service connects as: its runtime role. <SERVICE>_DATABASE_URL overrides it.
service_database_url() {
  local variable
  variable="$(echo "$1" | tr '[:lower:]' '[:upper:]')_DATABASE_URL"
  if [[ -n "${!variable:-}" ]]; then echo "${!variable}"; else local_database_url "$1_runtime" "$(service_database "$1")"; fi
}

# What a service's migrations run as: its database's owner. <SERVICE>_MIGRATION_DATABASE_URL overrides it.
service_migration_database_url() {
  local variable
  variable="$(echo "$1" | tr '[:lower:]' '[:upper:]')_MIGRATION_DATABASE_URL"
  if [[ -n "${!variable:-}" ]]; then echo "${!variable}"; else local_database_url "$1_owner" "$(service_database "$1")"; fi
}

# The role a service's migrations grant its rows to. <SERVICE>_RUNTIME_ROLE overrides it.
service_runtime_role() {
  local variable
  variable="$(echo "$1" | tr '[:lower:]' '[:upper:]')_RUNTIME_ROLE"
  echo "${!variable:-$1_runtime}"
}

# Read-only tools (npm run audit) read a service's database as dtx_reader.
service_reader_database_url() {
  local_database_url dtx_reader "$(service_database "$1")"
}
