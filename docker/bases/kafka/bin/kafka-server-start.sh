#!/bin/sh
# Starts the broker with the given server.properties, as the official distribution's script of this name does.
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}" exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$@"
