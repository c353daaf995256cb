#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller) without Docker.
# Clients authenticate with SASL/SCRAM-SHA-512 and are authorised by ACLs (the
# StandardAuthorizer); `admin` is the super user. Every user's password is
# generated once into .local/kafka/credentials/<user>, and the users are created
# when the storage is formatted. A user added since is added to the broker as it
# is (kafka-configs, as the admin), topics kept; storage formatted before SASL, or
# whose users' passwords changed, is formatted again: its topics are dropped.
#
#   scripts/infra/kafka.sh up            start (idempotent), wait until ready
#   scripts/infra/kafka.sh down [--wipe] stop; --wipe also deletes data/
#   scripts/infra/kafka.sh status        exit 0 if running, 3 if stopped
#   scripts/infra/kafka.sh kill          SIGKILL the broker by PID, as a crash would (then: up)
#   scripts/infra/kafka.sh fetch         only fetch the jars into .local/kafka/libs (the container base uses them)
#
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP_OPTS
#      ("-Xms256m -Xmx768m"), KAFKA_READY_TIMEOUT (90, seconds), JAVA (java).
# State: $ROOT/.local/kafka/{libs,data,logs,credentials,server.properties,admin.properties,kafka.pid,cluster-id}
# Jars come from infra/kafka/pom.xml via Maven (see infra/kafka/README.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/stop-pid.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)

INFRA_DIR=$ROOT/infra/kafka
POM=$INFRA_DIR/pom.xml
# Single source of truth for the version: <kafka.version> in the pom.
KAFKA_VERSION=$(sed -n 's:.*<kafka\.version>\([^<]*\)</kafka\.version>.*:\1:p' "$POM" | head -n 1)
LOG4J_CONF=$INFRA_DIR/log4j2.xml
TOOLS_LOG4J_CONF=$INFRA_DIR/tools-log4j2.xml

STATE=$ROOT/.local/kafka
LIBS=$STATE/libs
DATA=$STATE/data
LOGS=$STATE/logs
PROPS=$STATE/server.properties
ADMIN_PROPS=$STATE/admin.properties
CREDENTIALS=$STATE/credentials
# The users the storage was formatted with, each with a digest of its password.
USERS_MARKER=$DATA/dtx-scram-users
SCRAM_MECHANISM=SCRAM-SHA-512
PIDFILE=$STATE/kafka.pid
CLUSTER_ID_FILE=$STATE/cluster-id
LOCKFILE=$STATE/.lock

HOST=127.0.0.1
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}
KAFKA_READY_TIMEOUT=${KAFKA_READY_TIMEOUT:-90}
JAVA=${JAVA:-java}

# Same GC flags as Kafka's bin/kafka-run-class.sh.
BROKER_JVM_OPTS=(-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
  -Djava.awt.headless=true)
# Short-lived CLI JVMs: optimise for start-up time.
TOOLS_JVM_OPTS=(-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
  -Djava.awt.headless=true "-Dlog4j2.configurationFile=$TOOLS_LOG4J_CONF")

log() { printf 'kafka: %s\n' "$*"; }
die() { printf 'kafka: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat >&2 <<EOF
usage: $(basename "$0") up | down [--wipe] | status | kill | fetch
EOF
  exit 2
}

# ---------------------------------------------------------------- helpers --

lock() {
  mkdir -p "$STATE"
  exec 9>"$LOCKFILE"
  flock -w 180 9 || die "another kafka.sh is holding $LOCKFILE"
}

# pid of *our* broker (cmdline must contain kafka.Kafka and our server.properties)
is_our_broker() {
  local pid=$1 cmd
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *" kafka.Kafka $PROPS"* ]]
}

