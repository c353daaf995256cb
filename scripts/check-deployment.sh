#!/usr/bin/env bash
# Checks the deployment files offline: no Docker engine, no cluster, no network
# once the tools and schemas are cached (first run: they come from the Go module
# proxy, PyPI and Maven Central into .local/deploy-check/, about 3 minutes).
#
#   1. Dockerfile        parsed by BuildKit's parser and its lint rules (`docker build --check`)
#   2. docker-compose.yml loaded by compose-go, the library of `docker compose`: validated
#                        against the compose-spec JSON schema and its semantic rules
#   3. k8s/overlays/*    rendered with kustomize, every object validated with kubeconform
#                        against the Kubernetes JSON schemas (each version in K8S_VERSIONS)
#                        and the Strimzi and CloudNativePG CRD schemas; an object without
#                        a schema is an error
#   4. network policies  of each rendered overlay (infra/deploy-check/network_policies.py): a
#                        default deny, every pod opened by a policy of its own, no selector
#                        that matches no pod
#
# Writes, for the tests (apps/system-e2e/test/deployment.integration.ts):
#   .local/deploy-check/out/compose.json             the normalised compose project
#   .local/deploy-check/out/k8s-<overlay>.yaml|json  each rendered overlay (JSON: an array)
#
# Pinned versions: infra/deploy-check/go.mod (kustomize, kubeconform, compose-go,
# BuildKit, go.yaml.in/yaml), infra/deploy-check/requirements.txt (kubernetes-validate: the Kubernetes
# schemas), infra/deploy-check/strimzi/pom.xml (Strimzi), CNPG_VERSION below.
# Needs go, python3, mvn and a Java 21+ runtime (for Strimzi's CRD generator).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_SRC="$REPO_ROOT/infra/deploy-check"
STATE="${DEPLOY_CHECK_STATE:-$REPO_ROOT/.local/deploy-check}"
BIN="$STATE/bin"
OUT="$STATE/out"
SCHEMAS="$STATE/schemas"
K8S_VERSIONS="${K8S_VERSIONS:-1.33.0 1.35.0}"
CNPG_VERSION="v1.30.1"
CNPG_CRDS=(clusters databases scheduledbackups)
OVERLAYS=(dev prod)

export GOMODCACHE="$STATE/gomodcache" GOCACHE="$STATE/gocache" GOFLAGS=-modcacherw GOTOOLCHAIN=local
mkdir -p "$BIN" "$OUT" "$SCHEMAS"

started=$SECONDS
failures=()
passes=()
pass() { passes+=("$1"); echo "check-deployment: ok: $1"; }
fail() { failures+=("$1"); echo "check-deployment: FAILED: $1" >&2; }
die() { echo "check-deployment: $*" >&2; exit 1; }

fingerprint() { cat "$@" | sha256sum | cut -c1-16; }

# ---------------------------------------------------------------- tools (Go) --
tools() {
  local stamp="$BIN/.stamp" want
  want="$(fingerprint "$TOOLS_SRC/go.mod" "$TOOLS_SRC/go.sum" "$TOOLS_SRC"/cmd/*/*.go)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return; fi
  command -v go > /dev/null || die "go not found (needed once to build kustomize, kubeconform, deploy-lint)"
  echo "check-deployment: building kustomize, kubeconform, deploy-lint (cached in .local/deploy-check)"
  (cd "$TOOLS_SRC" && go build -trimpath -o "$BIN/" \
    sigs.k8s.io/kustomize/kustomize/v5 \
    github.com/yannh/kubeconform/cmd/kubeconform \
    ./cmd/deploy-lint)
  echo "$want" > "$stamp"
}

# ------------------------------------------------------------------- schemas --
kubernetes_schemas() {
  local wheel_dir="$STATE/pypi" stamp="$SCHEMAS/kubernetes/.stamp" want wheel version
  want="$(fingerprint "$TOOLS_SRC/requirements.txt" "$TOOLS_SRC/schemas.py"; echo "$K8S_VERSIONS")"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return; fi
  if [[ -z "$(find "$wheel_dir" -name 'kubernetes_validate-*.whl' 2> /dev/null)" ]]; then
    echo "check-deployment: fetching the Kubernetes JSON schemas (PyPI kubernetes-validate)"
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
      -r "$TOOLS_SRC/requirements.txt" -d "$wheel_dir"
  fi
  wheel="$(find "$wheel_dir" -name 'kubernetes_validate-*.whl' | head -1)"
  rm -rf "$SCHEMAS/kubernetes"
  for version in $K8S_VERSIONS; do
    python3 "$TOOLS_SRC/schemas.py" k8s "$wheel" "$version" "$SCHEMAS/kubernetes/v$version"
  done
  echo "$want" > "$stamp"
}

find_java21() {
  local candidate major
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    major="$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [[ "${major%%.*}" =~ ^[0-9]+$ ]] && ((${major%%.*} >= 21)); then
      echo "$candidate"
      return
    fi
  done
  return 1
}

STRIMZI_KINDS=(
  io.strimzi.api.kafka.model.kafka.Kafka=kafka
  io.strimzi.api.kafka.model.nodepool.KafkaNodePool=kafkanodepool
  io.strimzi.api.kafka.model.topic.KafkaTopic=kafkatopic
  io.strimzi.api.kafka.model.user.KafkaUser=kafkauser
)

