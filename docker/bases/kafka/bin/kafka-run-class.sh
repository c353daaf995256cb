#!/bin/sh
# Runs a class of the Kafka jars, as the official distribution's script of this name does.
# shellcheck disable=SC2086 # the options are lists of JVM flags
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_OPTS:-} -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.xml -cp '/opt/kafka/libs/*' "$@"