# Echo the running broker pid (from the pid file, else by scanning /proc for a
# broker started with this repo's server.properties). Returns 1 if none.
broker_pid() {
  local pid=""
  if [[ -f $PIDFILE ]]; then
    pid=$(tr -dc '0-9' <"$PIDFILE" || true)
    if is_our_broker "$pid"; then
      echo "$pid"
      return 0
    fi
  fi
  local candidates
  if command -v pgrep >/dev/null 2>&1; then
    candidates=$(pgrep -f 'kafka[.]Kafka' || true)
  else
    candidates=$(cd /proc && ls -d [0-9]*)
  fi
  for pid in $candidates; do
    if is_our_broker "$pid"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

jar_marker() {
  local pom_hash
  pom_hash=$(sha256sum "$POM" | cut -c1-12)
  echo "$LIBS/.fetched-kafka-$KAFKA_VERSION-$pom_hash"
}

fetch_jars() {
  local marker
  marker=$(jar_marker)
  [[ -f $marker ]] && return 0
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once to fetch Kafka jars)"
  log "fetching Kafka $KAFKA_VERSION jars into .local/kafka/libs (one-off)..."
  local tmp out
  tmp=$(mktemp -d "$STATE/libs.tmp.XXXXXX")
  out=$(mktemp "$STATE/fetch.XXXXXX.log")
  if ! mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$out" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$out" >&2 # Debian's mvn emits colour resets even with -B
    rm -rf "$tmp" "$out"
    die "jar fetch failed (mvn dependency:copy-dependencies -f infra/kafka/pom.xml)"
  fi
  rm -f "$out"
  [[ -f $tmp/kafka_2.13-$KAFKA_VERSION.jar ]] ||
    die "kafka_2.13-$KAFKA_VERSION.jar missing after fetch (check infra/kafka/pom.xml)"
  chmod 755 "$tmp"
  touch "$tmp/$(basename "$marker")"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
}

# One random password per user, generated once; kept across `down --wipe`.
ensure_credentials() {
  local user
  mkdir -p "$CREDENTIALS"
  chmod 700 "$CREDENTIALS"
  for user in "${KAFKA_USERS[@]}"; do
    [[ -s $CREDENTIALS/$user ]] && continue
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"$CREDENTIALS/$user.tmp")
    mv "$CREDENTIALS/$user.tmp" "$CREDENTIALS/$user"
  done
}

password_of() { tr -d '[:space:]' <"$CREDENTIALS/$1"; }

scram_login() { # <user>
  printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";' \
    "$1" "$(password_of "$1")"
}

write_config() {
  mkdir -p "$DATA" "$LOGS"
  (umask 077 && cat >"$PROPS.tmp") <<EOF
# Generated by scripts/infra/kafka.sh -- edits are overwritten on every 'up'.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=SASL_PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://$HOST:$KAFKA_PORT
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT

# Clients authenticate with SCRAM; what each may do is in its ACLs (libs/shared/messaging, kafka-acls.ts).
sasl.enabled.mechanisms=$SCRAM_MECHANISM
sasl.mechanism.inter.broker.protocol=$SCRAM_MECHANISM
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$(scram_login admin)
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# ANONYMOUS is the node's own broker talking to its controller over the PLAINTEXT controller
# listener (127.0.0.1 only), which must be allowed to register; the client listener never yields it.
super.users=User:admin;User:ANONYMOUS

log.dirs=$DATA
num.partitions=3
auto.create.topics.enable=true
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0

num.network.threads=2
num.io.threads=4
log.retention.hours=168
log.segment.bytes=104857600
EOF
  mv "$PROPS.tmp" "$PROPS"

  # The admin user's client settings, for the command-line tools (see infra/kafka/README.md).
  (umask 077 && cat >"$ADMIN_PROPS") <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=$SCRAM_MECHANISM
sasl.jaas.config=$(scram_login admin)
request.timeout.ms=5000
default.api.timeout.ms=15000
retry.backoff.ms=250
EOF
  rm -f "$STATE/admin-check.properties"
}

# Each user with a digest of its password: what the storage must have been formatted with.
expected_users() {
  local user
  for user in "${KAFKA_USERS[@]}"; do
    printf '%s %s %s\n' "$SCRAM_MECHANISM" "$user" "$(password_of "$user" | sha256sum | cut -c1-16)"
  done
}

formatted_with_current_users() {
  [[ -f $USERS_MARKER ]] && [[ "$(cat "$USERS_MARKER")" == "$(expected_users)" ]]
}

# The storage has every user it was formatted with, unchanged, and lacks only users added since
# (the operator console's, say): those can be added to the broker without formatting it again.
only_users_added() {
  [[ -f $USERS_MARKER ]] || return 1
  local expected line
  expected=$(expected_users)
  while IFS= read -r line; do
    [[ -z $line ]] || grep -qxF -- "$line" <<<"$expected" || return 1
  done <"$USERS_MARKER"
}

