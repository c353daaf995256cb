#!/usr/bin/env bash
# Local Jaeger v2 all-in-one (in-memory storage) without Docker, built from the Go module proxy.
#
#   scripts/infra/jaeger.sh build     build .local/jaeger/bin/jaeger once (skipped when up to date)
#   scripts/infra/jaeger.sh up        build if needed, start (idempotent), wait until ready
#   scripts/infra/jaeger.sh down      stop (SIGTERM, SIGKILL after 15 s); traces are in memory only
#   scripts/infra/jaeger.sh status    exit 0 if running, 3 if stopped
#   scripts/infra/jaeger.sh built     exit 0 if the binary is up to date (no build needed), 3 if not
#   scripts/infra/jaeger.sh estimate  seconds a build is expected to take (the last one's, else a default)
#
# Env: JAEGER_OTLP_GRPC_PORT (4317), JAEGER_OTLP_HTTP_PORT (4318), JAEGER_QUERY_PORT (16686),
#      JAEGER_QUERY_GRPC_PORT (16685), JAEGER_MEMORY_MAX_TRACES (100000),
#      JAEGER_READY_TIMEOUT (60, seconds), JAEGER_BUILD_JOBS (go build -p; Go's default if unset),
#      GO (go), JAEGER_STATE_DIR (.local/jaeger), JAEGER_STATUS_FILE (scripts/lib/env.sh).
# State: $JAEGER_STATE_DIR/{bin/jaeger,gocache,gomodcache,logs/{jaeger,build}.log,jaeger.pid,status.json}
# Every build writes its progress to $JAEGER_STATUS_FILE (README, "The Jaeger build status file"):
#   {"state":"building"|"ready"|"failed","startedAt":"<UTC ISO 8601>","expectedSeconds":N,"finishedAt":...,"error":...}
# Version and replace directives: infra/jaeger/go.mod (see infra/jaeger/README.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/stop-pid.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)

INFRA_DIR=$ROOT/infra/jaeger
GOMOD=$INFRA_DIR/go.mod
CONFIG=$INFRA_DIR/config.yaml
JAEGER_PKG=github.com/jaegertracing/jaeger/cmd/jaeger
# Single source of truth for the version: the require line in go.mod.
JAEGER_MODULE_VERSION=$(awk '$1 == "github.com/jaegertracing/jaeger" && $2 ~ /^v/ { print $2; exit }' "$GOMOD")
[[ -n $JAEGER_MODULE_VERSION ]] || { echo "jaeger: error: no jaegertracing/jaeger version in $GOMOD" >&2; exit 1; }

