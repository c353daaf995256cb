#!/bin/bash
# What this project uses of the official apache/kafka image's start-up: every
# KAFKA_<NAME> variable becomes the broker setting <name> (lower case, `_` -> `.`,
# `__` -> `_`, `___` -> `-`), the storage is formatted once with CLUSTER_ID,
# and the broker runs in the foreground. KAFKA_HEAP_OPTS and KAFKA_OPTS are
# the JVM's, not settings.
set -euo pipefail
PROPS=/opt/kafka/config/server.properties
CLUSTER_ID="${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}"

{
  echo 'log.dirs=/tmp/kraft-combined-logs'
  while IFS='=' read -r name value; do
    case "$name" in
      KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS) continue ;;
      KAFKA_*) ;;
      *) continue ;;
    esac
    key="${name#KAFKA_}"
    key="${key,,}"
    key="${key//___/-}"
    key="${key//__/@}"
    key="${key//_/.}"
    key="${key//@/_}"
    echo "$key=$value"
  done < <(env)
} > "$PROPS"

if [[ -z "$(grep '^process.roles=' "$PROPS" || true)" ]]; then
  echo 'kafka: set KAFKA_PROCESS_ROLES and the listeners (KRaft mode only)' >&2
  exit 1
fi
KAFKA_HEAP_OPTS=-Xmx256m /opt/kafka/bin/kafka-storage.sh format \
  --ignore-formatted --cluster-id "$CLUSTER_ID" --config "$PROPS" > /dev/null
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1G}"
export KAFKA_OPTS="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 ${KAFKA_OPTS:-}"
exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$PROPS"
