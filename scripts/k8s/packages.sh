#!/usr/bin/env bash
# Unpacks the local cluster's Debian parts into .local/k8s/root without installing them
# system-wide (no systemd here, and nothing of the machine's is changed): etcd, containerd
# and the CNI plugins. runc and iptables come with the container engine (scripts/containers/engine.sh).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${K8S_STATE_DIR:-$REPO_ROOT/.local/k8s}"
ROOT="$STATE_DIR/root"
PACKAGES=(etcd-server containerd containernetworking-plugins conntrack)

if [[ -x "$ROOT/usr/bin/etcd" && -x "$ROOT/usr/bin/containerd" && -x "$ROOT/usr/lib/cni/bridge" && -x "$ROOT/usr/sbin/conntrack" ]]; then
  echo "k8s packages: unpacked in $ROOT"
  exit 0
fi
echo "k8s packages: downloading and unpacking ${PACKAGES[*]} (apt-get download)"
downloads="$STATE_DIR/debs"
mkdir -p "$downloads" "$ROOT"
(cd "$downloads" && apt-get download "${PACKAGES[@]}" > /dev/null) || {
  apt-get update > /dev/null && (cd "$downloads" && apt-get download "${PACKAGES[@]}" > /dev/null)
}
for deb in "$downloads"/*.deb; do
  dpkg-deb -x "$deb" "$ROOT"
done
echo "k8s packages: $(cd "$downloads" && ls *.deb | tr '\n' ' ')"
