#!/usr/bin/env bash
# npm test: the whole suite, from a fresh clone.
# Installs dependencies, ensures PostgreSQL and Kafka are up, compiles (strict
# type-check), lints (including Nx module boundaries), checks the formatting
# (Prettier), audits the production dependencies (scripts/dependency-audit.sh;
# DEPENDENCY_AUDIT_REQUIRED=true fails the run when no advisory data can be reached),
# then runs the unit tests, the integration tests against the real
# infrastructure (those that read traces last: Jaeger joins in the background),
# and, alone, the chaos smoke (it restarts Kafka and PostgreSQL); then the container path
# and the dev overlay on a local Kubernetes cluster.
#
#   test.sh              everything
#   test.sh unit         unit tests only (no infrastructure needed)
#   test.sh integration  integration tests only
#   test.sh containers   the container path only: images, docker-compose.yml, Testcontainers
#   test.sh kubernetes   the dev overlay on a local Kubernetes cluster only (root)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/deps.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
cd "$REPO_ROOT"

REPORTS="$REPO_ROOT/.local/test-reports"
mkdir -p "$REPORTS"
passed=0
failed=0
checks_failed=()
failed_phases=()
notices=()
RUN_ENV=()
# Run through Testcontainers when the engine answers: PostgreSQL and Kafka in containers.
# (persistence, outbox and inbox, 2PC), each file with a PostgreSQL and a Kafka of its own.
TESTCONTAINERS_SUITES=(
  libs/order/data-access/dist/test/order-database.integration.js
  libs/shared/outbox/dist/test/outbox-relay.integration.js
  libs/shared/inbox/dist/test/message-dispatcher.integration.js
  libs/shared/two-phase/dist/test/prepared-transactions.integration.js
  libs/coordinator/data-access/dist/test/transaction-log.integration.js
)

# The suites that read traces from Jaeger.
JAEGER_SUITES=(
  apps/system-e2e/dist/test/tracing.integration.js
  apps/system-e2e/dist/test/console.integration.js
)

count() { # <report file> <pass|fail>
  local value
  value="$(grep -E "^ℹ $2 [0-9]+" "$1" | tail -1 | awk '{print $3}')"
  echo "${value:-0}"
}

run_tests() { # <phase> <concurrency> <glob...>; RUN_ENV=(env arguments) changes the tests' environment
  local phase="$1" concurrency="$2"
  shift 2
  echo "== $phase tests"
  env "${RUN_ENV[@]}" node --test --test-reporter=spec --test-concurrency="$concurrency" --test-timeout=180000 \
    --enable-source-maps --disable-warning=TimeoutNegativeWarning "$@" 2>&1 | tee "$REPORTS/$phase.log"
  local status="${PIPESTATUS[0]}" phase_passed phase_failed
  phase_passed="$(count "$REPORTS/$phase.log" pass)"
  phase_failed="$(count "$REPORTS/$phase.log" fail)"
  if [[ "$status" -ne 0 && "$phase_failed" -eq 0 ]]; then
    phase_failed=1 # the runner itself failed (a file that does not load, say)
  fi
  passed=$((passed + phase_passed))
  failed=$((failed + phase_failed))
  if ((phase_failed > 0)); then failed_phases+=("$phase"); fi
}

# The spec reporter's list of failures, repeated at the end where a reader of the run's tail finds it.
failures_of() { # <phase>
  echo "== $1: failing tests (whole log: .local/test-reports/$1.log)"
  sed -n '/^✖ failing tests:/,$p' "$REPORTS/$1.log" | grep -v '^ℹ ' | head -80
}

# The images and every base: built here, or awaited where .ci/run builds them beside the
# other phases (CONTAINERS_BUILD_LOG names its log; a line "exit <status>" ends it).
containers_built() {
  if [[ -z "${CONTAINERS_BUILD_LOG:-}" ]]; then
    bash scripts/containers/images.sh && bash scripts/containers/bases.sh
    return
  fi
  awaited_build "$CONTAINERS_BUILD_LOG"
}

awaited_build() { # <log of a background build, ended by a line "exit <status>">
  local waited=0
  until grep -q '^exit [0-9]*$' "$1" 2> /dev/null || ((waited >= 1800)); do
    sleep 5
    waited=$((waited + 5))
  done
  cat "$1"
  grep -qx 'exit 0' "$1"
}

# The cluster's binaries and images: built here, or awaited where .ci/run builds them beside the
# other phases (K8S_BUILD_LOG names its log; a line "exit <status>" ends it).
kubernetes_built() {
  if [[ -z "${K8S_BUILD_LOG:-}" ]]; then
    bash scripts/k8s/packages.sh && bash scripts/k8s/build.sh && bash scripts/k8s/images.sh
    return
  fi
  awaited_build "$K8S_BUILD_LOG"
}

check() { # <name> <command...>
  echo "== $1"
  "${@:2}" || checks_failed+=("$1")
}

# High or critical advisories fail; no advisory data at all is said at the end, and fails only if required.
dependency_audit() {
  bash scripts/dependency-audit.sh
  local status=$?
  if [[ "$status" -eq 3 && "${DEPENDENCY_AUDIT_REQUIRED:-false}" != true ]]; then
    notices+=("dependency audit: not run, no advisory data could be reached (README, \"Dependency audit\")")
    return 0
  fi
  return "$status"
}

