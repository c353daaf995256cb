# shellcheck shell=bash
# Installs the npm dependencies when they are missing or older than the lockfile.
# Expects node.sh to have been sourced.

ensure_dependencies() {
  local marker="$REPO_ROOT/node_modules/.package-lock.json"
  if [[ -f "$marker" && "$marker" -nt "$REPO_ROOT/package-lock.json" ]]; then
    return 0
  fi
  echo "deps: installing npm dependencies (npm ci)" >&2
  (cd "$REPO_ROOT" && npm ci --no-fund --no-audit --loglevel=error)
}