STATE=$JAEGER_STATE_DIR
STATUS_FILE=$JAEGER_STATUS_FILE
SHOWN_STATE=${STATE#"$ROOT"/}
# A cold build measured on a 2-core machine (Go module proxy, empty caches): 449 s.
DEFAULT_BUILD_SECONDS=450
BIN_DIR=$STATE/bin
BIN=$BIN_DIR/jaeger
LOGS=$STATE/logs
LOG_FILE=$LOGS/jaeger.log
BUILD_LOG=$LOGS/build.log
PIDFILE=$STATE/jaeger.pid
LOCKFILE=$STATE/.lock
export GOCACHE=$STATE/gocache
export GOMODCACHE=$STATE/gomodcache

HOST=127.0.0.1
# The ports (JAEGER_OTLP_GRPC_PORT, JAEGER_OTLP_HTTP_PORT, JAEGER_QUERY_PORT, JAEGER_QUERY_GRPC_PORT)
# are exported by env.sh, so that the services and the tests use the same ones; config.yaml reads them.
export JAEGER_MEMORY_MAX_TRACES=${JAEGER_MEMORY_MAX_TRACES:-100000}
JAEGER_READY_TIMEOUT=${JAEGER_READY_TIMEOUT:-60}
GO=${GO:-go}

log() { printf 'jaeger: %s\n' "$*"; }
die() { printf 'jaeger: error: %s\n' "$*" >&2; exit 1; }

usage() {
  echo "usage: $(basename "$0") build | up | down | status | built | estimate" >&2
  exit 2
}

# ---------------------------------------------------------------- helpers --

lock() {
  mkdir -p "$STATE"
  exec 9>"$LOCKFILE"
  flock -w "${JAEGER_LOCK_WAIT_SECONDS:-900}" 9 || die "another jaeger.sh is holding $LOCKFILE"
}

# Jaeger module v1.N.0 is released together with Jaeger v2.(N-63).0 (v1.63.0 = v2.0.0).
jaeger_v2_version() {
  local minor patch
  IFS=. read -r _ minor patch <<<"${JAEGER_MODULE_VERSION#v}"
  echo "v2.$((minor - 63)).${patch%%[-+]*}"
}

build_marker() {
  local hash
  hash=$(cat "$GOMOD" "$INFRA_DIR/go.sum" | sha256sum | cut -c1-12)
  echo "$BIN_DIR/.built-$JAEGER_MODULE_VERSION-$hash"
}

now_utc() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# The value of one field of the status file, which this script alone writes (one line, flat JSON).
status_field() {
  [[ -f $STATUS_FILE ]] || return 0
  sed -n "s/.*\"$1\":\(\"[^\"]*\"\|[0-9]*\).*/\1/p" "$STATUS_FILE" | tr -d '"'
}

# write_status <state> [error]: the state of the build that started at $BUILD_STARTED_AT.
write_status() {
  local state=$1 error=${2:-} json
  json="{\"state\":\"$state\",\"startedAt\":\"$BUILD_STARTED_AT\",\"expectedSeconds\":$BUILD_EXPECTED_SECONDS"
  if [[ $state == building ]]; then
    json+=",\"pid\":$$"
  else
    json+=",\"finishedAt\":\"$(now_utc)\""
  fi
  [[ -n $error ]] && json+=",\"error\":\"${error//\"/\'}\""
  mkdir -p "$(dirname "$STATUS_FILE")"
  printf '%s}\n' "$json" >"$STATUS_FILE.tmp"
  mv -f "$STATUS_FILE.tmp" "$STATUS_FILE"
}

# How long a build takes here: the last finished build's duration, else the cold build's default.
expected_build_seconds() {
  local started finished seconds
  if [[ $(status_field state) == ready ]]; then
    started=$(status_field startedAt)
    finished=$(status_field finishedAt)
    if [[ -n $started && -n $finished ]]; then
      seconds=$(($(date -u -d "$finished" +%s) - $(date -u -d "$started" +%s)))
      if ((seconds > 0)); then
        echo "$seconds"
        return
      fi
    fi
  fi
  echo "$DEFAULT_BUILD_SECONDS"
}

is_built() { [[ -x $BIN && -f $(build_marker) ]]; }

ensure_built() {
  local marker
  marker=$(build_marker)
  if is_built; then
    return 0
  fi
  BUILD_STARTED_AT=$(now_utc)
  BUILD_EXPECTED_SECONDS=$(expected_build_seconds)
  if ! command -v "$GO" >/dev/null 2>&1; then
    write_status failed "go not found on PATH"
    die "go not found on PATH (Go 1.24.6+ needed to build Jaeger)"
  fi
  mkdir -p "$BIN_DIR" "$LOGS" "$GOCACHE" "$GOMODCACHE"
  local v2 started=$SECONDS jobs=()
  v2=$(jaeger_v2_version)
  # Stopped half-way (npm start's Ctrl-C stops the build by PID): say so rather than "building" forever.
  # Set before "building" is written, so a stop that follows the first sight of "building" meets it.
  trap 'write_status failed "the build was stopped before it finished; the next start builds again"; exit 143' TERM INT
  write_status building
  [[ -n ${JAEGER_BUILD_JOBS:-} ]] && jobs=(-p "$JAEGER_BUILD_JOBS")
  log "building Jaeger $v2 (module $JAEGER_MODULE_VERSION) into $SHOWN_STATE/bin (cold build takes minutes)..."
  local vpkg=github.com/jaegertracing/jaeger/internal/version
  # -modcacherw: keep the module cache deletable with plain rm -rf.
  # -buildvcs=false: the tool module lives inside this repo's git tree.
  if ! (cd "$INFRA_DIR" && GOFLAGS="-modcacherw -buildvcs=false -mod=readonly" nice -n 10 \
    "$GO" build "${jobs[@]}" -trimpath \
    -ldflags "-s -w -X $vpkg.latestVersion=$v2 -X $vpkg.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -o "$BIN.tmp" "$JAEGER_PKG") >"$BUILD_LOG" 2>&1; then
    rm -f "$BIN.tmp"
    trap - TERM INT
    write_status failed "go build failed; see $BUILD_LOG"
    printf -- '--- last 40 lines of %s ---\n' "${BUILD_LOG#"$ROOT"/}" >&2
    tail -n 40 "$BUILD_LOG" >&2
    die "build failed (go build $JAEGER_PKG in infra/jaeger)"
  fi
  rm -f "$BIN_DIR"/.built-*
  mv -f "$BIN.tmp" "$BIN"
  touch "$marker"
  trap - TERM INT
  write_status ready
  log "built Jaeger $v2 in $((SECONDS - started))s: $SHOWN_STATE/bin/jaeger"
}

# pid of *our* Jaeger (cmdline must be our binary with our config)
is_ours() {
  local pid=$1 cmd
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == "$BIN --config $CONFIG"* ]]
}

