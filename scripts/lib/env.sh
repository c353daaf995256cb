# shellcheck shell=bash
# Local defaults shared by the scripts: service names, ports, database URLs.
# Every value can be overridden from the environment (see README, "Configuration").

SERVICES=(order inventory payment orchestrator coordinator)

export POSTGRES_PORT="${POSTGRES_PORT:-5432}"
export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
# The local token issuer's key pair (npm run -s token); services check tokens against its JWKS.
export AUTH_KEYS_DIR="${AUTH_KEYS_DIR:-$REPO_ROOT/.local/auth}"

is_service() {
  local candidate
  for candidate in "${SERVICES[@]}"; do [[ "$candidate" == "$1" ]] && return 0; done
  return 1
}

service_default_port() {
  case "$1" in
    order) echo 3001 ;; inventory) echo 3002 ;; payment) echo 3003 ;;
    orchestrator) echo 3004 ;; coordinator) echo 3005 ;;
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

# <SERVICE>_DATABASE_URL overrides the database of one service.
service_database_url() {
  local variable
  variable="$(echo "$1" | tr '[:lower:]' '[:upper:]')_DATABASE_URL"
  echo "${!variable:-postgresql://postgres@127.0.0.1:$POSTGRES_PORT/$(service_database "$1")}"
}
