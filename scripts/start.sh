#!/usr/bin/env bash
# npm start: the whole system on this machine, from a fresh clone.
# Installs dependencies, starts PostgreSQL and Kafka, migrates, builds, starts
# every service, waits until all are ready, runs the demo (a few orders and
# how each ended) and prints the URLs. Ctrl-C
# stops the services it started, and the infrastructure if it started that too.
# Jaeger not built yet (a first run) is built in the background, its log in
# .local/jaeger/logs/, its progress in $JAEGER_STATUS_FILE, and joins when
# built: nothing waits for it, and traces of the orders placed before are lost.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/deps.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
cd "$REPO_ROOT"

READY_TIMEOUT_S="${READY_TIMEOUT_S:-90}"
started_services=()
started_infrastructure=()
# The background Jaeger build (then start), when there is one: its PID, and whether its end was reported.
jaeger_build_pid=""
jaeger_build_reported=false
JAEGER_BUILD_LOG="${JAEGER_STATE_DIR#"$REPO_ROOT"/}/logs/background.log"

stop_what_we_started() {
  trap - INT TERM EXIT
  echo
  local service
  if [[ -n "$jaeger_build_pid" ]] && kill -0 "$jaeger_build_pid" 2> /dev/null; then
    # Its own process group (setsid): the go build under it stops too.
    kill -TERM -- "-$jaeger_build_pid" 2> /dev/null || true
    wait "$jaeger_build_pid" 2> /dev/null || true
    echo "jaeger: build stopped (pid $jaeger_build_pid); the next npm start builds it again"
  fi
  # A start of PostgreSQL and Kafka still under way ends first (Ctrl-C reached it too), then they stop.
  [[ -z "${infrastructure_pid:-}" ]] || wait "$infrastructure_pid" 2> /dev/null || true
  for service in "${started_services[@]}"; do bash scripts/service.sh stop "$service" & done
  wait
  # Only what was not running before: a database or broker someone else uses stays up.
  local component
  for component in "${started_infrastructure[@]}"; do bash "scripts/infra/$component.sh" down || true; done
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

# <seconds>: "about N minutes", rounded up, at least one (as the console says it: @dtx/telemetry/jaeger-status).
about_minutes() {
  local minutes=$((($1 + 59) / 60))
  ((minutes > 1)) || minutes=1
  if ((minutes == 1)); then echo "about 1 minute"; else echo "about $minutes minutes"; fi
}

# A first run: Jaeger is built (then started) in the background while everything else starts.
start_jaeger_build() {
  local expected
  expected="$(bash scripts/infra/jaeger.sh estimate)"
  mkdir -p "$(dirname "$REPO_ROOT/$JAEGER_BUILD_LOG")"
  setsid bash scripts/infra/jaeger.sh up < /dev/null > "$REPO_ROOT/$JAEGER_BUILD_LOG" 2>&1 &
  jaeger_build_pid=$!
  echo "traces: building Jaeger, ready in $(about_minutes "$expected") (pid $jaeger_build_pid, log $JAEGER_BUILD_LOG);"
  echo "        everything else starts now, and the traces of orders placed before Jaeger joins are not kept"
}

# Says, once, how the background build ended: Jaeger joined, or the services go on without a trace store.
report_jaeger_build() {
  [[ -n "$jaeger_build_pid" && "$jaeger_build_reported" == false ]] || return 0
  kill -0 "$jaeger_build_pid" 2> /dev/null && return 0
  jaeger_build_reported=true
  if wait "$jaeger_build_pid"; then
    echo "traces: Jaeger has joined: traces of orders from now on at http://127.0.0.1:$JAEGER_QUERY_PORT/api/traces/<traceId>"
  else
    echo "traces: Jaeger could not be built or started (see $JAEGER_BUILD_LOG); the services run without a trace store" >&2
  fi
}

# While the build runs: how long it still has, from the status file it writes.
jaeger_build_progress() {
  local expected started remaining
  expected="$(sed -n 's/.*"expectedSeconds":\([0-9]*\).*/\1/p' "$JAEGER_STATUS_FILE" 2> /dev/null)"
  started="$(sed -n 's/.*"startedAt":"\([^"]*\)".*/\1/p' "$JAEGER_STATUS_FILE" 2> /dev/null)"
  if [[ -n "$expected" && -n "$started" ]]; then
    remaining=$((expected - ($(date -u +%s) - $(date -u -d "$started" +%s))))
    echo "building, ready in $(about_minutes "$remaining"); traces of the orders above are not kept"
  else
    echo "building; traces of the orders above are not kept"
  fi
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
  if [[ -n "$jaeger_build_pid" && "$jaeger_build_reported" == false ]]; then
    echo "  Jaeger        $(jaeger_build_progress)"
  else
    echo "  Jaeger        http://127.0.0.1:$JAEGER_QUERY_PORT/api/traces/<traceId>   (query API; OTLP on $JAEGER_OTLP_GRPC_PORT/$JAEGER_OTLP_HTTP_PORT)"
  fi
  echo "  Tokens        npm run -s token -- --admin   or   -- --sub <customerId>   (README, \"Identity and access\")"
  echo
  echo "Logs: .local/logs/<service>.log. Press Ctrl-C to stop."
}

for component in jaeger kafka postgres; do
  bash "scripts/infra/$component.sh" status > /dev/null 2>&1 || started_infrastructure+=("$component")
done
trap 'stop_what_we_started; exit 130' INT TERM
trap stop_what_we_started EXIT
# Jaeger running or built: started up-front as the rest. Not built yet: the build goes first, in the background.
if [[ "${INFRA_JAEGER:-on}" != off ]] && ! bash scripts/infra/jaeger.sh status > /dev/null 2>&1 \
  && ! bash scripts/infra/jaeger.sh built; then
  start_jaeger_build
  export INFRA_JAEGER=off
fi
# PostgreSQL and Kafka start (a first run: the cluster is made, the Kafka jars fetched) while the
# npm packages install and everything compiles; nothing of theirs needs the other until the migrations.
bash scripts/infra.sh up &
infrastructure_pid=$!
ensure_dependencies
bash scripts/run.sh build
wait "$infrastructure_pid" || { echo "start: the infrastructure did not start (see above)" >&2; exit 1; }
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
report_jaeger_build
ORDER_URL="http://127.0.0.1:$(service_port order)" INVENTORY_URL="http://127.0.0.1:$(service_port inventory)" \
  PAYMENT_URL="http://127.0.0.1:$(service_port payment)" ORCHESTRATOR_URL="http://127.0.0.1:$(service_port orchestrator)" \
  COORDINATOR_URL="http://127.0.0.1:$(service_port coordinator)" JAEGER_URL="http://127.0.0.1:$JAEGER_QUERY_PORT" \
  CONSOLE_URL="http://127.0.0.1:$(service_port console)" \
  node apps/demo/dist/src/demo.js || echo "start: the demo failed (see above); the services keep running" >&2
report_jaeger_build
print_urls

declare -A reported_stopped=()
while true; do
  for service in "${started_services[@]}"; do
    if [[ -z "${reported_stopped[$service]:-}" && "$(bash scripts/service.sh status "$service")" == *stopped ]]; then
      echo "start: $service has stopped; see .local/logs/$service.log (restart it: npm run service -- start $service)" >&2
      reported_stopped[$service]=1
    fi
  done
  report_jaeger_build
  sleep 2
done
