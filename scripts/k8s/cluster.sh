#!/usr/bin/env bash
# A real single-node Kubernetes 1.34 as local processes (README, "Kubernetes"):
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, containerd, kubelet and
# kube-proxy, with CoreDNS and local-path-provisioner as pods, everything under .local/k8s.
#
#   cluster.sh up       build or reuse the parts, start what is not running, wait until the
#                       node is Ready and DNS answers
#   cluster.sh down     stop every process it started (by pid), remove its pods' mounts, its
#                       interfaces and iptables rules, and the cluster's state (the builds stay)
#   cluster.sh status   exit 0 when the API server answers and the node is Ready
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/k8s.sh"
ROOT="$K8S_REPO_ROOT"
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)
CONTAINERD_SOCKET="$K8S_RUN/containerd.sock"
# Kernel settings the cluster changes (kube-proxy sets route_localnet for NodePorts on 127.0.0.1); down restores them.
SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.ipv4.conf.all.route_localnet)

log() { printf 'k8s: %s\n' "$*"; }
pid_file() { echo "$K8S_RUN/$1.pid"; }
running_pid() {
  local pid
  pid="$(cat "$(pid_file "$1")" 2> /dev/null || true)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2> /dev/null; then echo "$pid"; fi
}

# <name> <command...>: starts a component in the background unless it runs, logging to .local/k8s/logs.
start() {
  local name="$1"
  shift
  if [[ -n "$(running_pid "$name")" ]]; then
    return
  fi
  setsid nohup "$@" >> "$K8S_LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$(pid_file "$name")"
}

