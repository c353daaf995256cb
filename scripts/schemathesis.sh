#!/usr/bin/env bash
# Schemathesis (https://schemathesis.io), pinned, in a virtual environment of its own
# under .local/schemathesis: installed from PyPI with python3 -m venv and pip on first use.
#
#   schemathesis.sh install     install it (idempotent), print nothing else
#   schemathesis.sh <args...>   run it: schemathesis <args...>
set -euo pipefail
SCHEMATHESIS_VERSION=4.32.5
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.local/schemathesis/$SCHEMATHESIS_VERSION"

if [[ ! -x "$VENV/bin/schemathesis" ]]; then
  command -v python3 > /dev/null || { echo "schemathesis: python3 is required" >&2; exit 1; }
  echo "schemathesis: installing schemathesis==$SCHEMATHESIS_VERSION into $VENV (one-off)" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi
if [[ "${1:-}" == install ]]; then
  exit 0
fi
exec "$VENV/bin/schemathesis" "$@"
