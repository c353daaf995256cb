#!/usr/bin/env bash
# `npm run images`: the project's images, built from its own Dockerfile with the
# local engine (scripts/containers/engine.sh) on the local bases
# (scripts/containers/bases.sh), tagged as docker-compose.yml names them
# (dtx/<target>:$TAG, TAG=local by default). Prints each image's size and the
# build time. The first build installs the dependencies inside the image (a
# few minutes); later ones reuse every layer whose inputs did not change.
#
#   images.sh [target...]   default: every service, the console, migrate and demo
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/scripts/lib/containers.sh"
TAG="${TAG:-local}"
TARGETS=(order inventory payment orchestrator coordinator console migrate demo)
[[ $# -gt 0 ]] && TARGETS=("$@")
# npm inside the build reaches the registry through this machine's TLS setup:
# its CA bundle is lent to the build as a secret, never stored in a layer.
HOST_CA="${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"

log() { printf 'images: %s\n' "$*"; }

bash "$ROOT/scripts/containers/engine.sh" up > /dev/null
# The images need the Node base only (compose.sh builds the others it runs).
bash "$ROOT/scripts/containers/bases.sh" debian node

secret=()
[[ -f "$HOST_CA" ]] && secret=(--secret "id=hostca,src=$HOST_CA")

started=$SECONDS
for target in "${TARGETS[@]}"; do
  step=$SECONDS
  log "dtx/$target:$TAG: building (--target $target)"
  podman build --quiet --format docker --network host "${secret[@]}" \
    --target "$target" -t "dtx/$target:$TAG" -f "$ROOT/Dockerfile" "$ROOT" > /dev/null
  log "dtx/$target:$TAG: $(podman image inspect --format '{{.Size}}' "dtx/$target:$TAG" | awk '{ printf "%.0f MB", $1 / 1e6 }'), built in $((SECONDS - step)) s"
done
log "${#TARGETS[@]} images in $((SECONDS - started)) s"
