#!/usr/bin/env bash
# One service as its own OS process, so it can be stopped, killed and restarted
# while the others keep running. Expects a build (npm run build) and the
# infrastructure (npm run infra:up).
#
#   service.sh run <service>       in the foreground; Ctrl-C stops it
#   service.sh start <service>     in the background; log in .local/logs/<service>.log
#   service.sh stop <service>      SIGTERM by PID, wait for the exit
#   service.sh kill <service>      SIGKILL by PID, as a crash would
#   service.sh status [<service>]  running or stopped, with PID and URL
#
# <service> is one of: order inventory payment orchestrator coordinator, or "all".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/env.sh"

RUN_DIR="$REPO_ROOT/.local/run"
LOG_DIR="$REPO_ROOT/.local/logs"
# kafkajs 2.2.4 schedules a negative timeout when idle; Node 24 warns on every one.
# The OpenTelemetry SDK is preloaded so that it instruments the modules the service loads.
NODE_FLAGS=(--enable-source-maps --disable-warning=TimeoutNegativeWarning
  --import "$REPO_ROOT/libs/shared/telemetry/dist/src/register.js")

pid_file() { echo "$RUN_DIR/$1.pid"; }

running_pid() {
  local pid
  pid="$(cat "$(pid_file "$1")" 2> /dev/null || true)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2> /dev/null; then echo "$pid"; fi
}

service_environment() {
  echo "PORT=$(service_port "$1")"
  echo "DATABASE_URL=$(service_database_url "$1")"
  echo "KAFKA_BROKERS=$KAFKA_BROKERS"
  echo "OTEL_SERVICE_NAME=$1"
  echo "OTEL_EXPORTER_OTLP_ENDPOINT=${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:4318}"
  # Off unless asked for: ENABLE_FAULT_INJECTION=true npm run service -- start <service>
  echo "ENABLE_FAULT_INJECTION=${ENABLE_FAULT_INJECTION:-false}"
}

entry_point() {
  local entry="$REPO_ROOT/apps/$1/dist/src/main.js"
  [[ -f "$entry" ]] || { echo "service: $1 is not built; run npm run build" >&2; exit 1; }
  echo "$entry"
}

run_service() {
  local entry
  entry="$(entry_point "$1")"
  # shellcheck disable=SC2046
  exec env $(service_environment "$1") node "${NODE_FLAGS[@]}" "$entry"
}

start_service() {
  local service="$1" pid entry
  pid="$(running_pid "$service")"
  if [[ -n "$pid" ]]; then
    echo "$service: already running (pid $pid)"
    return
  fi
  entry="$(entry_point "$service")"
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  # shellcheck disable=SC2046
  env $(service_environment "$service") nohup node "${NODE_FLAGS[@]}" "$entry" >> "$LOG_DIR/$service.log" 2>&1 &
  echo $! > "$(pid_file "$service")"
  echo "$service: started (pid $!) on http://127.0.0.1:$(service_port "$service"), log .local/logs/$service.log"
}

stop_service() {
  local service="$1" signal="$2" pid
  pid="$(running_pid "$service")"
  if [[ -z "$pid" ]]; then
    echo "$service: not running"
    rm -f "$(pid_file "$service")"
    return
  fi
  kill "-$signal" "$pid"
  local waited=0
  while kill -0 "$pid" 2> /dev/null && ((waited < 150)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2> /dev/null; then
    echo "$service: still running 15 s after SIG$signal; sending SIGKILL" >&2
    kill -KILL "$pid" 2> /dev/null || true
  fi
  rm -f "$(pid_file "$service")"
  echo "$service: stopped (SIG$signal, pid $pid)"
}

status_service() {
  local pid
  pid="$(running_pid "$1")"
  if [[ -n "$pid" ]]; then
    echo "$1: running (pid $pid) on http://127.0.0.1:$(service_port "$1")"
  else
    echo "$1: stopped"
  fi
}

targets() {
  if [[ "${1:-all}" == all ]]; then
    echo "${SERVICES[@]}"
  elif is_service "$1"; then
    echo "$1"
  else
    echo "service: unknown service '$1' (one of: ${SERVICES[*]}, all)" >&2
    exit 2
  fi
}

command="${1:-}"
shift || true
case "$command" in
  run) [[ $# -eq 1 ]] && is_service "$1" || { echo "usage: $0 run <service>" >&2; exit 2; }; run_service "$1" ;;
  start) for service in $(targets "${1:-}"); do start_service "$service"; done ;;
  stop) for service in $(targets "${1:-}"); do stop_service "$service" TERM; done ;;
  kill) for service in $(targets "${1:-}"); do stop_service "$service" KILL; done ;;
  status) for service in $(targets "${1:-all}"); do status_service "$service"; done ;;
  *) echo "usage: $0 run|start|stop|kill|status <service|all>" >&2; exit 2 ;;
esac
