#!/usr/bin/env bash
# npm run latency -- [--count N] [--mode choreography|orchestration]
# Sequential orders against the running system (npm start), POST to final state.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
exec node --disable-warning=TimeoutNegativeWarning "$REPO_ROOT/apps/demo/dist/src/sequential-latency.js" "$@"