# Echo the running pid (from the pid file, else by scanning processes). Returns 1 if none.
jaeger_pid() {
  local pid=""
  if [[ -f $PIDFILE ]]; then
    pid=$(tr -dc '0-9' <"$PIDFILE" || true)
    if is_ours "$pid"; then
      echo "$pid"
      return 0
    fi
  fi
  for pid in $(pgrep -f -- "--config $CONFIG" || true); do
    if is_ours "$pid"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

query_ok() {
  curl -fsS -m 2 -o /dev/null "http://$HOST:$JAEGER_QUERY_PORT/api/services" 2>/dev/null
}

ready() {
  query_ok && port_open "$JAEGER_OTLP_GRPC_PORT" && port_open "$JAEGER_OTLP_HTTP_PORT"
}

LOG_START=0
show_log() {
  [[ -s $LOG_FILE ]] || return 0
  local start=$LOG_START total
  total=$(wc -l <"$LOG_FILE")
  ((total >= start)) || start=0
  ((total > start)) || return 0
  printf -- '--- last 40 lines of %s ---\n' "${LOG_FILE#"$ROOT"/}" >&2
  tail -n +"$((start + 1))" "$LOG_FILE" | tail -n 40 >&2
}

wait_ready() {
  local pid=$1 start=$SECONDS
  while true; do
    if ! is_ours "$pid"; then
      show_log
      rm -f "$PIDFILE"
      die "jaeger process $pid exited during start-up"
    fi
    ready && return 0
    if ((SECONDS - start >= JAEGER_READY_TIMEOUT)); then
      show_log
      log "not ready after ${JAEGER_READY_TIMEOUT}s, stopping pid $pid" >&2
      stop_pid "$pid" is_ours 15
      rm -f "$PIDFILE"
      die "jaeger did not become ready (query http://$HOST:$JAEGER_QUERY_PORT/api/services)"
    fi
    sleep 0.25
  done
}

endpoints() {
  echo "OTLP grpc $HOST:$JAEGER_OTLP_GRPC_PORT, OTLP http $HOST:$JAEGER_OTLP_HTTP_PORT, query http://$HOST:$JAEGER_QUERY_PORT"
}

# --------------------------------------------------------------- commands --

cmd_build() {
  lock
  if is_built; then
    log "Jaeger $(jaeger_v2_version) already built: $SHOWN_STATE/bin/jaeger"
    return 0
  fi
  ensure_built
}

cmd_up() {
  lock
  local pid
  if pid=$(jaeger_pid); then
    echo "$pid" >"$PIDFILE"
    if ready; then
      log "already running (pid $pid): $(endpoints)"
      return 0
    fi
    log "pid $pid is starting, waiting until ready..."
    wait_ready "$pid"
    log "up (pid $pid): $(endpoints)"
    return 0
  fi
  rm -f "$PIDFILE"

  command -v curl >/dev/null 2>&1 || die "curl not found (needed for the readiness check)"
  local p
  for p in "$JAEGER_OTLP_GRPC_PORT" "$JAEGER_OTLP_HTTP_PORT" "$JAEGER_QUERY_PORT" "$JAEGER_QUERY_GRPC_PORT"; do
    port_open "$p" && die "port $HOST:$p is already in use by another process"
  done

  ensure_built

  mkdir -p "$LOGS"
  LOG_START=$( (wc -l <"$LOG_FILE") 2>/dev/null || echo 0)
  cd "$STATE"
  nohup setsid "$BIN" --config "$CONFIG" </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  # On a busy machine the exec can take seconds: wait for it while the process lives.
  for _ in $(seq 1 150); do
    is_ours "$pid" || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  wait_ready "$pid"
  log "up (pid $pid): $(endpoints), log $SHOWN_STATE/logs/jaeger.log"
}

cmd_down() {
  local pid
  # Nothing to stop: say so without waiting for the lock, which a build may hold for minutes.
  if ! jaeger_pid >/dev/null; then
    log "not running"
    return 0
  fi
  lock
  if pid=$(jaeger_pid); then
    stop_pid "$pid" is_ours 15
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
  rm -f "$PIDFILE"
}

cmd_status() {
  local pid
  if pid=$(jaeger_pid); then
    if query_ok; then
      log "running (pid $pid): $(endpoints)"
    else
      log "running (pid $pid), query http://$HOST:$JAEGER_QUERY_PORT not answering yet"
    fi
    return 0
  fi
  log "stopped"
  return 3
}

[[ $# -eq 1 ]] || usage
case "$1" in
  build) cmd_build ;;
  built) is_built || exit 3 ;;
  estimate) expected_build_seconds ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) usage ;;
esac