# Adds to the running broker each user the storage lacks (SCRAM credentials are cluster metadata,
# which the admin may alter), then records that the storage has them all.
add_missing_users() {
  local line user
  while IFS= read -r line; do
    grep -qxF -- "$line" "$USERS_MARKER" && continue
    user=$(cut -d' ' -f2 <<<"$line")
    if ! "$JAVA" "${TOOLS_JVM_OPTS[@]}" -cp "$LIBS/*" kafka.admin.ConfigCommand \
      --bootstrap-server "$HOST:$KAFKA_PORT" --command-config "$ADMIN_PROPS" --alter \
      --add-config "$SCRAM_MECHANISM=[password=$(password_of "$user")]" \
      --entity-type users --entity-name "$user" >/dev/null; then
      die "could not add the Kafka user $user to the running broker"
    fi
    printf '%s\n' "$line" >>"$USERS_MARKER"
    log "added the user $user"
  done <<<"$(expected_users)"
  expected_users >"$USERS_MARKER"
}

# The running broker has SASL and the current users (its server.properties is the one 'up' wrote).
running_config_current() {
  grep -q '^sasl.enabled.mechanisms=' "$PROPS" 2>/dev/null && formatted_with_current_users
}

cluster_id() {
  if [[ ! -s $CLUSTER_ID_FILE ]]; then
    local id=""
    # Data formatted earlier but cluster-id file lost: reuse the formatted id.
    if [[ -f $DATA/meta.properties ]]; then
      id=$(sed -n 's/^cluster\.id=//p' "$DATA/meta.properties")
    fi
    if [[ -z $id ]]; then
      id=$("$JAVA" "${TOOLS_JVM_OPTS[@]}" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid)
    fi
    printf '%s\n' "$id" >"$CLUSTER_ID_FILE"
  fi
  tr -d '[:space:]' <"$CLUSTER_ID_FILE"
}

format_storage() {
  if [[ -f $DATA/meta.properties ]] && ! formatted_with_current_users && ! only_users_added; then
    log "storage in .local/kafka/data was formatted without the current SASL users; formatting it again (its topics are dropped)"
    rm -rf "$DATA"
    mkdir -p "$DATA"
  fi
  [[ -f $DATA/meta.properties ]] && return 0
  local id out user scram=()
  id=$(cluster_id)
  for user in "${KAFKA_USERS[@]}"; do
    scram+=(--add-scram "$SCRAM_MECHANISM=[name=$user,password=$(password_of "$user")]")
  done
  # Static quorum (controller.quorum.voters) => no --standalone here.
  if ! out=$("$JAVA" "${TOOLS_JVM_OPTS[@]}" -cp "$LIBS/*" kafka.tools.StorageTool \
    format -t "$id" -c "$PROPS" --ignore-formatted "${scram[@]}" 2>&1); then
    printf '%s\n' "$out" >&2
    die "storage format failed"
  fi
  expected_users >"$USERS_MARKER"
}

# Broker answers a Metadata request (listener enabled => broker unfenced).
metadata_ok() {
  timeout 30 "$JAVA" "${TOOLS_JVM_OPTS[@]}" -cp "$LIBS/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$HOST:$KAFKA_PORT" --command-config "$ADMIN_PROPS" --list >/dev/null 2>&1
}

# Line counts of the log files before this start, so failures only show new lines.
declare -A LOG_START=()

mark_logs() {
  local f
  for f in "$LOGS/kafka.out" "$LOGS/server.log"; do
    LOG_START[$f]=$( (wc -l <"$f") 2>/dev/null || echo 0)
  done
}

show_logs() {
  local f start total
  for f in "$LOGS/kafka.out" "$LOGS/server.log"; do
    [[ -s $f ]] || continue
    start=${LOG_START[$f]:-0}
    total=$(wc -l <"$f")
    ((total >= start)) || start=0 # rolled over meanwhile
    ((total > start)) || continue
    printf -- '--- last 40 lines of %s ---\n' "${f#"$ROOT"/}" >&2
    tail -n +"$((start + 1))" "$f" | tail -n 40 >&2
  done
}

