#!/usr/bin/env bash
# npm run -s token -- --sub <customerId> | --admin | --service <clientId> [--ttl <seconds>]
# Prints a token of the local issuer, whose key pair is made under .local/auth the first time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
exec node "$REPO_ROOT/libs/shared/auth/dist/src/cli/token.js" "$@"
