#!/usr/bin/env bash
# One service as its own OS process, so it can be stopped, killed and restarted
# while the others keep running. Expects a build (npm run build) and the
# infrastructure (npm run infra:up).
#
#   service.sh run <service>                    in the foreground; Ctrl-C stops it
#   service.sh start <service> [--replicas N]   N processes (default 1) in the background
#   service.sh stop <service> [--replica K]     SIGTERM by PID, wait for the exit
#   service.sh kill <service> [--replica K]     SIGKILL by PID, as a crash would
#   service.sh status [<service>]               running or stopped, with PID and URL
#
# <service> is one of: order inventory payment orchestrator coordinator console, or "all".
# Replica K of a service listens on its port + 100 × (K − 1) (payment: 3003, 3103, ...),
# logs to .local/logs/<service>[-K].log and shares the service's database, consumer
# groups, outbox relay and timers with the other replicas. stop and kill act on every
# replica unless --replica K names one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/env.sh"

RUN_DIR="$REPO_ROOT/.local/run"
LOG_DIR="$REPO_ROOT/.local/logs"
# kafkajs 2.2.4 schedules a negative timeout when idle; Node 24 warns on every one.
# The OpenTelemetry SDK is preloaded so that it instruments the modules the service loads.
NODE_FLAGS=(--enable-source-maps --disable-warning=TimeoutNegativeWarning
  --import "$REPO_ROOT/libs/shared/telemetry/dist/src/register.js")

# <service> <replica>: the file names and port of one replica; replica 1 keeps the plain names.
replica_name() { if [[ "$2" -eq 1 ]]; then echo "$1"; else echo "$1-$2"; fi; }
pid_file() { echo "$RUN_DIR/$(replica_name "$1" "$2").pid"; }
replica_port() { echo $(($(service_port "$1") + 100 * ($2 - 1))); }

running_pid() {
  local pid
  pid="$(cat "$(pid_file "$1" "$2")" 2> /dev/null || true)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2> /dev/null; then echo "$pid"; fi
}

# The replicas of <service> that have a pid file, in order.
known_replicas() {
  local file replica
  for file in "$RUN_DIR/$1.pid" "$RUN_DIR/$1"-*.pid; do
    [[ -f "$file" ]] || continue
    replica="${file##*/$1}"
    replica="${replica%.pid}"
    echo "${replica#-}"
  done | sed 's/^$/1/' | sort -n
}

service_environment() {
  echo "PORT=$(replica_port "$1" "$2")"
  if [[ "$1" == console ]]; then
    console_environment
  else
    echo "DATABASE_URL=$(service_database_url "$1")"
  fi
  echo "KAFKA_BROKERS=$KAFKA_BROKERS"
  kafka_client_environment "$1"
  echo "OTEL_SERVICE_NAME=$1"
  echo "KAFKA_TOPIC_PREFIX=${KAFKA_TOPIC_PREFIX:-}"
  echo "OTEL_EXPORTER_OTLP_ENDPOINT=${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT}"
  # How the services reach each other for 2PC, at the ports they were given (<SERVICE>_PORT).
  echo "COORDINATOR_URL=${COORDINATOR_URL:-http://127.0.0.1:$(service_port coordinator)}"
  echo "ORDER_SERVICE_URL=${ORDER_SERVICE_URL:-http://127.0.0.1:$(service_port order)}"
  echo "INVENTORY_SERVICE_URL=${INVENTORY_SERVICE_URL:-http://127.0.0.1:$(service_port inventory)}"
  echo "PAYMENT_SERVICE_URL=${PAYMENT_SERVICE_URL:-http://127.0.0.1:$(service_port payment)}"
  # Tokens are checked against the local issuer's JWKS, unless an OpenID Connect provider's is given;
  # services that call others sign their own with the local key (see README, "Identity and access").
  if [[ -n "${AUTH_JWKS_URL:-}" ]]; then
    echo "AUTH_JWKS_URL=$AUTH_JWKS_URL"
  else
    echo "AUTH_JWKS_FILE=$AUTH_KEYS_DIR/jwks.json"
    echo "AUTH_SIGNING_KEY_FILE=$AUTH_KEYS_DIR/signing-key.jwk.json"
  fi
  # Off unless asked for: ENABLE_FAULT_INJECTION=true npm run service -- start <service>
  echo "ENABLE_FAULT_INJECTION=${ENABLE_FAULT_INJECTION:-false}"
}

# The console has no database: it reads the services (as the signed-in admin), Kafka (as its own
# user) and Jaeger's query API.
console_environment() {
  echo "ORDER_SERVICE_URL=http://127.0.0.1:$(service_port order)"
  echo "INVENTORY_SERVICE_URL=http://127.0.0.1:$(service_port inventory)"
  echo "PAYMENT_SERVICE_URL=http://127.0.0.1:$(service_port payment)"
  echo "ORCHESTRATOR_SERVICE_URL=http://127.0.0.1:$(service_port orchestrator)"
  echo "COORDINATOR_URL=http://127.0.0.1:$(service_port coordinator)"
  echo "JAEGER_QUERY_URL=${JAEGER_QUERY_URL:-http://127.0.0.1:${JAEGER_QUERY_PORT:-16686}}"
  if [[ -n "${JAEGER_STATUS_FILE:-}" ]]; then echo "JAEGER_STATUS_FILE=$JAEGER_STATUS_FILE"; fi
}

