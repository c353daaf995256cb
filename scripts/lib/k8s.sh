# shellcheck shell=bash
# The local Kubernetes cluster's settings, shared by scripts/k8s/*.sh. Every address is
# on interfaces and namespaces the cluster creates itself; from the host, the deployment
# is reached through 127.0.0.1 only (NodePorts bound there).
K8S_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
K8S_STATE_DIR="${K8S_STATE_DIR:-$K8S_REPO_ROOT/.local/k8s}"
export K8S_STATE_DIR
K8S_BIN="$K8S_STATE_DIR/bin"
K8S_ROOT="$K8S_STATE_DIR/root"
K8S_RUN="$K8S_STATE_DIR/run"
K8S_LOGS="$K8S_STATE_DIR/logs"
K8S_PKI="$K8S_STATE_DIR/pki"
export KUBECONFIG="$K8S_STATE_DIR/admin.kubeconfig"

K8S_NODE_NAME="dtx-node"
# The node's address, on a veth pair of its own (the kernel has no dummy interfaces).
K8S_NODE_IP="10.201.0.1"
K8S_NODE_PEER_IP="10.201.0.2"
K8S_NODE_LINK="dtxk8s0"
K8S_NODE_PEER_LINK="dtxk8s1"
K8S_POD_CIDR="10.202.0.0/24"
K8S_POD_BRIDGE="dtxk8sbr0"
K8S_SERVICE_CIDR="10.203.0.0/24"
K8S_API_SERVICE_IP="10.203.0.1"
K8S_DNS_IP="10.203.0.10"
K8S_API_PORT="${K8S_API_PORT:-6443}"
K8S_ETCD_PORT="${K8S_ETCD_PORT:-2479}"
K8S_ETCD_PEER_PORT="${K8S_ETCD_PEER_PORT:-2480}"
K8S_NODEPORT_RANGE="30000-32767"

K8S_PAUSE_VERSION="3.10.1"
K8S_PAUSE_IMAGE="localhost/k8s/pause:$K8S_PAUSE_VERSION"
K8S_COREDNS_IMAGE="localhost/k8s/coredns:v1.14.7"
K8S_LOCAL_PATH_IMAGE="localhost/k8s/local-path-provisioner:v0.0.30"
# infra/kubernetes/cloudnative-pg/go.mod: v1.30.0, the newest whose dependencies the Go module proxy serves.
K8S_CNPG_IMAGE="localhost/k8s/cloudnative-pg:v1.30.0"

k8s_image_archive() { echo "$K8S_STATE_DIR/images/$1.tar"; }

# The cluster's containerd, in the namespace the kubelet uses.
K8S_CONTAINERD=(ctr --address "$K8S_RUN/containerd.sock" -n k8s.io)
k8s_holds_image() { "${K8S_CONTAINERD[@]}" images ls -q | grep -x "$1" > /dev/null; }

# <image...>: those the cluster's containerd lacks, from the container engine in one archive
# (shared layers once).
k8s_load_images() {
  local wanted=() image
  for image in "$@"; do k8s_holds_image "$image" || wanted+=("$image"); done
  if [[ ${#wanted[@]} -eq 0 ]]; then return; fi
  echo "k8s: loading ${#wanted[@]} images into the cluster"
  local archive="$K8S_STATE_DIR/images/loading.tar"
  podman save --quiet -m --format docker-archive -o "$archive" "${wanted[@]}"
  "${K8S_CONTAINERD[@]}" images import "$archive" > /dev/null
  rm -f "$archive"
}

# Go's caches for the cluster's builds, in the ignored state folder, which k8s:down keeps
# (-modcacherw: the module cache stays deletable with plain rm -rf).
export GOCACHE="$K8S_STATE_DIR/go/cache" GOMODCACHE="$K8S_STATE_DIR/go/mod"
export GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=local

export PATH="$K8S_BIN:$K8S_ROOT/usr/bin:$K8S_ROOT/usr/sbin:$PATH"
