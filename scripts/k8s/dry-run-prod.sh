#!/usr/bin/env bash
# The prod overlay through the local cluster's API server, without running it: installs the
# Strimzi and CloudNativePG CRDs it uses (Strimzi's generated from its Maven Central API jar,
# CloudNativePG's from its Go module, as scripts/check-deployment.sh fetches them), creates
# its namespace, and applies every object server-side with --dry-run=server, so that
# admission, defaulting, the CRDs' schemas and their validation rules all run. The namespace
# is deleted afterwards; the CRDs stay until k8s:down.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/k8s.sh"
DEPLOY_CHECK="$K8S_REPO_ROOT/.local/deploy-check"
STRIMZI_CRDS=("$DEPLOY_CHECK"/strimzi/crds/*.yaml)
CNPG_CRDS=("$DEPLOY_CHECK"/cnpg/*.yaml)
rendered="$K8S_STATE_DIR/prod-overlay.yaml"

if [[ ! -f "${STRIMZI_CRDS[0]}" || ! -f "${CNPG_CRDS[0]}" ]]; then
  bash "$K8S_REPO_ROOT/scripts/check-deployment.sh" > /dev/null
  STRIMZI_CRDS=("$DEPLOY_CHECK"/strimzi/crds/*.yaml)
  CNPG_CRDS=("$DEPLOY_CHECK"/cnpg/*.yaml)
fi
for crd in "${STRIMZI_CRDS[@]}" "${CNPG_CRDS[@]}"; do
  kubectl apply --server-side --force-conflicts -f "$crd" > /dev/null
done
kubectl wait --for=condition=Established crd --all --timeout=60s > /dev/null

kubectl kustomize "$K8S_REPO_ROOT/k8s/overlays/prod" > "$rendered"
# Namespaced objects are admitted only into a namespace that exists: the overlay's own, with
# its labels (Pod Security "restricted"), made for real.
namespace_file="$K8S_REPO_ROOT/k8s/overlays/prod/namespace.yaml"
namespace="$(kubectl create --dry-run=client -f "$namespace_file" -o jsonpath='{.metadata.name}')"
kubectl apply --server-side -f "$namespace_file" > /dev/null
status=0
kubectl apply --server-side --dry-run=server -f "$rendered" 2>&1 || status=$?
kubectl delete namespace "$namespace" --wait=false > /dev/null
echo "k8s dry-run: the prod overlay has $(grep -c '^kind:' "$rendered") objects"
rm -f "$rendered"
exit "$status"
