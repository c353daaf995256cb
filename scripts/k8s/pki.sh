#!/usr/bin/env bash
# The local cluster's certificates and kubeconfigs (openssl), made once into .local/k8s/pki:
# a CA, the API server's serving certificate, one client certificate per component under
# the identity Kubernetes' RBAC and Node authorizer expect, the kubelet's serving
# certificate and the service-account signing key.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/k8s.sh"

if [[ -f "$K8S_PKI/done" ]]; then
  exit 0
fi
rm -rf "$K8S_PKI"
mkdir -p "$K8S_PKI"
cd "$K8S_PKI"

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=dtx-local-kubernetes-ca" 2> /dev/null

# <name> <subject> [subjectAltName]: a key and a certificate signed by the CA.
certificate() {
  local name="$1" subject="$2" san="${3:-}" extensions="$K8S_PKI/$1.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n "$san" ]]; then
      echo "extendedKeyUsage=serverAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } > "$extensions"
  openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subject" 2> /dev/null
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile "$extensions" \
    -out "$name.crt" 2> /dev/null
  rm -f "$name.csr" "$extensions"
}

certificate apiserver "/CN=kube-apiserver" \
  "IP:$K8S_NODE_IP,IP:$K8S_API_SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:$K8S_NODE_NAME"
certificate kubelet-serving "/CN=$K8S_NODE_NAME" "IP:$K8S_NODE_IP,DNS:$K8S_NODE_NAME"
certificate apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
certificate admin "/O=system:masters/CN=kubernetes-admin"
certificate controller-manager "/CN=system:kube-controller-manager"
certificate scheduler "/CN=system:kube-scheduler"
certificate kube-proxy "/CN=system:kube-proxy"
certificate kubelet "/O=system:nodes/CN=system:node:$K8S_NODE_NAME"
openssl genrsa -out sa.key 2048 2> /dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2> /dev/null

# <name>: a kubeconfig that signs in with <name>.crt.
kubeconfig() {
  cat > "$K8S_STATE_DIR/$1.kubeconfig" << YAML
apiVersion: v1
kind: Config
clusters:
  - name: dtx-local
    cluster:
      server: https://$K8S_NODE_IP:$K8S_API_PORT
      certificate-authority-data: $(base64 -w0 < ca.crt)
users:
  - name: $1
    user:
      client-certificate-data: $(base64 -w0 < "$1.crt")
      client-key-data: $(base64 -w0 < "$1.key")
contexts:
  - name: dtx-local
    context: { cluster: dtx-local, user: $1 }
current-context: dtx-local
YAML
  chmod 600 "$K8S_STATE_DIR/$1.kubeconfig"
}
for name in admin controller-manager scheduler kube-proxy kubelet; do
  kubeconfig "$name"
done
chmod 600 ./*.key
touch done
echo "k8s pki: certificates and kubeconfigs in $K8S_PKI"
