#!/usr/bin/env bash
# docker-compose.yml run for real on the local engine (README, "Containers"),
# with podman-compose, or with `docker compose` where Docker is installed
# (COMPOSE="docker compose").
#
#   compose.sh up      the engine, the images if missing (npm run images builds them
#                      again after a change), then `compose up -d`; waits until every
#                      service is ready
#   compose.sh demo    up, then the demo's output, then down: the whole system shown working
#   compose.sh down    `compose down` with the volumes; stops the health checker
#   compose.sh ps | logs [service]
#
# Env: COMPOSE_PROJECT_NAME (dtx), COMPOSE_READY_TIMEOUT (300 s), and the
# *_HOST_PORT variables of docker-compose.yml for other published ports.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/scripts/lib/containers.sh"
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-dtx}"
READY_TIMEOUT="${COMPOSE_READY_TIMEOUT:-300}"
SERVICES=(order inventory payment orchestrator coordinator console)
HEALTH_PID_FILE="$CONTAINERS_DIR/health-$COMPOSE_PROJECT_NAME.pid"
read -r -a COMPOSE_COMMAND <<< "${COMPOSE:-podman-compose}"

log() { printf 'compose: %s\n' "$*"; }
compose() { (cd "$ROOT" && "${COMPOSE_COMMAND[@]}" -f docker-compose.yml "$@"); }

port_of() {
  local variable="${1^^}_HOST_PORT" default=$2
  echo "${!variable:-$default}"
}

# Podman runs no health check by itself without systemd (ENVIRONMENT, "Containers"):
# this runs each container's check every few seconds, as Docker would, so that
# `podman ps` and the readiness wait below see real health.
start_health_checker() {
  [[ "${COMPOSE_COMMAND[0]}" == podman-compose ]] || return 0
  stop_health_checker
  (
    while true; do
      for container in $(podman ps --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" --format '{{.Names}}'); do
        podman healthcheck run "$container" > /dev/null 2>&1 || true
      done
      sleep 3
    done
  ) > /dev/null 2>&1 &
  echo $! > "$HEALTH_PID_FILE"
}

stop_health_checker() {
  local pid
  pid="$(cat "$HEALTH_PID_FILE" 2> /dev/null || true)"
  if [[ -n "$pid" ]]; then kill "$pid" 2> /dev/null || true; fi
  rm -f "$HEALTH_PID_FILE"
}

# Every service answers /health/ready on its published port; until then, says who is not and why.
wait_until_ready() {
  local started=$SECONDS service port index answer pending
  local defaults=(3001 3002 3003 3004 3005 3006)
  while true; do
    pending=()
    for index in "${!SERVICES[@]}"; do
      service=${SERVICES[$index]}
      port="$(port_of "$service" "${defaults[$index]}")"
      answer="$(curl -s --max-time 2 "http://127.0.0.1:$port/health/ready" || true)"
      [[ "$answer" == *'"status":"ok"'* ]] || pending+=("$service: ${answer:-no answer}")
    done
    if [[ ${#pending[@]} -eq 0 ]]; then
      log "every service is ready after $((SECONDS - started)) s"
      return 0
    fi
    if ((SECONDS - started > READY_TIMEOUT)); then
      log "not ready after $READY_TIMEOUT s:" >&2
      printf '  %s\n' "${pending[@]}" >&2
      compose ps >&2 || true
      return 1
    fi
    if (((SECONDS - started) % 15 == 0)); then
      log "waiting for ${#pending[@]} service(s): ${pending[0]:0:160}"
    fi
    sleep 1
  done
}

compose_log() { echo "$CONTAINERS_DIR/compose-$COMPOSE_PROJECT_NAME.log"; }

compose_up() {
  compose up -d --no-build "$@" >> "$(compose_log)" 2>&1 || { tail -30 "$(compose_log)" >&2; exit 1; }
}

# The one-shot container of a service in this project (compose's labels name it).
container_of() {
  podman ps --all --format '{{.Names}}' --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
    --filter "label=com.docker.compose.service=$1" | head -1
}

# Until a one-shot service has exited; fails, with its output, unless it exited 0.
wait_for_exit() {
  local service=$1 deadline=$((SECONDS + READY_TIMEOUT)) status=''
  while ((SECONDS < deadline)); do
    status="$(podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$(container_of "$service")" 2> /dev/null || true)"
    [[ "$status" == exited* ]] && break
    sleep 1
  done
  if [[ "$status" != 'exited 0' ]]; then
    log "$service did not complete (${status:-not started}):" >&2
    compose logs "$service" >&2 || true
    exit 1
  fi
}

# podman-compose with podman 4 cannot honour depends_on as written: it skips the
# health conditions, and its --requires links fail to start a container whose
# dependency is a one-shot that has exited. So the start is done in the order the
# file declares, each stage with --no-deps: the infrastructure; the keys and the
# migrations (which wait for PostgreSQL themselves), to completion; the services
# (which wait for Kafka themselves, and say in /health/ready what they wait for);
# the demo (which waits for the services to be ready).
start_in_stages() {
  : > "$(compose_log)"
  compose_up --no-deps postgres kafka jaeger
  compose_up --no-deps auth-keys migrate
  wait_for_exit auth-keys
  wait_for_exit migrate
  compose_up --no-deps "${SERVICES[@]}"
  compose_up --no-deps demo
}

up() {
  local started=$SECONDS
  if [[ "${COMPOSE_COMMAND[0]}" == podman-compose ]]; then
    bash "$ROOT/scripts/containers/engine.sh" up
    bash "$ROOT/scripts/containers/bases.sh" > /dev/null
    # As `docker compose up`: images that exist are used as they are (npm run images rebuilds them).
    local target
    for target in "${SERVICES[@]}" migrate demo; do
      podman image exists "dtx/$target:${TAG:-local}" || { bash "$ROOT/scripts/containers/images.sh"; break; }
    done
  fi
  log "starting project $COMPOSE_PROJECT_NAME (${COMPOSE_COMMAND[*]} up -d)"
  start_health_checker
  if [[ "${COMPOSE_COMMAND[0]}" == podman-compose ]]; then
    start_in_stages
  else
    compose_up
  fi
  wait_until_ready
  log "up in $((SECONDS - started)) s"
}

down() {
  stop_health_checker
  log "stopping project $COMPOSE_PROJECT_NAME"
  compose down --volumes --timeout 20 > /dev/null 2>&1 || compose down --volumes > /dev/null
}

demo() {
  trap down EXIT
  up
  local deadline=$((SECONDS + 240)) container status=''
  container="$(container_of demo)"
  while [[ -n "$container" ]]; do
    status="$(podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$container")"
    [[ "$status" == exited* ]] && break
    ((SECONDS < deadline)) || { log "the demo did not finish within 240 s" >&2; break; }
    sleep 2
  done
  compose logs demo
  [[ "$status" == 'exited 0' ]] || { log "the demo ended: ${status:-no demo container}" >&2; return 1; }
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  demo) demo ;;
  ps) compose ps ;;
  logs) shift; compose logs "$@" ;;
  *) echo "usage: $0 up|down|demo|ps|logs [service]" >&2; exit 2 ;;
esac
