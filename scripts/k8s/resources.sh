#!/usr/bin/env bash
# What each pod of the dev deployment on the local cluster uses, read from the kubelet's
# cgroups (this cluster has no metrics-server, so `kubectl top` has nothing to show):
# CPU over an interval, in millicores, and memory at its end (the working set: usage less
# inactive page cache, as the kubelet counts it). Reads only.
#
#   resources.sh [seconds]     the interval (default 60)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/k8s.sh"
NAMESPACE=dtx-dev
seconds="${1:-60}"
CGROUPS=/sys/fs/cgroup

# <cgroup v1 controller> <pod uid>: the pod's cgroup folder (kubepods/<qos>/pod<uid>, or kubepods/pod<uid> when Guaranteed).
pod_cgroup() {
  local found
  found="$(find "$CGROUPS/$1/kubepods" -maxdepth 2 -type d -name "pod$2" -print -quit 2> /dev/null)"
  [[ -n "$found" ]] || found="$(find "$CGROUPS/$1/kubepods" -maxdepth 2 -type d -name "pod${2//-/_}" -print -quit 2> /dev/null)"
  echo "$found"
}

mapfile -t pods < <(kubectl -n "$NAMESPACE" get pods --field-selector=status.phase=Running \
  -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.uid}{"\n"}{end}')
declare -A cpu_before
for pod in "${pods[@]}"; do
  read -r name uid <<< "$pod"
  dir="$(pod_cgroup cpuacct "$uid")"
  cpu_before[$name]="$(cat "$dir/cpuacct.usage" 2> /dev/null || echo 0)"
done
sleep "$seconds"

printf '%-44s %10s %12s\n' pod 'CPU (m)' 'memory (MiB)'
total_cpu=0
total_memory=0
for pod in "${pods[@]}"; do
  read -r name uid <<< "$pod"
  cpu_dir="$(pod_cgroup cpuacct "$uid")"
  memory_dir="$(pod_cgroup memory "$uid")"
  [[ -n "$cpu_dir" && -n "$memory_dir" ]] || continue
  cpu_after="$(cat "$cpu_dir/cpuacct.usage")"
  # nanoseconds of CPU per second of the interval, in thousandths of a core
  millicores=$(((cpu_after - ${cpu_before[$name]}) / seconds / 1000000))
  usage="$(cat "$memory_dir/memory.usage_in_bytes")"
  inactive="$(awk '$1 == "total_inactive_file" { print $2 }' "$memory_dir/memory.stat")"
  mebibytes=$(((usage - ${inactive:-0}) / 1048576))
  printf '%-44s %10d %12d\n' "$name" "$millicores" "$mebibytes"
  total_cpu=$((total_cpu + millicores))
  total_memory=$((total_memory + mebibytes))
done
printf '%-44s %10d %12d\n' "all ${#pods[@]} pods, over ${seconds} s" "$total_cpu" "$total_memory"
