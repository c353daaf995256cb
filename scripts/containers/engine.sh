#!/usr/bin/env bash
# The container engine of the container path (README, "Containers"): Debian's
# podman, with its configuration, images and state under .local/containers/
# (nothing under /etc is changed), serving a Docker-compatible API socket that
# the docker CLI, docker compose clients and Testcontainers use.
#
#   engine.sh install   Debian's podman and what it needs (apt-get, as root), and
#                       podman-compose (PyPI, pinned) in a virtual environment
#   engine.sh up        write the configuration, start the API service (pid file), wait for it
#   engine.sh down      stop the API service by its pid
#   engine.sh status    exit 0 when the API answers, 3 when it does not
#   engine.sh env       print the exports, for `eval "$(bash scripts/containers/engine.sh env)"`
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/containers.sh"

PID_FILE="$CONTAINERS_DIR/podman-service.pid"
LOG_FILE="$CONTAINERS_DIR/podman-service.log"
# What the engine needs on Debian 12 (ENVIRONMENT: crun refuses this kernel's
# cgroup layout, so runc; netavark and aardvark-dns give networks service-name DNS;
# netavark runs iptables, which neither it nor podman pulls in (without it a container
# on a network fails to start: "netavark: No such file or directory");
# catatonit is the init of `init: true` containers.
PACKAGES=(podman buildah runc fuse-overlayfs slirp4netns uidmap netavark aardvark-dns iptables catatonit debootstrap)

missing_packages() {
  local package
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2> /dev/null | grep -q 'install ok installed' || echo "$package"
  done
}

install_engine() {
  local missing
  mapfile -t missing < <(missing_packages)
  if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ "$(id -u)" -ne 0 ]]; then
      echo "engine: these Debian packages are missing: ${missing[*]}" >&2
      echo "engine: install them as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
      exit 1
    fi
    echo "engine: installing ${missing[*]} (apt-get)"
    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}") \
      > "$CONTAINERS_DIR/apt.log" 2>&1 \
      || { tail -20 "$CONTAINERS_DIR/apt.log" >&2; exit 1; }
  fi
  if [[ ! -x "$PODMAN_COMPOSE_HOME/bin/podman-compose" ]]; then
    echo "engine: installing podman-compose==$PODMAN_COMPOSE_VERSION into $PODMAN_COMPOSE_HOME (PyPI)"
    rm -rf "$PODMAN_COMPOSE_HOME"
    python3 -m venv "$PODMAN_COMPOSE_HOME"
    "$PODMAN_COMPOSE_HOME/bin/pip" install --quiet --disable-pip-version-check "podman-compose==$PODMAN_COMPOSE_VERSION"
  fi
}

write_configuration() {
  mkdir -p "$CONTAINERS_DIR/storage" "$CONTAINERS_DIR/run" "$CONTAINERS_DIR/tmp" "$CONTAINERS_DIR/networks"
  # Podman's defaults do not fit this machine (ENVIRONMENT, "Containers"): no systemd,
  # and hard limits below the ulimits podman asks for.
  cat > "$CONTAINERS_CONF" <<CONF
# Written by scripts/containers/engine.sh; read through CONTAINERS_CONF.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
# Debian installs it here, not where podman looks by default.
init_path = "/usr/bin/catatonit"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$CONTAINERS_DIR/events.log"
tmp_dir = "$CONTAINERS_DIR/tmp"

[network]
network_backend = "netavark"
network_config_dir = "$CONTAINERS_DIR/networks"
CONF
  cat > "$CONTAINERS_STORAGE_CONF" <<CONF
# Written by scripts/containers/engine.sh; read through CONTAINERS_STORAGE_CONF.
[storage]
driver = "overlay"
graphroot = "$CONTAINERS_DIR/storage"
runroot = "$CONTAINERS_DIR/run"
CONF
  cat > "$CONTAINERS_REGISTRIES_CONF" <<CONF
# Written by scripts/containers/engine.sh. Short names resolve on docker.io, as
# Docker resolves them; the images themselves are built here (scripts/containers/bases.sh).
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
CONF
}

api_answers() {
  [[ -S "$CONTAINERS_SOCKET" ]] && curl -sf --max-time 2 --unix-socket "$CONTAINERS_SOCKET" http://d/_ping > /dev/null 2>&1
}

start_service() {
  write_configuration
  if api_answers; then
    echo "engine: already serving on $DOCKER_HOST"
    return
  fi
  command -v podman > /dev/null || { echo "engine: podman is not installed; run: bash scripts/containers/engine.sh install" >&2; exit 1; }
  rm -f "$CONTAINERS_SOCKET"
  # Detached in its own session, so the caller's Ctrl-C does not stop it; `down` does, by pid.
  setsid podman system service --time=0 "$DOCKER_HOST" > "$LOG_FILE" 2>&1 < /dev/null &
  echo $! > "$PID_FILE"
  for _ in $(seq 1 100); do
    if api_answers; then
      echo "engine: podman $(podman version --format '{{.Server.Version}}' 2> /dev/null || echo '?') serving the Docker API on $DOCKER_HOST (pid $(cat "$PID_FILE"))"
      return
    fi
    kill -0 "$(cat "$PID_FILE")" 2> /dev/null || break
    sleep 0.1
  done
  echo "engine: the API service did not answer; its log:" >&2
  tail -20 "$LOG_FILE" >&2
  exit 1
}

stop_service() {
  local pid
  pid="$(cat "$PID_FILE" 2> /dev/null || true)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2> /dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2> /dev/null && kill -9 "$pid"
    echo "engine: stopped (pid $pid)"
  fi
  rm -f "$PID_FILE" "$CONTAINERS_SOCKET"
}

mkdir -p "$CONTAINERS_DIR"
case "${1:-}" in
  install) install_engine ;;
  up) start_service ;;
  down) stop_service ;;
  status) api_answers || exit 3 ;;
  env)
    for variable in CONTAINERS_CONF CONTAINERS_STORAGE_CONF CONTAINERS_REGISTRIES_CONF DOCKER_HOST \
      TESTCONTAINERS_RYUK_DISABLED TESTCONTAINERS_HOST_OVERRIDE PODMAN_COMPOSE_DOCKER_COMPOSE_COMPAT PATH; do
      printf 'export %s=%q\n' "$variable" "${!variable}"
    done
    ;;
  *) echo "usage: $0 install|up|down|status|env" >&2; exit 2 ;;
esac
