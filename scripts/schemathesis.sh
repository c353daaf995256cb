#!/usr/bin/env bash
# Schemathesis (https://schemathesis.io), pinned, in a directory of its own under
# .local/schemathesis: installed from PyPI on first use, into a virtual environment
# (python3 -m venv), or where python3 has no venv module, with pip --target.
#
#   schemathesis.sh install     install it (idempotent)
#   schemathesis.sh <args...>   run it: schemathesis <args...>
set -euo pipefail
SCHEMATHESIS_VERSION=4.32.5
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOME_DIR="$ROOT/.local/schemathesis/$SCHEMATHESIS_VERSION"
VENV_BIN="$HOME_DIR/bin/schemathesis"
TARGET="$HOME_DIR/site-packages"

install() {
  command -v python3 > /dev/null || { echo "schemathesis: python3 is required" >&2; return 1; }
  echo "schemathesis: installing schemathesis==$SCHEMATHESIS_VERSION into $HOME_DIR (one-off)" >&2
  rm -rf "$HOME_DIR"
  if python3 -m venv "$HOME_DIR" > /dev/null 2>&1; then
    "$HOME_DIR/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
  else
    rm -rf "$HOME_DIR"
    python3 -m pip install --quiet --disable-pip-version-check --target "$TARGET" \
      "schemathesis==$SCHEMATHESIS_VERSION" >&2
  fi
}

if [[ ! -x "$VENV_BIN" && ! -d "$TARGET/schemathesis" ]]; then
  install
fi
if [[ "${1:-}" == install ]]; then
  exit 0
fi
if [[ -x "$VENV_BIN" ]]; then
  exec "$VENV_BIN" "$@"
fi
PYTHONPATH="$TARGET${PYTHONPATH:+:$PYTHONPATH}" exec python3 -m schemathesis.cli "$@"
