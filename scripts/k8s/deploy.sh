#!/usr/bin/env bash
# Deploys k8s/overlays/dev, unchanged, on the local cluster (scripts/k8s/cluster.sh):
# loads the images it names into the cluster's containerd (the project's, built by
# `npm run images` if missing, and the bases of PostgreSQL, Kafka and Jaeger), creates the Secrets
# the overlay asks for (random passwords; the local token issuer's keys), applies it and
# waits until every workload is ready.
#
#   deploy.sh            load, create, apply, wait
#   deploy.sh delete     delete the namespace
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/k8s.sh"
source "$K8S_REPO_ROOT/scripts/lib/containers.sh"
NAMESPACE=dtx-dev
SERVICES=(order inventory payment orchestrator coordinator)
KAFKA_USERS=(admin inspector console order inventory payment orchestrator coordinator)
PROJECT_IMAGES=(order inventory payment orchestrator coordinator console migrate)
BASE_IMAGES=(docker.io/library/postgres:15.17-bookworm docker.io/apache/kafka:4.1.2 docker.io/jaegertracing/jaeger:2.13.0)

log() { printf 'k8s deploy: %s\n' "$*"; }

if [[ "${1:-}" == delete ]]; then
  kubectl delete namespace "$NAMESPACE" --ignore-not-found --timeout=120s
  exit 0
fi

# The images the overlay names, loaded from the container engine unless the cluster holds them.
load_images() {
  local images=() image
  # The manifests name dtx/<service>, which Kubernetes reads as docker.io/dtx/<service>.
  for image in "${PROJECT_IMAGES[@]}"; do
    k8s_holds_image "docker.io/dtx/$image:local" || images+=("localhost/dtx/$image:local")
  done
  k8s_load_images "${images[@]}" "${BASE_IMAGES[@]}"
  for image in "${PROJECT_IMAGES[@]}"; do
    "${K8S_CONTAINERD[@]}" images tag --force "localhost/dtx/$image:local" "docker.io/dtx/$image:local" > /dev/null
  done
}

password() { openssl rand -hex 24; }

# <name> <kubectl create secret arguments...>: creates the Secret unless it exists (a redeploy keeps its passwords).
secret() {
  local name="$1"
  shift
  kubectl -n "$NAMESPACE" get secret "$name" > /dev/null 2>&1 \
    || kubectl -n "$NAMESPACE" create secret generic "$name" "$@" > /dev/null
}

create_secrets() {
  kubectl get namespace "$NAMESPACE" > /dev/null 2>&1 || kubectl create namespace "$NAMESPACE" > /dev/null
  secret dtx-postgres-superuser --type=kubernetes.io/basic-auth \
    --from-literal=username=postgres --from-literal=password="$(password)"
  local service role
  for service in "${SERVICES[@]}"; do
    for role in owner runtime; do
      secret "dtx-postgres-$service-$role" --type=kubernetes.io/basic-auth \
        --from-literal=username="${service}_$role" --from-literal=password="$(password)"
    done
  done
  local users=() user
  for user in "${KAFKA_USERS[@]}"; do users+=("--from-literal=$user=$(password)"); done
  secret dtx-kafka-credentials "${users[@]}"
  (cd "$K8S_REPO_ROOT" && npm run -s token -- --ensure-keys > /dev/null)
  secret dtx-local-issuer --from-file="$K8S_REPO_ROOT/.local/auth/jwks.json" \
    --from-file="$K8S_REPO_ROOT/.local/auth/signing-key.jwk.json"
}

# The images the engine lacks: the project's built by `npm run images`, the bases by bases.sh.
build_missing_images() {
  local targets=() image
  for image in "${PROJECT_IMAGES[@]}"; do
    podman image exists "localhost/dtx/$image:local" || targets+=("$image")
  done
  if [[ ${#targets[@]} -gt 0 ]]; then
    bash "$K8S_REPO_ROOT/scripts/containers/images.sh" "${targets[@]}"
  fi
  bash "$K8S_REPO_ROOT/scripts/containers/bases.sh" postgres kafka jaeger
}

started=$SECONDS
bash "$K8S_REPO_ROOT/scripts/containers/engine.sh" up > /dev/null
build_missing_images
load_images
create_secrets
kubectl apply -k "$K8S_REPO_ROOT/k8s/overlays/dev" > /dev/null
log "applied k8s/overlays/dev; waiting for every workload"
kubectl -n "$NAMESPACE" wait --for=condition=complete job --all --timeout=600s > /dev/null
kubectl -n "$NAMESPACE" rollout status statefulset --timeout=600s > /dev/null
kubectl -n "$NAMESPACE" rollout status deployment --timeout=600s > /dev/null
log "every workload of $NAMESPACE is ready after $((SECONDS - started)) s"
kubectl -n "$NAMESPACE" get pods -o wide