entry_point() {
  local entry="$REPO_ROOT/apps/$1/dist/src/main.js"
  [[ -f "$entry" ]] || { echo "service: $1 is not built; run npm run build" >&2; exit 1; }
  echo "$entry"
}

# The local issuer's key pair, made the first time (not needed with an OpenID Connect provider).
ensure_local_keys() {
  if [[ -z "${AUTH_JWKS_URL:-}" && ! -f "$AUTH_KEYS_DIR/signing-key.jwk.json" ]]; then
    node "$REPO_ROOT/libs/shared/auth/dist/src/cli/token.js" --ensure-keys
  fi
}

# Before a service starts: its topics and ACLs (it may create neither itself). A broker that does
# not answer yet is no reason not to start: the service waits for Kafka, and its ACLs come with the next start.
ensure_kafka_access() {
  grant_kafka_access || echo "service: could not grant Kafka access (see above); the services wait until they have it" >&2
}

run_service() {
  local entry
  entry="$(entry_point "$1")"
  ensure_local_keys
  ensure_kafka_access
  # shellcheck disable=SC2046
  exec env $(service_environment "$1" 1) node "${NODE_FLAGS[@]}" "$entry"
}

start_service() {
  local service="$1" replica="$2" pid entry name
  name="$(replica_name "$service" "$replica")"
  pid="$(running_pid "$service" "$replica")"
  if [[ -n "$pid" ]]; then
    echo "$name: already running (pid $pid)"
    return
  fi
  entry="$(entry_point "$service")"
  ensure_local_keys
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  # shellcheck disable=SC2046
  env $(service_environment "$service" "$replica") nohup node "${NODE_FLAGS[@]}" "$entry" >> "$LOG_DIR/$name.log" 2>&1 &
  echo $! > "$(pid_file "$service" "$replica")"
  echo "$name: started (pid $!) on http://127.0.0.1:$(replica_port "$service" "$replica"), log .local/logs/$name.log"
}

stop_service() {
  local service="$1" replica="$2" signal="$3" pid name
  name="$(replica_name "$service" "$replica")"
  pid="$(running_pid "$service" "$replica")"
  if [[ -z "$pid" ]]; then
    echo "$name: not running"
    rm -f "$(pid_file "$service" "$replica")"
    return
  fi
  kill "-$signal" "$pid"
  local waited=0
  while kill -0 "$pid" 2> /dev/null && ((waited < 150)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2> /dev/null; then
    echo "$name: still running 15 s after SIG$signal; sending SIGKILL" >&2
    kill -KILL "$pid" 2> /dev/null || true
  fi
  rm -f "$(pid_file "$service" "$replica")"
  echo "$name: stopped (SIG$signal, pid $pid)"
}

status_service() {
  local service="$1" replica pid any=false
  for replica in $(known_replicas "$service"); do
    pid="$(running_pid "$service" "$replica")"
    if [[ -n "$pid" ]]; then
      any=true
      echo "$(replica_name "$service" "$replica"): running (pid $pid) on http://127.0.0.1:$(replica_port "$service" "$replica")"
    fi
  done
  [[ "$any" == true ]] || echo "$service: stopped"
}

# The replicas a stop or kill acts on: the one named, or every one with a pid file (at least replica 1).
chosen_replicas() {
  local service="$1" only="$2" found
  if [[ -n "$only" ]]; then
    echo "$only"
    return
  fi
  found="$(known_replicas "$service")"
  echo "${found:-1}"
}

targets() {
  if [[ "${1:-all}" == all ]]; then
    echo "${PROCESSES[@]}"
  elif is_service "$1"; then
    echo "$1"
  else
    echo "service: unknown service '$1' (one of: ${PROCESSES[*]}, all)" >&2
    exit 2
  fi
}

positive_number() { [[ "$1" =~ ^[1-9][0-9]?$ ]] || { echo "service: $2 must be a number from 1 to 99, not '$1'" >&2; exit 2; }; }

command="${1:-}"
shift || true
target="${1:-}"
shift || true
replicas=1
replica=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --replicas) positive_number "${2:-}" --replicas; replicas="$2"; shift 2 ;;
    --replica) positive_number "${2:-}" --replica; replica="$2"; shift 2 ;;
    *) echo "service: unknown option '$1'" >&2; exit 2 ;;
  esac
done
case "$command" in
  run) [[ -n "$target" ]] && is_service "$target" || { echo "usage: $0 run <service>" >&2; exit 2; }; run_service "$target" ;;
  start)
    ensure_kafka_access
    for service in $(targets "$target"); do
      for ((k = 1; k <= replicas; k++)); do start_service "$service" "$k"; done
    done
    ;;
  stop | kill)
    signal=TERM
    [[ "$command" == kill ]] && signal=KILL
    for service in $(targets "$target"); do
      for k in $(chosen_replicas "$service" "$replica"); do stop_service "$service" "$k" "$signal"; done
    done
    ;;
  status) for service in $(targets "${target:-all}"); do status_service "$service"; done ;;
  *) echo "usage: $0 run|start|stop|kill|status <service|all> [--replicas N | --replica K]" >&2; exit 2 ;;
esac
