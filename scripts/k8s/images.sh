#!/usr/bin/env bash
# The local cluster's own images, built here because no registry can be reached: the pod
# sandbox (a static build of Kubernetes' pause.c), CoreDNS, local-path-provisioner and the
# CloudNativePG operator (Go, pinned by infra/kubernetes/*/go.mod), each a single static
# binary on an empty image,
# built with the local engine (scripts/containers/engine.sh) and saved as an archive in
# .local/k8s/images for `ctr images import`, with the project's Debian base for
# local-path-provisioner's helper pods. An archive already saved is kept.
#
#   images.sh [name...]              the binaries, then the images (default: the cluster's four)
#   images.sh --binaries [name...]   the binaries only (no container engine needed)
#   images.sh cloudnative-pg         the CloudNativePG operator's (scripts/k8s/cloudnative-pg.sh)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$REPO_ROOT/scripts/lib/k8s.sh"
source "$REPO_ROOT/scripts/lib/containers.sh"

build_dir="$K8S_STATE_DIR/images/build"
mkdir -p "$build_dir"

# <name> <tag>: the image of the Containerfile in the build folder <name>, saved as an archive.
image_from_context() {
  local name="$1" tag="$2" context="$build_dir/$1"
  podman build --quiet --format docker -t "$tag" -f "$context/Containerfile" "$context" > /dev/null
  podman save --quiet --format docker-archive -o "$(k8s_image_archive "$name")" "$tag"
  echo "k8s images: $tag ($(du -h "$(k8s_image_archive "$name")" | cut -f1))"
}

# <name> <tag> <binary path>: an image of the one static binary, as its entrypoint.
image_archive() {
  local name="$1" tag="$2" binary="$3" context="$build_dir/$1"
  rm -rf "$context" && mkdir -p "$context"
  cp "$binary" "$context/$name"
  printf 'FROM scratch\nCOPY %s /%s\nUSER 65535:65535\nENTRYPOINT ["/%s"]\n' "$name" "$name" "$name" > "$context/Containerfile"
  [[ "$name" == local-path-provisioner ]] && sed -i '/^USER/d' "$context/Containerfile" # it creates host folders as root
  image_from_context "$name" "$tag"
}

# The operator's image laid out as upstream's: its binary per architecture under /operator (the
# operator reads from those names which architectures its instances can run on), /manager a
# link to it. The instances' init container copies /manager into them.
cloudnative_pg_image() {
  local context="$build_dir/cloudnative-pg" arch
  arch="$(go env GOARCH)"
  rm -rf "$context" && mkdir -p "$context/root/operator"
  cp "$build_dir/cloudnative-pg.bin" "$context/root/operator/manager_$arch"
  ln -s "operator/manager_$arch" "$context/root/manager"
  tar -C "$context/root" -cf "$context/layout.tar" .
  printf 'FROM scratch\nADD layout.tar /\nUSER 65532:65532\nENTRYPOINT ["/manager"]\n' > "$context/Containerfile"
  image_from_context cloudnative-pg "$K8S_CNPG_IMAGE"
}

# The static binaries first, which need no engine (images.sh --binaries builds only these).
binary() { # <name>: its static binary in the build folder, built unless there
  local name="$1" binary="$build_dir/$1.bin"
  [[ -x "$binary" ]] && return
  case "$name" in
    pause)
      local pause_source
      pause_source="$(cd "$REPO_ROOT/infra/kubernetes/build" && go mod download k8s.io/kubernetes \
        && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
      gcc -Os -static -Wall -Werror -DVERSION="v$K8S_PAUSE_VERSION" -o "$binary" "$pause_source"
      ;;
    coredns | local-path-provisioner | cloudnative-pg)
      local module=github.com/coredns/coredns
      [[ "$name" == local-path-provisioner ]] && module=github.com/rancher/local-path-provisioner
      [[ "$name" == cloudnative-pg ]] && module=github.com/cloudnative-pg/cloudnative-pg/cmd/manager
      (cd "$REPO_ROOT/infra/kubernetes/$name" && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$binary" "$module")
      ;;
  esac
}

binaries_only=false
if [[ "${1:-}" == --binaries ]]; then
  binaries_only=true
  shift
fi
# The cluster's own by default; the CloudNativePG operator's when asked (scripts/k8s/cloudnative-pg.sh).
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then names=(pause coredns local-path-provisioner debian); fi
needed=()
for name in "${names[@]}"; do
  [[ -f "$(k8s_image_archive "$name")" ]] || needed+=("$name")
done
for name in "${needed[@]}"; do
  [[ "$name" == debian ]] || binary "$name"
done
if [[ "$binaries_only" == true ]]; then
  echo "k8s images: binaries built in $build_dir"
  exit 0
fi
if [[ ${#needed[@]} -eq 0 ]]; then
  echo "k8s images: saved in $K8S_STATE_DIR/images"
  exit 0
fi
bash "$REPO_ROOT/scripts/containers/engine.sh" install > /dev/null
bash "$REPO_ROOT/scripts/containers/engine.sh" up > /dev/null

for name in "${needed[@]}"; do
  case "$name" in
    pause) image_archive pause "$K8S_PAUSE_IMAGE" "$build_dir/pause.bin" ;;
    coredns) image_archive coredns "$K8S_COREDNS_IMAGE" "$build_dir/coredns.bin" ;;
    local-path-provisioner)
      image_archive local-path-provisioner "$K8S_LOCAL_PATH_IMAGE" "$build_dir/local-path-provisioner.bin"
      ;;
    cloudnative-pg) cloudnative_pg_image ;;
    debian)
      # local-path-provisioner's helper pods (mkdir and rm -rf of a volume's folder) need a shell.
      bash "$REPO_ROOT/scripts/containers/bases.sh" debian
      podman save --quiet --format docker-archive -o "$(k8s_image_archive debian)" docker.io/library/debian:bookworm
      echo "k8s images: docker.io/library/debian:bookworm ($(du -h "$(k8s_image_archive debian)" | cut -f1))"
      ;;
  esac
done