# <what> <seconds> <command...>: retries the command every half second until it succeeds.
wait_for() {
  local what="$1" seconds="$2" waited=0
  shift 2
  until "$@" > /dev/null 2>&1; do
    if ((waited >= seconds * 2)); then
      log "$what did not come up within $seconds s; last log lines:"
      tail -n 30 "$K8S_LOGS"/*.log | tail -n 60 >&2
      exit 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
}

node_network_up() {
  if ! ip link show "$K8S_NODE_LINK" > /dev/null 2>&1; then
    ip link add "$K8S_NODE_LINK" type veth peer name "$K8S_NODE_PEER_LINK"
    ip addr add "$K8S_NODE_IP/24" dev "$K8S_NODE_LINK"
    ip addr add "$K8S_NODE_PEER_IP/24" dev "$K8S_NODE_PEER_LINK"
  fi
  ip link set "$K8S_NODE_LINK" up
  ip link set "$K8S_NODE_PEER_LINK" up
  if [[ ! -f "$K8S_STATE_DIR/sysctl.saved" ]]; then
    sysctl "${SYSCTLS[@]}" | sed 's/ = /=/' > "$K8S_STATE_DIR/sysctl.saved"
  fi
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
}

write_configuration() {
  mkdir -p "$K8S_STATE_DIR/cni/net.d" "$K8S_STATE_DIR/containerd" "$K8S_STATE_DIR/kubelet"
  cat > "$K8S_STATE_DIR/cni/net.d/10-dtx-pods.conflist" << JSON
{
  "cniVersion": "1.0.0",
  "name": "dtx-pods",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$K8S_POD_BRIDGE",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$K8S_POD_CIDR" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$K8S_STATE_DIR/cni/ipam"
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
  cat > "$K8S_STATE_DIR/containerd/config.toml" << TOML
version = 2
root = "$K8S_STATE_DIR/containerd/root"
state = "$K8S_STATE_DIR/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCKET"
[plugins."io.containerd.internal.v1.opt"]
  path = "$K8S_STATE_DIR/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$K8S_PAUSE_IMAGE"
  # The machine lacks CAP_SYS_RESOURCE: without this every pod fails ("can't get final child's PID from pipe").
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "$(command -v runc)"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$K8S_ROOT/usr/lib/cni"
    conf_dir = "$K8S_STATE_DIR/cni/net.d"
TOML
  cat > "$K8S_STATE_DIR/kubelet/config.yaml" << YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $K8S_NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $K8S_PKI/ca.crt }
authorization: { mode: Webhook }
tlsCertFile: $K8S_PKI/kubelet-serving.crt
tlsPrivateKeyFile: $K8S_PKI/kubelet-serving.key
containerRuntimeEndpoint: unix://$CONTAINERD_SOCKET
cgroupDriver: cgroupfs
failSwapOn: false
clusterDomain: cluster.local
clusterDNS: [$K8S_DNS_IP]
resolvConf: /etc/resolv.conf
# The images are loaded, never pulled: none may be collected to free disk.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1% }
serializeImagePulls: false
YAML
  cat > "$K8S_STATE_DIR/kube-proxy.yaml" << YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $K8S_STATE_DIR/kube-proxy.kubeconfig }
hostnameOverride: $K8S_NODE_NAME
mode: iptables
clusterCIDR: $K8S_POD_CIDR
# NodePorts answer on 127.0.0.1 only: the host reaches the deployment there and nowhere else.
nodePortAddresses: [127.0.0.1/32]
iptables: { masqueradeAll: true }
conntrack: { maxPerCore: 0 }
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
YAML
}

start_components() {
  start etcd etcd --name dtx --data-dir "$K8S_STATE_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$K8S_ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$K8S_ETCD_PEER_PORT" \
    --initial-cluster "dtx=http://127.0.0.1:$K8S_ETCD_PEER_PORT"
  wait_for etcd 30 curl -sf "http://127.0.0.1:$K8S_ETCD_PORT/health"

  start kube-apiserver kube-apiserver --advertise-address "$K8S_NODE_IP" --bind-address "$K8S_NODE_IP" \
    --secure-port "$K8S_API_PORT" --etcd-servers "http://127.0.0.1:$K8S_ETCD_PORT" \
    --service-cluster-ip-range "$K8S_SERVICE_CIDR" --service-node-port-range "$K8S_NODEPORT_RANGE" \
    --client-ca-file "$K8S_PKI/ca.crt" --tls-cert-file "$K8S_PKI/apiserver.crt" \
    --tls-private-key-file "$K8S_PKI/apiserver.key" \
    --kubelet-client-certificate "$K8S_PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$K8S_PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$K8S_PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$K8S_PKI/sa.pub" --service-account-signing-key-file "$K8S_PKI/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
    --profiling=false
  wait_for kube-apiserver 90 kubectl get --raw /readyz

  start kube-controller-manager kube-controller-manager --kubeconfig "$K8S_STATE_DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$K8S_STATE_DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$K8S_STATE_DIR/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
    --root-ca-file "$K8S_PKI/ca.crt" --service-account-private-key-file "$K8S_PKI/sa.key" \
    --cluster-signing-cert-file "$K8S_PKI/ca.crt" --cluster-signing-key-file "$K8S_PKI/ca.key" \
    --profiling=false
  start kube-scheduler kube-scheduler --kubeconfig "$K8S_STATE_DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig "$K8S_STATE_DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig "$K8S_STATE_DIR/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false

  start containerd containerd --config "$K8S_STATE_DIR/containerd/config.toml"
  wait_for containerd 30 ctr --address "$CONTAINERD_SOCKET" version
  load_images

  start kubelet kubelet --config "$K8S_STATE_DIR/kubelet/config.yaml" \
    --kubeconfig "$K8S_STATE_DIR/kubelet.kubeconfig" --root-dir "$K8S_STATE_DIR/kubelet" \
    --node-ip "$K8S_NODE_IP" --hostname-override "$K8S_NODE_NAME"
  start kube-proxy kube-proxy --config "$K8S_STATE_DIR/kube-proxy.yaml"
}

# Loads the cluster's own images (scripts/k8s/images.sh) into containerd, whose state starts empty after a down.
load_images() {
  local archive
  for archive in "$K8S_STATE_DIR"/images/*.tar; do
    ctr --address "$CONTAINERD_SOCKET" -n k8s.io images import "$archive" > /dev/null
  done
}

node_ready() {
  [[ "$(kubectl get node "$K8S_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2> /dev/null)" == True ]]
}

up() {
  local started=$SECONDS
  if [[ "$(id -u)" -ne 0 ]]; then
    log "the cluster needs root (network interfaces, mounts, iptables)" >&2
    exit 1
  fi
  mkdir -p "$K8S_RUN" "$K8S_LOGS"
  bash "$ROOT/scripts/k8s/packages.sh"
  bash "$ROOT/scripts/k8s/build.sh"
  bash "$ROOT/scripts/k8s/images.sh"
  bash "$ROOT/scripts/k8s/pki.sh"
  node_network_up
  write_configuration
  start_components
  wait_for "the node" 120 node_ready
  mkdir -p "$K8S_STATE_DIR/storage"
  local addon
  for addon in "$ROOT"/infra/kubernetes/addons/*.yaml; do
    sed "s#@K8S_STORAGE_DIR@#$K8S_STATE_DIR/storage#" "$addon" | kubectl apply --server-side -f - > /dev/null
  done
  wait_for CoreDNS 120 kubectl -n kube-system rollout status deployment/coredns --timeout=1s
  wait_for local-path-provisioner 120 kubectl -n local-path-storage rollout status deployment/local-path-provisioner --timeout=1s
  log "node $K8S_NODE_NAME Ready with DNS and storage after $((SECONDS - started)) s; KUBECONFIG=$KUBECONFIG"
}

# Stops a component by its pid (TERM, then KILL after 20 s).
stop_component() {
  local pid waited=0
  pid="$(running_pid "$1")"
  if [[ -n "$pid" ]]; then
    kill "$pid" 2> /dev/null || true
    while kill -0 "$pid" 2> /dev/null && ((waited < 40)); do
      sleep 0.5
      waited=$((waited + 1))
    done
    kill -9 "$pid" 2> /dev/null || true
  fi
  rm -f "$(pid_file "$1")"
}

down() {
  if [[ -n "$(running_pid kubelet)" ]] && kubectl get --raw /readyz > /dev/null 2>&1; then
    # Pods go first, through the kubelet, so that the CNI plugins remove each one's network.
    kubectl delete deployments,statefulsets,daemonsets,replicasets,jobs --all --all-namespaces --wait=false > /dev/null 2>&1 || true
    kubectl delete pods --all --all-namespaces --grace-period=5 --timeout=60s > /dev/null 2>&1 || true
  fi
  stop_component kube-proxy
  stop_component kubelet
  local component
  for component in containerd kube-scheduler kube-controller-manager kube-apiserver etcd; do
    stop_component "$component"
  done
  # Shims outlive containerd; they hold the containers' processes.
  pkill -9 -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCKET" 2> /dev/null || true
  kube-proxy --cleanup > /dev/null 2>&1 || true
  remove_iptables_rules
  remove_mounts
  ip link del "$K8S_POD_BRIDGE" 2> /dev/null || true
  ip link del "$K8S_NODE_LINK" 2> /dev/null || true
  if [[ -f "$K8S_STATE_DIR/sysctl.saved" ]]; then
    xargs sysctl -qw < "$K8S_STATE_DIR/sysctl.saved" || true
  fi
  local keep
  for keep in bin root images go; do [[ -d "$K8S_STATE_DIR/$keep" ]] && mv "$K8S_STATE_DIR/$keep" "$K8S_STATE_DIR.$keep"; done
  rm -rf "$K8S_STATE_DIR"
  mkdir -p "$K8S_STATE_DIR"
  for keep in bin root images go; do [[ -d "$K8S_STATE_DIR.$keep" ]] && mv "$K8S_STATE_DIR.$keep" "$K8S_STATE_DIR/$keep"; done
  log "stopped; interfaces, iptables rules, mounts, kernel settings and state removed"
}

# What the kubelet and the bridge plugin wrote to iptables and did not remove (kube-proxy cleans its own):
# the kubelet's KUBE-FIREWALL, KUBE-KUBELET-CANARY and KUBE-IPTABLES-HINT chains (IPv4 and, where the
# host has IPv6, IPv6), and the pod network's CNI-* chains (named after the network, dtx-pods) with the
# POSTROUTING rules that jump to them.
remove_iptables_rules() {
  local tool table rule chain
  for tool in iptables ip6tables; do
    for table in filter nat mangle; do
      while read -r rule; do
        eval "$tool -t $table ${rule/-A /-D }" 2> /dev/null || true
      done < <("$tool" -t "$table" -S 2> /dev/null | grep -E -- '^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) .*-j KUBE-(FIREWALL|KUBELET-CANARY)$' || true)
      for chain in KUBE-FIREWALL KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT; do
        "$tool" -t "$table" -F "$chain" 2> /dev/null && "$tool" -t "$table" -X "$chain" 2> /dev/null || true
      done
    done
  done
  while read -r rule; do
    chain="$(sed -E 's/.* -j (CNI-[0-9a-f]+).*/\1/' <<< "$rule")"
    eval "iptables -t nat ${rule/-A /-D }" 2> /dev/null || true
    iptables -t nat -F "$chain" 2> /dev/null || true
    iptables -t nat -X "$chain" 2> /dev/null || true
  done < <(iptables -t nat -S POSTROUTING 2> /dev/null | grep -E -- '-j CNI-[0-9a-f]+' | grep -F 'dtx-pods' || true)
}

# Every mount under the cluster's state (pod volumes, containerd's snapshots and sandboxes), deepest first.
remove_mounts() {
  local mount_point
  while read -r mount_point; do
    umount -l "$mount_point" 2> /dev/null || true
  done < <(awk -v prefix="$K8S_STATE_DIR/" 'index($2, prefix) == 1 { print $2 }' /proc/self/mounts | sort -r)
  while read -r mount_point; do
    umount -l "$mount_point" 2> /dev/null || true
  done < <(awk '$2 ~ "^/run/netns/cni-" { print $2 }' /proc/self/mounts)
}

status() {
  kubectl get --raw /readyz > /dev/null 2>&1 && node_ready
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *)
    echo "usage: scripts/k8s/cluster.sh up|down|status" >&2
    exit 2
    ;;
esac
