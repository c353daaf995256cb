#!/usr/bin/env bash
# npm start: the whole system on this machine, from a fresh clone.
# Installs dependencies, starts PostgreSQL and Kafka, migrates, builds, starts
# every service, waits until all are ready, runs the demo (a few orders and
# how each ended) and prints the URLs. Ctrl-C
# stops the services it started, and the infrastructure if it started that too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/deps.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
cd "$REPO_ROOT"

READY_TIMEOUT_S="${READY_TIMEOUT_S:-90}"
started_services=()
started_infrastructure=()

stop_what_we_started() {
  trap - INT TERM EXIT
  echo
  local service
  for service in "${started_services[@]}"; do bash scripts/service.sh stop "$service" & done
  wait
  # Only what was not running before: a database or broker someone else uses stays up.
  local component
  for component in "${started_infrastructure[@]}"; do bash "scripts/infra/$component.sh" down; done
}

wait_until_ready() {
  local service url deadline=$((SECONDS + READY_TIMEOUT_S))
  for service in "${PROCESSES[@]}"; do
    url="http://127.0.0.1:$(service_port "$service")/health/ready"
    until curl -fs -o /dev/null --max-time 3 "$url"; do
      if ((SECONDS > deadline)); then
        echo "start: $service is not ready after ${READY_TIMEOUT_S}s; last log lines:" >&2
        tail -20 ".local/logs/$service.log" >&2
        return 1
      fi
      sleep 0.5
    done
  done
}

print_urls() {
  local service port
  echo
  echo "All services are ready:"
  for service in "${SERVICES[@]}"; do
    port="$(service_port "$service")"
    printf '  %-13s http://127.0.0.1:%s   (OpenAPI: /docs, health: /health/ready, metrics: /metrics)\n' "$service" "$port"
  done
  printf '  %-13s http://127.0.0.1:%s   (the operator console: sign in with npm run -s token -- --admin)\n' console "$(service_port console)"
  echo "  PostgreSQL    127.0.0.1:$POSTGRES_PORT, each service as <service>_runtime   (passwords: .local/postgres/credentials/)"
  echo "  Kafka         $KAFKA_BROKERS   (npm run inspect -- <orderId> follows one order's messages)"
  echo "                SASL/SCRAM-SHA-512; each user's password in .local/kafka/credentials/<user> (README, \"Kafka credentials and ACLs\")"
  echo "  Jaeger        http://127.0.0.1:16686/api/traces/<traceId>   (query API; OTLP on 4317/4318)"
  echo "  Tokens        npm run -s token -- --admin   or   -- --sub <customerId>   (README, \"Identity and access\")"
  echo
  echo "Logs: .local/logs/<service>.log. Press Ctrl-C to stop."
}

ensure_dependencies
for component in jaeger kafka postgres; do
  bash "scripts/infra/$component.sh" status > /dev/null 2>&1 || started_infrastructure+=("$component")
done
trap 'stop_what_we_started; exit 130' INT TERM
trap stop_what_we_started EXIT
bash scripts/infra.sh up
bash scripts/run.sh build
bash scripts/run.sh migrate
for service in "${PROCESSES[@]}"; do
  if [[ "$(bash scripts/service.sh status "$service")" == *stopped ]]; then
    bash scripts/service.sh start "$service"
    started_services+=("$service")
  else
    bash scripts/service.sh status "$service"
  fi
done
wait_until_ready
echo
echo "Demo: seeding stock and balances, placing orders"
CONSOLE_URL="http://127.0.0.1:$(service_port console)" node apps/demo/dist/src/demo.js || echo "start: the demo failed (see above); the services keep running" >&2
print_urls

declare -A reported_stopped=()
while true; do
  for service in "${started_services[@]}"; do
    if [[ -z "${reported_stopped[$service]:-}" && "$(bash scripts/service.sh status "$service")" == *stopped ]]; then
      echo "start: $service has stopped; see .local/logs/$service.log (restart it: npm run service -- start $service)" >&2
      reported_stopped[$service]=1
    fi
  done
  sleep 2
done
