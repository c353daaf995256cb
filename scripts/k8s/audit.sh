#!/usr/bin/env bash
# Runs the system's auditor (npm run audit) inside the dev deployment on the local cluster, as
# the Job k8s/overlays/dev/audit, and prints its report: every order final, stock and money
# conserved, nothing applied twice, every dead letter accounted for. Exit code 0 without
# violations, 1 with, 2 when the Job could not run.
#
#   audit.sh [--wait <seconds>]    how long the auditor lets the system settle (default 120)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/k8s.sh"
NAMESPACE=dtx-dev
JOB=dtx-audit
wait_seconds=120
if [[ "${1:-}" == --wait ]]; then wait_seconds="${2:?--wait needs seconds}"; fi

# A Job's pod template is immutable and a finished Job stays an hour: each run starts a new one.
kubectl -n "$NAMESPACE" delete job "$JOB" --ignore-not-found --wait=true > /dev/null
kubectl kustomize "$K8S_REPO_ROOT/k8s/overlays/dev/audit" \
  | sed "s/value: '120'/value: '$wait_seconds'/" \
  | kubectl apply -f - > /dev/null
# The auditor's own exit code, once its container has ended (the Job has no retries).
exit_code=""
for ((waited = 0; waited < wait_seconds + 180; waited += 2)); do
  exit_code="$(kubectl -n "$NAMESPACE" get pods -l "job-name=$JOB" \
    -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}' 2> /dev/null || true)"
  [[ -z "$exit_code" ]] || break
  sleep 2
done
kubectl -n "$NAMESPACE" logs "job/$JOB" --all-containers || true
if [[ -z "$exit_code" ]]; then
  echo "k8s audit: the Job did not finish within $((wait_seconds + 180)) s" >&2
  exit 2
fi
exit "$exit_code"