wait_ready() {
  local pid=$1 start=$SECONDS
  while true; do
    if ! is_our_broker "$pid"; then
      show_logs
      rm -f "$PIDFILE"
      die "broker process $pid exited during start-up"
    fi
    if port_open "$KAFKA_PORT" && metadata_ok; then
      return 0
    fi
    if ((SECONDS - start >= KAFKA_READY_TIMEOUT)); then
      show_logs
      log "not ready after ${KAFKA_READY_TIMEOUT}s, stopping pid $pid" >&2
      stop_pid "$pid" is_our_broker 30
      rm -f "$PIDFILE"
      die "broker did not become ready on $HOST:$KAFKA_PORT"
    fi
    sleep 0.5
  done
}

# --------------------------------------------------------------- commands --

cmd_up() {
  lock
  local pid
  ensure_credentials
  if pid=$(broker_pid) && ! running_config_current; then
    if grep -q '^sasl.enabled.mechanisms=' "$PROPS" 2>/dev/null && only_users_added; then
      port_open "$KAFKA_PORT" || wait_ready "$pid"
      add_missing_users
    else
      log "the running broker (pid $pid) predates SASL or the current users' passwords; restarting it"
      stop_pid "$pid" is_our_broker 30
      rm -f "$PIDFILE"
    fi
  fi
  if pid=$(broker_pid); then
    echo "$pid" >"$PIDFILE"
    if port_open "$KAFKA_PORT"; then
      log "already running (pid $pid) on $HOST:$KAFKA_PORT"
      return 0
    fi
    log "pid $pid is starting, waiting until ready..."
    wait_ready "$pid"
    log "up (pid $pid) on $HOST:$KAFKA_PORT"
    return 0
  fi
  rm -f "$PIDFILE"

  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (set JAVA=/path/to/java, 17+)"
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_open "$p" && die "port $HOST:$p is already in use by another process"
  done

  fetch_jars
  write_config
  format_storage

  mark_logs
  cd "$STATE"
  # shellcheck disable=SC2086  # KAFKA_HEAP_OPTS is a list of flags
  nohup setsid "$JAVA" $KAFKA_HEAP_OPTS "${BROKER_JVM_OPTS[@]}" \
    "-Dkafka.logs.dir=$LOGS" "-Dlog4j2.configurationFile=$LOG4J_CONF" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" \
    </dev/null >>"$LOGS/kafka.out" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  # On a busy machine the exec can take seconds: wait for it while the process lives.
  for _ in $(seq 1 150); do
    is_our_broker "$pid" || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  wait_ready "$pid"
  formatted_with_current_users || add_missing_users
  log "up (pid $pid) on $HOST:$KAFKA_PORT"
}

cmd_down() {
  local wipe=0
  case "${1:-}" in
    "") ;;
    --wipe) wipe=1 ;;
    *) usage ;;
  esac
  lock
  local pid
  if pid=$(broker_pid); then
    stop_pid "$pid" is_our_broker 30
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
  rm -f "$PIDFILE"
  if ((wipe)); then
    rm -rf "$DATA"
    log "wiped .local/kafka/data"
  fi
}

cmd_kill() {
  local pid i
  if ! pid=$(broker_pid); then
    log "not running"
    return 0
  fi
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 40; i++)); do
    is_our_broker "$pid" || break
    sleep 0.25
  done
  is_our_broker "$pid" && die "pid $pid survived SIGKILL"
  rm -f "$PIDFILE"
  log "killed (SIGKILL, pid $pid)"
}

cmd_status() {
  local pid
  if pid=$(broker_pid); then
    if port_open "$KAFKA_PORT"; then
      log "running (pid $pid) on $HOST:$KAFKA_PORT"
    else
      log "running (pid $pid), $HOST:$KAFKA_PORT not answering yet"
    fi
    return 0
  fi
  log "stopped"
  return 3
}

case "${1:-}" in
  up) shift; [[ $# -eq 0 ]] || usage; cmd_up ;;
  down) shift; [[ $# -le 1 ]] || usage; cmd_down "$@" ;;
  status) shift; [[ $# -eq 0 ]] || usage; cmd_status ;;
  kill) shift; [[ $# -eq 0 ]] || usage; cmd_kill ;;
  fetch) shift; [[ $# -eq 0 ]] || usage; mkdir -p "$STATE"; fetch_jars ;;
  *) usage ;;
esac