strimzi_schemas() {
  local libs="$STATE/strimzi/libs" crds="$STATE/strimzi/crds" stamp="$SCHEMAS/.strimzi-stamp" want java log kind
  want="$(fingerprint "$TOOLS_SRC/strimzi/pom.xml" "$TOOLS_SRC/schemas.py"; echo "${STRIMZI_KINDS[*]}")"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return; fi
  command -v mvn > /dev/null || die "mvn not found (needed once to fetch Strimzi's API and CRD generator)"
  java="$(find_java21)" || die "no Java 21+ runtime found (Strimzi's CRD generator needs one; set JAVA_HOME)"
  echo "check-deployment: generating Strimzi's CRDs (Maven Central io.strimzi:api + crd-generator)"
  rm -rf "$libs" "$crds"
  mkdir -p "$crds"
  log="$STATE/strimzi/mvn.log"
  if ! mvn -B -q -Dstyle.color=never -f "$TOOLS_SRC/strimzi/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs" > "$log" 2>&1; then
    cat "$log" >&2
    die "could not fetch Strimzi's jars"
  fi
  local outputs=()
  for kind in "${STRIMZI_KINDS[@]}"; do outputs+=("${kind%%=*}=$crds/${kind#*=}.yaml"); done
  "$java" -cp "$libs/*" io.strimzi.crdgenerator.CrdGenerator \
    --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml \
    "${outputs[@]}" > "$STATE/strimzi/crd-generator.log" 2>&1 \
    || { cat "$STATE/strimzi/crd-generator.log" >&2; die "Strimzi's CRD generator failed"; }
  local file
  for file in "$crds"/*.yaml; do "$BIN/deploy-lint" yaml2json "$file" "${file%.yaml}.json"; done
  python3 "$TOOLS_SRC/schemas.py" crd "$SCHEMAS/crds" "$crds"/*.json
  echo "$want" > "$stamp"
}

cloudnativepg_schemas() {
  local stamp="$SCHEMAS/.cnpg-stamp" want dir name file json_dir="$STATE/cnpg"
  want="$(fingerprint "$TOOLS_SRC/schemas.py"; echo "$CNPG_VERSION ${CNPG_CRDS[*]} with yaml")"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return; fi
  echo "check-deployment: fetching CloudNativePG $CNPG_VERSION's CRDs (Go module github.com/cloudnative-pg/cloudnative-pg)"
  dir="$(cd "$TOOLS_SRC" && go mod download -json "github.com/cloudnative-pg/cloudnative-pg@$CNPG_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir/config/crd/bases" ]] || die "CloudNativePG's CRDs not found in $dir"
  rm -rf "$json_dir"
  mkdir -p "$json_dir"
  for name in "${CNPG_CRDS[@]}"; do
    file="$dir/config/crd/bases/postgresql.cnpg.io_$name.yaml"
    "$BIN/deploy-lint" yaml2json "$file" "$json_dir/$(basename "${file%.yaml}").json"
    cp "$file" "$json_dir/" # as it is, for scripts/k8s/dry-run-prod.sh to install
  done
  python3 "$TOOLS_SRC/schemas.py" crd "$SCHEMAS/crds" "$json_dir"/*.json
  echo "$want" > "$stamp"
}

# -------------------------------------------------------------------- checks --
check_dockerfile() {
  if "$BIN/deploy-lint" dockerfile "$REPO_ROOT/Dockerfile"; then
    pass "Dockerfile (BuildKit parser and lint rules)"
  else
    fail "Dockerfile"
  fi
}

check_compose() {
  if (cd "$REPO_ROOT" && "$BIN/deploy-lint" compose docker-compose.yml "$OUT/compose.json"); then
    pass "docker-compose.yml (compose-spec schema, compose-go semantics)"
  else
    fail "docker-compose.yml"
  fi
}

check_overlay() {
  local overlay="$1" rendered="$OUT/k8s-$1.yaml" version
  if ! "$BIN/kustomize" build "$REPO_ROOT/k8s/overlays/$overlay" > "$rendered"; then
    fail "k8s/overlays/$overlay: kustomize build"
    return
  fi
  "$BIN/deploy-lint" yaml2json "$rendered" "$OUT/k8s-$overlay.json"
  for version in $K8S_VERSIONS; do
    if "$BIN/kubeconform" -strict -summary -output text \
      -kubernetes-version "$version" \
      -schema-location "$SCHEMAS/kubernetes/{{ .NormalizedKubernetesVersion }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
      -schema-location "$SCHEMAS/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
      "$rendered"; then
      pass "k8s/overlays/$overlay: $(grep -c '^kind:' "$rendered") objects valid for Kubernetes $version + CRDs"
    else
      fail "k8s/overlays/$overlay against Kubernetes $version"
    fi
  done
  if python3 "$TOOLS_SRC/network_policies.py" "$OUT/k8s-$overlay.json"; then
    pass "k8s/overlays/$overlay: network policies (default deny, every pod opened by its own, no stray selector)"
  else
    fail "k8s/overlays/$overlay: network policies"
  fi
}

tools
kubernetes_schemas
strimzi_schemas
cloudnativepg_schemas

check_dockerfile
check_compose
for overlay in "${OVERLAYS[@]}"; do check_overlay "$overlay"; done

echo
echo "check-deployment: ${#passes[@]} passed, ${#failures[@]} failed ($((SECONDS - started)) s)"
for failure in "${failures[@]}"; do echo "  FAILED: $failure" >&2; done
((${#failures[@]} == 0))