finish() {
  local notice phase_name
  for phase_name in "${failed_phases[@]}"; do failures_of "$phase_name"; done
  for notice in "${notices[@]}"; do echo "$notice"; done
  if ((${#checks_failed[@]} > 0)); then
    echo "failed checks: ${checks_failed[*]}"
    failed=$((failed + ${#checks_failed[@]}))
  fi
  echo "$passed passed, $failed failed"
  [[ "$failed" -eq 0 ]]
  exit $?
}

phase="${1:-all}"
engine_answers=false
if bash scripts/containers/engine.sh status > /dev/null 2>&1; then engine_answers=true; fi
ensure_dependencies || { checks_failed+=(install); finish; }
check typecheck bash scripts/run.sh build
if ((${#checks_failed[@]} > 0)); then finish; fi

if [[ "$phase" == all ]]; then
  check lint bash scripts/run.sh lint
  check format bash scripts/run.sh format-check
  check dependency-audit dependency_audit
fi

if [[ "$phase" == all || "$phase" == unit ]]; then
  run_tests unit 2 'libs/**/dist/src/**/*.spec.js' 'apps/*/dist/src/**/*.spec.js'
fi

if [[ "$phase" == all || "$phase" == integration ]]; then
  jaeger_starting=false
  if [[ -z "${TEST_POSTGRES_URL:-}" || -z "${TEST_KAFKA_BROKERS:-}" ]]; then
    # Jaeger joins in the background (on a fresh machine its Go build takes minutes):
    # only the suites that read traces wait for it, and they run last.
    check infrastructure env INFRA_JAEGER=off bash scripts/infra.sh up
    export TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$POSTGRES_PORT/postgres"
    export TEST_KAFKA_BROKERS="$KAFKA_BROKERS"
    export_test_kafka_credentials
    # As long as a build begun beside this run takes (a loaded 2-core machine: up to half an hour).
    JAEGER_LOCK_WAIT_SECONDS=2400 bash scripts/infra/jaeger.sh up > "$REPORTS/jaeger-up.log" 2>&1 &
    jaeger_up_pid=$!
    jaeger_starting=true
  fi
  shopt -s globstar nullglob
  INTEGRATION_FILES=()
  for file in libs/**/dist/test/**/*.integration.js apps/*/dist/test/**/*.integration.js; do
    # The suites that also run through Testcontainers run once, there, when this run gets to them.
    if [[ "$phase" == all && "$engine_answers" == true && " ${TESTCONTAINERS_SUITES[*]} " == *" $file "* ]]; then
      continue
    fi
    if [[ "$jaeger_starting" == true && " ${JAEGER_SUITES[*]} " == *" $file "* ]]; then continue; fi
    INTEGRATION_FILES+=("$file")
  done
  shopt -u globstar nullglob
  # The rest-contract test runs Schemathesis, pinned, from a virtual environment of its own.
  check schemathesis bash scripts/schemathesis.sh install
  run_tests integration 2 "${INTEGRATION_FILES[@]}"
  if [[ "$jaeger_starting" == true ]]; then
    echo "== jaeger"
    if wait "$jaeger_up_pid"; then
      export TEST_JAEGER_URL="http://127.0.0.1:$JAEGER_QUERY_PORT"
      export TEST_JAEGER_OTLP_ENDPOINT="http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT"
    fi
    cat "$REPORTS/jaeger-up.log"
    run_tests traces 2 "${JAEGER_SUITES[@]}"
  fi
  # Alone, after the rest: it restarts the shared Kafka broker and PostgreSQL.
  run_tests chaos 1 'apps/*/dist/test/**/*.chaos.js'
fi

# The container path (README, "Containers"), where the engine answers (npm run containers:setup);
# CONTAINERS_TESTS=required (as .ci/run sets) fails the run when it does not.
if [[ "$phase" == all || "$phase" == containers ]]; then
  if [[ "$engine_answers" == true ]]; then
    source scripts/lib/containers.sh
    check images containers_built
    run_tests containers 1 'apps/*/dist/test/**/*.containers.js'
    RUN_ENV=(-u TEST_POSTGRES_URL -u TEST_KAFKA_BROKERS -u TEST_KAFKA_SASL_MECHANISM -u TEST_KAFKA_USERNAME
      -u TEST_KAFKA_PASSWORD_FILE -u TEST_KAFKA_CREDENTIALS_DIR -u TEST_JAEGER_URL -u TEST_JAEGER_OTLP_ENDPOINT)
    run_tests testcontainers 2 "${TESTCONTAINERS_SUITES[@]}"
    RUN_ENV=()
    # What a test process left running (without Testcontainers' reaper, podman has nobody else to do it).
    leftovers="$(podman ps --all --quiet --filter label=org.testcontainers=true)"
    if [[ -n "$leftovers" ]]; then podman rm --force $leftovers > /dev/null; fi
  elif [[ "${CONTAINERS_TESTS:-}" == required ]]; then
    echo "containers: the engine does not answer (npm run containers:setup)" >&2
    checks_failed+=(containers)
  else
    notices+=("containers: not run, no container engine answers (README, \"Containers\": npm run containers:setup)")
  fi
fi

# The dev overlay on a real single-node Kubernetes (README, "A real cluster on this machine"),
# last and alone: it needs root and the container engine's images. KUBERNETES_TESTS=required
# (as .ci/run sets) fails the run when it cannot run.
if [[ "$phase" == all || "$phase" == kubernetes ]]; then
  if [[ "$(id -u)" -eq 0 && "$engine_answers" == true ]]; then
    check kubernetes-build kubernetes_built
    run_tests kubernetes 1 'apps/*/dist/test/**/*.kubernetes.js'
  elif [[ "${KUBERNETES_TESTS:-}" == required ]]; then
    echo "kubernetes: needs root and a container engine that answers (npm run containers:setup)" >&2
    checks_failed+=(kubernetes)
  else
    notices+=("kubernetes: not run, it needs root and the container engine (README, \"A real cluster on this machine\")")
  fi
fi
finish
