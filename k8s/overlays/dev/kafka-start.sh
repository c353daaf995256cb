#!/bin/bash
# Starts the development broker of the apache/kafka image with SASL/SCRAM-SHA-512 and ACLs, as
# scripts/infra/kafka.sh starts the local one. Every file in KAFKA_CREDENTIALS_DIR (the Secret
# dtx-kafka-credentials) is a user, named by the file and holding its password (letters and digits);
# the users are created when the storage is first formatted, so a password changed later needs a
# fresh volume. `admin` is the super user; the dtx-kafka-access Job grants the others their ACLs.
set -euo pipefail
: "${CLUSTER_ID:?}" "${KAFKA_DATA_DIR:?}" "${KAFKA_ADVERTISED_HOST:?}"
credentials=${KAFKA_CREDENTIALS_DIR:-/etc/kafka-credentials}
home=${KAFKA_HOME:-/opt/kafka}
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
config=${KAFKA_CONFIG_FILE:-/tmp/server.properties}

password_of() { tr -d '[:space:]' <"$credentials/$1"; }
[[ -s $credentials/admin ]] || { echo "kafka-start: no admin password in $credentials" >&2; exit 1; }

(umask 077 && cat >"$config") <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$controller_port
controller.listener.names=CONTROLLER
listeners=SASL_PLAINTEXT://:$port,CONTROLLER://localhost:$controller_port
advertised.listeners=SASL_PLAINTEXT://$KAFKA_ADVERTISED_HOST:$port
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(password_of admin)";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# ANONYMOUS is only the broker registering with its own controller, on the controller listener (localhost).
super.users=User:admin;User:ANONYMOUS
log.dirs=$KAFKA_DATA_DIR
num.partitions=3
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES

scram=()
for file in "$credentials"/*; do
  user=$(basename "$file")
  [[ $user =~ ^[A-Za-z0-9_-]+$ ]] || continue # the Secret volume's own ..data entries
  scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(password_of "$user")]")
done
"$home/bin/kafka-storage.sh" format --ignore-formatted -t "$CLUSTER_ID" -c "$config" "${scram[@]}"
exec "$home/bin/kafka-server-start.sh" "$config"
