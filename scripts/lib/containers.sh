# shellcheck shell=bash
# Where the container path keeps its engine (README, "Containers"): Debian's
# podman, configured by files under .local/containers/ instead of /etc, and
# its Docker-compatible API socket there. Source this file; it exports what
# podman, podman-compose, the docker CLI and Testcontainers read.

CONTAINERS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONTAINERS_DIR="${CONTAINERS_DIR:-$CONTAINERS_ROOT/.local/containers}"
export CONTAINERS_DIR
export CONTAINERS_CONF="$CONTAINERS_DIR/containers.conf"
export CONTAINERS_STORAGE_CONF="$CONTAINERS_DIR/storage.conf"
# No registry is reachable: every image is built here and named like the public one.
export CONTAINERS_REGISTRIES_CONF="$CONTAINERS_DIR/registries.conf"
CONTAINERS_SOCKET="$CONTAINERS_DIR/podman.sock"
export DOCKER_HOST="unix://$CONTAINERS_SOCKET"
# Testcontainers: its reaper image cannot be had (the tests stop their containers
# themselves), and published ports are reached on the loopback address.
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
# podman-compose names containers and networks as `docker compose` does.
export PODMAN_COMPOSE_DOCKER_COMPOSE_COMPAT=1
PODMAN_COMPOSE_VERSION=1.6.0
PODMAN_COMPOSE_HOME="$CONTAINERS_DIR/podman-compose-$PODMAN_COMPOSE_VERSION"
export PATH="$PODMAN_COMPOSE_HOME/bin:$PATH"
