#!/usr/bin/env bash
# The prod overlay's PostgreSQL for real on the local cluster: the CloudNativePG operator
# (built here from its Go module by scripts/k8s/images.sh, installed from the module's own
# config/default) and the overlay's Cluster and Databases, changed only where one node with no
# registry and no bucket needs it:
#   - imageName: the local PostgreSQL 15 base (the official image's layout, uid 999), not ghcr.io;
#   - podAntiAffinityType preferred, not required: three instances on one node;
#   - no backup section and no ScheduledBackup: there is no S3 bucket to archive to;
#   - 1 GiB volumes and small CPU and memory requests, to fit beside the dev deployment;
#   - checkpoint_timeout 30 s: a joining standby's base backup waits for a spread checkpoint,
#     which the default of 5 minutes makes last up to four and a half.
# Replication (synchronous, quorum of one), pg_hba (TLS only), max_prepared_transactions, the
# managed roles, postInitSQL and the Databases are the overlay's.
#
#   cloudnative-pg.sh up       install the operator, deploy the Cluster, wait until it is ready
#   cloudnative-pg.sh check    what the running Cluster is: replication, settings, databases, TLS
#   cloudnative-pg.sh down     delete the Cluster's namespace and the operator
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/k8s.sh"
source "$K8S_REPO_ROOT/scripts/lib/containers.sh"
NAMESPACE=dtx
CLUSTER=dtx-postgres
SERVICES=(order inventory payment orchestrator coordinator)
OPERATOR_MODULE="$(cd "$K8S_REPO_ROOT/infra/kubernetes/cloudnative-pg" && go list -m -f '{{.Dir}}' github.com/cloudnative-pg/cloudnative-pg)"
POSTGRES_IMAGE=docker.io/library/postgres:15.17-bookworm

log() { printf 'k8s cloudnative-pg: %s\n' "$*"; }

# The operator as its module's config/default renders it (kustomize's warning that its
# `vars` are deprecated aside), with the image built here, which no registry has.
operator_manifest() {
  kubectl kustomize "$OPERATOR_MODULE/config/default" 2> /dev/null \
    | sed "s|controller:latest|$K8S_CNPG_IMAGE|g; s|imagePullPolicy: Always|imagePullPolicy: IfNotPresent|g"
}

operator_up() {
  bash "$K8S_REPO_ROOT/scripts/k8s/images.sh" cloudnative-pg
  k8s_holds_image "$K8S_CNPG_IMAGE" || "${K8S_CONTAINERD[@]}" images import "$(k8s_image_archive cloudnative-pg)" > /dev/null
  operator_manifest | kubectl apply --server-side --force-conflicts -f - > /dev/null
  kubectl -n cnpg-system rollout status deployment/cnpg-controller-manager --timeout=300s > /dev/null
  log "operator ready ($K8S_CNPG_IMAGE)"
}

# The overlay's Cluster and Databases, as rendered, with the changes above (yq: Debian's, jq syntax).
cluster_manifest() {
  kubectl kustomize "$K8S_REPO_ROOT/k8s/overlays/prod" | yq -y "
    select(.kind == \"Cluster\" or .kind == \"Database\")
    | if .kind == \"Cluster\" then .spec |= (
        .imageName = \"$POSTGRES_IMAGE\" | .postgresUID = 999 | .postgresGID = 999
        | del(.backup) | .affinity.podAntiAffinityType = \"preferred\" | .storage.size = \"1Gi\"
        | .resources = {requests: {cpu: \"100m\", memory: \"256Mi\"}, limits: {memory: \"1Gi\"}}
        | .postgresql.parameters.shared_buffers = \"64MB\" | .postgresql.parameters.checkpoint_timeout = \"30s\")
      else . end"
}

cluster_up() {
  bash "$K8S_REPO_ROOT/scripts/containers/bases.sh" postgres > /dev/null
  k8s_load_images "$POSTGRES_IMAGE"
  kubectl apply --server-side -f "$K8S_REPO_ROOT/k8s/overlays/prod/namespace.yaml" > /dev/null
  local service role
  for service in "${SERVICES[@]}"; do
    for role in owner runtime; do
      kubectl -n "$NAMESPACE" get secret "dtx-postgres-$service-$role" > /dev/null 2>&1 \
        || kubectl -n "$NAMESPACE" create secret generic "dtx-postgres-$service-$role" --type=kubernetes.io/basic-auth \
          --from-literal=username="${service}_$role" --from-literal=password="$(openssl rand -hex 24)" > /dev/null
    done
  done
  cluster_manifest | kubectl apply --server-side -f - > /dev/null
  log "applied the Cluster $CLUSTER (3 instances) and its Databases; waiting"
  kubectl -n "$NAMESPACE" wait "cluster/$CLUSTER" --for=condition=Ready --timeout=900s > /dev/null
  kubectl -n "$NAMESPACE" wait database --all --for=jsonpath='{.status.applied}'=true --timeout=300s > /dev/null
}

# psql on the primary, as the superuser over its local socket.
primary_sql() {
  local primary
  primary="$(kubectl -n "$NAMESPACE" get "cluster/$CLUSTER" -o jsonpath='{.status.currentPrimary}')"
  kubectl -n "$NAMESPACE" exec "$primary" -c postgres -- psql -U postgres -d postgres -tAc "$1"
}

check() {
  echo "primary: $(kubectl -n "$NAMESPACE" get "cluster/$CLUSTER" -o jsonpath='{.status.currentPrimary}')"
  echo "phase: $(kubectl -n "$NAMESPACE" get "cluster/$CLUSTER" -o jsonpath='{.status.phase}')"
  echo "instances ready: $(kubectl -n "$NAMESPACE" get "cluster/$CLUSTER" -o jsonpath='{.status.readyInstances}')"
  echo "standbys: $(primary_sql "SELECT string_agg(application_name || ' ' || state || ' ' || sync_state, ', ' ORDER BY application_name) FROM pg_stat_replication")"
  echo "synchronous_standby_names: $(primary_sql 'SHOW synchronous_standby_names')"
  echo "max_prepared_transactions: $(primary_sql 'SHOW max_prepared_transactions')"
  echo "databases: $(primary_sql "SELECT string_agg(datname || '=' || pg_get_userbyid(datdba), ' ' ORDER BY datname) FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'")"
  echo "runtime roles' statement_timeout: $(primary_sql "SELECT string_agg(DISTINCT array_to_string(setconfig, ','), ' | ') FROM pg_db_role_setting JOIN pg_roles ON pg_roles.oid = setrole WHERE rolname LIKE '%_runtime'")"
  # Over TCP without TLS the server must refuse (pg_hba: hostnossl ... reject).
  local plain
  plain="$(kubectl -n "$NAMESPACE" exec "$(kubectl -n "$NAMESPACE" get "cluster/$CLUSTER" -o jsonpath='{.status.currentPrimary}')" -c postgres -- \
    psql "host=$CLUSTER-rw user=order_runtime dbname=orders sslmode=disable connect_timeout=5" -c 'SELECT 1' 2>&1 || true)"
  echo "without TLS: $(grep -o 'pg_hba.conf rejects connection[^,]*' <<< "$plain" | head -1)"
}

case "${1:-}" in
  up)
    operator_up
    cluster_up
    check
    ;;
  check) check ;;
  down)
    kubectl delete namespace "$NAMESPACE" --ignore-not-found --timeout=180s > /dev/null
    operator_manifest | kubectl delete --ignore-not-found -f - > /dev/null
    ;;
  *)
    echo "usage: cloudnative-pg.sh up | check | down" >&2
    exit 2
    ;;
esac
